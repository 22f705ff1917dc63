"""A request body over the limits in settings is answered 400 with a plain message, and saves nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import client_for
from nurture.portfolios.models import Evidence

pytestmark = pytest.mark.django_db


def test_the_limits_come_from_settings_with_safe_defaults():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_a_body_over_the_limit_is_answered_400_and_saves_nothing(practitioner):
    client = client_for(practitioner)
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("portfolios:record_new", args=["evidence"]), {"title": "Big", "text": text})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Evidence.objects.exists()


def test_too_many_fields_are_answered_400_and_save_nothing(practitioner):
    client = client_for(practitioner)
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("portfolios:record_new", args=["evidence"]), {"title": "Many", **fields})
    assert response.status_code == 400
    assert "too many fields" in response.content.decode()
    assert not Evidence.objects.exists()
