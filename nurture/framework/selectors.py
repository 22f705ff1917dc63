"""Reads of the framework, with the related rows each page needs in a few queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from nurture.framework.models import Competency, Domain, FrameworkVersion, Level
from nurture.framework.search import Piece, contains_any, contains_every, marked, search_words


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


@dataclass(frozen=True)
class CompetencyFound:
    """A competency that matched a search: its name and description with the words
    marked, and those of its indicators that hold any of the words."""

    competency: Competency
    name: list[Piece]
    description: list[Piece]
    indicators: list[list[Piece]]


@dataclass(frozen=True)
class DomainFound:
    domain: Domain
    competencies: list[CompetencyFound]


def framework_search(version: FrameworkVersion, q: str) -> list[DomainFound]:
    """The competencies of `version` in which every word of `q` is found (in the code,
    name, description or an indicator), by domain; three queries whatever the search."""
    words = search_words(q)
    if not words:
        return []
    found: list[DomainFound] = []
    for domain in framework_domains(version):
        hits = []
        for competency in domain.competencies.all():
            indicators = [i.text for i in competency.indicators.all()]
            texts = [competency.code, competency.name, competency.description, *indicators]
            if contains_every(texts, words):
                hits.append(
                    CompetencyFound(
                        competency=competency,
                        name=marked(competency.name, words),
                        description=marked(competency.description, words),
                        indicators=[marked(text, words) for text in indicators if contains_any(text, words)],
                    )
                )
        if hits:
            found.append(DomainFound(domain=domain, competencies=hits))
    return found
