"""Your data: a practitioner downloads everything Nurture holds about them, and nothing of anyone else."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from conftest import PASSWORD, client_for
from nurture.core.models import AuditEntry
from nurture.core.outbox import message_record

from .conftest import address_added_unverified, password_reset_email_to, recently_signed_in

pytestmark = pytest.mark.django_db


def download(client) -> zipfile.ZipFile:
    response = client.post("/account/data/download/")
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="nurture-data-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def section(archive: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    return json.loads(archive.read(f"{name}.json"))


def test_the_account_page_links_to_your_data(practitioner):
    page = client_for(practitioner).get("/account/profile/").content.decode()
    assert 'href="/account/data/"' in page


def test_the_data_page_offers_the_download_and_the_deletion(practitioner):
    response = client_for(practitioner).get("/account/data/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'action="/account/data/download/"' in page and 'href="/account/delete/"' in page


def test_the_download_asks_for_the_password_again_then_comes_back_here(amara):
    response = client_for(amara.person).post("/account/data/download/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccount%2Fdata%2F"
    assert not AuditEntry.objects.filter(action="accounts.person.data_exported").exists()


def test_after_the_password_the_data_page_says_the_download_is_ready_and_it_starts_at_once(amara):
    client = client_for(amara.person)
    assert "your download is ready" not in client.get("/account/data/").content.decode()
    back = client.post("/accounts/reauthenticate/?next=%2Faccount%2Fdata%2F", {"password": PASSWORD})
    assert back.status_code == 302 and back["Location"] == "/account/data/"
    page = client.get("/account/data/").content.decode()
    assert "Your password is confirmed and your download is ready" in page
    assert section(download(client), "account")[0]["email"] == amara.person.email


def test_the_download_is_not_a_link_that_a_get_can_start(amara):
    response = recently_signed_in(amara.person).get("/account/data/download/")
    assert response.status_code == 405
    assert not AuditEntry.objects.filter(action="accounts.person.data_exported").exists()


def test_the_zip_holds_each_kind_of_record_of_the_person(amara, ben):
    archive = download(recently_signed_in(amara.person))
    word = amara.word
    assert section(archive, "account")[0]["email"] == amara.person.email
    assert [a["email"] for a in section(archive, "email_addresses")] == [amara.person.email]
    assert section(archive, "portfolio/education")[0]["qualification"] == f"BSc {word}"
    assert section(archive, "portfolio/training")[0]["title"] == f"Training {word}"
    assert section(archive, "portfolio/experience")[0]["role_title"] == f"Health visitor {word}"
    assert section(archive, "portfolio/cpd")[0]["activity"] == f"CPD {word}"
    (evidence,) = section(archive, "portfolio/evidence")
    assert evidence["title"] == f"Evidence {word}" and evidence["competencies"] == [
        c.code for c in amara.evidence.competencies.all()
    ]
    (supervision,) = section(archive, "portfolio/supervision")
    assert supervision["supervisor_name"] == f"Supervisor {word}"
    assert [link["sent_to"] for link in supervision["links"]] == [amara.supervision.supervisor_email]
    assert supervision["latest_link_email"]["state"]
    (application,) = section(archive, "endorsement/applications")
    assert application["decision_reason"] == f"Decided for {word}."
    assert application["snapshot"] == {"evidence": [{"title": f"Evidence {word}"}]}
    (reference,) = section(archive, "endorsement/references_requested")
    assert reference["referee_name"] == f"Referee {word}" and reference["status"] == "answered"
    assert [e["number"] for e in section(archive, "register/entries")] == [amara.entry.number]
    assert [r["number"] for r in section(archive, "register/renewals")] == [amara.entry.number]
    assert section(archive, "register/alert_subscriptions")[0]["entries"] == [amara.entry.number]
    assert section(archive, "awareness_week/pledge_signatures")[0]["name"] == amara.person.full_name
    assert section(archive, "awareness_week/events_submitted")[0]["title"] == f"Event {word}"
    assert any(e["subject"] == f"Hello {word}" for e in section(archive, "emails_to_you"))
    assert any(e["action"] == "portfolios.supervision.link_sent" for e in section(archive, "audit_log"))
    assert {t["type"] for t in section(archive, "two_factor")} == set()


def test_the_zip_holds_the_persons_uploaded_files(amara, ben):
    archive = download(recently_signed_in(amara.person))
    files = {name: archive.read(name) for name in archive.namelist() if name.startswith("files/")}
    assert sorted(files) == sorted(
        [
            f"files/training/{amara.training.pk}-certificate-{amara.word}.pdf",
            f"files/evidence/{amara.evidence.pk}-evidence-{amara.word}.pdf",
            f"files/applications/{amara.application.pk}/{amara.snapshot_file.pk}-snapshot-{amara.word}.pdf",
        ]
    )
    assert {content.split(b"%%EOF\n")[1] for content in files.values()} == {
        f"certificate of {amara.word}".encode(),
        f"evidence of {amara.word}".encode(),
        f"snapshot of {amara.word}".encode(),
    }


def test_the_zip_holds_nothing_of_another_person(amara, ben):
    archive = download(recently_signed_in(amara.person))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    for trace in (ben.word, ben.person.email, ben.person.full_name, ben.entry.number):
        assert trace not in everything
    assert amara.word in everything


def test_the_referees_confidential_answers_are_not_in_the_zip(amara):
    archive = download(recently_signed_in(amara.person))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    assert "Confidential opinion" not in everything and "ratings" not in everything


def test_no_second_factor_secret_is_in_the_zip(db, private_media):
    from conftest import TOTP_SECRET, make_person

    person = make_person("totp.holder@example.org", mfa=True)
    archive = download(recently_signed_in(person))
    assert [t["type"] for t in section(archive, "two_factor")] == ["TOTP Authenticator"]
    assert TOTP_SECRET not in b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")


def test_the_download_is_audited(amara):
    download(recently_signed_in(amara.person))
    entry = AuditEntry.objects.get(action="accounts.person.data_exported")
    assert entry.actor == amara.person and entry.target_id == str(amara.person.pk)


def test_a_missing_file_is_listed_and_the_rest_still_downloads(amara):
    amara.evidence.file.storage.delete(amara.evidence.file.name)
    archive = download(recently_signed_in(amara.person))
    contents = json.loads(archive.read("contents.json"))
    assert contents["files_missing_from_storage"] == [f"files/evidence/{amara.evidence.pk}-evidence-{amara.word}.pdf"]
    assert f"files/training/{amara.training.pk}-certificate-{amara.word}.pdf" in archive.namelist()


def test_staff_may_download_their_own_data(registrar, private_media):
    archive = download(recently_signed_in(registrar))
    assert section(archive, "account")[0]["email"] == registrar.email


def test_the_download_is_only_ever_of_the_person_signed_in(amara, ben):
    """There is no address for another person's data: every download is the asker's own."""
    archive = download(recently_signed_in(ben.person))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    assert amara.word not in everything and amara.person.email not in everything


def everything_in(archive: zipfile.ZipFile) -> str:
    return b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")


def test_an_unverified_tagged_address_brings_nothing_of_its_owner(amara, ben, django_capture_on_commit_callbacks):
    """Adding `ben.hughes+x@…` without verifying it must not show Ben's emails, his
    password reset link among them, or his pledge."""
    reset = password_reset_email_to(ben.person.email, django_capture_on_commit_callbacks)
    address_added_unverified(amara.person, "Ben.Hughes+x@example.org")
    everything = everything_in(download(recently_signed_in(amara.person)))
    for trace in (ben.word, ben.person.email, ben.person.full_name, "secrettoken", reset.subject):
        assert trace not in everything


def test_an_unverified_address_of_someone_without_an_account_brings_nothing_of_theirs(amara, carol):
    address_added_unverified(amara.person, carol.email)
    archive = download(recently_signed_in(amara.person))
    # The address itself is listed, unverified, as one Amara typed; nothing sent to it or made with it is.
    assert section(archive, "email_addresses")[1] == {"email": carol.email, "verified": False, "primary": False}
    others = [name for name in archive.namelist() if name != "email_addresses.json"]
    everything = b"".join(archive.read(name) for name in others).decode("utf-8", "replace")
    assert carol.email not in everything and carol.name not in everything


def test_a_verified_second_address_counts_and_an_unverified_one_does_not(amara, django_capture_on_commit_callbacks):
    EmailAddress.objects.create(user=amara.person, email="amara@work.example.org", verified=True)
    address_added_unverified(amara.person, "someone.else@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message_record(to="Amara@Work.example.org", subject="To work", body_text="Work.", purpose="test")
        message_record(to="someone.else@example.org", subject="To someone else", body_text="Private.", purpose="test")
    subjects = [e["subject"] for e in section(download(recently_signed_in(amara.person)), "emails_to_you")]
    assert "To work" in subjects and "To someone else" not in subjects


def test_emails_with_a_single_use_link_are_listed_without_their_body(amara, django_capture_on_commit_callbacks):
    reset = password_reset_email_to(amara.person.email, django_capture_on_commit_callbacks)
    archive = download(recently_signed_in(amara.person))
    (listed,) = [e for e in section(archive, "emails_to_you") if e["purpose"] == "account/email/password_reset_key"]
    assert listed["subject"] == reset.subject and listed["state"] and listed["created_at"]
    assert listed["body_text"].startswith("Not included: it held a single-use link or code")
    assert "secrettoken" not in everything_in(archive)
    # An ordinary email keeps its body.
    assert any(e["body_text"].startswith("Dear ") for e in section(archive, "emails_to_you"))
