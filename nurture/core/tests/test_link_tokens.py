"""The tokens emailed links carry: signed primary keys, and digests of random tokens."""

from __future__ import annotations

import hashlib
import time

import pytest
from django.core import signing

from nurture.core.link_tokens import pk_from_signed_token, signed_token, token_digest


def test_a_signed_token_gives_back_its_primary_key():
    token = signed_token(42, salt="register.subscription.confirm")
    assert pk_from_signed_token(token, salt="register.subscription.confirm") == 42


def test_a_token_signed_for_one_purpose_is_refused_for_another():
    token = signed_token(42, salt="campaigns.pledge.confirm")
    assert pk_from_signed_token(token, salt="campaigns.pledge.withdraw") is None


@pytest.mark.parametrize("token", ["", "42", "not-a-token", "x" * 5000])
def test_anything_not_signed_is_refused(token):
    assert pk_from_signed_token(token, salt="campaigns.pledge.confirm") is None


def test_a_changed_token_is_refused():
    token = signed_token(42, salt="campaigns.pledge.confirm")
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert pk_from_signed_token(changed, salt="campaigns.pledge.confirm") is None


def test_a_token_older_than_max_age_is_refused(monkeypatch):
    token = signed_token(42, salt="campaigns.pledge.confirm")
    assert pk_from_signed_token(token, salt="campaigns.pledge.confirm", max_age=60) == 42
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 61)
    assert pk_from_signed_token(token, salt="campaigns.pledge.confirm", max_age=60) is None
    assert pk_from_signed_token(token, salt="campaigns.pledge.confirm") == 42


def test_a_signed_value_that_is_not_a_primary_key_is_refused():
    token = signing.dumps({"pk": 42}, salt="campaigns.pledge.confirm")
    assert pk_from_signed_token(token, salt="campaigns.pledge.confirm") is None


def test_the_digest_is_the_sha256_of_the_token_and_never_holds_it():
    token = "tYx3i0l8C7U5m2Qd-_random"
    digest = token_digest(token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert len(digest) == 64 and token not in digest
    assert token_digest(token + "x") != digest
