"""Staff second factors are kept secret: encrypted in the database, never shown in the admin."""

from __future__ import annotations

import importlib
import json
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conftest import PASSWORD, TOTP_SECRET, client_for, make_person
from nurture.accounts.mfa_secrets import secret_encrypt
from nurture.accounts.roles import Role

SEED = "5eed" * 20  # the shape allauth's seeds have: 80 hex digits
migration = importlib.import_module("nurture.accounts.migrations.0003_encrypt_mfa_secrets")


@pytest.fixture
def known_seed(monkeypatch):
    monkeypatch.setattr(RecoveryCodes, "generate_seed", classmethod(lambda cls: SEED))


def stored_data(authenticator: Authenticator) -> str:
    """The `data` column as the database holds it, read past the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        (raw,) = cursor.fetchone()
    return raw if isinstance(raw, str) else json.dumps(raw)


def current_code() -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(TOTP_SECRET, counters[len(counters) // 2]))


def test_a_totp_secret_is_not_stored_in_plain_text(registrar):
    totp = Authenticator.objects.get(user=registrar, type=Authenticator.Type.TOTP)

    raw = stored_data(totp)

    assert TOTP_SECRET not in raw
    assert json.loads(raw)["secret"].startswith("gAAAAA")


def test_a_recovery_code_seed_is_not_stored_in_plain_text(registrar, known_seed):
    codes = RecoveryCodes.activate(registrar)

    raw = stored_data(codes.instance)

    assert SEED not in raw
    assert json.loads(raw)["seed"].startswith("gAAAAA")


def test_a_registrar_signs_in_with_the_code_from_their_app(registrar):
    client = client_for(None)
    assert client.post(reverse("account_login"), {"login": registrar.email, "password": PASSWORD})[
        "Location"
    ] == reverse("mfa_authenticate")

    signed_in = client.post(reverse("mfa_authenticate"), {"code": current_code()})

    assert signed_in.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_wrong_code_is_still_refused(registrar):
    client = client_for(None)
    client.post(reverse("account_login"), {"login": registrar.email, "password": PASSWORD})
    wrong = "000000" if current_code() != "000000" else "111111"

    refused = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert client.get("/staff/").status_code == 302


def test_a_registrar_signs_in_with_a_recovery_code(registrar, known_seed):
    code = RecoveryCodes.activate(registrar).generate_codes()[0]
    client = client_for(None)
    client.post(reverse("account_login"), {"login": registrar.email, "password": PASSWORD})

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert client.get("/staff/").status_code == 200


# The data migration --------------------------------------------------------------------


def test_the_migration_encrypts_a_secret_stored_in_plain_text_and_leaves_an_encrypted_one_alone(db):
    old = make_person("old.registrar@example.org", Role.REGISTRAR, mfa=False)
    plain_totp = Authenticator.objects.create(user=old, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    plain_codes = Authenticator.objects.create(
        user=old, type=Authenticator.Type.RECOVERY_CODES, data={"seed": SEED, "used_mask": 2}
    )
    already = Authenticator.objects.get(user=make_person("new.registrar@example.org", Role.REGISTRAR))
    already_raw = stored_data(already)

    migration.encrypt_plain_secrets(apps, None)
    migration.encrypt_plain_secrets(apps, None)  # twice is safe

    assert TOTP_SECRET not in stored_data(plain_totp)
    assert SEED not in stored_data(plain_codes)
    assert json.loads(stored_data(plain_codes))["used_mask"] == 2
    assert stored_data(already) == already_raw
    plain_totp.refresh_from_db()
    assert plain_totp.wrap().validate_code(current_code())
    plain_codes.refresh_from_db()
    same_seed = Authenticator(type=Authenticator.Type.RECOVERY_CODES, data={"seed": secret_encrypt(SEED)})
    assert plain_codes.wrap().generate_codes() == RecoveryCodes(same_seed).generate_codes()


# The admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_registrar(db):
    person = make_person("staff.registrar@example.org", Role.REGISTRAR)
    person.is_staff = person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    return person


def test_the_admin_never_shows_a_second_factor_secret(admin_registrar, known_seed):
    registrar = make_person("dana.cole@example.org", Role.REGISTRAR, name="Dana Cole")
    totp = Authenticator.objects.get(user=registrar, type=Authenticator.Type.TOTP)
    codes = RecoveryCodes.activate(registrar).instance
    client = client_for(admin_registrar)
    stored = [json.loads(stored_data(totp))["secret"], json.loads(stored_data(codes))["seed"]]

    pages = [
        client.get("/admin/mfa/authenticator/"),
        client.get(f"/admin/mfa/authenticator/{totp.pk}/change/"),
        client.get(f"/admin/mfa/authenticator/{codes.pk}/change/"),
    ]

    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert "Dana Cole" in html
        for secret in [TOTP_SECRET, SEED, *stored]:
            assert secret not in html


def test_the_admin_cannot_change_a_second_factor(admin_registrar, registrar):
    totp = Authenticator.objects.get(user=registrar, type=Authenticator.Type.TOTP)
    before = stored_data(totp)

    response = client_for(admin_registrar).post(
        f"/admin/mfa/authenticator/{totp.pk}/change/",
        {"user": str(admin_registrar.pk), "type": "totp", "data": json.dumps({"secret": "AAAAAAAAAAAAAAAA"})},
    )

    assert response.status_code == 403
    assert stored_data(totp) == before
    assert Authenticator.objects.get(pk=totp.pk).user == registrar


# Rotating the key -----------------------------------------------------------------------


def test_rotation_encrypts_every_secret_under_the_new_key_so_the_old_one_can_go(registrar, known_seed, settings):
    RecoveryCodes.activate(registrar)
    old_key = settings.NURTURE_MFA_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.NURTURE_MFA_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("mfa_secrets_rotate", stdout=out)

    assert "2 two-factor authenticators" in out.getvalue()
    settings.NURTURE_MFA_KEYS = [new_key]
    totp = Authenticator.objects.get(user=registrar, type=Authenticator.Type.TOTP)
    assert totp.wrap().validate_code(current_code())
    codes = Authenticator.objects.get(user=registrar, type=Authenticator.Type.RECOVERY_CODES)
    assert SEED not in stored_data(codes)
    assert codes.wrap().generate_codes()
