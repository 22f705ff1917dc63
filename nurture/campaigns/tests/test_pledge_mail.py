"""The pledge form and email: it has no CSRF token (its page is cached whole), so a
POST from another site is refused; a held signature says so and sends nothing;
the site's email limits are met on the form with a plain message."""

from __future__ import annotations

import pytest
from django.core import mail

from nurture.campaigns.models import PledgeSignature
from nurture.campaigns.tests.test_pledge import form_data
from nurture.core.models import OutboundEmail

URL = "/awareness-week/2022/pledge/"


@pytest.fixture
def open_campaign(campaign):
    campaign.pledge_open = True
    campaign.save(update_fields=["pledge_open"])
    return campaign


def post(client, send_now, *, address: str = "192.0.2.10", **headers):
    with send_now():
        return client.post(URL, form_data(**headers.pop("fields", {})), REMOTE_ADDR=address, **headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/pledge-for-us.html"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
    ],
    ids=["another origin", "an opaque origin", "another site's page", "a look-alike host"],
)
def test_a_pledge_posted_from_another_site_is_refused_and_changes_nothing(client, open_campaign, send_now, headers):
    response = post(client, send_now, **headers)
    assert response.status_code == 403
    assert "sent from another site" in response.content.decode()
    assert PledgeSignature.objects.count() == 0
    assert mail.outbox == [] and OutboundEmail.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/awareness-week/2022/pledge/"},
        {},
    ],
    ids=["our origin", "our page as referer", "no header (not a browser's cross-site post)"],
)
def test_a_pledge_posted_from_its_own_page_is_taken(client, open_campaign, send_now, headers):
    response = post(client, send_now, **headers)
    assert response.status_code == 302
    assert PledgeSignature.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_held_signature_says_so_on_the_page_and_sends_no_email(client, open_campaign, send_now, settings):
    settings.NURTURE_PLEDGE_LIMIT_PER_NETWORK = 1
    post(client, send_now, address="198.51.100.7", fields={"email": "first@example.org"})
    response = post(client, send_now, address="198.51.100.8", fields={"email": "second@example.org"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "waiting for a check" in page and "we have not emailed you yet" in page
    assert PledgeSignature.objects.get(email="second@example.org").status == PledgeSignature.Status.HELD
    assert [m.to for m in mail.outbox] == [["first@example.org"]]


def test_over_the_email_limit_the_form_says_so_and_keeps_what_was_typed(client, open_campaign, send_now, settings):
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = 1
    settings.NURTURE_PLEDGE_LIMIT_PER_NETWORK = 100
    post(client, send_now, address="203.0.113.5", fields={"email": "first@example.org"})
    response = post(client, send_now, address="203.0.113.6", fields={"email": "second@example.org"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "as many emails for you in the last hour as we allow (1)" in page
    assert 'value="second@example.org"' in page
    assert not PledgeSignature.objects.filter(email="second@example.org").exists()
    assert len(mail.outbox) == 1


def test_signing_again_over_the_limit_says_held_only_if_the_signature_is_held(
    client, open_campaign, send_now, settings
):
    settings.NURTURE_PLEDGE_LIMIT_PER_NETWORK = 2
    post(client, send_now, address="198.51.100.7", fields={"email": "first@example.org"})
    post(client, send_now, address="198.51.100.8", fields={"email": "second@example.org"})
    again = post(client, send_now, address="198.51.100.9", fields={"email": "first@example.org"})
    assert again.status_code == 302, "first@ is pending, not held: it is not told it waits for a check"
    assert PledgeSignature.objects.get(email="first@example.org").status == PledgeSignature.Status.PENDING
    assert [m.to for m in mail.outbox].count(["first@example.org"]) == 2, "its link goes again"

    held = post(client, send_now, address="198.51.100.10", fields={"email": "third@example.org"})
    assert "waiting for a check" in held.content.decode()
    held_again = post(client, send_now, address="198.51.100.11", fields={"email": "third@example.org"})
    assert "waiting for a check" in held_again.content.decode(), "held earlier, still held"
    assert ["third@example.org"] not in [m.to for m in mail.outbox]


def test_an_address_over_the_pledge_limit_cannot_mail_a_pending_signer_past_the_email_limits(
    client, open_campaign, send_now, settings
):
    # Signing again sends a pending signer their link; from an address over the pledge
    # limit (whose own allowance is not counted before the transaction) it must still
    # count against the email limits, or the pledge form would mail anyone without end.
    settings.NURTURE_PLEDGE_LIMIT_PER_NETWORK = 2
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = 3
    post(client, send_now, address="198.51.100.7", fields={"email": "victim@example.org"})
    post(client, send_now, address="198.51.100.8", fields={"email": "other@example.org"})
    answers = [
        post(client, send_now, address="198.51.100.9", fields={"email": "victim@example.org"}).status_code
        for _ in range(10)
    ]
    assert [m.to for m in mail.outbox].count(["victim@example.org"]) == 3
    assert answers == [302, 302] + [400] * 8
