"""`manage.py demo_codes`: the current two-factor code of each demo staff login, debug only."""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.portfolios.demo import LOGINS

pytestmark = pytest.mark.django_db

# A moment 12 seconds into a 30-second period, so the code cannot roll over mid-test.
NOW = 1_790_000_022.0


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def frozen(monkeypatch):
    """time.time() as allauth and the command both read it."""
    monkeypatch.setattr(time, "time", lambda: NOW)


def demo_codes(*emails: str) -> str:
    out = StringIO()
    call_command("demo_codes", *emails, stdout=out)
    return out.getvalue()


def codes_in(output: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\S+@\S+)\s+(\d{6})$", output, flags=re.MULTILINE))


def demo_staff() -> None:
    call_command("demo", practitioners=0, stdout=StringIO())


def test_it_prints_a_code_allauth_accepts_for_each_demo_staff_login(frozen):
    demo_staff()

    output = demo_codes()

    codes = codes_in(output)
    staff = [login.email for login in LOGINS if login.totp_secret]
    assert list(codes) == staff
    assert len(staff) == 6
    for email, code in codes.items():
        authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        assert TOTP(authenticator).validate_code(code), email
    assert "(18 seconds left, then run this again)" in output


def test_the_code_is_the_one_for_that_login_only(frozen):
    demo_staff()

    codes = codes_in(demo_codes("registrar@demo.nurture.test"))

    assert list(codes) == ["registrar@demo.nurture.test"]
    assessor = Authenticator.objects.get(user__email="assessor@demo.nurture.test", type=Authenticator.Type.TOTP)
    registrar_code = codes["registrar@demo.nurture.test"]
    assert registrar_code != codes_in(demo_codes("assessor@demo.nurture.test"))["assessor@demo.nurture.test"]
    assert not TOTP(assessor).validate_code(registrar_code)


def test_it_refuses_to_run_with_debug_off(settings):
    demo_staff()
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=true"):
        demo_codes()
    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=true"):
        demo_codes("registrar@demo.nurture.test")


def test_it_refuses_an_account_outside_the_demo():
    demo_staff()
    make_person("registrar@example.org", Role.REGISTRAR)

    with pytest.raises(CommandError, match=r"Only demo logins \(@demo\.nurture\.test\).*registrar@example\.org"):
        demo_codes("registrar@example.org")


def test_it_never_prints_a_code_of_an_account_outside_the_demo(frozen):
    demo_staff()
    make_person("registrar@example.org", Role.REGISTRAR)
    make_person("assessor@demo.nurture.test.example.org", Role.ASSESSOR)

    codes = codes_in(demo_codes())

    assert all(email.endswith("@demo.nurture.test") for email in codes)
    assert "registrar@example.org" not in codes


def test_it_says_so_when_a_demo_login_has_no_two_factor():
    demo_staff()

    with pytest.raises(CommandError, match=r"No demo login with two-factor set up: practitioner@demo\.nurture\.test"):
        demo_codes("practitioner@demo.nurture.test")


def test_it_says_to_load_the_demo_first():
    with pytest.raises(CommandError, match=r"Run `manage\.py demo` first"):
        demo_codes()
