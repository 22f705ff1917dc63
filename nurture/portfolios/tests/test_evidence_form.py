"""The evidence form: competencies grouped by framework domain, a filter that works
without JavaScript and never unticks a competency, and a competency ticked from readiness."""

from __future__ import annotations

import re

import pytest

from conftest import client_for
from nurture.framework.models import Competency, Domain

pytestmark = pytest.mark.django_db

URL = "/portfolio/evidence/new/"


def shown(page: str) -> list[str]:
    return re.findall(r'name="competencies" value="(\d+)"', page)


def current() -> list[Competency]:
    return list(Competency.objects.filter(domain__version__is_current=True).select_related("domain"))


def test_competencies_sit_in_a_fieldset_per_domain_with_its_legend(practitioner):
    page = client_for(practitioner).get(URL).content.decode()
    domains = Domain.objects.filter(version__is_current=True)
    for domain in domains:
        assert f'<fieldset class="domain"><legend>{domain.code} {domain.name}</legend>' in page
    assert len(shown(page)) == len(current())


def test_the_filter_narrows_the_list_by_its_words(practitioner):
    page = client_for(practitioner).get(URL, {"q": "attachment"}).content.decode()
    expected = [c for c in current() if "attachment" in f"{c.code} {c.name} {c.domain.code} {c.domain.name}".lower()]
    assert expected and len(expected) < len(current())
    assert shown(page) == [str(c.pk) for c in sorted(expected, key=lambda c: (c.domain.position, c.position))]


def test_filtering_after_typing_keeps_what_was_typed_and_every_ticked_competency(practitioner):
    ticked = next(c for c in current() if "attachment" not in c.name.lower())
    response = client_for(practitioner).post(
        URL,
        {
            "title": "A first home visit",
            "kind": "reflective-account",
            "text": "What I noticed.",
            "competency_filter": "attachment",
            "competencies": [str(ticked.pk)],
            "narrow": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in page
    assert 'value="A first home visit"' in page and "What I noticed." in page
    assert re.search(rf'name="competencies" value="{ticked.pk}"[^>]*checked', page)
    assert len(shown(page)) < len(current())


def test_a_filter_that_matches_nothing_says_so(practitioner):
    page = client_for(practitioner).get(URL, {"q": "zzzz-nothing"}).content.decode()
    assert "No competency mentions that." in page


def test_a_competency_from_readiness_comes_ticked(practitioner):
    competency = current()[3]
    page = client_for(practitioner).get(URL, {"competency": competency.code}).content.decode()
    assert re.search(rf'name="competencies" value="{competency.pk}"[^>]*checked', page)
    assert len(re.findall(r"checked", page)) == 1


def test_relationship_based_training_is_not_ticked_by_default(practitioner):
    page = client_for(practitioner).get("/portfolio/training/new/").content.decode()
    box = re.search(r'<input type="checkbox" name="relationship_based"[^>]*>', page).group(0)
    assert "checked" not in box


def test_the_filter_is_not_marked_optional_as_an_answer_would_be(practitioner):
    page = client_for(practitioner).get(URL).content.decode()

    label = re.search(r'<label for="id_competency_filter">(.*?)</label>', page, re.S)
    assert label and label.group(1) == "Show only competencies that mention"
    assert '<label for="id_file">File <span class="optional">(optional)</span>' in page, "answers keep the mark"
