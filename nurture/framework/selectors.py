"""Reads of the framework, with the related rows each page needs in a few queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from nurture.framework.models import Competency, Domain, FrameworkVersion, Level


def framework_current() -> FrameworkVersion:
    version = FrameworkVersion.objects.filter(is_current=True).first()
    if version is None:
        raise Http404("No framework has been published yet.")
    return version


def framework_version(number: int | None) -> FrameworkVersion:
    if number is None:
        return framework_current()
    version = FrameworkVersion.objects.published().filter(number=number).first()
    if version is None:
        raise Http404("No such framework version.")
    return version


def framework_domains(version: FrameworkVersion) -> QuerySet[Domain]:
    return version.domains.prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.prefetch_related("indicators"))
    )


def framework_levels(version: FrameworkVersion) -> QuerySet[Level]:
    return version.levels.prefetch_related("competencies")


def framework_competencies(version: FrameworkVersion) -> QuerySet[Competency]:
    return Competency.objects.filter(domain__version=version).select_related("domain")


def level_for(version: FrameworkVersion, code: str) -> Level:
    level = version.levels.filter(code=code).first()
    if level is None:
        raise Http404("No such level.")
    return level
