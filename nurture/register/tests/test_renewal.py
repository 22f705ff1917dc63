"""Yearly renewal, and the daily jobs that remind and lapse, safe to run twice."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.models import CPDEntry, SupervisionEntry
from nurture.portfolios.selectors import readiness_of
from nurture.register.models import RegisterEntry, RenewalReminder
from nurture.register.renewal import next_period, reminder_due, status_for_dates
from nurture.register.selectors import renewal_prefill
from nurture.register.services import RegisterError, renewal_submit
from nurture.register.tasks import register_daily, register_statuses_update, renewal_reminders_send

from .conftest import entry_for

pytestmark = pytest.mark.django_db
Status = RegisterEntry.Status
DUE = date(2026, 6, 30)


def run_daily(day: date) -> None:
    call_command("run_scheduled", "--today", day.isoformat(), stdout=StringIO())


def test_the_calendar():
    assert status_for_dates(DUE, DUE - timedelta(days=61)) == "active"
    assert status_for_dates(DUE, DUE - timedelta(days=60)) == "renewal_due"
    assert status_for_dates(DUE, DUE + timedelta(days=29)) == "renewal_due"
    assert status_for_dates(DUE, DUE + timedelta(days=30)) == "lapsed"
    assert reminder_due(DUE, DUE - timedelta(days=61)) is None
    assert reminder_due(DUE, DUE - timedelta(days=45)) == 60
    assert reminder_due(DUE, DUE - timedelta(days=10)) == 30
    assert reminder_due(DUE, DUE - timedelta(days=3)) == 7
    assert next_period(due_on=DUE, today=DUE - timedelta(days=20), lapsed=False) == (DUE, date(2027, 6, 30))
    assert next_period(due_on=DUE, today=date(2026, 9, 1), lapsed=True) == (date(2026, 9, 1), date(2027, 9, 1))
    assert next_period(due_on=date(2024, 2, 29), today=date(2024, 2, 1), lapsed=False)[1] == date(2025, 2, 28)


@pytest.mark.parametrize("days_before", [60, 30, 7])
def test_each_reminder_goes_once_however_often_the_job_runs(siobhan, send_now, days_before):
    entry = entry_for(siobhan, due_on=DUE)
    mail.outbox.clear()
    day = DUE - timedelta(days=days_before)
    with send_now():
        run_daily(day)
        run_daily(day)
        renewal_reminders_send.call(today=day.isoformat())
    reminders = [m for m in mail.outbox if "renewal is due" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == [siobhan.email]
    assert f"{days_before} days" in reminders[0].body
    assert RenewalReminder.objects.filter(entry=entry, days_before=days_before).count() == 1


def test_a_year_of_daily_runs_sends_three_reminders_and_lapses_once(siobhan, send_now):
    entry = entry_for(siobhan, due_on=DUE)
    mail.outbox.clear()
    with send_now():
        for offset in range(-70, 40):
            run_daily(DUE + timedelta(days=offset))
    subjects = [m.subject for m in mail.outbox]
    assert sum("renewal is due" in s for s in subjects) == 3
    assert sum("has lapsed" in s for s in subjects) == 1
    entry.refresh_from_db()
    assert entry.status == Status.LAPSED
    assert AuditEntry.objects.filter(action="register.entry.renewal_due", target_id=str(entry.pk)).count() == 1
    assert AuditEntry.objects.filter(action="register.entry.lapsed", target_id=str(entry.pk)).count() == 1


def test_renewal_due_starts_60_days_before_and_lapse_30_days_after(siobhan):
    entry = entry_for(siobhan, due_on=DUE)
    assert register_statuses_update.call(today=(DUE - timedelta(days=61)).isoformat()) == 0
    assert register_statuses_update.call(today=(DUE - timedelta(days=60)).isoformat()) == 1
    assert register_statuses_update.call(today=(DUE - timedelta(days=60)).isoformat()) == 0
    assert register_statuses_update.call(today=(DUE + timedelta(days=29)).isoformat()) == 0
    assert register_statuses_update.call(today=(DUE + timedelta(days=30)).isoformat()) == 1
    entry.refresh_from_db()
    assert entry.status == Status.LAPSED


def test_a_transition_made_by_another_worker_first_is_not_made_again(siobhan):
    entry = entry_for(siobhan, due_on=DUE)
    stale = RegisterEntry.objects.get(pk=entry.pk)
    register_daily.call(today=(DUE + timedelta(days=30)).isoformat())
    from nurture.register.services import register_status_follow_calendar

    assert not register_status_follow_calendar(entry=stale, today=DUE + timedelta(days=30))
    assert AuditEntry.objects.filter(action="register.entry.lapsed").count() == 1


@pytest.fixture
def portfolio(siobhan):
    today = timezone.localdate()
    CPDEntry.objects.create(owner=siobhan, activity="Study day", done_on=today - timedelta(days=20), hours=Decimal(10))
    CPDEntry.objects.create(owner=siobhan, activity="Course", done_on=today - timedelta(days=100), hours=Decimal(6))
    CPDEntry.objects.create(owner=siobhan, activity="Old", done_on=today - timedelta(days=400), hours=Decimal(50))
    for kind, status, hours in [
        ("individual", "confirmed", 8),
        ("group", "confirmed", 5),
        ("peer", "confirmed", 20),
        ("individual", "awaiting", 9),
    ]:
        SupervisionEntry.objects.create(
            owner=siobhan,
            session_on=today - timedelta(days=30),
            supervisor_name="Dr Rose Clark",
            supervisor_email="rose@example.org",
            hours=Decimal(hours),
            kind=kind,
            status=status,
            confirmed_at=timezone.now() if status == "confirmed" else None,
        )
    return siobhan


def test_the_renewal_form_is_filled_in_from_the_portfolio(portfolio):
    entry = entry_for(portfolio, status=Status.RENEWAL_DUE)
    page = client_for(portfolio).get(f"/register/me/{entry.number}/renew/").content.decode()
    assert 'value="16.0"' in page or 'value="16"' in page
    assert 'value="13.00"' in page or 'value="13"' in page


def test_renewal_and_readiness_count_the_same_supervision_hours(siobhan):
    """Renewal's last 12 months and a level with a 12-month window agree, entry by entry."""
    today = date(2026, 6, 30)
    for on, kind, status, hours in [
        (date(2026, 6, 30), "individual", "confirmed", "2"),  # today
        (date(2025, 6, 30), "group", "confirmed", "1.5"),  # the window's first day
        (date(2025, 6, 29), "individual", "confirmed", "40"),  # a day too old
        (date(2026, 7, 1), "individual", "confirmed", "30"),  # after today
        (date(2026, 1, 10), "peer", "confirmed", "20"),
        (date(2026, 1, 10), "individual", "awaiting", "9"),
        (date(2026, 1, 10), "individual", "declined", "7"),
    ]:
        SupervisionEntry.objects.create(
            owner=siobhan,
            session_on=on,
            supervisor_name="Dr Rose Clark",
            supervisor_email="rose@example.org",
            hours=Decimal(hours),
            kind=kind,
            status=status,
            confirmed_at=timezone.now() if status == "confirmed" else None,
        )
    for done_on, cpd_hours in [
        (date(2025, 6, 30), 4),  # the window's first day
        (date(2026, 3, 1), 6),
        (date(2025, 6, 29), 50),  # a day too old
        (date(2026, 7, 1), 8),  # after today
    ]:
        CPDEntry.objects.create(owner=siobhan, activity="Study day", done_on=done_on, hours=Decimal(cpd_hours))
    level = level_for(framework_current(), "prevention")
    level.supervision_window_months = 12
    readiness = readiness_of(siobhan, level, today=today)
    (supervision,) = [r for r in readiness.requirements if r.key == "supervision"]

    cpd, counted = renewal_prefill(siobhan, today=today)
    assert counted == supervision.have == Decimal("3.5")
    assert supervision.note == "9 more hours await your supervisor's confirmation."
    assert cpd == Decimal(10)


