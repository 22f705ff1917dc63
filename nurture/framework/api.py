from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Path

from nurture.core.api import INT32_MAX, NOT_FOUND, answers
from nurture.framework.models import FrameworkVersion
from nurture.framework.selectors import framework_domains, framework_levels, framework_version

router = Router(tags=["framework"])


class CompetencyOut(Schema):
    code: str
    name: str
    description: str
    indicators: list[str]


class DomainOut(Schema):
    code: str
    name: str
    description: str
    competencies: list[CompetencyOut]


class LevelOut(Schema):
    code: str
    name: str
    scope: str
    description: str
    min_education: str
    training_hours: int
    experience_months: int
    families_served: int
    supervision_hours: int
    supervision_window_months: int
    references: int
    reference_roles: list[str]
    exam_required: bool
    renewal_cpd_hours: int
    renewal_supervision_hours: int
    competencies: list[str]


class FrameworkOut(Schema):
    version: int
    title: str
    summary: str
    published_at: str | None
    domains: list[DomainOut]
    levels: list[LevelOut]


class VersionOut(Schema):
    version: int
    title: str
    published_at: str | None
    current: bool


def _framework(version: FrameworkVersion) -> FrameworkOut:
    return FrameworkOut(
        version=version.number,
        title=version.title,
        summary=version.summary,
        published_at=version.published_at.isoformat() if version.published_at else None,
        domains=[
            DomainOut(
                code=d.code,
                name=d.name,
                description=d.description,
                competencies=[
                    CompetencyOut(
                        code=c.code,
                        name=c.name,
                        description=c.description,
                        indicators=[i.text for i in c.indicators.all()],
                    )
                    for c in d.competencies.all()
                ],
            )
            for d in framework_domains(version)
        ],
        levels=[
            LevelOut(
                code=level.code,
                name=level.name,
                scope=level.scope,
                description=level.description,
                min_education=level.min_education,
                training_hours=level.training_hours,
                experience_months=level.experience_months,
                families_served=level.families_served,
                supervision_hours=level.supervision_hours,
                supervision_window_months=level.supervision_window_months,
                references=level.references,
                reference_roles=level.reference_roles,
                exam_required=level.exam_required,
                renewal_cpd_hours=level.renewal_cpd_hours,
                renewal_supervision_hours=level.renewal_supervision_hours,
                competencies=[c.code for c in level.competencies.all()],
            )
            for level in framework_levels(version)
        ],
    )


@router.get("", response=answers(FrameworkOut, NOT_FOUND), summary="The current framework")
def framework_current_api(request: HttpRequest) -> FrameworkOut:
    return _framework(framework_version(None))


@router.get("/versions", response=answers(list[VersionOut]), summary="Every published version")
def framework_versions_api(request: HttpRequest) -> list[VersionOut]:
    return [
        VersionOut(
            version=v.number,
            title=v.title,
            published_at=v.published_at.isoformat() if v.published_at else None,
            current=v.is_current,
        )
        for v in FrameworkVersion.objects.published()
    ]


@router.get("/versions/{number}", response=answers(FrameworkOut, NOT_FOUND), summary="One published version, by number")
def framework_version_api(request: HttpRequest, number: int = Path(..., ge=1, le=INT32_MAX)) -> FrameworkOut:
    return _framework(framework_version(number))
