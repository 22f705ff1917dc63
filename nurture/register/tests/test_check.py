"""Employers check up to 100 numbers, download the table, and follow changes."""

import csv
import io
import re
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for, make_person
from nurture.register.models import RegisterEntry, Subscription
from nurture.register.numbers import number_for
from nurture.register.services import register_entry_action

from .conftest import entry_for

pytestmark = pytest.mark.django_db
Status = RegisterEntry.Status


@pytest.fixture
def entries(siobhan):
    return [entry_for(siobhan), entry_for(make_person("ben@example.org", name="Ben Hughes"), status=Status.LAPSED)]


def typo_of(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_each_line_gets_its_status_today(entries):
    unknown = number_for(7_654_321)
    pasted = "\n".join([entries[0].number, entries[1].number.lower(), typo_of(entries[0].number), unknown, "hello"])
    response = client_for(None).post("/register/check/", {"numbers": pasted})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Endorsed today.") == 1
    assert "Not endorsed today (lapsed)" in page
    assert "typing mistake" in page
    assert "Not on the Register" in page
    assert "This is not a registration number" in page


def test_the_table_downloads_as_csv(entries):
    response = client_for(None).post("/register/check/", {"numbers": f"{entries[0].number}\nnonsense"})
    link = re.search(r'href="(/register/check/download/[^"]+)"', response.content.decode()).group(1)
    download = client_for(None).get(link)
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(r["number"], r["status"], r["endorsed_today"]) for r in rows] == [
        (entries[0].number, "active", "yes"),
        ("nonsense", "invalid", "no"),
    ]
    assert client_for(None).get("/register/check/download/forged/").status_code == 404


def test_a_file_can_be_uploaded(entries):
    upload = SimpleUploadedFile("staff.csv", f"number,name\n{entries[0].number},Siobhan\n".encode(), "text/csv")
    page = client_for(None).post("/register/check/", {"numbers": "", "file": upload}).content.decode()
    assert "Endorsed today." in page


def test_more_than_100_numbers_are_refused_and_kept(entries):
    pasted = "\n".join(number_for(1_000_000 + n) for n in range(101))
    response = client_for(None).post("/register/check/", {"numbers": pasted})
    page = response.content.decode()
    assert response.status_code == 400
    assert "You gave 101 numbers; we check up to 100" in page
    assert number_for(1_000_100) in page


def test_exactly_100_numbers_are_checked(entries):
    pasted = "\n".join(number_for(1_000_000 + n) for n in range(100))
    assert client_for(None).post("/register/check/", {"numbers": pasted}).status_code == 200


def test_a_subscription_is_confirmed_notified_and_cancelled(entries, registrar, send_now):
    client = client_for(None)
    page = client.post("/register/check/", {"numbers": entries[0].number}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    mail.outbox.clear()
    with send_now():
        client.post("/register/check/subscribe/", {"email": "hr@nhs.example", "token": token})
    (confirm,) = mail.outbox
    confirm_url = re.search(r"/register/subscriptions/confirm/[^/\s]+/", confirm.body).group(0)
    assert "/register/subscriptions/unsubscribe/" in confirm.body

    # Not confirmed yet: nothing is sent.
    mail.outbox.clear()
    with send_now():
        register_entry_action(entry=entries[0], action="suspend", actor=registrar, reason="Review", today=date.today())
    assert [m.to for m in mail.outbox] == [[entries[0].practitioner.email]]

    assert client.get(confirm_url).status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # opening the link changes nothing
    client.post(confirm_url)
    assert Subscription.objects.get().active

    mail.outbox.clear()
    with send_now():
        register_entry_action(entry=entries[0], action="restore", actor=registrar, reason="Cleared", today=date.today())
    (notice,) = [m for m in mail.outbox if m.to == ["hr@nhs.example"]]
    assert "now active" in notice.subject and "Cleared" not in notice.body
    assert "endorsed today" in notice.body
    unsubscribe_url = re.search(r"/register/subscriptions/unsubscribe/[^/\s]+/", notice.body).group(0)
    client.post(unsubscribe_url)

    mail.outbox.clear()
    with send_now():
        register_entry_action(entry=entries[0], action="suspend", actor=registrar, reason="Again", today=date.today())
    assert not [m for m in mail.outbox if m.to == ["hr@nhs.example"]]


def test_forged_subscription_links_are_not_found(db):
    assert client_for(None).get("/register/subscriptions/confirm/forged/").status_code == 404
    assert client_for(None).get("/register/subscriptions/unsubscribe/forged/").status_code == 404


def test_alert_subscriptions_from_one_network_are_limited_and_the_form_says_so(entries, send_now, settings):
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = 2
    client = client_for(None)
    page = client.post("/register/check/", {"numbers": entries[0].number}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    mail.outbox.clear()
    with send_now():
        for n in range(2):
            ok = client.post(
                "/register/check/subscribe/", {"email": f"hr{n}@nhs.example", "token": token}, REMOTE_ADDR="192.0.2.9"
            )
            assert ok.status_code == 200
        refused = client.post(
            "/register/check/subscribe/", {"email": "victim@example.org", "token": token}, REMOTE_ADDR="192.0.2.77"
        )
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "nothing was sent" in page and 'value="victim@example.org"' in page
    assert [m.to for m in mail.outbox] == [["hr0@nhs.example"], ["hr1@nhs.example"]]
    assert not Subscription.objects.filter(email="victim@example.org").exists()
