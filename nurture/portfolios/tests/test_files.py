"""A stored file lives as long as its row: deleted with it, replaced with it, never left by a rollback."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from conftest import client_for
from nurture.core.tests.dates import date_typed
from nurture.portfolios import services
from nurture.portfolios.models import Evidence, TrainingRecord

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32

pytestmark = pytest.mark.django_db


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what waits for the commit, as production does when the transaction ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stored_files(private_media):
    return sorted(p.name for p in private_media.rglob("*") if p.is_file()) if private_media.exists() else []


def with_files(owner, private_media):
    """An evidence item and a training record, each with its file on disk."""
    training = TrainingRecord.objects.create(
        owner=owner, title="Circle of Security", provider="IMH Academy", hours=Decimal("12"), completed_on="2025-05-01"
    )
    training.certificate.save("certificate.pdf", ContentFile(PDF))
    evidence = Evidence.objects.create(owner=owner, title="A home visit", kind=Evidence.Kind.REFLECTIVE_ACCOUNT)
    evidence.file.save("account.pdf", ContentFile(PDF))
    paths = [private_media / training.certificate.name, private_media / evidence.file.name]
    assert all(path.exists() for path in paths)
    return training, evidence, paths


def test_deleting_evidence_through_the_service_removes_its_file_once_committed(practitioner, private_media, commits):
    _, evidence, (_, evidence_path) = with_files(practitioner, private_media)
    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        services.record_delete(owner=practitioner, record=evidence)
        raise RuntimeError("something failed after the delete: it is rolled back")
    assert Evidence.objects.filter(title="A home visit").exists()
    assert evidence_path.exists()
    with commits():
        services.record_delete(owner=practitioner, record=Evidence.objects.get(title="A home visit"))
    assert not evidence_path.exists()


def test_deleting_a_person_removes_the_files_of_every_record_they_own(practitioner, private_media, commits):
    _, _, paths = with_files(practitioner, private_media)
    with commits():
        practitioner.delete()
    assert not any(path.exists() for path in paths)
    assert stored_files(private_media) == []


def test_deleting_a_person_in_the_admin_removes_their_files(practitioner, registrar, private_media, commits):
    _, _, paths = with_files(practitioner, private_media)
    registrar.is_staff = registrar.is_superuser = True
    registrar.save()
    with commits():
        response = client_for(registrar).post(f"/admin/accounts/user/{practitioner.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not any(path.exists() for path in paths)


def test_uploading_a_new_certificate_removes_the_old_one(practitioner, private_media, commits):
    training, _, (old_path, _) = with_files(practitioner, private_media)
    with commits():
        services.record_save(owner=practitioner, record=TrainingRecord.objects.get(pk=training.pk))
        not_written = TrainingRecord.objects.get(pk=training.pk)
        not_written.certificate, not_written.title = SimpleUploadedFile("scan.png", PNG), "Circle of Security II"
        not_written.save(update_fields=["title"])
    assert old_path.exists()
    with commits():
        response = client_for(practitioner).post(
            f"/portfolio/training/{training.pk}/edit/",
            {
                "title": training.title,
                "provider": training.provider,
                "hours": "12",
                **date_typed("completed_on", "2025-05-01"),
                "certificate": SimpleUploadedFile("scan.png", PNG),
            },
        )
    assert response.status_code == 302
    training.refresh_from_db()
    assert not old_path.exists()
    assert (private_media / training.certificate.name).read_bytes() == PNG
    assert training.certificate_name == "scan.png"


def test_a_save_that_is_rolled_back_leaves_no_file(practitioner, private_media, commits, monkeypatch):
    def audit_fails(**kwargs):
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr(services, "audit_record", audit_fails)
    evidence = Evidence(
        title="A home visit", kind=Evidence.Kind.REFLECTIVE_ACCOUNT, file=SimpleUploadedFile("a.pdf", PDF)
    )
    with commits(), pytest.raises(RuntimeError):
        services.record_save(owner=practitioner, record=evidence, upload_type="application/pdf", original_name="a.pdf")
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_a_replacement_that_is_rolled_back_keeps_the_old_file_and_leaves_no_new_one(
    practitioner, private_media, commits, monkeypatch
):
    training, _, (old_path, evidence_path) = with_files(practitioner, private_media)
    monkeypatch.setattr(services, "audit_record", lambda **kwargs: 1 / 0)
    record = TrainingRecord.objects.get(pk=training.pk)
    record.certificate = SimpleUploadedFile("scan.png", PNG)
    with commits(), pytest.raises(ZeroDivisionError):
        services.record_save(owner=practitioner, record=record, upload_type="image/png", original_name="scan.png")
    assert stored_files(private_media) == sorted([old_path.name, evidence_path.name])
