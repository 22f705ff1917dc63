"""The training directory through the JSON API: courses with cohorts to come, filtered and paginated."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from nurture.accounts.models import Region
from nurture.core.api import Day, answers
from nurture.core.origins import site_url
from nurture.training.forms import EARLIEST, LATEST
from nurture.training.models import Format, StudyLevel
from nurture.training.selectors import MAX_PAGE, PER_PAGE, CourseFilters, course_search

router = Router(tags=["courses"])


class CourseOut(Schema):
    slug: str
    title: str
    provider: str
    summary: str
    level: str
    level_label: str
    format: str
    duration: str
    hours: Decimal
    cost: str
    free: bool
    free_for: str
    accredited: bool
    region: str
    region_label: str
    next_cohort_starts_at: datetime
    competencies: list[str]
    url: str


class CourseListOut(Schema):
    page: int
    per_page: int
    count: int
    has_next: bool
    next_page: int | None
    results: list[CourseOut]


@router.get("", response=answers(CourseListOut), summary="Courses with cohorts to come")
def courses_list_api(
    request: HttpRequest,
    competency: str = Query("", max_length=16, pattern=r"^[A-Za-z0-9.]*$"),
    level: StudyLevel | Literal[""] = "",
    format: Format | Literal[""] = "",
    free: bool = False,
    region: Region | Literal[""] = "",
    start: Day | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> CourseListOut:
    """Published courses with a cohort starting on or after `start` (YYYY-MM-DD; today
    without it), by their next cohort. Filters: `competency` (a framework code such as
    D4.1), `level` (of study), `format`, `free` (only free courses), `region` (courses
    taught there, and online courses open to anyone in the UK). 25 a page."""
    found = course_search(
        CourseFilters(
            competency=competency,
            level=level,
            format=format,
            free=free,
            region=region,
            start=min(max(start, EARLIEST), LATEST) if start else None,
        ),
        page=page,
    )
    return CourseListOut(
        page=found.number,
        per_page=PER_PAGE,
        count=found.count,
        has_next=found.has_next,
        next_page=found.number + 1 if found.has_next else None,
        results=[
            CourseOut(
                slug=row.slug,
                title=row.title,
                provider=row.provider,
                summary=row.summary,
                level=row.study_level,
                level_label=row.study_level_label,
                format=row.format,
                duration=row.duration,
                hours=row.hours,
                cost=row.cost,
                free=row.free,
                free_for=row.free_for,
                accredited=row.accredited,
                region=row.region,
                region_label=row.region_label,
                next_cohort_starts_at=row.next_start,
                competencies=list(row.competencies),
                url=site_url("training:detail", row.slug),
            )
            for row in found.rows
        ],
    )
