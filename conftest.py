"""Shared fixtures: the personas of the permission table, and a clean outbox.

Personas: visitor (anonymous), practitioner, another practitioner, assessor,
registrar, coordinator and an event organiser (of an organisation of their own).
Staff personas have two-factor authentication set up, as every staff person must.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from nurture.accounts.models import User
from nurture.accounts.roles import Role

if TYPE_CHECKING:
    from nurture.core.tests.mailserver import MailServer

PASSWORD = "a long demo passphrase 2026"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` (a database restart, say) are about PostgreSQL itself:
    the SQLite pass leaves them out, as deselected, and the PostgreSQL pass runs them."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def make_person(email: str, role: str = Role.PRACTITIONER, *, name: str = "", mfa: bool | None = None) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, full_name=name or email.split("@")[0].title(), role=role
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa if mfa is not None else role in (Role.ASSESSOR, Role.REGISTRAR, Role.COORDINATOR):
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def practitioner(db) -> User:
    return make_person("amara.okafor@example.org", name="Amara Okafor")


@pytest.fixture
def other_practitioner(db) -> User:
    return make_person("ben.hughes@example.org", name="Ben Hughes")


@pytest.fixture
def assessor(db) -> User:
    return make_person("assessor@example.org", Role.ASSESSOR)


@pytest.fixture
def registrar(db) -> User:
    return make_person("registrar@example.org", Role.REGISTRAR)


@pytest.fixture
def coordinator(db) -> User:
    return make_person("coordinator@example.org", Role.COORDINATOR)


@pytest.fixture
def event_organiser(db) -> User:
    """An event organiser for "Bristol Baby Club", an organisation with no events yet."""
    from nurture.accounts.models import Organisation

    person = make_person("sam.organiser@example.org", Role.EVENT_ORGANISER, name="Sam Price")
    person.organisation, _ = Organisation.objects.get_or_create(name="Bristol Baby Club")
    person.save(update_fields=["organisation"])
    return person


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def private_media(tmp_path, settings):
    """Uploads go to a temporary folder, never the developer's."""
    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/nowhere/"},
        },
    }
    return location


def ensure_shipped_framework() -> None:
    """Tests on a live server use a transactional database, which is emptied
    after each test, taking the framework that migration 0002 loaded with it."""
    from django.apps import apps
    from django.utils import timezone

    from nurture.framework.data_file import framework_data_read, framework_rows_create
    from nurture.framework.models import FrameworkVersion

    if FrameworkVersion.objects.filter(number=1).exists():
        return
    version = framework_rows_create(
        framework_data_read(1), lambda name: apps.get_model("framework", name), status="published"
    )
    version.is_current = True
    version.published_at = timezone.now()
    version.save(update_fields=["is_current", "published_at"])


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher() -> Iterator[None]:
    """Every test hashes passwords with MD5: the production hasher (PBKDF2) is slow on
    purpose, and signing in is not what most tests are about. Set once here for the
    whole suite; `test_production_hashes_passwords_strongly` checks production still
    uses a strong hasher."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _shipped_framework_for_browser_tests(request):
    if request.node.get_closest_marker("browser"):
        request.getfixturevalue("transactional_db")
        ensure_shipped_framework()


@pytest.fixture(autouse=True)
def _empty_visitor_page_cache():
    """Cached public pages are keyed by database ids and versions, which tests reuse."""
    from nurture.core.visitor_cache import visitor_cache_clear

    visitor_cache_clear()
    yield
    visitor_cache_clear()


@pytest.fixture
def mail_server(settings) -> Iterator[MailServer]:
    """A real SMTP server on loopback, running, that the site sends to; `.stop()`
    and `.start()` take it down and bring it back on the same port."""
    from nurture.core.tests.mailserver import MailServer

    server = MailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()
