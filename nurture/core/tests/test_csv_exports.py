"""Every CSV the site produces, fetched with hostile values stored in every text column:
no cell can start a formula in a spreadsheet.

The CSV URLs are found by walking the URLconf for views that stream through
`core.csv_export.csv_response`, and the list below must match, so a new CSV URL
cannot be missed; no module but core's helper writes CSV or says `text/csv`.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.campaigns.models import Campaign, PledgeSignature
from nurture.campaigns.tests.conftest import make_campaign
from nurture.register.models import RegisterEntry
from nurture.register.tests.conftest import entry_for
from nurture.register.views import CHECK_SALT
from nurture.surveys.tests.conftest import answer, make_survey
from nurture.surveys.tests.report_fixtures import published_with_labels
from nurture.training.models import Booking, Course, Interest, Provider
from nurture.training.tests.conftest import course_made

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]

# Each way a spreadsheet would run a cell, with a mark to find it again in the export.
HOSTILE = [
    '=HYPERLINK("http://evil.example/","Maryam")',
    "+44+cmd",
    "-2+3+cmd",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    "  =cmd",
]
RUNS = re.compile(r"^\s*[=+\-@]|^[\t\r]")


def csv_views(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, Callable[..., object]]]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from csv_views(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern):
            view = inspect.unwrap(pattern.callback)
            try:
                source = inspect.getsource(view)
            except (OSError, TypeError):
                continue
            if "csv_response" in source:
                yield f"{namespace}{pattern.name}", view


@pytest.fixture
def hostile_register():
    """Register entries whose every text column holds a hostile value, as if the form's refusal were bypassed."""
    entries = []
    for n, value in enumerate(HOSTILE):
        person = make_person(f"hostile{n}@example.org", name=f"Hostile {n}")
        entry = entry_for(person, show_employer=True, full_name=value, employer=value, level_name=value)
        entries.append(entry)
    return entries


@pytest.fixture
def hostile_pledge() -> Campaign:
    campaign = make_campaign(2022)
    for n, value in enumerate(HOSTILE):
        PledgeSignature.objects.create(
            campaign=campaign,
            name=value,
            profession=value[:32],  # the choice columns are 32 characters wide
            organisation=value,
            region=value[:32],
            email=f"{value}{n}@example.org",
            canonical_email=f"x{n}@example.org",
            hidden_reason=value,
            created_at="2022-06-14T10:00:00Z",
        )
    return campaign


def fetch_register_export(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    return client_for(None), reverse("register:export")


def fetch_check_download(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    typed = [entry.number for entry in register] + HOSTILE
    token = signing.dumps(typed, salt=CHECK_SALT, compress=True)
    return client_for(None), reverse("register:check_download", args=[token])


def fetch_pledge_export(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    return client_for(make_person("coordinator@example.org", Role.COORDINATOR)), reverse(
        "campaigns:staff_pledge_export", args=[campaign.slug]
    )


def _hostile_provider_course() -> tuple[Client, Course]:
    """A provider's course whose bookings and registrations of interest hold hostile values."""
    provider = Provider.objects.create(name="Provider", slug="provider")
    course = course_made("hostile-course", provider=provider)
    session = course.sessions.get()
    for n, value in enumerate(HOSTILE):
        Booking.objects.create(
            session=session, name=value, email=f"b{n}@example.org", canonical_email=f"b{n}@example.org",
            organisation=value, places=1, status=Booking.Status.WAITING,
        )  # fmt: skip
        Interest.objects.create(
            course=course, name=value, email=f"i{n}@example.org", canonical_email=f"i{n}@example.org",
            role=value, organisation=value, question=value,
        )  # fmt: skip
    person = make_person("provider@example.org", Role.TRAINING_PROVIDER)
    provider.members.add(person)
    return client_for(person), course


def fetch_provider_people(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    client, course = _hostile_provider_course()
    return client, reverse("training:provider_session_csv", args=[course.sessions.get().pk])


def fetch_provider_interest(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    client, course = _hostile_provider_course()
    return client, reverse("training:provider_interest_csv", args=[course.slug])


def fetch_report_results(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    """A published survey report whose option labels, question wording and sample name are hostile."""
    report = published_with_labels(make_person("reports@example.org", Role.COORDINATOR), HOSTILE)
    return client_for(None), reverse("surveys:report_csv", args=[report.slug])


def fetch_survey_responses(register: list[RegisterEntry], campaign: Campaign) -> tuple[Client, str]:
    """A survey's responses whose respondent ids and free-text answers are hostile."""
    survey = make_survey(slug="hostile-responses")
    sample = survey.samples.get(code="public")
    for n, value in enumerate(HOSTILE):
        answers = {"AGE": "1", "SEX": "2", "IMPORTANT": "1", "WHY": value, "SUPPORT": ["1"]}
        answer(sample, answers, external_id=f"{value[:60]}{n}")
    coordinator = make_person("responses@example.org", Role.COORDINATOR)
    return client_for(coordinator), reverse("surveys:staff_export_csv", args=[survey.slug])


CSV_URLS = {
    "register:export": fetch_register_export,
    "register:check_download": fetch_check_download,
    "campaigns:staff_pledge_export": fetch_pledge_export,
    "training:provider_session_csv": fetch_provider_people,
    "training:provider_interest_csv": fetch_provider_interest,
    "surveys:report_csv": fetch_report_results,
    "surveys:staff_export_csv": fetch_survey_responses,
}


def test_the_list_holds_every_url_that_streams_a_csv():
    assert {name for name, _ in csv_views()} == set(CSV_URLS)


def test_no_module_writes_csv_but_the_one_helper():
    writers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "nurture").rglob("*.py")
        if "/tests/" not in path.as_posix()
        and re.search(r"content_type=\S*text/csv|csv\.writer|csv\.DictWriter", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["nurture/core/csv_export.py"]


@pytest.mark.parametrize("name", sorted(CSV_URLS))
def test_no_cell_of_any_csv_can_run_as_a_formula(name, hostile_register, hostile_pledge):
    client, url = CSV_URLS[name](hostile_register, hostile_pledge)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if RUNS.match(cell)] == []
    # The hostile values are there, shown as text, not dropped.
    for value in HOSTILE:
        assert "'" + value in cells, value
