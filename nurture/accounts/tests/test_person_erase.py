"""Deleting an account: everything is erased but what the Register must keep."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client
from django_tasks_db.models import DBTaskResult

from conftest import PASSWORD, client_for, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.accounts.services import AccountError, person_erase
from nurture.campaigns.models import PledgeSignature
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.core.outbox import message_record
from nurture.endorsements.models import Application, ConflictDeclaration, ReferenceRequest, SnapshotFile
from nurture.events.models import Event
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    SupervisionLink,
    SupervisionRequest,
    TrainingRecord,
)
from nurture.register.models import RegisterEntry, Subscription

from .conftest import address_added_unverified, password_reset_email_to, recently_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def erased(amara, ben, django_capture_on_commit_callbacks):
    """Amara erases her account through the page; Ben is untouched."""
    client = recently_signed_in(amara.person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/delete/", {"email": amara.person.email.upper()})
    assert response.status_code == 302 and response["Location"] == "/"
    return amara


def test_the_page_says_what_is_kept_and_what_is_erased_before_any_password(practitioner):
    response = client_for(practitioner).get("/account/delete/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "What is erased" in page and "What is kept, and why" in page and "Register entry" in page
    assert "we ask for your password again" in page


def test_they_read_the_page_confirm_then_give_the_password_and_nothing_more(amara, django_capture_on_commit_callbacks):
    client = client_for(amara.person)
    assert client.get("/account/delete/").status_code == 200
    response = client.post("/account/delete/", {"email": amara.person.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccount%2Fdelete%2F"
    wrong = client.post(response["Location"], {"password": "not-it"})
    assert wrong.status_code == 200 and User.objects.filter(pk=amara.person.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response["Location"], {"password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    assert not User.objects.filter(pk=amara.person.pk).exists()


def test_a_wrong_confirmation_changes_nothing_and_keeps_what_was_typed(amara):
    response = client_for(amara.person).post("/account/delete/", {"email": "someone@example.org"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This is not the address you sign in with" in page and 'value="someone@example.org"' in page
    assert User.objects.filter(pk=amara.person.pk).exists() and TrainingRecord.objects.count() == 1


def test_the_person_cannot_sign_in_again(erased, private_media):
    assert not User.objects.filter(pk=erased.person.pk).exists()
    assert not client_for(None).login(email=erased.person.email, password=PASSWORD)
    response = client_for(None).post("/accounts/login/", {"login": erased.person.email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client_for(None).session


def test_their_sessions_end_everywhere(amara, ben, django_capture_on_commit_callbacks):
    elsewhere = client_for(amara.person)
    others = client_for(ben.person)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=amara.person, actor=amara.person)
    assert elsewhere.get("/account/profile/").status_code == 302
    assert others.get("/account/profile/").status_code == 200
    assert all(s.get_decoded().get("_auth_user_id") != str(amara.person.pk) for s in Session.objects.all())


def test_every_kind_of_portfolio_record_is_erased(erased, ben):
    for model in (
        EducationRecord,
        TrainingRecord,
        ExperienceRecord,
        SupervisionEntry,
        SupervisionRequest,
        CPDEntry,
        Evidence,
    ):
        assert not model.objects.filter(owner_id=erased.person.pk).exists(), model
        assert model.objects.filter(owner=ben.person).count() == 1, model
    assert not SupervisionLink.objects.filter(request__owner_id=erased.person.pk).exists()
    assert SupervisionLink.objects.filter(request__entries=ben.supervision).exists()


def test_applications_their_files_and_references_are_erased(erased, ben):
    assert not Application.objects.filter(pk=erased.application.pk).exists()
    assert not SnapshotFile.objects.filter(pk=erased.snapshot_file.pk).exists()
    assert not ReferenceRequest.objects.filter(referee_name=f"Referee {erased.word}").exists()
    assert Application.objects.filter(practitioner=ben.person).count() == 1


def test_the_uploaded_files_are_gone_from_storage(erased, ben):
    storage = erased.training.certificate.storage
    for name in erased.file_names:
        assert not storage.exists(name), name
    for name in ben.file_names:
        assert storage.exists(name), name


def test_addresses_and_second_factors_are_erased(db, private_media, django_capture_on_commit_callbacks):
    person = make_person("totp.holder@example.org", mfa=True)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=person, actor=person)
    assert not EmailAddress.objects.filter(email="totp.holder@example.org").exists()
    assert not Authenticator.objects.filter(user_id=person.pk).exists()


def test_emails_to_them_lose_their_body_and_address(erased, ben):
    for message in OutboundEmail.objects.filter(purpose="test"):
        if ben.word in message.subject:
            assert message.to == ben.person.email and ben.word in message.body_text
        else:
            assert (message.to, message.subject, message.body_text, message.body_html) == ("", "(erased)", "", "")
    assert not OutboundEmail.objects.filter(to=erased.person.email).exists()


def test_emails_they_had_sent_to_their_supervisor_lose_their_subject_and_body(amara, ben, erased):
    (theirs,) = OutboundEmail.objects.filter(to=erased.supervision.supervisor_email)
    assert (theirs.subject, theirs.body_text, theirs.body_html) == ("(erased)", "", "")
    (bens,) = OutboundEmail.objects.filter(to=ben.supervision.supervisor_email)
    assert ben.person.full_name in bens.body_text and ben.person.full_name in bens.subject
    assert not OutboundEmail.objects.filter(subject__icontains=erased.person.full_name).exists()


def test_task_results_that_name_them_are_gone(erased, ben):
    assert not DBTaskResult.objects.filter(pk=erased.task_result.pk).exists()
    assert DBTaskResult.objects.filter(pk=ben.task_result.pk).exists()


def test_pledges_are_anonymised_and_still_counted(erased, ben):
    signature = PledgeSignature.objects.get(pk=erased.signature.pk)
    assert (signature.name, signature.email, signature.show_name) == ("", "", False)
    assert signature.status == PledgeSignature.Status.CONFIRMED and signature.anonymised_at is not None
    assert PledgeSignature.objects.get(pk=ben.signature.pk).email == ben.person.email


def test_alert_subscriptions_made_with_their_address_are_erased(erased, ben):
    assert not Subscription.objects.filter(pk=erased.subscription.pk).exists()
    assert Subscription.objects.filter(pk=ben.subscription.pk).exists()


def test_events_they_submitted_stay_on_the_calendar_without_them(erased):
    event = Event.objects.get(pk=erased.event.pk)
    assert event.submitted_by is None and event.title == f"Event {erased.word}"


def test_the_register_entry_is_kept_as_the_public_sees_it(erased):
    entry = RegisterEntry.objects.get(pk=erased.entry.pk)
    assert entry.practitioner is None
    assert (entry.number, entry.full_name, entry.level_code, entry.status) == (
        erased.entry.number,
        erased.person.full_name,
        erased.entry.level_code,
        RegisterEntry.Status.ACTIVE,
    )
    assert (entry.first_endorsed_on, entry.renewal_due_on) == (
        erased.entry.first_endorsed_on,
        erased.entry.renewal_due_on,
    )
    assert entry.renewals.count() == 1
    # What the entry held but did not show goes: the employer was hidden.
    assert entry.employer == ""


def test_the_register_entry_still_verifies(erased):
    page = client_for(None).get(f"/register/{erased.entry.number}/")
    assert page.status_code == 200 and "Endorsed today." in page.content.decode()
    api = client_for(None).get(f"/api/v1/register/{erased.entry.number}")
    assert api.status_code == 200
    body = api.json()
    assert body["number"] == erased.entry.number and body["full_name"] == erased.person.full_name


@pytest.fixture
def registrar_then_erased(registrar, amara, ben, django_capture_on_commit_callbacks):
    """As `erased`, with a registrar on the site to be told."""
    client = recently_signed_in(amara.person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/delete/", {"email": amara.person.email})
    return amara


def test_the_registrar_sees_that_the_account_was_erased(registrar, registrar_then_erased):
    erased = registrar_then_erased
    page = client_for(registrar).get(f"/staff/register/{erased.entry.number}/").content.decode()
    assert "The practitioner erased their account on" in page
    (told,) = OutboundEmail.objects.filter(to=registrar.email, purpose="register/email/account_erased")
    assert erased.entry.number in told.subject and erased.person.full_name not in told.body_text
    assert AuditEntry.objects.filter(
        action="register.entry.account_erased", target_type="register.registerentry", target_id=str(erased.entry.pk)
    ).exists()


def test_the_erasure_is_audited_with_ids_only(erased):
    entry = AuditEntry.objects.get(action="accounts.person.erased")
    assert entry.target_id == str(erased.person.pk) and entry.data["person"] == erased.person.pk
    text = json.dumps(entry.data) + entry.actor_label + entry.reason
    for trace in (erased.person.email, erased.person.full_name, erased.word):
        assert trace not in text
    assert not AuditEntry.objects.filter(actor_label__icontains=erased.person.email).exists()


def test_staff_cannot_erase_themselves(registrar):
    response = recently_signed_in(registrar).post("/account/delete/", {"email": registrar.email})
    assert response.status_code == 403
    assert "Ask a registrar to change your role" in response.content.decode()
    assert User.objects.filter(pk=registrar.pk).exists()


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.REGISTRAR, Role.COORDINATOR])
def test_the_service_refuses_a_staff_role(db, role):
    person = make_person(f"{role}@example.org", role)
    with pytest.raises(AccountError, match="change your role to practitioner"):
        person_erase(person=person, actor=person)
    assert User.objects.filter(pk=person.pk).exists()


def test_a_person_cannot_erase_anyone_else(amara, ben):
    """The page only ever erases the person signed in; what they type must be their own address."""
    response = recently_signed_in(amara.person).post("/account/delete/", {"email": ben.person.email})
    assert response.status_code == 400
    assert User.objects.filter(pk=ben.person.pk).exists() and User.objects.filter(pk=amara.person.pk).exists()


def test_a_task_result_holding_an_accented_name_is_found(db, django_capture_on_commit_callbacks):
    from django.utils import timezone

    person = make_person("siobhan@example.org", name="Siobhán O'Néill")
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="nurture.example.task",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        return_value={"greeting": "Dear Siobhán O'Néill"},
        status="SUCCESSFUL",
    )
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=person, actor=person)
    assert not DBTaskResult.objects.filter(pk=result.pk).exists()


def test_the_public_pledge_list_stops_naming_them_at_once(amara, ben, django_capture_on_commit_callbacks):
    """The pledge page is cached whole for visitors; erasing must not leave the name there."""
    visitor = Client()
    pledge_page = f"/awareness-week/{amara.signature.campaign.slug}/pledge/"
    assert amara.person.full_name in visitor.get(pledge_page).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        recently_signed_in(amara.person).post("/account/delete/", {"email": amara.person.email})
    page = visitor.get(pledge_page).content.decode()
    assert amara.person.full_name not in page
    assert ben.person.full_name in page


def test_an_unverified_tagged_address_erases_nothing_of_its_owner(amara, ben, django_capture_on_commit_callbacks):
    """Amara adds `ben.hughes+x@…` without verifying it, then deletes her account: Ben keeps everything."""
    reset = password_reset_email_to(ben.person.email, django_capture_on_commit_callbacks)
    address_added_unverified(amara.person, "Ben.Hughes+x@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=amara.person, actor=amara.person)
    signature = PledgeSignature.objects.get(pk=ben.signature.pk)
    assert (signature.name, signature.email, signature.anonymised_at) == (ben.person.full_name, ben.person.email, None)
    reset.refresh_from_db()
    assert reset.to == ben.person.email and "secrettoken" in reset.body_text
    hello = OutboundEmail.objects.get(subject=f"Hello {ben.word}")
    assert hello.to == ben.person.email and ben.word in hello.body_text


def test_an_unverified_address_of_someone_without_an_account_erases_nothing_of_theirs(
    amara, carol, django_capture_on_commit_callbacks
):
    address_added_unverified(amara.person, carol.email)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=amara.person, actor=amara.person)
    signature = PledgeSignature.objects.get(pk=carol.signature.pk)
    assert (signature.name, signature.email, signature.anonymised_at) == (carol.name, carol.email, None)
    assert Subscription.objects.filter(pk=carol.subscription.pk).exists()
    assert ConflictDeclaration.objects.filter(pk=carol.conflict.pk).exists()
    assert DBTaskResult.objects.filter(pk=carol.task_result.pk).exists()
    (pledge_email,) = OutboundEmail.objects.filter(subject=f"Your pledge, {carol.name}")
    assert pledge_email.to == carol.email and pledge_email.body_text == f"Dear {carol.name}."


def test_a_verified_second_address_is_erased_with_the_account(amara, django_capture_on_commit_callbacks):
    EmailAddress.objects.create(user=amara.person, email="amara@work.example.org", verified=True)
    address_added_unverified(amara.person, "someone.else@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message_record(to="Amara@Work.example.org", subject="To work", body_text="Work.", purpose="test")
        message_record(to="someone.else@example.org", subject="To someone else", body_text="Private.", purpose="test")
        person_erase(person=amara.person, actor=amara.person)
    assert not OutboundEmail.objects.filter(subject="To work").exists()
    assert OutboundEmail.objects.get(subject="To someone else").body_text == "Private."


@pytest.mark.parametrize("who", ["other_practitioner", "assessor", "coordinator"])
def test_the_service_refuses_anyone_but_the_person_or_a_registrar(request, amara, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(AccountError, match="Only the person themselves or a registrar"):
        person_erase(person=amara.person, actor=actor)
    assert User.objects.filter(pk=amara.person.pk).exists()
    assert TrainingRecord.objects.filter(owner=amara.person).exists()
    assert not AuditEntry.objects.filter(action="accounts.person.erased").exists()


def test_an_audit_label_naming_a_longer_address_that_contains_theirs_is_kept(amara, django_capture_on_commit_callbacks):
    """`hughes@example.org` is inside `ben.hughes@example.org`, but it is not his address."""
    EmailAddress.objects.create(user=amara.person, email="hughes@example.org", verified=True)
    bens = AuditEntry.objects.create(
        action="endorsements.reference.answered", actor_label="referee ben.hughes@example.org"
    )
    hers = AuditEntry.objects.create(action="endorsements.reference.answered", actor_label="referee Hughes@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=amara.person, actor=amara.person)
    assert AuditEntry.objects.get(pk=bens.pk).actor_label == "referee ben.hughes@example.org"
    assert AuditEntry.objects.get(pk=hers.pk).actor_label == "erased person"