def test_renewal_needs_the_hours_and_the_code_of_ethics(portfolio):
    entry = entry_for(portfolio, status=Status.RENEWAL_DUE)
    response = client_for(portfolio).post(
        f"/register/me/{entry.number}/renew/", {"cpd_hours": "3", "supervision_hours": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "at least 15 CPD hours" in page and "at least 12 hours" in page and "code of ethics" in page
    assert 'value="3"' in page
    entry.refresh_from_db()
    assert entry.status == Status.RENEWAL_DUE


def test_renewing_on_time_moves_the_due_date_a_year_on(portfolio):
    entry = entry_for(portfolio, status=Status.RENEWAL_DUE, due_on=timezone.localdate() + timedelta(days=20))
    old_due = entry.renewal_due_on
    response = client_for(portfolio).post(
        f"/register/me/{entry.number}/renew/", {"cpd_hours": "16", "supervision_hours": "13", "ethics_agreed": "on"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.ACTIVE
    assert entry.renewal_due_on == old_due.replace(year=old_due.year + 1)
    assert AuditEntry.objects.filter(action="register.renewal.submitted", actor=portfolio).exists()


def test_a_late_renewal_reinstates_a_lapsed_entry_for_a_year_from_today(portfolio, send_now):
    entry = entry_for(portfolio, status=Status.LAPSED, due_on=date(2026, 1, 31))
    mail.outbox.clear()
    with send_now():
        renewal_submit(
            entry=entry,
            actor=portfolio,
            cpd_hours=Decimal(15),
            supervision_hours=Decimal(12),
            ethics_agreed=True,
            today=date(2026, 4, 10),
        )
    entry.refresh_from_db()
    assert entry.status == Status.ACTIVE
    assert (entry.period_started_on, entry.renewal_due_on) == (date(2026, 4, 10), date(2027, 4, 10))
    assert entry.renewals.get().late
    assert [m.subject for m in mail.outbox] == ["You are endorsed again on the Infant Mental Health Register"]


def test_renewal_is_not_open_long_before_the_due_date(siobhan):
    entry = entry_for(siobhan)
    with pytest.raises(RegisterError, match="opens 60 days"):
        renewal_submit(
            entry=entry,
            actor=siobhan,
            cpd_hours=Decimal(20),
            supervision_hours=Decimal(20),
            ethics_agreed=True,
            today=timezone.localdate(),
        )


def test_only_the_practitioner_renews(siobhan, other_practitioner):
    entry = entry_for(siobhan, status=Status.RENEWAL_DUE)
    assert client_for(other_practitioner).get(f"/register/me/{entry.number}/renew/").status_code == 404


def test_the_practitioner_chooses_what_is_shown(siobhan):
    entry = entry_for(siobhan)
    client = client_for(siobhan)
    assert client.post("/register/me/", {"show_employer": "on"}).status_code == 302
    entry.refresh_from_db()
    assert entry.show_employer and not entry.show_region and entry.employer == "Lea Valley Community Health"
    page = client_for(None).get(f"/register/{entry.number}/").content.decode()
    assert "Lea Valley Community Health" in page and "London" not in page


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (Status.ACTIVE, "You can renew from 60 days before the due date."),
        (Status.RENEWAL_DUE, "Renew now"),
        (Status.LAPSED, "Renew and be reinstated"),
        (Status.SUSPENDED, "The association has suspended this entry."),
    ],
)
def test_my_entry_says_what_i_can_do_in_each_status(siobhan, status, says):
    entry_for(siobhan, status=status)
    page = client_for(siobhan).get("/register/me/").content.decode()
    assert says in page
    assert ("/renew/" in page) == (status in (Status.RENEWAL_DUE, Status.LAPSED))


@pytest.mark.parametrize(("status", "reinstated"), [(Status.RENEWAL_DUE, False), (Status.LAPSED, True)])
def test_the_renewal_form_says_whether_renewing_reinstates(siobhan, status, reinstated):
    entry = entry_for(siobhan, status=status)
    page = client_for(siobhan).get(f"/register/me/{entry.number}/renew/").content.decode()
    assert ("renewing reinstates it at once" in page) is reinstated
    assert ("your next year runs on from that date" in page) is not reinstated
