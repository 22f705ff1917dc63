"""The portfolio pages, as the practitioner and as people it does not belong to."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.core.tests.dates import date_typed
from nurture.framework.models import Competency
from nurture.portfolios.models import CPDEntry, Evidence, SupervisionEntry, TrainingRecord

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


def training_for(owner, **extra):
    values = {
        "title": "Circle of Security",
        "provider": "Infant Mental Health Academy",
        "hours": Decimal("12"),
        "relationship_based": True,
    }
    values.update(extra)
    return TrainingRecord.objects.create(owner=owner, completed_on="2025-05-01", **values)


def test_it_adds_a_cpd_entry(practitioner):
    response = client_for(practitioner).post(
        "/portfolio/cpd/new/",
        {
            "activity": "Webinar on perinatal anxiety",
            **date_typed("done_on", "2026-01-10"),
            "hours": "1.5",
            "reflection": "",
        },
    )
    assert response.status_code == 302
    entry = CPDEntry.objects.get(owner=practitioner)
    assert entry.hours == Decimal("1.5")
    assert AuditEntry.objects.filter(action="portfolios.cpdentry.created", actor=practitioner).exists()


def test_bad_input_is_shown_next_to_the_field_and_what_was_typed_is_kept(practitioner):
    response = client_for(practitioner).post(
        "/portfolio/training/new/",
        {
            "title": "Video interaction guidance",
            "provider": "Family Links",
            "hours": "-3",
            **date_typed("completed_on", "2099-01-01"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Video interaction guidance"' in page
    assert 'value="Family Links"' in page
    assert "Enter a number of hours above 0" in page
    assert "cannot be in the future" in page
    assert 'aria-invalid="true"' in page
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("garbage", ["abc", "1e400", "NaN", "99999999999", "", "   "])
def test_nonsense_numbers_never_break_the_page(practitioner, garbage):
    response = client_for(practitioner).post(
        "/portfolio/supervision/new/",
        {
            **date_typed("session_on", "not a date"),
            "supervisor_name": "Dr Ruth Adeyemi",
            "supervisor_email": "ruth@",
            "hours": garbage,
        },
    )
    assert response.status_code == 400
    assert not SupervisionEntry.objects.exists()


def test_another_practitioner_gets_404_for_records_that_are_not_theirs(practitioner, other_practitioner):
    record = training_for(practitioner)
    stranger = client_for(other_practitioner)
    assert stranger.get(f"/portfolio/training/{record.pk}/edit/").status_code == 404
    assert stranger.post(f"/portfolio/training/{record.pk}/delete/").status_code == 404
    assert stranger.get(f"/portfolio/training/{record.pk}/file/").status_code == 404
    assert TrainingRecord.objects.filter(pk=record.pk).exists()


def test_an_unknown_kind_of_record_is_404(practitioner):
    assert client_for(practitioner).get("/portfolio/pets/new/").status_code == 404


def test_deleting_asks_first_then_deletes(practitioner):
    record = training_for(practitioner)
    client = client_for(practitioner)
    assert b"cannot be undone" in client.get(f"/portfolio/training/{record.pk}/delete/").content
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    client.post(f"/portfolio/training/{record.pk}/delete/")
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()


def test_an_uploaded_certificate_is_served_only_to_its_owner(practitioner, other_practitioner, private_media):
    client = client_for(practitioner)
    response = client.post(
        "/portfolio/training/new/",
        {
            "title": "Newborn Behavioural Observation",
            "provider": "Brazelton Centre",
            "hours": "14",
            **date_typed("completed_on", "2025-09-12"),
            "relationship_based": "on",
            "certificate": SimpleUploadedFile("my certificate.pdf", PDF),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(owner=practitioner)
    assert record.certificate_type == "application/pdf"
    stored = private_media / record.certificate.name
    assert stored.exists()
    assert "my certificate" not in record.certificate.name
    download = client.get(f"/portfolio/training/{record.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client_for(other_practitioner).get(f"/portfolio/training/{record.pk}/file/").status_code == 404
    assert client_for(None).get(f"/portfolio/training/{record.pk}/file/").status_code == 302


def test_a_file_that_is_not_what_it_claims_is_refused(practitioner, private_media):
    response = client_for(practitioner).post(
        "/portfolio/training/new/",
        {
            "title": "Attachment theory",
            "provider": "Local authority",
            "hours": "6",
            **date_typed("completed_on", "2025-09-12"),
            "certificate": SimpleUploadedFile("certificate.pdf", b"<html><script>alert(1)</script></html>"),
        },
    )
    assert response.status_code == 400
    assert "not a PDF, Word (.docx), PNG or JPEG file" in response.content.decode()
    assert 'value="Attachment theory"' in response.content.decode()
    assert not TrainingRecord.objects.exists()
    assert not any(private_media.rglob("*.*")) if private_media.exists() else True


def test_a_pdf_uploaded_as_html_is_stored_and_served_as_a_pdf(practitioner, private_media):
    client = client_for(practitioner)
    response = client.post(
        "/portfolio/training/new/",
        {
            "title": "Newborn Behavioural Observation",
            "provider": "Brazelton Centre",
            "hours": "14",
            **date_typed("completed_on", "2025-09-12"),
            "certificate": SimpleUploadedFile("report.html", PDF, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(owner=practitioner)
    assert record.certificate.name.endswith(".pdf")
    assert (private_media / record.certificate.name).read_bytes() == PDF
    download = client.get(f"/portfolio/training/{record.pk}/file/")
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("recorded_type", ["application/pdf", ""], ids=["type recorded", "no type recorded"])
def test_a_file_stored_earlier_under_a_wrong_extension_is_served_under_its_real_one(
    practitioner, private_media, recorded_type
):
    record = training_for(practitioner, certificate_name="report.html", certificate_type=recorded_type)
    record.certificate.name = record.certificate.storage.save(f"uploads/{practitioner.pk}/old.html", ContentFile(PDF))
    record.save()
    download = client_for(practitioner).get(f"/portfolio/training/{record.pk}/file/")
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_word_file_with_macros_is_refused_next_to_its_field_and_the_form_is_kept(practitioner, private_media):
    docm = io.BytesIO()
    with zipfile.ZipFile(docm, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    response = client_for(practitioner).post(
        "/portfolio/training/new/",
        {
            "title": "Attachment theory",
            "provider": "Local authority",
            "hours": "6",
            **date_typed("completed_on", "2025-09-12"),
            "certificate": SimpleUploadedFile("certificate.docx", docm.getvalue()),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="id_certificate_error"[^>]*>.*?contains macros', page, re.S)
    assert 'value="Attachment theory"' in page
    assert not TrainingRecord.objects.exists()
    assert not any(private_media.rglob("*.*")) if private_media.exists() else True


def test_evidence_with_an_nhs_number_is_flagged_and_shown_where(practitioner):
    competencies = list(Competency.objects.filter(domain__version__is_current=True)[:2])
    response = client_for(practitioner).post(
        "/portfolio/evidence/new/",
        {
            "title": "Home visit reflection",
            "kind": "reflective-account",
            "text": "I visited the family.\nThe baby's NHS number 943 476 5919 was on the red book.",
            "competencies": [c.pk for c in competencies],
        },
    )
    evidence = Evidence.objects.get(owner=practitioner)
    assert response.status_code == 302
    assert response["Location"] == f"/portfolio/evidence/{evidence.pk}/"
    assert evidence.has_unresolved_findings
    assert set(evidence.competencies.all()) == set(competencies)
    page = client_for(practitioner).get(response["Location"]).content.decode()
    assert "NHS number “943 476 5919”</a>, line 2" in page
    assert '<mark class="finding" id="finding-1">943 476 5919' in page


def test_confirming_the_findings_are_not_identifying_clears_the_warning(practitioner):
    evidence = Evidence.objects.create(
        owner=practitioner,
        title="Case study",
        kind="case-study",
        text="Seen on 07700 900123",
        findings=[{"kind": "phone"}],
    )
    client_for(practitioner).post(f"/portfolio/evidence/{evidence.pk}/checked/")
    evidence.refresh_from_db()
    assert not evidence.has_unresolved_findings
    assert AuditEntry.objects.filter(action="portfolios.evidence.findings_reviewed").exists()


def test_editing_the_text_again_needs_a_fresh_check(practitioner):
    competency = Competency.objects.filter(domain__version__is_current=True).first()
    client = client_for(practitioner)
    client.post(
        "/portfolio/evidence/new/",
        {
            "title": "Reflection",
            "kind": "reflective-account",
            "text": "Call 07700 900123",
            "competencies": [competency.pk],
        },
    )
    evidence = Evidence.objects.get()
    client.post(f"/portfolio/evidence/{evidence.pk}/checked/")
    client.post(
        f"/portfolio/evidence/{evidence.pk}/edit/",
        {
            "title": "Reflection",
            "kind": "reflective-account",
            "text": "Postcode SW1A 1AA",
            "competencies": [competency.pk],
        },
    )
    evidence.refresh_from_db()
    assert evidence.has_unresolved_findings
    assert evidence.findings[0]["kind"] == "postcode"


def test_the_identifier_check_works_without_javascript_and_keeps_the_text(practitioner):
    response = client_for(practitioner).post(
        "/portfolio/evidence/check/", {"title": "Draft", "kind": "case-study", "text": "DOB 12/03/2025"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth “12/03/2025”" in page
    assert "DOB 12/03/2025</textarea>" in page
    assert 'value="Draft"' in page
    assert not Evidence.objects.exists()


def test_the_identifier_check_answers_htmx_with_the_findings_alone(practitioner):
    response = client_for(practitioner).post(
        "/portfolio/evidence/check/", {"text": "Nothing to see"}, headers={"HX-Request": "true"}
    )
    assert b"No identifying details found" in response.content
    assert b"<html" not in response.content


def test_a_confirmed_supervision_entry_cannot_be_edited(practitioner):
    entry = SupervisionEntry.objects.create(
        owner=practitioner,
        session_on="2026-03-02",
        supervisor_name="Dr Ruth Adeyemi",
        supervisor_email="ruth@example.org",
        hours=Decimal("1.5"),
        status=SupervisionEntry.Status.CONFIRMED,
        confirmed_at="2026-03-03T10:00:00Z",
    )
    client = client_for(practitioner)
    response = client.post(
        f"/portfolio/supervision/{entry.pk}/edit/",
        {
            **date_typed("session_on", "2026-03-02"),
            "supervisor_name": "X",
            "supervisor_email": "x@example.org",
            "hours": "9",
            "kind": "individual",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("1.5")
    client.post(f"/portfolio/supervision/{entry.pk}/delete/")
    assert SupervisionEntry.objects.filter(pk=entry.pk).exists()


def test_the_supervision_link_can_be_sent_to_another_address(
    practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/portfolio/supervision/new/",
            {
                **date_typed("session_on", "2026-03-02"),
                "supervisor_name": "Dr Ruth Adeyemi",
                "supervisor_email": "ruth@blocked-trust.nhs.example",
                "hours": "1.5",
                "kind": "individual",
            },
        )
    entry = SupervisionEntry.objects.get()
    assert mailoutbox[-1].to == ["ruth@blocked-trust.nhs.example"]
    first_link = re.search(r"http://\S+/supervision/confirm/\S+/", mailoutbox[-1].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/portfolio/supervision/{entry.pk}/resend/", {"supervisor_email": "ruth.adeyemi@example.org"})
    assert mailoutbox[-1].to == ["ruth.adeyemi@example.org"]
    path = "/supervision/" + first_link.split("/supervision/", 1)[1]
    assert b"replaced by a newer one" in client_for(None).get(path).content


def test_the_readiness_page_shows_have_and_need_and_the_gaps(practitioner):
    training_for(practitioner, hours=Decimal("30"))
    response = client_for(practitioner).get("/portfolio/readiness/prevention/")
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'data-requirement="training">.*?<td data-label="You have">30 hours</td>\s*'
        r'<td data-label="Needed">30 hours</td>',
        page,
        re.S,
    )
    rows = dict(re.findall(r'data-requirement="(\w+)">(.*?)</tr>', page, re.S))
    assert 'value="100"' in rows["training"] and 'tag--ok">Met<' in rows["training"]
    assert "<progress" in rows["supervision"] and 'tag--no">Not yet<' in rows["supervision"]
    assert "<progress" not in rows["references"] and 'tag--later">After you apply<' in rows["references"]
    assert "Gap" in page


def test_each_unmet_requirement_links_to_the_form_that_fixes_it(practitioner):
    training_for(practitioner, hours=Decimal("30"))
    page = client_for(practitioner).get("/portfolio/readiness/prevention/").content.decode()
    rows = dict(re.findall(r'data-requirement="([\w-]+)">(.*?)</tr>', page, re.S))
    assert "Add training" not in rows["training"], "a met requirement needs nothing"
    assert 'href="/portfolio/education/new/">Add education' in rows["education"]
    assert 'href="/portfolio/experience/new/">Add work experience' in rows["experience"]
    assert 'href="/portfolio/experience/new/">Add work experience' in rows["families"]
    assert 'href="/portfolio/supervision/sessions/">Add supervision sessions' in rows["supervision"]
    assert 'href="/portfolio/evidence/new/">Add evidence' in rows["evidence"]
    assert 'href="/portfolio/evidence/new/?competency=D1.1">Add evidence' in page
    assert "Start your application" not in page
    assert 'class="table-stack"' in page and 'data-label="Status"' in page


def test_the_readiness_page_of_an_unknown_level_is_404(practitioner):
    assert client_for(practitioner).get("/portfolio/readiness/wizard/").status_code == 404


def test_a_stored_file_is_removed_with_its_record(practitioner, private_media, django_capture_on_commit_callbacks):
    record = training_for(practitioner)
    record.certificate.save("c.pdf", ContentFile(PDF))
    stored = private_media / record.certificate.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(practitioner).post(f"/portfolio/training/{record.pk}/delete/")
    assert not stored.exists()


def test_the_portfolio_shows_its_totals_and_dates_one_way(practitioner):
    from datetime import date as day

    from nurture.portfolios.models import ExperienceRecord

    training_for(practitioner, hours=Decimal("30"))
    training_for(practitioner, hours=Decimal("6"), relationship_based=False, title="Safeguarding")
    ExperienceRecord.objects.create(
        owner=practitioner,
        role_title="Health visitor",
        employer="Leeds",
        started_on=day(2015, 7, 1),
        families_served=12,
    )
    SupervisionEntry.objects.create(
        owner=practitioner,
        session_on=day(2026, 11, 2),
        supervisor_name="Dr Rose Clark",
        supervisor_email="rose@example.org",
        hours=Decimal("1.5"),
        status=SupervisionEntry.Status.CONFIRMED,
        confirmed_at="2026-11-03T10:00:00Z",
    )
    page = client_for(practitioner).get("/portfolio/").content.decode()
    totals = page[page.index('id="totals"') : page.index("</section>", page.index('id="totals"'))]
    assert "<dt>Training</dt><dd>36 hours</dd>" in totals
    assert "<dt>Relationship-based training</dt><dd>30 hours</dd>" in totals
    assert "<dt>Families served</dt><dd>12</dd>" in totals
    assert "<dt>Supervision that counts</dt><dd>1.5 hours" in totals
    assert "<dt>Evidence</dt><dd>0 items</dd>" in totals
    assert "1 July 2015 to now" in page
    assert "2 November 2026" in page
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", page[page.index("<main") :]), "no ISO date is shown"
