"""The competency framework: its data file, importing and publishing editions, and
the public pages and API that show it."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
from django.utils.html import escape

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.framework.data_file import framework_data_problems, framework_data_read
from nurture.framework.models import Competency, FrameworkVersion
from nurture.framework.services import FrameworkError, framework_import, framework_publish

REQUIREMENTS = (
    "min_education",
    "training_hours",
    "experience_months",
    "families_served",
    "supervision_hours",
    "supervision_window_months",
    "references",
    "reference_roles",
    "exam_required",
    "renewal_cpd_hours",
    "renewal_supervision_hours",
)


@pytest.fixture
def shipped() -> dict[str, Any]:
    """A fresh copy of the file the project ships, safe to break."""
    return framework_data_read(1)


def competencies_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for domain in data["domains"] for c in domain["competencies"]]


def second_edition(data: dict[str, Any]) -> dict[str, Any]:
    edition = copy.deepcopy(data)
    edition["version"] = 2
    edition["domains"][0]["competencies"][0]["name"] = "Early development, revised"
    return edition


def snapshot(version: FrameworkVersion) -> dict[str, Any]:
    """Everything an application pinned to `version` relies on."""
    return {
        "competencies": list(
            Competency.objects.filter(domain__version=version).values_list("code", "name", "description")
        ),
        "levels": list(version.levels.values("code", "name", *REQUIREMENTS)),
        "level_competencies": {
            level.code: sorted(c.code for c in level.competencies.all()) for level in version.levels.all()
        },
    }


# The data file ----------------------------------------------------------------------


def test_the_shipped_file_has_no_problems(shipped):
    assert framework_data_problems(shipped) == []


def test_the_shipped_file_is_a_whole_framework(shipped):
    competencies = competencies_of(shipped)
    assert len(shipped["domains"]) >= 8
    assert len(competencies) >= 30
    assert all(2 <= len(c["indicators"]) <= 5 for c in competencies)
    assert len(shipped["levels"]) >= 3
    for level in shipped["levels"]:
        assert all(isinstance(level[key], int) for key in ("training_hours", "experience_months", "references"))
        assert level["competencies"]


def test_something_that_is_not_an_object_is_one_problem():
    assert framework_data_problems([1, 2, 3]) == ["The file must hold one JSON object"]


def test_a_missing_competency_name_is_a_problem(shipped):
    del shipped["domains"][1]["competencies"][2]["name"]
    assert framework_data_problems(shipped) == ["domain 2, competency 3: 'name' must be non-empty text"]


def test_a_missing_level_requirement_is_a_problem(shipped):
    del shipped["levels"][1]["exam_required"]
    del shipped["levels"][2]["supervision_hours"]
    assert framework_data_problems(shipped) == [
        "level 2: 'exam_required' must be true or false",
        "level 3: 'supervision_hours' must be a whole number, 0 or more",
    ]


def test_a_missing_version_is_a_problem(shipped):
    del shipped["version"]
    assert framework_data_problems(shipped) == ["'version' must be a whole number of at least 1"]


def test_a_level_naming_an_unknown_competency_is_a_problem(shipped):
    shipped["levels"][0]["competencies"].append("D99.9")
    assert framework_data_problems(shipped) == ["level 1: unknown competencies D99.9"]


def test_a_competency_code_used_twice_is_a_problem(shipped):
    shipped["domains"][2]["competencies"][0]["code"] = "D1.1"
    problems = framework_data_problems(shipped)
    assert "domain 3, competency 1: code D1.1 is used twice" in problems


def test_a_domain_code_used_twice_is_a_problem(shipped):
    shipped["domains"][1]["code"] = shipped["domains"][0]["code"]
    problems = framework_data_problems(shipped)
    assert problems
    assert any("D1" in problem and "twice" in problem for problem in problems)


def test_a_level_code_used_twice_is_a_problem(shipped):
    shipped["levels"][1]["code"] = shipped["levels"][0]["code"]
    assert framework_data_problems(shipped) == ["level 2: code promotion is used twice"]


@pytest.mark.parametrize("how_many", [0, 1, 6])
def test_a_competency_needs_two_to_five_indicators(shipped, how_many):
    shipped["domains"][0]["competencies"][1]["indicators"] = [f"Indicator {n}" for n in range(how_many)]
    assert framework_data_problems(shipped) == ["domain 1, competency 2: 'indicators' must be 2 to 5 pieces of text"]


def test_a_blank_indicator_is_a_problem(shipped):
    shipped["domains"][0]["competencies"][0]["indicators"][1] = "   "
    assert framework_data_problems(shipped) == ["domain 1, competency 1: 'indicators' must be 2 to 5 pieces of text"]


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        (lambda d: d, "framework: 'title' is 1,000,000 characters; it can be at most 200"),
        (lambda d: d["domains"][0], "domain 1: 'description' is 1,000,000 characters; it can be at most 5,000"),
        (
            lambda d: d["domains"][0]["competencies"][1],
            "domain 1, competency 2: 'name' is 1,000,000 characters; it can be at most 200",
        ),
        (lambda d: d["levels"][1], "level 2: 'scope' is 1,000,000 characters; it can be at most 5,000"),
    ],
)
def test_text_longer_than_its_column_is_a_problem(shipped, where, problem):
    key = problem.split("'")[1]
    where(shipped)[key] = "x" * 1_000_000
    assert framework_data_problems(shipped) == [problem]


def test_a_code_longer_than_its_column_is_a_problem(shipped):
    shipped["domains"][0]["competencies"][0]["code"] = "D1." + "1" * 20
    shipped["levels"][0]["code"] = "p" * 33
    assert framework_data_problems(shipped)[:2] == [
        "domain 1, competency 1: 'code' is 23 characters; it can be at most 16",
        "level 1: 'code' is 33 characters; it can be at most 32",
    ]


def test_a_long_indicator_or_summary_is_a_problem(shipped):
    shipped["domains"][0]["competencies"][0]["indicators"][0] = "x" * 1001
    shipped["summary"] = "x" * 5001
    assert framework_data_problems(shipped) == [
        "framework: 'summary' must be text of at most 5,000 characters",
        "domain 1, competency 1: each indicator can be at most 1,000 characters",
    ]


def test_a_registrar_importing_a_megabyte_description_is_told_and_nothing_is_imported(registrar, shipped):
    edition = second_edition(shipped)
    edition["domains"][0]["description"] = "x" * 1_000_000
    upload = io.BytesIO(json.dumps(edition).encode())
    upload.name = "framework-2.json"
    response = client_for(registrar).post("/staff/framework/", {"data_file": upload})
    assert response.status_code == 400
    assert (
        "domain 1: &#x27;description&#x27; is 1,000,000 characters; it can be at most 5,000"
        in response.content.decode()
    )
    assert list(FrameworkVersion.objects.values_list("number", flat=True)) == [1]


def test_control_characters_in_the_file_are_problems_a_registrar_can_act_on(shipped):
    shipped["title"] = "Competencies\u2028revised"
    shipped["domains"][0]["name"] = "Early\x1bdevelopment"
    shipped["domains"][0]["description"] = "Paragraph one.\n\nParagraph\ttwo."  # line breaks and tabs are fine
    shipped["domains"][1]["description"] = "Evil\x00text"
    shipped["domains"][0]["competencies"][0]["indicators"][0] = "One\nline"
    assert framework_data_problems(shipped) == [
        "framework: 'title' must be on one line, without line breaks or control characters",
        "domain 1: 'name' must be on one line, without line breaks or control characters",
        "domain 1, competency 1: each indicator must be on one line, without control characters",
        "domain 2: 'description' holds control characters (invisible characters such as NUL); remove them",
    ]


def test_a_registrar_importing_a_file_with_a_nul_is_told_and_nothing_is_imported(registrar, shipped):
    """A NUL escaped in JSON (\\u0000) passes the door; PostgreSQL could not store it."""
    edition = second_edition(shipped)
    edition["title"] = "Evil\u0000title"
    upload = io.BytesIO(json.dumps(edition).encode())
    upload.name = "framework-2.json"
    response = client_for(registrar).post("/staff/framework/", {"data_file": upload})
    assert response.status_code == 400
    assert "framework: &#x27;title&#x27; must be on one line" in response.content.decode()
    assert list(FrameworkVersion.objects.values_list("number", flat=True)) == [1]


def test_every_problem_is_listed_not_just_the_first(shipped):
    del shipped["title"]
    shipped["domains"][0]["competencies"][0]["indicators"] = ["Only one"]
    shipped["levels"][0]["min_education"] = "phd"
    assert len(framework_data_problems(shipped)) == 3


# Importing and publishing -----------------------------------------------------------


def test_the_shipped_edition_is_the_current_one(db):
    (version,) = FrameworkVersion.objects.all()
    assert (version.number, version.status, version.is_current) == (1, FrameworkVersion.Status.PUBLISHED, True)


def test_importing_a_new_edition_makes_a_draft(registrar, shipped):
    version = framework_import(data=second_edition(shipped), actor=registrar)
    assert version.number == 2
    assert version.status == FrameworkVersion.Status.DRAFT
    assert not version.is_current
    assert Competency.objects.get(domain__version=version, code="D1.1").name == "Early development, revised"
    assert FrameworkVersion.objects.get(is_current=True).number == 1
    assert AuditEntry.objects.filter(action="framework.version.imported", actor=registrar).count() == 1


def test_a_draft_is_not_public(registrar, shipped):
    framework_import(data=second_edition(shipped), actor=registrar)
    client = client_for(None)
    assert client.get("/api/v1/framework").json()["version"] == 1
    assert client.get("/api/v1/framework/versions/2").status_code == 404
    (draft, published) = FrameworkVersion.objects.order_by("-number")
    assert (draft.is_published, published.is_published) == (False, True)
    page = client_for(registrar).get("/staff/framework/").content.decode()
    assert 'View<span class="visually-hidden"> version 1</span>' in page
    assert 'View<span class="visually-hidden"> version 2</span>' not in page


def test_importing_an_existing_version_number_is_refused(registrar, shipped):
    with pytest.raises(FrameworkError, match="Version 1 exists already"):
        framework_import(data=shipped, actor=registrar)
    assert FrameworkVersion.objects.count() == 1


def test_importing_a_broken_file_is_refused_with_its_problems(registrar, shipped):
    edition = second_edition(shipped)
    edition["levels"][0]["competencies"].append("D99.9")
    with pytest.raises(FrameworkError, match=r"unknown competencies D99\.9"):
        framework_import(data=edition, actor=registrar)
    assert FrameworkVersion.objects.count() == 1


def test_importing_a_file_with_a_domain_code_used_twice_is_refused_with_a_message(registrar, shipped):
    edition = second_edition(shipped)
    edition["domains"][1]["code"] = edition["domains"][0]["code"]
    with pytest.raises(FrameworkError):
        framework_import(data=edition, actor=registrar)
    assert FrameworkVersion.objects.count() == 1


def test_publishing_makes_the_new_edition_current_and_leaves_the_old_one_unchanged(registrar, shipped):
    first = FrameworkVersion.objects.get(number=1)
    before = snapshot(first)
    second = framework_import(data=second_edition(shipped), actor=registrar)

    framework_publish(version=second, actor=registrar)

    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_current
    assert second.status == FrameworkVersion.Status.PUBLISHED
    assert second.published_at is not None
    assert not first.is_current
    assert first.status == FrameworkVersion.Status.PUBLISHED
    assert snapshot(first) == before
    assert Competency.objects.get(domain__version=first, code="D1.1").name != "Early development, revised"


def test_publishing_writes_an_audit_entry(registrar, shipped):
    second = framework_import(data=second_edition(shipped), actor=registrar)
    framework_publish(version=second, actor=registrar)
    audit = AuditEntry.objects.get(action="framework.version.published")
    assert audit.actor == registrar
    assert audit.target_id == str(second.pk)
    assert audit.data == {"number": 2, "previous": 1}


def test_publishing_the_current_edition_again_is_refused(registrar):
    with pytest.raises(FrameworkError, match="already the current edition"):
        framework_publish(version=FrameworkVersion.objects.get(number=1), actor=registrar)
    assert not AuditEntry.objects.filter(action="framework.version.published").exists()


def test_after_publishing_the_api_serves_the_new_edition_and_keeps_the_old(registrar, shipped):
    framework_publish(version=framework_import(data=second_edition(shipped), actor=registrar), actor=registrar)
    client = client_for(None)
    current = client.get("/api/v1/framework").json()
    earlier = client.get("/api/v1/framework/versions/1").json()
    assert current["version"] == 2
    assert current["domains"][0]["competencies"][0]["name"] == "Early development, revised"
    assert earlier["domains"][0]["competencies"][0]["name"] == shipped["domains"][0]["competencies"][0]["name"]
    assert [v["version"] for v in client.get("/api/v1/framework/versions").json()] == [2, 1]


# Public pages -----------------------------------------------------------------------


def test_the_framework_page_lists_the_domains(db, shipped):
    response = client_for(None).get("/framework/")
    assert response.status_code == 200
    page = response.content.decode()
    for domain in shipped["domains"]:
        assert escape(domain["name"]) in page
    for level in shipped["levels"]:
        assert escape(level["name"]) in page


def test_the_framework_page_needs_only_a_few_queries(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client_for(None).get("/framework/")


def test_a_competency_page_shows_its_indicators(db, shipped):
    (d11,) = [c for c in competencies_of(shipped) if c["code"] == "D1.1"]
    response = client_for(None).get("/framework/competencies/D1.1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(d11["name"]) in page
    for indicator in d11["indicators"]:
        assert escape(indicator) in page


def test_a_level_page_shows_its_requirements(db, shipped):
    (prevention,) = [level for level in shipped["levels"] if level["code"] == "prevention"]
    response = client_for(None).get("/framework/levels/prevention/")
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(prevention["name"]) in page
    assert f"At least {prevention['training_hours']} hours" in page
    assert f"At least {prevention['experience_months']} months" in page
    assert f"At least {prevention['supervision_hours']} hours in the last" in page
    for code in prevention["competencies"]:
        assert code in page


def test_an_unknown_competency_is_not_found(db):
    assert client_for(None).get("/framework/competencies/D99.9/").status_code == 404


def test_an_unknown_level_is_not_found(db):
    assert client_for(None).get("/framework/levels/astronaut/").status_code == 404


# The API ----------------------------------------------------------------------------


def test_the_api_returns_the_whole_current_framework(db, shipped):
    response = client_for(None).get("/api/v1/framework")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["version"] == 1
    assert [d["code"] for d in body["domains"]] == [d["code"] for d in shipped["domains"]]
    served = [c for d in body["domains"] for c in d["competencies"]]
    assert [(c["code"], c["name"], c["indicators"]) for c in served] == [
        (c["code"], c["name"], c["indicators"]) for c in competencies_of(shipped)
    ]
    assert len(body["levels"]) == len(shipped["levels"])
    for served_level, level in zip(body["levels"], shipped["levels"], strict=True):
        assert served_level["code"] == level["code"]
        assert {key: served_level[key] for key in REQUIREMENTS} == {key: level[key] for key in REQUIREMENTS}
        assert sorted(served_level["competencies"]) == sorted(level["competencies"])


def test_the_openapi_document_describes_the_framework_endpoint(db):
    response = client_for(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert "/api/v1/framework" in document["paths"]
    assert "get" in document["paths"]["/api/v1/framework"]
