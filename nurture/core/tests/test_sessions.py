"""The prepared session and user reads answer as Django's own: a live session loads, an
expired or unknown one does not, and an inactive or unknown user is nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from conftest import client_for
from nurture.accounts.backends import ModelBackend
from nurture.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_live_session_loads_and_an_expired_or_unknown_one_does_not():
    store = SessionStore()
    store["kept"] = "yes"
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"kept": "yes"}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-session-key-at-all").load() == {}


def test_the_user_read_is_the_model_backends(practitioner):
    backend = ModelBackend()
    assert backend.get_user(practitioner.pk) == practitioner
    assert backend.get_user(str(practitioner.pk)) == practitioner
    assert backend.get_user("not a number") is None and backend.get_user(10**30) is None
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert backend.get_user(practitioner.pk) is None


def test_a_signed_in_page_uses_them(practitioner):
    client = client_for(practitioner)
    assert client.get("/dashboard/", follow=True).status_code == 200
    assert client.session.__class__ is SessionStore
