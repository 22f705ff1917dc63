"""The surveys' background work, as tasks that take plain values and are safe to run twice.

`weighting_run` rakes a sample (queued by `services.weighting_request`), keeping its
progress on the run. `report_pdf_make` makes a published report's printable PDF (queued
by `reports.report_publish`). `surveys_daily` starts any run left waiting and makes any
PDF still missing (a queue that was down when they were asked for)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from nurture.surveys.models import Report, ReportStatus, RunStatus, WeightingRun
from nurture.surveys.reports import report_pdf_save
from nurture.surveys.services import weighting_compute


@task()
def weighting_run(*, run_id: int) -> str:
    run = WeightingRun.objects.filter(pk=run_id).select_related("sample").first()
    return "" if run is None else weighting_compute(run).status


@task()
def report_pdf_make(*, report_id: int, published_at: str) -> bool:
    return report_pdf_save(report_id=report_id, published_at=datetime.fromisoformat(published_at))


@task()
def surveys_daily(*, today: str) -> dict[str, int]:
    stale = WeightingRun.objects.filter(
        status=RunStatus.QUEUED, requested_at__lt=timezone.now() - timedelta(minutes=30)
    ).select_related("sample")
    # A worker that died mid-run leaves it running: after an hour it is failed, so the
    # coordinator can run the weighting again (a request is refused while one is under way).
    stuck = WeightingRun.objects.filter(
        status=RunStatus.RUNNING, requested_at__lt=timezone.now() - timedelta(hours=1)
    ).update(
        status=RunStatus.FAILED,
        stage="",
        message="The weighting stopped before it finished (the worker was interrupted). Run it again.",
        finished_at=timezone.now(),
    )
    started = 0
    for run in stale:
        weighting_compute(run)
        started += 1
    made = 0
    for report_id, published_at in Report.objects.filter(status=ReportStatus.PUBLISHED, pdf="").values_list(
        "pk", "published_at"
    ):
        if published_at is not None:
            made += report_pdf_save(report_id=report_id, published_at=published_at)
    return {
        "weighting runs started late": started,
        "weighting runs failed as stuck": stuck,
        "report PDFs made late": made,
    }
