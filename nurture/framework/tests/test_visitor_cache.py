"""The framework's pages are cached whole for visitors under the framework's version:
a hit costs the version read, and publishing a new edition shows at once."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from conftest import client_for
from nurture.core.data_versions import data_versions
from nurture.core.tests.queries import page_queries
from nurture.framework.data_file import framework_data_read
from nurture.framework.models import FrameworkVersion
from nurture.framework.services import framework_import, framework_publish

pytestmark = pytest.mark.django_db
PAGES = ["/framework/", "/framework/search/?q=early+development", "/framework/competencies/D1.1/"]


def _second_edition() -> dict[str, Any]:
    edition = copy.deepcopy(framework_data_read(1))
    edition["version"] = 2
    edition["domains"][0]["competencies"][0]["name"] = "Early development, revised"
    return edition


@pytest.mark.parametrize("url", [*PAGES, "/framework/v1/"])
def test_a_visitors_second_request_costs_the_version_read_alone(url):
    client = client_for(None)
    _queries, first = page_queries(client, url)
    hits, second = page_queries(client, url)
    assert hits == 1 and second == first


def test_a_level_page_is_cached_too():
    level = FrameworkVersion.objects.get(is_current=True).levels.first()
    assert level is not None
    client = client_for(None)
    page_queries(client, f"/framework/levels/{level.code}/")
    hits, page = page_queries(client, f"/framework/levels/{level.code}/")
    assert hits == 1 and level.name in page


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)  # the search marks the words it found


@pytest.mark.parametrize("url", PAGES)
def test_a_new_edition_shows_at_once_and_a_draft_does_not(registrar, url):
    client = client_for(None)
    assert "Early development, revised" not in _text(client.get(url).content.decode())
    second = framework_import(data=_second_edition(), actor=registrar)
    hits, page = page_queries(client, url)
    assert hits == 1 and "Early development, revised" not in _text(page)  # a draft is not public
    framework_publish(version=second, actor=registrar)
    assert "Early development, revised" in _text(client.get(url).content.decode())


def test_someone_signed_in_never_gets_a_visitors_page_nor_leaves_theirs(practitioner):
    client_for(None).get("/framework/")
    signed_in = client_for(practitioner)
    for _ in range(2):
        page = signed_in.get("/framework/").content.decode()
        assert "Sign out" in page and "Create an account" not in page
    visitor = client_for(None).get("/framework/").content.decode()
    assert "Sign out" not in visitor and "Create an account" in visitor


def test_publishing_bumps_the_frameworks_version(registrar):
    second = framework_import(data=_second_edition(), actor=registrar)
    before = data_versions("framework")["framework"]
    framework_publish(version=second, actor=registrar)
    assert data_versions("framework")["framework"] == before + 1
