"""The pledge: signing, confirming, withdrawing, abuse controls and anonymisation."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from conftest import client_for
from nurture.campaigns.models import PledgeSignature
from nurture.campaigns.selectors import pledge_counts
from nurture.campaigns.services import (
    CampaignError,
    pledge_confirm,
    pledge_hide,
    pledge_release,
    pledge_signature_from_token,
    pledge_withdraw,
)
from nurture.campaigns.tasks import pledges_daily

from .conftest import emailed_links, sign

Status = PledgeSignature.Status


def confirm_last(campaign) -> PledgeSignature:
    token, _ = emailed_links(mail.outbox[-1])
    signature = pledge_signature_from_token(token, confirm=True)
    assert signature is not None
    return pledge_confirm(signature=signature)


def form_data(**fields) -> dict[str, str]:
    return {
        "name": "Rose Clark",
        "profession": "health-visitor",
        "organisation": "Leeds Community Healthcare",
        "region": "yorkshire",
        "email": "rose.clark@example.org",
        "show_name": "on",
        "website": "",
        **fields,
    }


def test_a_signature_counts_only_after_the_emailed_link_is_confirmed(campaign, send_now):
    with send_now():
        sign(campaign)
    assert pledge_counts(campaign).total == 0
    assert "confirm" in mail.outbox[0].subject.lower()
    confirm_last(campaign)
    counts = pledge_counts(campaign)
    assert counts.total == 1
    assert counts.by_profession == [("health-visitor", "Health visitor", 1)]
    assert counts.by_region == [("yorkshire", "Yorkshire and the Humber", 1)]


def test_opening_the_confirm_link_changes_nothing_and_the_button_confirms(campaign, send_now):
    with send_now():
        sign(campaign)
    token, _ = emailed_links(mail.outbox[0])
    url = reverse("campaigns:pledge_confirm", args=[token])
    assert b"Confirm my signature" in client_for(None).get(url).content
    assert pledge_counts(campaign).total == 0
    client_for(None).post(url)
    client_for(None).post(url)
    assert pledge_counts(campaign).total == 1
    assert "your signature counts" in client_for(None).get(url).content.decode()


@pytest.mark.parametrize(
    "again", ["Rose.Clark@example.org", "rose.clark+pledge@example.org", " ROSE.CLARK@EXAMPLE.ORG "]
)
def test_one_signature_per_email_in_its_canonical_form(campaign, send_now, again):
    with send_now():
        sign(campaign)
    confirm_last(campaign)
    with send_now():
        sign(campaign, again, name="Someone Else")
    assert len(mail.outbox) == 2, "signing again re-sends the link"
    confirm_last(campaign)
    assert PledgeSignature.objects.count() == 1
    assert pledge_counts(campaign).total == 1
    assert PledgeSignature.objects.get().name == "Rose Clark"


def test_gmail_dots_and_domains_are_one_signer(campaign, send_now):
    with send_now():
        sign(campaign, "rose.clark@gmail.com")
        sign(campaign, "roseclark+imhaw@googlemail.com")
    assert PledgeSignature.objects.count() == 1


def test_the_signer_can_withdraw_and_the_count_goes_down(campaign, send_now):
    with send_now():
        sign(campaign)
    signature = confirm_last(campaign)
    _, token = emailed_links(mail.outbox[0])
    url = reverse("campaigns:pledge_withdraw", args=[token])
    assert client_for(None).get(url).status_code == 200
    assert pledge_counts(campaign).total == 1
    client_for(None).post(url)
    signature.refresh_from_db()
    assert signature.status == Status.WITHDRAWN
    assert "Your signature is withdrawn" in client_for(None).get(url).content.decode()
    assert pledge_counts(campaign).total == 0
    client_for(None).post(url)
    assert pledge_counts(campaign).total == 0


def test_a_withdrawn_signer_can_sign_again_and_count_once(campaign, send_now):
    with send_now():
        sign(campaign)
    pledge_withdraw(signature=confirm_last(campaign))
    with send_now():
        sign(campaign)
    confirm_last(campaign)
    assert pledge_counts(campaign).total == 1


def test_an_unknown_link_is_not_found(db):
    assert client_for(None).get(reverse("campaigns:pledge_confirm", args=["nonsense"])).status_code == 404
    assert client_for(None).post(reverse("campaigns:pledge_withdraw", args=["nonsense"])).status_code == 404


def test_the_page_does_not_say_whether_an_email_has_signed(campaign, send_now):
    url = reverse("campaigns:pledge", args=[campaign.slug])
    with send_now():
        first = client_for(None).post(url, form_data(email="new.person@example.org"))
    with send_now():
        sign(campaign, "already@example.org")
    confirm_last(campaign)
    mail.outbox.clear()
    with send_now():
        again = client_for(None).post(url, form_data(email="already@example.org"))
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    assert first.content == again.content
    assert len(mail.outbox) == 1
    with send_now():
        client_for(None).post(url, form_data(email="new.2@example.org"))
    assert mail.outbox[0].subject == mail.outbox[1].subject
    assert mail.outbox[0].body.split("confirm/")[0] == mail.outbox[1].body.split("confirm/")[0]


def test_the_honeypot_pretends_to_succeed_and_stores_nothing(campaign, send_now):
    url = reverse("campaigns:pledge", args=[campaign.slug])
    with send_now():
        response = client_for(None).post(url, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:pledge_sent", args=[campaign.slug])
    assert not PledgeSignature.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "@SUM(1)", "+1", "-1", "Cheap pills http://x.example"])
def test_names_with_links_or_formulas_are_refused_next_to_the_field(campaign, name):
    response = client_for(None).post(reverse("campaigns:pledge", args=[campaign.slug]), form_data(name=name))
    assert response.status_code == 400
    assert b'id="id_name_error"' in response.content
    assert name.encode() in response.content or b"&quot;" in response.content, "typed input is kept"
    assert not PledgeSignature.objects.exists()


def test_a_form_with_errors_keeps_what_was_typed(campaign):
    response = client_for(None).post(reverse("campaigns:pledge", args=[campaign.slug]), form_data(email="not-an-email"))
    assert response.status_code == 400
    assert b'value="Leeds Community Healthcare"' in response.content
    assert b"There is a problem" in response.content


@pytest.mark.parametrize("junk", [{"profession": "astronaut"}, {"region": "x" * 5000}, {"name": "\x00"}, {}])
def test_no_input_makes_a_500(campaign, junk):
    url = reverse("campaigns:pledge", args=[campaign.slug])
    assert client_for(None).post(url, junk if not junk else form_data(**junk)).status_code == 400
    assert client_for(None).get(url, {"page": "99999999999"}).status_code == 200
    assert client_for(None).get(url, {"page": "x"}).status_code == 200


def test_over_the_limit_per_address_a_signature_is_held_until_released(campaign, settings, send_now, coordinator):
    settings.NURTURE_PLEDGE_LIMIT_PER_ADDRESS = 2
    with send_now():
        for n in range(3):
            sign(campaign, f"person{n}@example.org", address="198.51.100.7")
    held = PledgeSignature.objects.get(email="person2@example.org")
    assert held.status == Status.HELD
    assert [m.to for m in mail.outbox] == [["person0@example.org"], ["person1@example.org"]], "no email when held"
    with send_now():
        pledge_release(signature=held, actor=coordinator)
    assert mail.outbox[-1].to == ["person2@example.org"], "released: the link goes now"
    assert pledge_counts(campaign).total == 0, "released but not confirmed: not counted yet"
    confirm_last(campaign)
    assert pledge_counts(campaign).total == 1


def test_the_coordinator_may_release_a_held_signature_and_hide_any_that_still_stands(
    campaign, settings, send_now, coordinator
):
    settings.NURTURE_PLEDGE_LIMIT_PER_ADDRESS = 2
    with send_now():
        for n in range(3):
            sign(campaign, f"person{n}@example.org", address="198.51.100.7")
    pledge_withdraw(signature=PledgeSignature.objects.get(email="person0@example.org"))
    held = PledgeSignature.objects.get(email="person2@example.org")
    assert held.is_held and held.stands and not held.counts
    page = client_for(coordinator).get(reverse("campaigns:staff_pledge", args=[campaign.slug])).content.decode()
    assert page.count('value="release"') == 1 and f'name="signature" value="{held.pk}"' in page
    assert page.count('value="hide"') == 2, "the held and the pending one; not the withdrawn one"


def test_over_the_limit_per_network_a_signature_is_held(campaign, settings, send_now, coordinator):
    settings.NURTURE_PLEDGE_LIMIT_PER_ADDRESS = 100
    settings.NURTURE_PLEDGE_LIMIT_PER_NETWORK = 2
    with send_now():
        sign(campaign, "a@example.org", address="203.0.113.1")
        sign(campaign, "b@example.org", address="203.0.113.2")
        sign(campaign, "c@example.org", address="203.0.113.200")
        sign(campaign, "d@example.org", address="2001:db8::1")
        sign(campaign, "e@example.org", address="2001:db8::2")
        sign(campaign, "f@example.org", address="2001:db8:0:0:ffff::3")
    statuses = dict(PledgeSignature.objects.values_list("email", "status"))
    assert statuses["c@example.org"] == Status.HELD
    assert statuses["f@example.org"] == Status.HELD
    assert [statuses[e] for e in ("a@example.org", "b@example.org", "d@example.org", "e@example.org")] == [
        Status.PENDING
    ] * 4
    held = PledgeSignature.objects.get(email="f@example.org")
    pledge_release(signature=held, actor=coordinator)
    held.refresh_from_db()
    assert held.status == Status.PENDING, "released before confirming: counts once confirmed"
    assert pledge_counts(campaign).total == 0


def test_the_coordinator_hides_a_signature_with_a_reason(campaign, send_now, coordinator):
    with send_now():
        sign(campaign)
    signature = confirm_last(campaign)
    with pytest.raises(CampaignError):
        pledge_hide(signature=signature, actor=coordinator, reason="  ")
    pledge_hide(signature=signature, actor=coordinator, reason="Not a real person")
    assert pledge_counts(campaign).total == 0
    _, withdraw_token = emailed_links(mail.outbox[0])
    link = client_for(None).get(reverse("campaigns:pledge_withdraw", args=[withdraw_token])).content.decode()
    assert "removed by the campaign team" in link and "Withdraw my signature" not in link
    page = client_for(None).get(reverse("campaigns:pledge", args=[campaign.slug]))
    assert b"Rose Clark" not in page.content


def test_the_public_page_lists_only_those_who_chose_to_be_shown_newest_first(campaign, send_now):
    for n, shown in enumerate([True, False, True]):
        with send_now():
            sign(campaign, f"p{n}@example.org", name=f"Person Number{n}", show_name=shown)
        confirm_last(campaign)
    content = client_for(None).get(reverse("campaigns:pledge", args=[campaign.slug])).content.decode()
    assert "3 people have signed" in content
    assert "Person Number1" not in content
    assert content.index("Person Number2") < content.index("Person Number0")


def test_the_public_page_is_cached_and_changes_when_a_signature_is_confirmed(
    campaign, send_now, django_assert_max_num_queries
):
    url = reverse("campaigns:pledge", args=[campaign.slug])
    client_for(None).get(url)
    with django_assert_max_num_queries(3):
        client_for(None).get(url)
    with send_now():
        sign(campaign)
    assert b"0 people have signed" in client_for(None).get(url).content
    confirm_last(campaign)
    assert b"1 person has signed" in client_for(None).get(url).content


def test_personal_details_are_anonymised_after_the_configured_time_and_counts_stay(campaign, send_now, settings):
    settings.NURTURE_PLEDGE_ANONYMISE_DAYS = 30
    with send_now():
        sign(campaign)
    confirm_last(campaign)
    assert pledges_daily.call(today=str(campaign.ends_on + timedelta(days=30))) == {"pledge signatures anonymised": 0}
    done = pledges_daily.call(today=str(campaign.ends_on + timedelta(days=31)))
    assert done == {"pledge signatures anonymised": 1}
    signature = PledgeSignature.objects.get()
    assert (signature.name, signature.email, signature.organisation, signature.address) == ("", "", "", None)
    assert signature.status == Status.CONFIRMED
    assert pledge_counts(campaign).total == 1
    assert pledges_daily.call(today=str(date(2030, 1, 1))) == {"pledge signatures anonymised": 0}
    campaign.refresh_from_db()
    assert not campaign.pledge_open


def test_the_csv_export_is_safe_from_formulas(campaign, coordinator):
    PledgeSignature.objects.create(
        campaign=campaign,
        name="=cmd|' /C calc'!A0",
        profession="nurse",
        organisation="@evil",
        region="london",
        email="x@example.org",
        canonical_email="x@example.org",
        created_at="2022-06-14T10:00:00Z",
    )
    response = client_for(coordinator).get(reverse("campaigns:staff_pledge_export", args=[campaign.slug]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[1][5] == "'@evil"


def test_the_api_gives_the_pledge_and_its_confirmed_counts(campaign, send_now):
    with send_now():
        sign(campaign)
        sign(campaign, "other@example.org", profession="midwife", region="london")
    confirm_last(campaign)
    body = client_for(None).get(f"/api/v1/pledges/{campaign.slug}").json()
    assert body["pledge_text"] == campaign.pledge_text
    assert body["confirmed"] == 1
    assert body["by_profession"] == [{"code": "midwife", "label": "Midwife", "count": 1}]
    assert client_for(None).get("/api/v1/pledges/1999").status_code == 404
