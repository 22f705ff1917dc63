"""Referees: single-use emailed links with states the practitioner sees
(sent, opened, answered, bounced, expired), re-sending, and void references."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from conftest import client_for
from nurture.core.link_tokens import token_digest
from nurture.core.models import AuditEntry
from nurture.endorsements import services
from nurture.endorsements.models import Application, ReferenceRequest
from nurture.endorsements.selectors import references_missing
from nurture.endorsements.tests.conftest import TODAY, name_referees, ready_portfolio, tokens_in_outbox
from nurture.endorsements.workflow import State, WorkflowError

REFUSING = "refused@blocked.example.org"


class RefusingBackend(EmailBackend):
    """An employer's mail server that refuses one address, as happens in the field."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSING in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSING: (550, b"Blocked by policy")})
        return super().send_messages(messages)


@pytest.fixture
def application(practitioner, level, send_now) -> Application:
    ready_portfolio(practitioner, level)
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    mail.outbox.clear()
    with send_now():
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    return Application.objects.get(pk=application.pk)


def reference_for(token: str) -> ReferenceRequest:
    return ReferenceRequest.objects.get(token_hash=token_digest(token))


def answers(level, unknown: int = 0) -> dict[str, str]:
    codes = [c.code for c in level.competencies.order_by("domain__position", "position")]
    return {f"rating_{code}": ("unknown" if n < unknown else "met") for n, code in enumerate(codes)}


def test_each_referee_gets_a_link_and_the_state_is_sent(application):
    tokens = tokens_in_outbox()
    assert len(tokens) == 3
    assert {reference_for(t).status for t in tokens} == {"sent"}


def test_opening_the_form_marks_it_opened(application):
    token = tokens_in_outbox()[0]
    response = client_for(None).get(f"/references/{token}/")
    assert response.status_code == 200
    assert "Not enough information to say" in response.content.decode()
    assert reference_for(token).status == "opened"


def test_answering_uses_the_link_and_it_then_says_so_with_410(application, level):
    token = tokens_in_outbox()[0]
    response = client_for(None).post(f"/references/{token}/", answers(level))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert reference_for(token).status == "answered"
    again = client_for(None).get(f"/references/{token}/")
    assert again.status_code == 410
    assert "already been given" in again.content.decode()
    assert AuditEntry.objects.filter(
        action="endorsements.reference.answered", actor_label__startswith="referee"
    ).exists()


