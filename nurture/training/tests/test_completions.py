"""Into the portfolio: a practitioner records a directory course as completed, its
provider confirms it, and the record is then marked, locked and, for an accredited
course, counted as relationship-based training by the readiness rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import client_for, ensure_shipped_framework, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.portfolios.models import TrainingRecord
from nurture.portfolios.selectors import portfolio_records, portfolio_totals, snapshot_of
from nurture.training.models import Completion, Course, Provider
from nurture.training.tests.conftest import course_made

DONE = (timezone.localdate() - timedelta(days=20)).isoformat()
SOON = timezone.localdate() + timedelta(days=30)


@pytest.fixture
def accredited(severn) -> Course:
    ensure_shipped_framework()
    course = course_made("pgcert", codes=("D1.1", "D2.1"), provider=severn, title="PG Cert", hours="120")
    course.accredited_at = timezone.now()
    course.save()
    return course


def record(client, course: Course) -> None:
    day = date.fromisoformat(DONE)
    response = client.post(
        f"/courses/{course.slug}/completed/",
        {"completed_on_day": str(day.day), "completed_on_month": str(day.month), "completed_on_year": str(day.year)},
    )
    assert response.status_code == 302 and response.url == "/portfolio/#training"


def relationship_hours(person: User) -> int:
    totals = portfolio_totals(snapshot_of(portfolio_records(person)), today=timezone.localdate(), supervision_months=24)
    return int(totals.relationship_based_hours)


def test_a_recorded_course_fills_in_the_training_record_and_waits_for_the_provider(practitioner, accredited):
    client = client_for(practitioner)
    record(client, accredited)
    (training,) = TrainingRecord.objects.filter(owner=practitioner)
    assert (training.title, training.provider, training.hours, training.competency_codes) == (
        "PG Cert", "Severn University", Decimal(120), "D1.1, D2.1",
    )  # fmt: skip
    assert training.completed_on.isoformat() == DONE and not training.is_locked
    page = client.get("/portfolio/").content.decode()
    assert "Covers D1.1, D2.1" in page and "Waiting for Severn University to confirm you completed it" in page
    assert Completion.objects.get().record_id == training.pk


def test_the_provider_confirms_and_the_record_is_marked_locked_and_counted(practitioner, mei, accredited):
    client = client_for(practitioner)
    record(client, accredited)
    training = TrainingRecord.objects.get(owner=practitioner)
    assert not training.relationship_based and relationship_hours(practitioner) == 0, "not before the provider says"
    provider = client_for(mei)
    listed = provider.get(f"/provider/courses/{accredited.slug}/completions/").content.decode()
    assert practitioner.full_name in listed and "Confirm" in listed
    completion = Completion.objects.get()
    assert (
        provider.post(f"/provider/courses/{accredited.slug}/completions/", {"completion": completion.pk}).status_code
        == 302
    )
    training.refresh_from_db()
    assert training.is_locked and training.accredited and training.confirmed_by == "Severn University"
    assert relationship_hours(practitioner) == 120, "accredited, confirmed hours count as relationship-based"
    page = client.get("/portfolio/").content.decode()
    assert "Completion confirmed by Severn University, an accredited course" in page
    # The practitioner can no longer change or delete it.
    assert client.get(f"/portfolio/training/{training.pk}/edit/").status_code == 302
    client.post(f"/portfolio/training/{training.pk}/delete/")
    edit = client.post(
        f"/portfolio/training/{training.pk}/edit/",
        {"title": "Changed", "provider": "X", "hours": "500", "completed_on_day": "1", "completed_on_month": "1",
         "completed_on_year": "2020"},
    )  # fmt: skip
    assert edit.status_code == 302
    training.refresh_from_db()
    assert (training.title, training.hours) == ("PG Cert", Decimal(120))
    # Confirming again changes nothing.
    provider.post(f"/provider/courses/{accredited.slug}/completions/", {"completion": completion.pk})
    assert Completion.objects.get().is_confirmed


def test_an_unaccredited_confirmed_course_counts_only_as_the_practitioner_says(practitioner, mei, severn):
    ensure_shipped_framework()
    course = course_made("short", provider=severn, title="Short course", hours="6")
    record(client_for(practitioner), course)
    training = TrainingRecord.objects.get(owner=practitioner)
    assert not training.relationship_based
    client_for(mei).post(f"/provider/courses/{course.slug}/completions/", {"completion": Completion.objects.get().pk})
    training.refresh_from_db()
    assert training.is_locked and not training.accredited
    assert relationship_hours(practitioner) == 0


def test_another_provider_cannot_see_or_confirm_a_completion(practitioner, accredited):
    record(client_for(practitioner), accredited)
    rival = make_person("rival@example.org", Role.TRAINING_PROVIDER)
    Provider.objects.create(name="Rival", slug="rival").members.add(rival)
    client = client_for(rival)
    url = f"/provider/courses/{accredited.slug}/completions/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"completion": Completion.objects.get().pk}).status_code == 404
    assert not TrainingRecord.objects.get(owner=practitioner).is_locked


def test_a_record_deleted_before_the_provider_confirms_leaves_nothing_to_confirm(practitioner, mei, accredited):
    client = client_for(practitioner)
    record(client, accredited)
    training = TrainingRecord.objects.get(owner=practitioner)
    assert client.post(f"/portfolio/training/{training.pk}/delete/").status_code == 302
    completion = Completion.objects.get()
    response = client_for(mei).post(f"/provider/courses/{accredited.slug}/completions/", {"completion": completion.pk})
    assert response.status_code == 302 and Completion.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"completed_on_day": SOON.day, "completed_on_month": SOON.month, "completed_on_year": SOON.year},
            "cannot be in the future",
        ),
        ({"completed_on_day": "31", "completed_on_month": "2", "completed_on_year": "2025"}, "real date"),
        ({"completed_on_day": "", "completed_on_month": "", "completed_on_year": ""}, "Enter the date"),
        ({"completed_on_day": "1", "completed_on_month": "²", "completed_on_year": "2025"}, "real date"),
        ({"completed_on_day": "1", "completed_on_month": "1", "completed_on_year": "²⁰²⁴"}, "real date"),
        ({"completed_on_day": "9" * 20, "completed_on_month": "1", "completed_on_year": "2025"}, "real date"),
    ],
)
def test_a_bad_completion_date_is_refused_and_nothing_is_added(practitioner, accredited, fields, message):
    response = client_for(practitioner).post(f"/courses/{accredited.slug}/completed/", fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert TrainingRecord.objects.count() == 0 and Completion.objects.count() == 0


def test_a_bad_completion_id_is_not_found(mei, accredited):
    url = f"/provider/courses/{accredited.slug}/completions/"
    for raw in ("x", "99999999999999999999", "", "-1", "²", "１２"):
        assert client_for(mei).post(url, {"completion": raw}).status_code == 404


def test_hours_changed_before_confirmation_are_confirmed_as_the_course_has_them(practitioner, mei, accredited):
    client = client_for(practitioner)
    record(client, accredited)
    training = TrainingRecord.objects.get(owner=practitioner)
    day = training.completed_on
    edited = client.post(
        f"/portfolio/training/{training.pk}/edit/",
        {"title": "PG Cert (extended)", "provider": "Severn University", "hours": "2000",
         "completed_on_day": day.day, "completed_on_month": day.month, "completed_on_year": day.year},
    )  # fmt: skip
    assert edited.status_code == 302
    training.refresh_from_db()
    assert training.hours == 2000 and training.directory_course == "pgcert", "the directory link survives an edit"
    client_for(mei).post(
        f"/provider/courses/{accredited.slug}/completions/", {"completion": Completion.objects.get().pk}
    )
    training.refresh_from_db()
    assert (training.title, training.hours, training.is_locked) == ("PG Cert", Decimal(120), True)
    assert relationship_hours(practitioner) == 120


def test_the_same_course_cannot_be_recorded_twice(practitioner, accredited):
    client = client_for(practitioner)
    record(client, accredited)
    day = date.fromisoformat(DONE)
    again = client.post(
        f"/courses/{accredited.slug}/completed/",
        {"completed_on_day": day.day, "completed_on_month": day.month, "completed_on_year": day.year},
    )
    assert again.status_code == 400 and "in your portfolio already" in again.content.decode()
    assert TrainingRecord.objects.count() == 1 and Completion.objects.count() == 1


def test_the_provider_sees_the_hours_it_confirms(practitioner, mei, accredited):
    record(client_for(practitioner), accredited)
    page = client_for(mei).get(f"/provider/courses/{accredited.slug}/completions/").content.decode()
    assert "120 hours" in page
