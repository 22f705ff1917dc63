"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
MFA_KEY = "wXyLqE8Z1m0pH4n5tC2vB7rK9sD3fG6hJ1kL0aQ2uY8="


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "NURTURE_MFA_KEYS"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_checks_with_no_warning():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x9!" + "k" * 60 + "Zq7#w2",
        DJANGO_ALLOWED_HOSTS="nurture.example.org",
        NURTURE_MFA_KEYS=MFA_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_hashes_passwords_strongly():
    """The suite hashes with MD5 (root conftest); production must not."""
    result = manage(
        "shell",
        "-c",
        "from django.contrib.auth.hashers import get_hasher; print(get_hasher().algorithm)",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x9!" + "k" * 60 + "Zq7#w2",
        DJANGO_ALLOWED_HOSTS="nurture.example.org",
        NURTURE_MFA_KEYS=MFA_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split()[-1] in ("pbkdf2_sha256", "argon2", "scrypt"), result.stdout


def test_the_suite_hashes_passwords_fast(db):
    from conftest import make_person

    assert make_person("fast@example.org").password.startswith("md5$")


def test_production_refuses_to_start_without_a_key_for_second_factors():
    result = manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "NURTURE_MFA_KEYS must be set" in result.stderr


def test_a_key_for_second_factors_that_is_not_a_fernet_key_names_the_variable():
    result = manage("check", NURTURE_MFA_KEYS=f"{MFA_KEY},not-a-key")
    assert result.returncode != 0
    assert "NURTURE_MFA_KEYS: key 2 is not a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_names_the_variable():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false, not 'maybe'" in result.stderr


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_days_by_name_are_read_from_state_days_pairs_and_unset_is_none(monkeypatch):
    from nurture.settings import envdays

    monkeypatch.delenv("NURTURE_TEST_DAYS", raising=False)
    assert envdays("NURTURE_TEST_DAYS") is None
    monkeypatch.setenv("NURTURE_TEST_DAYS", " ")
    assert envdays("NURTURE_TEST_DAYS") is None
    monkeypatch.setenv("NURTURE_TEST_DAYS", "submitted:21, appeal : 0")
    assert envdays("NURTURE_TEST_DAYS") == {"submitted": 21, "appeal": 0}


@pytest.mark.parametrize("raw", ["submitted", "submitted:", ":3", "submitted:three", "submitted:-1", "a:1,,b:2"])
def test_days_not_written_as_name_days_pairs_stop_start_up_naming_the_variable(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from nurture.settings import envdays

    monkeypatch.setenv("NURTURE_TEST_DAYS", raw)
    with pytest.raises(ImproperlyConfigured, match="NURTURE_TEST_DAYS must be name:days pairs"):
        envdays("NURTURE_TEST_DAYS")


@pytest.mark.parametrize(("value", "prepared"), [(None, True), ("false", False)])
def test_postgresql_prepares_repeated_statements_unless_told_not_to(value, prepared):
    """Read without connecting: the options the settings give a PostgreSQL database."""
    env = {"DATABASE_URL": "postgres://someone:secret@db.example.org:5432/nurture"}
    if value is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(sorted(settings.DATABASES['default']['OPTIONS'].items()))",
        **env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    options = result.stdout.strip().splitlines()[-1]
    if prepared:
        assert options == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    else:
        assert "server_side_binding" not in options and "prepare_threshold" not in options
