"""The directory as a visitor uses it: each filter narrows the list as it says, a course page
tells what a person needs to decide, the API gives the same list, and bad input is a clear 400."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry
from nurture.training.models import Course
from nurture.training.services import TrainingError, course_accredit

pytestmark = pytest.mark.django_db


def _listed(client: Client, **query: str) -> list[str]:
    answer = client.get(reverse("api:courses_list_api"), query)
    assert answer.status_code == 200, answer.content
    return [row["slug"] for row in answer.json()["results"]]


def test_each_filter_narrows_the_list_as_it_says(courses: dict[str, Course]) -> None:
    client = Client()
    # Published courses with a cohort to come, by their next cohort.
    assert _listed(client) == ["free-online", "bristol", "leeds"]
    assert _listed(client, free="true") == ["free-online"]
    assert _listed(client, competency="D4.1") == ["bristol", "leeds"]
    assert _listed(client, level="postgraduate-certificate") == ["bristol"]
    assert _listed(client, format="in-person") == ["leeds"]
    # A region: the courses taught there, and online courses open to anyone in the UK.
    assert _listed(client, region="yorkshire") == ["free-online", "leeds"]
    later = courses["leeds"].sessions.get().starts_at.date()
    assert _listed(client, start=later.isoformat()) == ["leeds"]
    page = client.get(reverse("training:list"), {"free": "on"}).content.decode()
    assert "1 course with a cohort to come" in page and "Free online" in page and "Bristol" not in page


def test_the_api_row_says_what_a_program_needs(courses: dict[str, Course]) -> None:
    row = Client().get(reverse("api:courses_list_api"), {"level": "postgraduate-certificate"}).json()["results"][0]
    assert row["cost"] == "£2,550" and row["free"] is False and row["region_label"] == "South West"
    assert row["competencies"] == ["D4.1"] and row["accredited"] is False
    assert row["url"].endswith("/courses/bristol/")


@pytest.mark.parametrize(
    ("query", "api"),
    [
        ({"level": "doctorate"}, 422),
        ({"region": "atlantis"}, 422),
        ({"start": "2027-02-30"}, 422),
        ({"competency": "D1\x00"}, 400),  # refused before the API reads it
    ],
)
def test_bad_filters_are_refused_plainly(courses: dict[str, Course], query: dict[str, str], api: int) -> None:
    """The page answers 400 and says what was wrong; the API 422 for a parameter it cannot read."""
    assert Client().get(reverse("api:courses_list_api"), query).status_code == api
    assert Client().get(reverse("training:list"), query).status_code == 400
    assert Client().get(reverse("api:courses_list_api"), {"page": "0"}).status_code == 422


def test_the_page_says_what_was_wrong_and_keeps_the_other_filters(courses: dict[str, Course]) -> None:
    page = Client().get(reverse("training:list"), {"start": "1850-01-01", "format": "online"})
    text = page.content.decode()
    assert page.status_code == 400 and "Enter a date between 2000 and 2100." in text
    assert '<option value="online" selected>' in text


def test_a_course_page_has_what_a_person_needs_to_decide(courses: dict[str, Course]) -> None:
    registrar = make_person("registrar@example.org", Role.REGISTRAR)
    course_accredit(course=courses["bristol"], accredited=True, actor=registrar, reason="Panel of 3 May")
    page = Client().get(reverse("training:detail", args=["bristol"])).content.decode()
    assert "Accredited by the association" in page and "£2,550" in page and "South West" in page
    assert "D4.1" in page and "Cohort from" in page
    assert Client().get(reverse("training:detail", args=["hidden"])).status_code == 404
    assert Client().get(reverse("training:detail", args=["no-such-course"])).status_code == 404


def test_only_the_registrar_accredits_and_it_is_audited(courses: dict[str, Course]) -> None:
    registrar = make_person("registrar@example.org", Role.REGISTRAR)
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    with pytest.raises(TrainingError):
        course_accredit(course=courses["leeds"], accredited=True, actor=coordinator)
    assert not Course.objects.get(slug="leeds").is_accredited
    course_accredit(course=courses["leeds"], accredited=True, actor=registrar, reason="Panel")
    course_accredit(course=courses["leeds"], accredited=True, actor=registrar, reason="Again")  # no change
    assert Course.objects.get(slug="leeds").is_accredited
    assert AuditEntry.objects.filter(action="training.course.accredited").count() == 1


def test_the_feed_holds_the_filtered_cohorts_and_open_days_and_reads_back(courses: dict[str, Course]) -> None:
    from datetime import timedelta

    from icalendar import Calendar

    from nurture.training.models import Session

    bristol = courses["bristol"]
    cohort = bristol.sessions.get()
    open_day = Session.objects.create(
        course=bristol,
        kind=Session.Kind.OPEN_DAY,
        starts_at=cohort.starts_at - timedelta(days=20),
        ends_at=cohort.starts_at - timedelta(days=20, hours=-2),
        place="Glenside Campus, Bristol",
        capacity=30,
        booking_deadline=cohort.starts_at - timedelta(days=21),
    )
    answer = Client().get(reverse("training:feed"), {"region": "south-west", "format": "blended"})
    assert answer.status_code == 200 and answer["Content-Type"] == "text/calendar; charset=utf-8"
    events = list(Calendar.from_ical(answer.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Open day: Bristol", "Course starts: Bristol"]
    assert str(events[0]["location"]) == "Glenside Campus, Bristol"
    assert events[0]["dtstart"].dt == open_day.starts_at and str(events[0]["uid"]).startswith(
        f"training-session-{open_day.pk}@"
    )
    everything = Calendar.from_ical(Client().get(reverse("training:feed")).content).walk("VEVENT")
    assert {str(e["summary"]) for e in everything} >= {"Course starts: Free online", "Course starts: Leeds"}
    assert not any("Past" in str(e["summary"]) or "Hidden" in str(e["summary"]) for e in everything)
    refused = Client().get(reverse("training:feed"), {"region": "atlantis"})
    assert refused.status_code == 400 and "Region" in refused.content.decode()


def test_a_cohort_already_begun_is_not_offered_on_the_course_page(courses: dict[str, Course]) -> None:
    page = Client().get(reverse("training:detail", args=["past"])).content.decode()
    assert "No cohort is planned yet." in page and "Cohort from" not in page
