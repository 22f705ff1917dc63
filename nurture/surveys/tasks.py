"""The surveys' background work, as tasks that take plain values and are safe to run twice.

`weighting_run` rakes a sample (queued by `services.weighting_request`), keeping its
progress on the run. `surveys_daily` starts any run left waiting (a queue that was down
when it was asked for)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from nurture.surveys.models import RunStatus, WeightingRun
from nurture.surveys.services import weighting_compute


@task()
def weighting_run(*, run_id: int) -> str:
    run = WeightingRun.objects.filter(pk=run_id).select_related("sample").first()
    return "" if run is None else weighting_compute(run).status


@task()
def surveys_daily(*, today: str) -> dict[str, int]:
    stale = WeightingRun.objects.filter(
        status=RunStatus.QUEUED, requested_at__lt=timezone.now() - timedelta(minutes=30)
    ).select_related("sample")
    started = 0
    for run in stale:
        weighting_compute(run)
        started += 1
    return {"weighting runs started late": started}
