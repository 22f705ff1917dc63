"""Writes of reports: the coordinator composes a report (its title, its summary with
figures, and its items: a question's results, two samples compared, a quote), previews
it, and publishes it.

Publishing computes the content now (`report_selectors.report_preview`) and refuses, with
a sentence for each problem, unless every figure in the text equals the estimate, every
percentage is a linked figure, every representative sample is weighted and every quote
may be published. It then freezes the content into `Report.published_content`: the
public page, the CSV and the API read that copy, so they do not change when the data
does. Edits made after publication change the draft only; publishing again refreshes the
public copy, and withdrawing takes the page down (both audited).

Each write is atomic, for the coordinator only, and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.slugs import free_slug
from nurture.surveys.coding import quote_problem
from nurture.surveys.models import ItemKind, Question, Quote, Report, ReportItem, ReportStatus, Sample, Survey
from nurture.surveys.report_selectors import content_json, report_preview
from nurture.surveys.services import SurveyError

TITLE_MAX = Report._meta.get_field("title").max_length or 200
SUMMARY_MAX = Report._meta.get_field("summary").max_length or 20000
NOTE_MAX = ReportItem._meta.get_field("note").max_length or 2000


class ReportRefused(SurveyError):
    """Publication refused: `problems` holds a sentence for each thing to put right."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def _coordinator_only(actor: User) -> None:
    if actor.role != Role.COORDINATOR:
        raise SurveyError("Only the survey coordinator composes and publishes reports.")


def _title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise SurveyError("Give the report a title.")
    if len(title) > TITLE_MAX:
        raise SurveyError(f"A report's title is at most {TITLE_MAX} characters.")
    return title


def report_create(*, survey: Survey, title: str, actor: User) -> Report:
    _coordinator_only(actor)
    title = _title(title)
    with transaction.atomic():
        report = Report.objects.create(survey=survey, slug=free_slug(Report, title, most=80), title=title)
        audit_record(
            action="surveys.report.created", actor=actor, target=report, data={"title": title, "survey": survey.slug}
        )
    return report


def report_save(*, report: Report, title: str, summary: str, actor: User) -> Report:
    """Keep the title and the summary. A published report's page keeps showing what was
    published until it is published again."""
    _coordinator_only(actor)
    title = _title(title)
    if len(summary) > SUMMARY_MAX:
        raise SurveyError(f"The summary is at most {SUMMARY_MAX:,} characters.")
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(title=title, summary=summary)
        report.refresh_from_db()
        audit_record(action="surveys.report.changed", actor=actor, target=report, data={"title": title})
    return report


def _of_survey(report: Report, *things: Question | Sample | None) -> None:
    if any(thing is not None and thing.survey_id != report.survey_id for thing in things):
        raise SurveyError("That belongs to another survey.")


def _with_options(question: Question | None) -> Question:
    if question is None:
        raise SurveyError("Choose a question.")
    if not question.has_options:
        raise SurveyError(f"{question.code} is not a question with options, so it has no percentages to show.")
    return question


def item_add(
    *,
    report: Report,
    kind: str,
    actor: User,
    question: Question | None = None,
    sample: Sample | None = None,
    other_sample: Sample | None = None,
    options: Sequence[str] = (),
    quote: Quote | None = None,
    note: str = "",
) -> ReportItem:
    """Add an item at the end: a question's results (for one sample, or every sample when
    `sample` is None), a comparison of two samples on some of a question's options, or a quote."""
    _coordinator_only(actor)
    if len(note) > NOTE_MAX:
        raise SurveyError(f"A note is at most {NOTE_MAX:,} characters.")
    fields: dict[str, object] = {"kind": kind, "note": note.strip()}
    if kind == ItemKind.QUESTION:
        _of_survey(report, question, sample)
        fields.update(question=_with_options(question), sample=sample)
    elif kind == ItemKind.COMPARISON:
        _of_survey(report, question, sample, other_sample)
        question = _with_options(question)
        if sample is None or other_sample is None or sample.pk == other_sample.pk:
            raise SurveyError("Choose two different samples to compare.")
        codes = list(dict.fromkeys(str(o) for o in options))
        if not codes:
            raise SurveyError("Choose the answers to compare (one, or several counted together).")
        unknown = [c for c in codes if c not in question.labels]
        if unknown:
            raise SurveyError(f"{question.code} has no option “{unknown[0]}”.")
        fields.update(question=question, sample=sample, other_sample=other_sample, options=codes)
    elif kind == ItemKind.QUOTE:
        if quote is None:
            raise SurveyError("Choose a quote.")
        if quote.question.survey_id != report.survey_id:
            raise SurveyError("That quote belongs to another survey.")
        problem = quote_problem(consent=quote.response.quote_consent, text=quote.text)
        if problem:
            raise SurveyError(problem)
        if report.items.filter(quote=quote).exists():
            raise SurveyError("That quote is in the report already.")
        fields.update(quote=quote)
    else:
        raise SurveyError("That is not something a report can show.")
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        last = report.items.order_by("-position").values_list("position", flat=True).first() or 0
        item = ReportItem.objects.create(report=report, position=last + 1, **fields)
        audit_record(
            action="surveys.report.item_added",
            actor=actor,
            target=report,
            data={"item": item.pk, "kind": kind, "position": item.position},
        )
    return item


