"""Several supervision sessions entered in one form; each supervisor gets one email with
one link, on which they confirm all the sessions at once or answer for each."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from conftest import client_for
from nurture.core.models import OutboundEmail
from nurture.core.tests.concurrency import RACE, twice
from nurture.core.tests.dates import date_typed
from nurture.portfolios.models import SupervisionEntry, SupervisionLink, SupervisionRequest
from nurture.portfolios.services import supervision_link_resend, supervision_link_state, supervision_sessions_add

pytestmark = pytest.mark.django_db

URL = "/portfolio/supervision/sessions/"
LINK = re.compile(r"https?://\S+?/supervision/confirm/([A-Za-z0-9_-]+)/")
MARIA = ("Dr Maria Rivera", "maria.rivera@example.org")
JOHN = ("John O'Neill", "john.oneill@example.org")


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def rows(*sessions: tuple[str, tuple[str, str], str, str], total: int | None = None) -> dict[str, str]:
    """The form's POST data: one row per (ISO date, (name, email), hours, kind)."""
    data = {"sessions-TOTAL_FORMS": str(total or len(sessions)), "sessions-INITIAL_FORMS": "0"}
    for i, (day, (name, email), hours, kind) in enumerate(sessions):
        data.update({f"sessions-{i}-{k}": v for k, v in date_typed("session_on", day).items()})
        data.update(
            {
                f"sessions-{i}-supervisor_name": name,
                f"sessions-{i}-supervisor_email": email,
                f"sessions-{i}-hours": hours,
                f"sessions-{i}-kind": kind,
            }
        )
    return data


YEAR = [
    ("2026-09-07", MARIA, "1.5", "individual"),
    ("2026-10-05", MARIA, "1.5", "individual"),
    ("2026-10-19", JOHN, "2", "group"),
    ("2026-11-02", MARIA, "1", "individual"),
]


def token_for(email: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [email]]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def entered(practitioner, send_now):
    with send_now():
        response = client_for(practitioner).post(URL, rows(*YEAR))
    assert response.status_code == 302
    return response


# Entering them ----------------------------------------------------------------------


def test_the_form_starts_with_one_row_in_day_month_year_boxes(practitioner):
    response = client_for(practitioner).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Session 1</legend>" in page
    assert "Session 2" not in page
    assert 'name="sessions-0-session_on_day"' in page
    assert 'name="add"' in page


