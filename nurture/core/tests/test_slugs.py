"""A new row's slug: from its name, never one taken, never a path of the app's own."""

from __future__ import annotations

from nurture.core.slugs import free_slug
from nurture.surveys.models import Survey


def test_a_slug_is_made_from_the_name_and_numbered_when_taken(db):
    assert free_slug(Survey, "Early relationships: 2026!", most=80) == "early-relationships-2026"
    Survey.objects.create(slug="early-relationships-2026", title="x")
    assert free_slug(Survey, "Early relationships: 2026!", most=80) == "early-relationships-2026-2"


def test_a_reserved_word_or_a_name_without_letters_is_not_a_slug(db):
    assert free_slug(Survey, "New", most=80, reserved={"new"}) == "new-survey"
    assert free_slug(Survey, "★ ★ ★", most=80) == "survey"
    assert len(free_slug(Survey, "word " * 100, most=30)) <= 30
