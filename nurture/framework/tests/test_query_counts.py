"""The registrar's list of framework versions reads the same number of queries however many
versions there are."""

from __future__ import annotations

from conftest import client_for
from nurture.core.tests.queries import page_queries
from nurture.framework.models import FrameworkVersion

VERSIONS = 4


def test_the_framework_versions_read_as_many_queries_for_twelve_as_for_two(registrar):
    client = client_for(registrar)
    assert list(FrameworkVersion.objects.values_list("number", flat=True)) == [1]  # the edition the site ships
    FrameworkVersion.objects.create(number=2, title="Edition 2")
    two, _page = page_queries(client, "/staff/framework/")
    for number in range(3, 13):
        FrameworkVersion.objects.create(number=number, title=f"Edition {number}")
    twelve, page = page_queries(client, "/staff/framework/")
    assert page.count("Publish version ") == 11 and "Edition 12" in page
    assert (two, twelve) == (VERSIONS, VERSIONS)