def test_a_missing_answer_is_shown_next_to_the_question_and_the_others_are_kept(application, level):
    token = tokens_in_outbox()[0]
    data = answers(level)
    first = next(iter(data))
    del data[first]
    response = client_for(None).post(f"/references/{token}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Choose an answer for {first[7:]}" in page
    kept = next(iter(data))
    assert re.search(rf'name="{re.escape(kept)}" value="met"[^>]*checked', page)
    assert reference_for(token).answered_at is None


def test_an_expired_link_says_so_plainly_with_410(application):
    token = tokens_in_outbox()[0]
    ReferenceRequest.objects.filter(token_hash=token_digest(token)).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert reference_for(token).status == "expired"
    response = client_for(None).get(f"/references/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_an_unknown_link_is_not_found(db):
    assert client_for(None).get("/references/not-a-real-token/").status_code == 404


def test_six_not_enough_information_answers_make_the_reference_void(application, level, practitioner, send_now):
    token = tokens_in_outbox()[0]
    mail.outbox.clear()
    with send_now():
        client_for(None).post(f"/references/{token}/", answers(level, unknown=6))
    reference = reference_for(token)
    assert reference.void and reference.status == "void"
    assert f"a reference from your {reference.referee_role}" in references_missing(application)
    (asked,) = mail.outbox
    assert asked.to == [practitioner.email]
    assert "ask another" in asked.subject.lower()


def test_five_not_enough_information_answers_still_count(application, level):
    token = tokens_in_outbox()[0]
    client_for(None).post(f"/references/{token}/", answers(level, unknown=5))
    assert reference_for(token).status == "answered"


def test_a_refused_address_is_marked_bounced(practitioner, level, send_now, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    ready_portfolio(practitioner, level)
    application = services.application_start(practitioner=practitioner, level=level)
    first, *others = name_referees(application)
    ReferenceRequest.objects.filter(pk=first.pk).update(referee_email=REFUSING)
    with send_now():
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    assert ReferenceRequest.objects.get(pk=first.pk).status == "bounced"
    assert {ReferenceRequest.objects.get(pk=r.pk).status for r in others} == {"sent"}
    assert AuditEntry.objects.filter(action="endorsements.reference.bounced").count() == 1
    page = client_for(practitioner).get(f"/applications/{application.pk}/").content.decode()
    assert "Bounced" in page and "Try another address" in page


def test_resending_to_another_address_replaces_the_old_link(application, practitioner, send_now):
    old_token = tokens_in_outbox()[0]
    old = reference_for(old_token)
    mail.outbox.clear()
    with send_now():
        response = client_for(practitioner).post(
            f"/applications/{application.pk}/references/{old.pk}/resend/",
            {"referee_name": old.referee_name, "referee_email": "home.address@example.org"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["home.address@example.org"]
    assert reference_for(tokens_in_outbox()[0]).status == "sent"
    assert ReferenceRequest.objects.get(pk=old.pk).status == "replaced"
    assert client_for(None).get(f"/references/{old_token}/").status_code == 410


def test_an_answered_reference_cannot_be_resent(application, practitioner, level):
    token = tokens_in_outbox()[0]
    client_for(None).post(f"/references/{token}/", answers(level))
    with pytest.raises(WorkflowError):
        services.reference_resend(reference=reference_for(token), actor=practitioner, name="X", email="x@example.org")


def test_a_bad_resend_address_is_shown_next_to_the_field(application, practitioner):
    old = reference_for(tokens_in_outbox()[0])
    response = client_for(practitioner).post(
        f"/applications/{application.pk}/references/{old.pk}/resend/",
        {"referee_name": "Dr Rose Clark", "referee_email": "not an address"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Dr Rose Clark"' in page and "Enter a valid email address" in page


def test_the_review_cannot_start_until_every_reference_has_arrived(application, assessor, second_assessor, registrar):
    services.assessor_assign(application=application, actor=registrar, assessor=assessor)
    services.assessor_assign(application=application, actor=registrar, assessor=second_assessor)
    with pytest.raises(WorkflowError, match="until the references have arrived"):
        services.review_start(application=application, actor=registrar)
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED
    for token in tokens_in_outbox():
        services.reference_answer(token=token, ratings={"D1.1": "met"})
    services.review_start(application=application, actor=registrar)
    assert Application.objects.get(pk=application.pk).state == State.UNDER_REVIEW


def test_referee_links_show_as_retrying_during_a_mail_outage_then_sent(practitioner, level, send_now, mail_server):
    from nurture.core.outbox import outbox_send_due

    ready_portfolio(practitioner, level)
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    mail_server.stop()
    with send_now():
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    page = client_for(practitioner).get(f"/applications/{application.pk}/").content.decode()
    table = page[page.index('id="references"') : page.index("</table>", page.index('id="references"'))]
    assert table.count("Email retrying") == 3
    assert table.count("Correct the address and send again") == 3

    mail_server.start()
    outbox_send_due(now=timezone.now() + timedelta(minutes=2))
    page = client_for(practitioner).get(f"/applications/{application.pk}/").content.decode()
    table = page[page.index('id="references"') : page.index("</table>", page.index('id="references"'))]
    assert "Email retrying" not in table and table.count("Sent ") == 3
    assert len(mail_server.received) == 4, "three referees and the practitioner's receipt, once each"


def test_over_the_email_limit_a_resend_is_refused_and_nothing_changes(application, practitioner, send_now, settings):
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = 1
    old = reference_for(tokens_in_outbox()[0])
    url = f"/applications/{application.pk}/references/{old.pk}/resend/"
    client = client_for(practitioner)
    with send_now():
        first = client.post(url, {"referee_name": old.referee_name, "referee_email": "home.address@example.org"})
    assert first.status_code == 302
    newer = ReferenceRequest.objects.get(referee_email="home.address@example.org")
    mail.outbox.clear()
    with send_now():
        refused = client.post(
            f"/applications/{application.pk}/references/{newer.pk}/resend/",
            {"referee_name": newer.referee_name, "referee_email": "home.address@example.org"},
        )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "as many emails to this address in the last hour as we allow (1)" in page
    assert 'value="home.address@example.org"' in page
    assert mail.outbox == []
    assert ReferenceRequest.objects.get(pk=newer.pk).replaced_at is None, "the refused resend changed nothing"


def _reference_row(page: str, reference: ReferenceRequest) -> str:
    found = re.search(rf'<tr data-reference="{reference.pk}">.*?</tr>', page, re.S)
    assert found, reference
    return found.group(0)


def test_the_referees_table_says_where_each_request_is_and_offers_what_can_be_done(application, practitioner, level):
    answered, void, sent = (reference_for(t) for t in tokens_in_outbox())
    client_for(None).post(f"/references/{tokens_in_outbox()[0]}/", answers(level))
    client_for(None).post(f"/references/{tokens_in_outbox()[1]}/", answers(level, unknown=6))
    answered.refresh_from_db()
    void.refresh_from_db()
    assert (answered.can_be_resent, void.can_be_resent, sent.can_be_resent) == (False, True, True)
    page = client_for(practitioner).get(f"/applications/{application.pk}/").content.decode()
    row = _reference_row(page, answered)
    assert "tag--ok" in row and "Received" in row and "/resend/" not in row
    row = _reference_row(page, void)
    assert "tag--no" in row and "ask someone else" in row and "Ask someone else</a>" in row
    row = _reference_row(page, sent)
    assert "tag--later" in row and "Sent " in row and "Send again" in row
    resend = client_for(practitioner).get(f"/applications/{application.pk}/references/{void.pk}/resend/")
    assert "Ask someone else for a reference" in resend.content.decode()
    resend = client_for(practitioner).get(f"/applications/{application.pk}/references/{sent.pk}/resend/")
    assert "Send the reference request again" in resend.content.decode()


def test_the_request_and_the_form_name_the_association_as_it_is_configured(application, settings):
    settings.NURTURE_ASSOCIATION_NAME = "the Association for Infant Mental Health (UK)"
    email = next(m for m in mail.outbox if "asks you for a reference" in m.subject)
    assert "is applying to the Infant Mental Health Association for endorsement" in email.body

    page = client_for(None).get(f"/references/{tokens_in_outbox()[0]}/").content.decode()
    assert "has applied to the Association for Infant Mental Health (UK) for endorsement" in page
