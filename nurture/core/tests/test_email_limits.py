"""The limits on email to an address someone typed: per address and per sender
(account or network), over an hour and a day. Each is tested at its edge: the
last allowed message is recorded, the next is refused and nothing is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from nurture.core.addresses import network_of
from nurture.core.emails import EmailLimitReached, Sender, email_send
from nurture.core.models import OutboundEmail

TEMPLATE = "portfolios/email/supervision_confirm"
CONTEXT = {"supervisor_name": "Dr Rose Clark", "url": "https://example.org/link"}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = 3
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_DAY = 5
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = 4
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_DAY = 6


def send(to: str, sender: str | None) -> OutboundEmail:
    return email_send(to=to, template=TEMPLATE, context=CONTEXT, sender=Sender(sender) if sender else None)


def age_every_message(by: timedelta) -> None:
    OutboundEmail.objects.update(created_at=timezone.now() - by)


def test_the_last_message_an_address_may_get_in_an_hour_goes_and_the_next_does_not(db):
    for n in range(3):
        send("rose@example.org", f"user:{n}")
    with pytest.raises(EmailLimitReached, match="to this address in the last hour"):
        send("rose@example.org", "user:99")
    assert OutboundEmail.objects.count() == 3, "nothing recorded for the refused one"


def test_the_address_is_counted_whatever_its_case(db):
    for n in range(3):
        send("Rose@Example.org", f"user:{n}")
    with pytest.raises(EmailLimitReached):
        send("rose@example.ORG", "user:99")


def test_an_address_may_get_five_a_day_however_they_are_spread(db):
    for n in range(3):
        send("rose@example.org", f"user:{n}")
    age_every_message(timedelta(hours=2))
    send("rose@example.org", "user:3")
    send("rose@example.org", "user:4")
    with pytest.raises(EmailLimitReached, match="to this address today"):
        send("rose@example.org", "user:5")
    age_every_message(timedelta(hours=25))
    send("rose@example.org", "user:6")


def test_one_sender_may_send_four_an_hour_to_different_addresses(db):
    for n in range(4):
        send(f"person{n}@example.org", "user:7")
    with pytest.raises(EmailLimitReached, match="for you in the last hour"):
        send("person9@example.org", "user:7")
    send("person9@example.org", "user:8")


def test_one_sender_may_send_six_a_day(db):
    for n in range(4):
        send(f"person{n}@example.org", "net:192.0.2.0/24")
    age_every_message(timedelta(hours=3))
    send("person4@example.org", "net:192.0.2.0/24")
    send("person5@example.org", "net:192.0.2.0/24")
    with pytest.raises(EmailLimitReached, match="for you today"):
        send("person6@example.org", "net:192.0.2.0/24")


def test_the_sites_own_notices_are_neither_limited_nor_counted(db):
    for _ in range(10):
        send("rose@example.org", None)
    for n in range(3):
        send("rose@example.org", f"user:{n}")
    assert OutboundEmail.objects.count() == 13


def test_visitors_are_counted_by_network():
    assert Sender.from_address("192.0.2.77") == Sender.from_address("192.0.2.200") == Sender("net:192.0.2.0/24")
    assert Sender.from_address("not an address") == Sender("net:unknown")
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"


def test_an_address_is_counted_per_mailbox_not_per_spelling(db):
    for n, spelling in enumerate(("jo.bloggs@gmail.com", "jobloggs+1@googlemail.com", "Jo.Bloggs+x@gmail.com")):
        send(spelling, f"user:{n}")
    with pytest.raises(EmailLimitReached, match="to this address"):
        send("j.o.b.l.o.g.g.s+again@gmail.com", "user:99")


def test_one_kind_of_email_does_not_use_up_an_address_for_another(db):
    for n in range(3):
        email_send(
            to="rose@example.org",
            template="register/email/subscription_confirm",
            context={"count": 1, "confirm_url": "https://example.org/", "unsubscribe_url": "https://example.org/"},
            sender=Sender(f"net:198.51.{n}.0/24"),
        )
    send("rose@example.org", "user:1")  # a supervisor's link still goes
    with pytest.raises(EmailLimitReached):
        email_send(
            to="rose@example.org",
            template="register/email/subscription_confirm",
            context={"count": 1, "confirm_url": "https://example.org/", "unsubscribe_url": "https://example.org/"},
            sender=Sender("net:203.0.113.0/24"),
        )


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (1, "", "127.0.0.1"),
    ],
    ids=["no proxy: the connection", "one proxy", "a forged left part is ignored", "two proxies", "no header"],
)
def test_behind_a_proxy_a_visitor_is_counted_by_the_address_the_proxy_saw(rf, settings, proxies, forwarded, expected):
    from django.contrib.auth.models import AnonymousUser

    from nurture.core.emails import client_address

    settings.NURTURE_TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    request.user = AnonymousUser()
    assert client_address(request) == expected
    assert Sender.of(request) == Sender.from_address(expected)


def test_a_limit_of_zero_is_off(db, settings):
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = 0
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_DAY = 0
    for n in range(8):
        send(f"person{n}@example.org", "net:127.0.0.0/24")
    assert OutboundEmail.objects.count() == 8