def _item(report: Report, item_id: int) -> ReportItem:
    item = ReportItem.objects.filter(pk=item_id, report=report).first()
    if item is None:
        raise SurveyError("That item is no longer in the report.")
    return item


def item_remove(*, report: Report, item_id: int, actor: User) -> None:
    _coordinator_only(actor)
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        item = _item(report, item_id)
        kind, position = item.kind, item.position
        item.delete()
        # Close the gap: each later item moves into the place just freed, in order.
        for later in report.items.filter(position__gt=position).order_by("position"):
            ReportItem.objects.filter(pk=later.pk).update(position=later.position - 1)
        audit_record(
            action="surveys.report.item_removed",
            actor=actor,
            target=report,
            data={"item": item_id, "kind": kind, "position": position},
        )


def item_move(*, report: Report, item_id: int, up: bool, actor: User) -> None:
    """Swap an item with the one before it (`up`) or after it; at either end, nothing moves."""
    _coordinator_only(actor)
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        item = _item(report, item_id)
        others = (
            report.items.filter(position__lt=item.position) if up else report.items.filter(position__gt=item.position)
        )
        neighbour = others.order_by("-position" if up else "position").first()
        if neighbour is None:
            return
        spare = (report.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        ReportItem.objects.filter(pk=item.pk).update(position=spare)
        ReportItem.objects.filter(pk=neighbour.pk).update(position=item.position)
        ReportItem.objects.filter(pk=item.pk).update(position=neighbour.position)
        audit_record(
            action="surveys.report.item_moved",
            actor=actor,
            target=report,
            data={"item": item.pk, "from": item.position, "to": neighbour.position},
        )


def report_publish(*, report: Report, actor: User) -> Report:
    """Check the report against the data now and freeze it into its public copy; a
    published report is published again with its edits (the public copy refreshed)."""
    _coordinator_only(actor)
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("survey").get(pk=report.pk)
        preview = report_preview(locked)
        if preview.problems:
            raise ReportRefused(preview.problems)
        now = timezone.now()
        content = replace(preview.content, published_at=now)
        again = locked.status == ReportStatus.PUBLISHED
        locked.status = ReportStatus.PUBLISHED
        locked.published_content = content_json(content)
        locked.published_at = now
        locked.published_by = actor
        old_pdf, locked.pdf = locked.pdf.name, ""  # the printable copy is made again from this one
        locked.save(update_fields=["status", "published_content", "published_at", "published_by", "pdf"])
        transaction.on_commit(partial(_pdf_queue, locked.pk, now, old_pdf))
        audit_record(
            action="surveys.report.published",
            actor=actor,
            target=locked,
            data={
                "slug": locked.slug,
                "again": again,
                "figures": sum(1 for p in content.paragraphs for s in p.segments if s.anchor),
                "items": len(content.items),
                "samples": {s.code: s.respondents for s in content.samples},
            },
        )
    return locked


def _pdf_queue(report_id: int, published_at: datetime, old_pdf: str) -> None:
    from nurture.surveys.tasks import report_pdf_make

    if old_pdf:
        default_storage.delete(old_pdf)
    report_pdf_make.enqueue(report_id=report_id, published_at=published_at.isoformat())


def report_pdf_save(*, report_id: int, published_at: datetime) -> bool:
    """Make the printable PDF of the report as published at `published_at` and keep it;
    nothing is kept if the report was withdrawn or published again meanwhile. Safe to run twice."""
    from nurture.surveys.pdf import report_pdf
    from nurture.surveys.report_selectors import report_frozen

    report = Report.objects.filter(pk=report_id, status=ReportStatus.PUBLISHED, published_at=published_at).first()
    if report is None or report.pdf:
        return False
    name = default_storage.save(
        f"reports/{report.slug}-{published_at:%Y%m%d%H%M%S%f}.pdf", ContentFile(report_pdf(report_frozen(report)))
    )
    kept = Report.objects.filter(pk=report_id, published_at=published_at, pdf="").update(pdf=name)
    if not kept:
        default_storage.delete(name)
    return bool(kept)


def report_withdraw(*, report: Report, actor: User) -> Report:
    """Take the public page, its CSV and the API's copy down; the draft stays to edit and publish again."""
    _coordinator_only(actor)
    with transaction.atomic():
        old_pdf = Report.objects.filter(pk=report.pk).values_list("pdf", flat=True).first() or ""
        changed = Report.objects.filter(pk=report.pk, status=ReportStatus.PUBLISHED).update(
            status=ReportStatus.DRAFT, published_content={}, published_at=None, pdf=""
        )
        report.refresh_from_db()
        if not changed:
            raise SurveyError("The report is not published, so there is nothing to withdraw.")
        audit_record(action="surveys.report.withdrawn", actor=actor, target=report, data={"slug": report.slug})
        if old_pdf:
            transaction.on_commit(partial(default_storage.delete, old_pdf))
    return report
