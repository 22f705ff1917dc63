"""Applying: submission refused with what is missing, the frozen snapshot, the emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from conftest import client_for
from nurture.endorsements import services
from nurture.endorsements.models import Application, SnapshotFile
from nurture.endorsements.tests.conftest import TODAY, name_referees, ready_portfolio
from nurture.endorsements.workflow import State
from nurture.portfolios.models import Evidence
from nurture.portfolios.services import record_delete, record_save

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_empty_portfolio_is_refused_with_every_missing_requirement(practitioner, level):
    application = services.application_start(practitioner=practitioner, level=level)
    with pytest.raises(services.SubmissionRefused) as refused:
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    needed = level.competencies.count()
    assert refused.value.problems == [
        "Relationship-based training: you have 0 hours, the level needs 30 hours",
        "Paid work with infants and families: you have 0 months, the level needs 24 months",
        "Families of children 0–36 months served: you have 0 families, the level needs 10 families",
        f"Competencies with evidence: you have 0 competencies, the level needs {needed} competencies",
        "Competencies without evidence: "
        + ", ".join(c.code for c in level.competencies.order_by("domain__position", "position")),
        "Name a referee for each role: still needed, " + ", ".join(level.reference_roles),
    ]
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_evidence_that_may_identify_a_family_stops_submission_until_checked(practitioner, level):
    ready_portfolio(practitioner, level)
    flagged = record_save(
        owner=practitioner,
        record=Evidence(title="Case study", kind=Evidence.Kind.CASE_STUDY, text="Seen at LS1 4AP on Monday."),
        competency_ids=[level.competencies.first().pk],
    )
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    with pytest.raises(services.SubmissionRefused) as refused:
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    assert refused.value.problems == ["Evidence that may identify a family, not yet checked: “Case study”"]
    flagged.findings_reviewed_at = flagged.updated_at
    flagged.save()
    services.application_submit(application=application, actor=practitioner, today=TODAY)
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED


NHS_NUMBER_TEXT = "I copied the baby's NHS number, 943 476 5919, from the referral."


def test_an_nhs_number_written_without_the_scan_still_stops_submission(practitioner, level):
    """Demo application 1 reached the assessors with an NHS number in its evidence: rows
    written without the scan (a bulk load) had no stored findings to stop it. The rule
    scans the text itself when it is asked."""
    ready_portfolio(practitioner, level)
    unscanned = Evidence.objects.create(
        owner=practitioner, title="Case study", kind=Evidence.Kind.CASE_STUDY, text=NHS_NUMBER_TEXT
    )
    assert unscanned.findings == []
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    with pytest.raises(services.SubmissionRefused) as refused:
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    assert refused.value.problems == ["Evidence that may identify a family, not yet checked: “Case study”"]
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_check_made_on_other_findings_does_not_let_a_new_nhs_number_through(practitioner, level):
    ready_portfolio(practitioner, level)
    checked = record_save(
        owner=practitioner,
        record=Evidence(title="Case study", kind=Evidence.Kind.CASE_STUDY, text="Seen at LS1 4AP on Monday."),
        competency_ids=[level.competencies.first().pk],
    )
    checked.findings_reviewed_at = timezone.now()
    checked.save()
    Evidence.objects.filter(pk=checked.pk).update(text=f"Seen at LS1 4AP on Monday. {NHS_NUMBER_TEXT}")
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    with pytest.raises(services.SubmissionRefused):
        services.application_submit(application=application, actor=practitioner, today=TODAY)


def test_the_page_lists_what_is_missing(practitioner, level):
    application = services.application_start(practitioner=practitioner, level=level)
    page = client_for(practitioner).get(f"/applications/{application.pk}/").content.decode()
    assert "Before you can submit" in page
    assert "Relationship-based training: you have 0 hours, the level needs 30 hours" in page


def test_starting_twice_opens_the_same_draft(practitioner, level):
    first = services.application_start(practitioner=practitioner, level=level)
    assert services.application_start(practitioner=practitioner, level=level) == first


@pytest.fixture
def submitted(practitioner, level, private_media, send_now) -> Application:
    evidence = ready_portfolio(practitioner, level)
    evidence.file.save("account.pdf", ContentFile(PDF))
    evidence.file_name, evidence.file_type = "account.pdf", "application/pdf"
    evidence.save()
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    mail.outbox.clear()
    with send_now():
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    return Application.objects.get(pk=application.pk)


def test_submitting_freezes_the_portfolio_and_copies_its_files(submitted):
    (evidence,) = submitted.snapshot["evidence"]
    assert evidence["title"] == "Reflective account: a first home visit"
    assert evidence["text"] == "Watching a mother soothe her baby during a first home visit."
    assert len(evidence["competencies"]) == submitted.level.competencies.count()
    copy = SnapshotFile.objects.get(pk=evidence["file"])
    assert copy.file.name.startswith(f"applications/{submitted.pk}/")


def test_later_edits_and_deletion_do_not_change_the_snapshot_or_its_file(submitted, practitioner, send_now):
    before = submitted.snapshot
    evidence = Evidence.objects.get(owner=practitioner)
    original_path = evidence.file.name
    evidence.text = "Rewritten after submission."
    record_save(owner=practitioner, record=evidence, competency_ids=[])
    with send_now():  # the file goes once the delete is committed
        record_delete(owner=practitioner, record=Evidence.objects.get(pk=evidence.pk))
    assert not evidence.file.storage.exists(original_path)

    after = Application.objects.get(pk=submitted.pk)
    assert after.snapshot == before
    copy = SnapshotFile.objects.get(application=submitted)
    with copy.file.open("rb") as stored:
        assert stored.read() == PDF


def test_the_practitioner_can_download_the_copied_file_and_another_cannot(submitted, practitioner, other_practitioner):
    copy = SnapshotFile.objects.get(application=submitted)
    url = f"/applications/{submitted.pk}/files/{copy.pk}/"
    response = client_for(practitioner).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert client_for(other_practitioner).get(url).status_code == 404


def test_a_file_kept_under_a_wrong_extension_is_copied_and_served_under_its_real_one(
    practitioner, level, private_media, send_now
):
    evidence = ready_portfolio(practitioner, level)
    evidence.file.save("report.html", ContentFile(PDF))
    evidence.file_name, evidence.file_type = "report.html", "application/pdf"
    evidence.save()
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    with send_now():
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    copy = SnapshotFile.objects.get(application=application)
    assert (copy.name, copy.file.name[-4:]) == ("report.pdf", ".pdf")
    response = client_for(practitioner).get(f"/applications/{application.pk}/files/{copy.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_deleting_the_practitioner_removes_the_copied_files(submitted, practitioner, private_media, send_now):
    copy = SnapshotFile.objects.get(application=submitted)
    path = private_media / copy.file.name
    assert path.exists()
    with send_now():
        practitioner.delete()
    assert not path.exists()
    assert not any(p.is_file() for p in private_media.rglob("*"))


def test_a_submission_refused_by_the_email_limit_leaves_no_copied_file(
    practitioner, level, private_media, send_now, settings
):
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = 1
    evidence = ready_portfolio(practitioner, level)
    evidence.file.save("account.pdf", ContentFile(PDF))
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    with send_now(), pytest.raises(services.WorkflowError):
        services.application_submit(application=application, actor=practitioner, today=TODAY)
    assert not SnapshotFile.objects.exists()
    assert [p.name for p in private_media.rglob("*") if p.is_file()] == [evidence.file.name.rsplit("/", 1)[1]]


def test_submitting_emails_a_receipt_and_each_referee(submitted, practitioner):
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [practitioner.email, "referee1@example.org", "referee2@example.org", "referee3@example.org"]
    )
    receipt = next(m for m in mail.outbox if m.to == [practitioner.email])
    assert receipt.subject == f"We have received your application for {submitted.level.name}"
    assert "What happens next" in receipt.body
    assert receipt.alternatives and "text/html" in receipt.alternatives[0][1]


def test_the_page_says_where_it_is_what_next_and_when(submitted, practitioner):
    page = client_for(practitioner).get(f"/applications/{submitted.pk}/").content.decode()
    assert "Where it is: Submitted" in page
    assert "Waiting for a reference from your current supervisor" in page
    assert "Once the references are in, the registrar assigns two assessors" in page
    assert "Expected by:" in page
    assert "Timeline" in page and "Submitted" in page


def test_the_expected_days_come_from_settings(submitted, practitioner, settings):
    settings.NURTURE_APPLICATION_EXPECTED_DAYS = {"submitted": 1}
    from nurture.endorsements.selectors import application_status

    since = timezone.localtime(submitted.state_changed_at).date()
    assert application_status(submitted).expected_on == since + timedelta(days=1)


def test_without_the_setting_the_expected_days_are_the_workflows_own(submitted, settings):
    from nurture.endorsements.selectors import application_status

    assert settings.NURTURE_APPLICATION_EXPECTED_DAYS is None
    since = timezone.localtime(submitted.state_changed_at).date()
    assert application_status(submitted).expected_on == since + timedelta(days=28)


def test_a_state_misspelt_in_the_expected_days_stops_start_up(settings):
    from django.core.exceptions import ImproperlyConfigured

    from nurture.endorsements.apps import expected_days_check

    settings.NURTURE_APPLICATION_EXPECTED_DAYS = {"submitted": 1, "submited": 2, "apeal": 3}
    with pytest.raises(
        ImproperlyConfigured, match="NURTURE_APPLICATION_EXPECTED_DAYS names no such state: apeal, submited"
    ):
        expected_days_check()
    settings.NURTURE_APPLICATION_EXPECTED_DAYS = {"submitted": 1, "appeal": 3}
    expected_days_check()


def test_a_resubmission_after_deferral_takes_a_new_snapshot(submitted, practitioner, registrar):
    Application.objects.filter(pk=submitted.pk).update(state=State.DEFERRED, required_actions="More supervision.")
    Evidence.objects.filter(owner=practitioner).update(title="Renamed after the deferral")
    services.application_resubmit(application=submitted, actor=practitioner, today=TODAY)
    after = Application.objects.get(pk=submitted.pk)
    assert after.state == State.RESUBMITTED
    assert after.round == 2
    assert after.snapshot["evidence"][0]["title"] == "Renamed after the deferral"
