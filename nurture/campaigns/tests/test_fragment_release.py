"""Rendered fragments kept in the shared cache belong to the code that rendered them:
after a deployment whose templates changed, visitors see the new templates at once,
not the old ones for a day."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from nurture.campaigns.models import Campaign
from nurture.campaigns.selectors import cached_fragment
from nurture.core.visitor_cache import code_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(settings):
    def deploy(name: str) -> None:
        settings.NURTURE_RELEASE = name
        code_release.cache_clear()

    yield deploy
    code_release.cache_clear()


def test_a_new_release_renders_the_fragment_again(release):
    campaign = Campaign.objects.create(
        year=2031,
        slug="2031",
        name="Awareness Week 2031",
        theme="Seen and heard",
        starts_on=date(2031, 6, 9),
        ends_on=date(2031, 6, 15),
    )
    cache.clear()
    release("old-commit")
    assert cached_fragment(campaign, "landing", lambda: "old template") == "old template"
    assert cached_fragment(campaign, "landing", lambda: "never rendered") == "old template"
    release("new-commit")
    assert cached_fragment(campaign, "landing", lambda: "new template") == "new template"


def test_without_a_named_release_the_code_itself_names_it(release):
    release("")
    first = code_release()
    assert len(first) == 16
    code_release.cache_clear()
    assert code_release() == first
