"""A published report's printable PDF: made by the background task from the published
copy, served once made (a page says it is on its way until then), made again when the
report is published again, and gone when it is withdrawn."""

from __future__ import annotations

import re
import zlib

import pytest
from django.urls import reverse

from conftest import client_for
from nurture.surveys.models import Report
from nurture.surveys.reports import report_pdf_save, report_publish, report_withdraw
from nurture.surveys.tasks import surveys_daily

from .report_fixtures import published_opt_in_report


def pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages (its compressed content streams, opened)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            found.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(re.findall(r"\((.*?)\)\s*Tj", "".join(found)))


@pytest.fixture
def report(db, coordinator, django_capture_on_commit_callbacks, private_media) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        made = published_opt_in_report(coordinator)
    made.refresh_from_db()
    return made


def test_publishing_makes_the_pdf_with_the_published_figures_and_methods(report):
    assert report.pdf.name.endswith(".pdf")
    response = client_for(None).get(reverse("surveys:report_pdf", args=[report.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    content = report.published_content
    assert content["title"][:30] in text
    assert "How the survey was done" in text and "Full tables" in text
    first = content["tables"][0]
    assert first["wording"][:25] in text
    assert f"{first['options'][0]['share'] * 100:.0f}%" in text


def test_until_the_pdf_is_made_a_page_says_it_is_on_its_way(report):
    Report.objects.filter(pk=report.pk).update(pdf="")
    response = client_for(None).get(reverse("surveys:report_pdf", args=[report.slug]))
    assert response.status_code == 200
    assert "The printable version is on its way" in response.content.decode()
    # The daily job makes a PDF that is missing (the queue was down), once.
    assert surveys_daily.call(today="2026-12-03")["report PDFs made late"] == 1
    assert surveys_daily.call(today="2026-12-03")["report PDFs made late"] == 0
    assert Report.objects.get(pk=report.pk).pdf


def test_publishing_again_replaces_the_pdf_and_withdrawing_removes_it(
    report, coordinator, django_capture_on_commit_callbacks
):
    first = report.pdf.name
    storage = report.pdf.storage
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report, actor=coordinator)
    report.refresh_from_db()
    assert report.pdf.name != first and not storage.exists(first)
    # A task for an older publication keeps nothing.
    assert not report_pdf_save(report_id=report.pk, published_at=report.published_at.replace(year=2001))
    current = report.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        report_withdraw(report=report, actor=coordinator)
    assert not storage.exists(current)
    assert client_for(None).get(reverse("surveys:report_pdf", args=[report.slug])).status_code == 404