def test_add_another_session_draws_the_rows_again_with_one_more_keeping_what_was_typed(practitioner):
    response = client_for(practitioner).post(URL, {**rows(YEAR[0]), "add": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Session 2</legend>" in page
    assert 'name="sessions-0-session_on_day" value="7"' in page
    assert 'name="sessions-0-hours" value="1.5"' in page
    assert 'name="sessions-1-supervisor_email" value="maria.rivera@example.org"' in page, "the supervisor is copied"
    assert 'name="sessions-1-session_on_day" value=""' not in page and 'name="sessions-1-session_on_day"' in page
    assert 'name="sessions-TOTAL_FORMS" value="2"' in page
    assert "There is a problem" not in page
    assert not SupervisionEntry.objects.exists()


def test_a_row_left_as_drawn_is_skipped(practitioner, send_now):
    data = rows(YEAR[0], total=2)
    data.update({"sessions-1-supervisor_name": MARIA[0], "sessions-1-supervisor_email": MARIA[1]})
    data["sessions-1-kind"] = "individual"
    with send_now():
        response = client_for(practitioner).post(URL, data)
    assert response.status_code == 302
    assert SupervisionEntry.objects.count() == 1


def test_several_sessions_are_saved_and_each_supervisor_gets_one_email(practitioner, entered):
    assert SupervisionEntry.objects.filter(owner=practitioner).count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [JOHN[1], MARIA[1]]
    maria = next(m for m in mail.outbox if m.to == [MARIA[1]])
    assert "3 supervision sessions" in maria.subject
    for day in ("7 September 2026", "5 October 2026", "2 November 2026"):
        assert day in maria.body
    assert "19 October 2026" not in maria.body
    assert "a reflective supervision session with you" in next(m for m in mail.outbox if m.to == [JOHN[1]]).body
    assert SupervisionRequest.objects.count() == 2
    assert SupervisionLink.objects.count() == 2
    assert OutboundEmail.objects.count() == 2
    assert SupervisionRequest.objects.get(supervisor_email=MARIA[1]).entries.count() == 3


def test_the_portfolio_says_who_was_emailed(practitioner, send_now):
    with send_now():
        response = client_for(practitioner).post(URL, rows(*YEAR), follow=True)
    page = response.content.decode()
    assert (
        "Added 4 supervision sessions. Each supervisor gets one email with one link to confirm theirs: "
        "maria.rivera@example.org, john.oneill@example.org."
    ) in page


def test_errors_name_the_row_and_keep_every_row(practitioner):
    bad = list(YEAR[:2])
    bad[1] = ("2026-02-31", MARIA, "1.5", "individual")
    data = rows(*bad)
    data.update(
        {"sessions-1-session_on_day": "31", "sessions-1-session_on_month": "2", "sessions-1-session_on_year": "2026"}
    )
    response = client_for(practitioner).post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Session 2, Date of session: Enter a real date" in page
    assert 'href="#id_sessions-1-session_on_day"' in page
    assert 'name="sessions-0-session_on_day" value="7"' in page
    assert not SupervisionEntry.objects.exists()
    assert mail.outbox == []


def test_an_empty_form_asks_for_a_session(practitioner):
    data = rows(total=1)
    data["sessions-0-kind"] = "individual"
    response = client_for(practitioner).post(URL, data)
    assert response.status_code == 400
    assert "Session 1, Date of session: Enter the date." in response.content.decode()


def test_a_future_session_is_refused(practitioner):
    later = (date.today() + timedelta(days=3)).isoformat()
    response = client_for(practitioner).post(URL, rows((later, MARIA, "1", "individual")))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


@pytest.mark.parametrize("at_once", RACE)
def test_the_form_sent_twice_adds_its_sessions_once_with_one_email_each(at_once, practitioner):
    sessions = [
        SupervisionEntry(session_on=date(2026, 9, 7), supervisor_name=MARIA[0], supervisor_email=MARIA[1], hours=h)
        for h in (Decimal("1.5"), Decimal("1"))
    ]

    def send() -> object:
        fresh = [
            SupervisionEntry(
                **{f: getattr(s, f) for f in ("session_on", "supervisor_name", "supervisor_email", "hours")}
            )
            for s in sessions
        ]
        return supervision_sessions_add(owner=practitioner, sessions=fresh)

    first, second = twice(at_once, send)
    assert SupervisionEntry.objects.count() == 2
    assert SupervisionRequest.objects.count() == 1
    assert sorted([len(first.added), len(second.added)]) == [0, 2]
    assert sorted([len(first.already), len(second.already)]) == [0, 2]


def test_the_second_click_says_the_sessions_are_already_there(practitioner, entered, send_now):
    with send_now():
        response = client_for(practitioner).post(URL, rows(*YEAR), follow=True)
    assert "already in your log" in response.content.decode()
    assert SupervisionEntry.objects.count() == 4
    assert len(mail.outbox) == 2


# The supervisor's link ---------------------------------------------------------------


def confirm(token: str, data: dict[str, str]):
    return client_for(None).post(f"/supervision/confirm/{token}/", data)


def maria_sessions() -> list[SupervisionEntry]:
    return list(SupervisionEntry.objects.filter(supervisor_email=MARIA[1]).order_by("session_on"))


def test_the_link_page_lists_every_session_and_offers_both_ways(entered):
    response = client_for(None).get(f"/supervision/confirm/{token_for(MARIA[1])}/")
    page = response.content.decode()
    assert response.status_code == 200
    for day in ("7 September 2026", "5 October 2026", "2 November 2026"):
        assert day in page
    assert "Confirm all 3 sessions" in page
    assert page.count('value="decline"') == 3


def test_confirm_all_confirms_every_session_of_the_link(entered):
    response = confirm(token_for(MARIA[1]), {"decision": "confirm"})
    assert response.status_code == 200
    assert "All 3 sessions confirmed" in response.content.decode()
    assert {e.status for e in maria_sessions()} == {SupervisionEntry.Status.CONFIRMED}
    assert SupervisionEntry.objects.get(supervisor_email=JOHN[1]).status == SupervisionEntry.Status.AWAITING


def test_the_supervisor_confirms_some_and_declines_one(entered):
    first, second, third = maria_sessions()
    response = confirm(
        token_for(MARIA[1]),
        {
            "decision": "each",
            f"session-{first.pk}": "confirm",
            f"session-{second.pk}": "decline",
            f"session-{third.pk}": "confirm",
        },
    )
    assert response.status_code == 200
    assert "2 confirmed and 1 declined" in response.content.decode()
    assert [e.status for e in maria_sessions()] == ["confirmed", "declined", "confirmed"]
    assert all(e.confirmed_at for e in maria_sessions() if e.is_locked)


def test_a_session_left_unanswered_is_asked_for_and_nothing_changes(entered):
    first, second, _third = maria_sessions()
    token = token_for(MARIA[1])
    response = confirm(token, {"decision": "each", f"session-{first.pk}": "confirm", f"session-{second.pk}": "decline"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose whether to confirm this session." in page
    assert 'id="error-summary"' in page
    assert {e.status for e in maria_sessions()} == {SupervisionEntry.Status.AWAITING}
    assert supervision_link_state(token).usable


def test_a_used_link_cannot_answer_again(entered):
    token = token_for(MARIA[1])
    confirm(token, {"decision": "confirm"})
    response = confirm(token, {"decision": "decline"})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert {e.status for e in maria_sessions()} == {SupervisionEntry.Status.CONFIRMED}


def test_an_expired_link_answers_nothing(entered):
    token = token_for(MARIA[1])
    SupervisionLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = confirm(token, {"decision": "confirm"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert {e.status for e in maria_sessions()} == {SupervisionEntry.Status.AWAITING}


def test_resending_asks_again_about_every_session_not_confirmed_at_a_corrected_address(practitioner, entered, send_now):
    first, second, third = maria_sessions()
    old = token_for(MARIA[1])
    confirm(
        old,
        {
            "decision": "each",
            f"session-{first.pk}": "confirm",
            f"session-{second.pk}": "decline",
            f"session-{third.pk}": "decline",
        },
    )
    mail.outbox.clear()
    with send_now():
        supervision_link_resend(entry=second, actor=practitioner, email="m.rivera@home.example.org")
    (message,) = mail.outbox
    assert message.to == ["m.rivera@home.example.org"]
    assert "2 supervision sessions" in message.subject
    assert "7 September 2026" not in message.body, "a confirmed session is not asked again"
    statuses = {e.pk: (e.status, e.supervisor_email) for e in SupervisionEntry.objects.filter(supervisor_name=MARIA[0])}
    assert statuses[first.pk] == ("confirmed", MARIA[1])
    assert statuses[second.pk] == statuses[third.pk] == ("awaiting", "m.rivera@home.example.org")
    assert not supervision_link_state(old).usable


def test_changing_one_sessions_address_moves_it_and_leaves_the_others_link_working(practitioner, entered, send_now):
    first, second, _third = maria_sessions()
    token = token_for(MARIA[1])
    edit = {
        **date_typed("session_on", first.session_on),
        "supervisor_name": MARIA[0],
        "supervisor_email": "someone.else@example.org",
        "hours": "1.5",
        "kind": "individual",
        "notes": "",
    }
    with send_now():
        assert client_for(practitioner).post(f"/portfolio/supervision/{first.pk}/edit/", edit).status_code == 302
    state = supervision_link_state(token)
    assert state.usable
    assert [s.pk for s in state.sessions] == [second.pk, _third.pk]
    assert mail.outbox[-1].to == ["someone.else@example.org"]
