"""Writes of the surveys domain: the coordinator's questionnaire, samples and status, and a
respondent's answers saved page by page. Each write is atomic; staff writes are audited.
Responses are anonymous, so a respondent's saves are not audited."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.audit import audit_record
from nurture.core.slugs import free_slug
from nurture.surveys import questionnaire as rules
from nurture.surveys import weighting
from nurture.surveys.models import (
    Question,
    Response,
    RunStatus,
    Sample,
    Section,
    Survey,
    SurveyStatus,
    Target,
    WeightingRun,
)

logger = logging.getLogger(__name__)


class SurveyError(Exception):
    """A write refused, with a sentence for the person."""


# The questionnaire -------------------------------------------------------------------


def questionnaire(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position"))


def rules_of(questions: list[Question]) -> list[rules.Question]:
    return [q.rule() for q in questions]


RESERVED = {"new"}  # a path of the builder's own


SURVEY_FIELDS = ("title", "introduction", "commissioned_by", "conducted_by", "quote_consent_text")


def survey_save(*, survey: Survey | None, values: Mapping[str, Any], actor: User) -> Survey:
    fields = {name: values[name] for name in SURVEY_FIELDS if name in values}
    with transaction.atomic():
        if survey is None:
            survey = Survey.objects.create(
                slug=free_slug(Survey, str(values["title"]), most=80, reserved=RESERVED), **fields
            )
            action = "surveys.survey.created"
        else:
            Survey.objects.filter(pk=survey.pk).update(**fields)
            survey.refresh_from_db()
            action = "surveys.survey.changed"
        audit_record(action=action, actor=actor, target=survey, data={"title": survey.title})
    return survey


def _draft_only(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise SurveyError(
            "The questionnaire can be changed only while the survey is a draft: answers already "
            "given were given to the questions as they are."
        )


SAMPLE_FIELDS = ("code", "name", "kind", "population", "coverage", "method", "quota")


def sample_save(*, survey: Survey, sample: Sample | None, values: Mapping[str, Any], actor: User) -> Sample:
    fields = {name: values[name] for name in SAMPLE_FIELDS if name in values}
    with transaction.atomic():
        if fields["code"] in RESERVED:
            raise SurveyError(f"“{fields['code']}” cannot be a sample's code: choose another.")
        clash = Sample.objects.filter(survey=survey, code=fields["code"])
        if sample is not None:
            clash = clash.exclude(pk=sample.pk)
        if clash.exists():
            raise SurveyError(f"This survey already has a sample with the code “{fields['code']}”.")
        if sample is None:
            sample = Sample.objects.create(survey=survey, **fields)
            action = "surveys.sample.created"
        else:
            if sample.survey_id != survey.pk:
                raise SurveyError("That sample belongs to another survey.")
            Sample.objects.filter(pk=sample.pk).update(**fields)
            sample.refresh_from_db()
            action = "surveys.sample.changed"
        audit_record(action=action, actor=actor, target=sample, data={"code": sample.code, "quota": sample.quota})
    return sample


def section_save(*, survey: Survey, section: Section | None, values: Mapping[str, Any], actor: User) -> Section:
    _draft_only(survey)
    with transaction.atomic():
        if section is None:
            last = survey.sections.order_by("-position").values_list("position", flat=True).first() or 0
            section = Section.objects.create(
                survey=survey, position=last + 1, title=values["title"], introduction=values.get("introduction", "")
            )
            action = "surveys.section.created"
        else:
            Section.objects.filter(pk=section.pk, survey=survey).update(
                title=values["title"], introduction=values.get("introduction", "")
            )
            section.refresh_from_db()
            action = "surveys.section.changed"
        audit_record(action=action, actor=actor, target=section, data={"title": section.title})
    return section


QUESTION_FIELDS = (
    "code",
    "kind",
    "text",
    "options",
    "required",
    "dont_know",
    "least",
    "most",
    "show_if_code",
    "show_if_options",
    "profile",
)


def question_save(
    *, survey: Survey, question: Question | None, section: Section, values: Mapping[str, Any], actor: User
) -> Question:
    """Add or change a question. The whole questionnaire is checked with the change made
    (routing on a later question, or on an option it does not have, is refused)."""
    _draft_only(survey)
    if section.survey_id != survey.pk:
        raise SurveyError("That section belongs to another survey.")
    fields = {name: values[name] for name in QUESTION_FIELDS if name in values}
    if fields["kind"] not in (rules.Kind.SINGLE, rules.Kind.MULTIPLE, rules.Kind.LIKERT):
        fields["options"] = []
    if fields["kind"] != rules.Kind.LIKERT:
        fields["dont_know"] = False
    if fields["kind"] != rules.Kind.NUMBER:
        fields["least"] = fields["most"] = None
    if not fields.get("show_if_code"):
        fields["show_if_code"], fields["show_if_options"] = "", []
    with transaction.atomic():
        existing = questionnaire(survey)
        if any(q.code == fields["code"] and (question is None or q.pk != question.pk) for q in existing):
            raise SurveyError(f"This survey already has a question with the code “{fields['code']}”.")
        if question is None:
            candidate = Question(survey=survey, section=section, **fields)
            # Last of its section: after every question of this and earlier sections.
            before = [q for q in existing if q.section.position <= section.position]
            after = [q for q in existing if q.section.position > section.position]
            ordered = [*before, candidate, *after]
        else:
            if question.survey_id != survey.pk:
                raise SurveyError("That question belongs to another survey.")
            for name, value in fields.items():
                setattr(question, name, value)
            moved = question.section_id != section.pk
            question.section = section
            candidate = question
            ordered = [candidate if q.pk == question.pk else q for q in existing]
            if moved:
                ordered.remove(candidate)
                before = [q for q in ordered if q.section.position <= section.position]
                after = [q for q in ordered if q.section.position > section.position]
                ordered = [*before, candidate, *after]
        try:
            rules.check_questionnaire(rules_of(ordered))
        except rules.QuestionnaireError as error:
            raise SurveyError(str(error)) from error
        # Positions are renumbered in two steps so the unique constraint never sees a clash.
        Question.objects.filter(survey=survey).update(position=F("position") + 100000)
        for place, q in enumerate(ordered, start=1):
            q.position = place
            if q is candidate:
                q.save()
            else:
                Question.objects.filter(pk=q.pk).update(position=place)
        audit_record(
            action="surveys.question.created" if question is None else "surveys.question.changed",
            actor=actor,
            target=candidate,
            data={"code": candidate.code, "kind": candidate.kind},
        )
    return candidate


@dataclass(frozen=True)
class StatusChange:
    action: str  # "open" | "close" | "reopen"
    to: str
    label: str


STATUS_CHANGES = {
    "open": StatusChange("open", SurveyStatus.OPEN, "Open the survey to respondents"),
    "close": StatusChange("close", SurveyStatus.CLOSED, "Close the survey"),
    "reopen": StatusChange("reopen", SurveyStatus.OPEN, "Reopen the survey"),
}
_FROM = {"open": SurveyStatus.DRAFT, "close": SurveyStatus.OPEN, "reopen": SurveyStatus.CLOSED}
STATUS_AUDIT = {"open": "surveys.survey.opened", "close": "surveys.survey.closed", "reopen": "surveys.survey.reopened"}


def status_actions(survey: Survey) -> list[StatusChange]:
    """The status changes the survey allows now (the page asks this, not the status)."""
    return [change for name, change in STATUS_CHANGES.items() if _FROM[name] == survey.status]


def survey_status_change(*, survey: Survey, action: str, actor: User) -> Survey:
    change = STATUS_CHANGES.get(action)
    if change is None:
        raise SurveyError("That is not something a survey can do.")
    if action == "open":
        questions = questionnaire(survey)
        if not questions:
            raise SurveyError("Add at least one question before opening the survey.")
        if not survey.samples.exists():
            raise SurveyError("Add a sample (with its link) before opening the survey.")
        try:
            rules.check_questionnaire(rules_of(questions))
        except rules.QuestionnaireError as error:
            raise SurveyError(str(error)) from error
        empty = [s.title for s in survey.sections.all() if not any(q.section_id == s.pk for q in questions)]
        if empty:
            raise SurveyError(f"The section “{empty[0]}” has no questions: add one or remove the section.")
    with transaction.atomic():
        changed = Survey.objects.filter(pk=survey.pk, status=_FROM[action]).update(status=change.to)
        if not changed:
            survey.refresh_from_db()
            raise SurveyError(f"The survey is {survey.get_status_display().lower()} now; nothing was changed.")
        survey.refresh_from_db()
        audit_record(action=STATUS_AUDIT[action], actor=actor, target=survey)
    return survey


# Respondents -------------------------------------------------------------------------


def completed_count(sample: Sample) -> int:
    return sample.responses.filter(completed_at__isnull=False).count()


def is_full(sample: Sample) -> bool:
    return sample.quota is not None and completed_count(sample) >= sample.quota


def page_save(
    *, response: Response, section_index: int, answers: Mapping[str, rules.Answer], page_codes: list[str]
) -> Response:
    """Keep this page's answers (already checked by the view with `answer_problems`): the
    page's questions are replaced by what was sent, and the respondent moves on."""
    with transaction.atomic():
        if response.pk is None:
            # Kept from the first page saved, so starting and leaving stores nothing.
            if response.sample.survey.status != SurveyStatus.OPEN or is_full(response.sample):
                raise SurveyError("This survey is not taking answers.")
            Response.objects.get_or_create(token=response.token, defaults={"sample": response.sample})
        fresh = Response.objects.select_for_update().get(token=response.token, sample=response.sample)
        if fresh.is_complete:  # sent from another tab meanwhile: its answers stay as sent
            raise SurveyError("These answers have already been sent.")
        kept = {code: value for code, value in fresh.answers.items() if code not in page_codes}
        kept.update({code: _stored(value) for code, value in answers.items()})
        fresh.answers = kept
        fresh.section_reached = max(fresh.section_reached, section_index + 1)
        fresh.updated_at = timezone.now()
        fresh.save(update_fields=["answers", "section_reached", "updated_at"])
    return fresh


def _stored(value: rules.Answer) -> str | list[str]:
    return value if isinstance(value, list) else str(value)


def response_complete(*, response: Response, questions: list[Question], quote_consent: bool) -> Response:
    """Send the response: every required question shown must be answered, answers routing
    now hides are dropped, and the sample's quota must still have room. The quota is
    checked with the sample row locked, so two people finishing at once cannot both take
    the last place."""
    ruled = rules_of(questions)
    with transaction.atomic():
        sample = Sample.objects.select_for_update().get(pk=response.sample_id)
        fresh = Response.objects.select_for_update().get(pk=response.pk)
        if fresh.is_complete:
            return fresh
        visible = {q.code for q in rules.shown(ruled, fresh.answers)}
        answers = {code: value for code, value in fresh.answers.items() if code in visible}
        problems = rules.answer_problems(ruled, answers, complete=True)
        if problems:
            raise SurveyError(problems[0])
        if sample.survey.status != SurveyStatus.OPEN:
            raise SurveyError("This survey has closed, so your answers could not be counted. Thank you for your time.")
        if is_full(sample):
            raise SurveyError(
                "This survey received all the answers it needed while you were answering, so yours "
                "could not be counted. Thank you for your time."
            )
        fresh.answers = answers
        fresh.quote_consent = quote_consent
        fresh.completed_at = timezone.now()
        fresh.updated_at = fresh.completed_at
        fresh.save(update_fields=["answers", "quote_consent", "completed_at", "updated_at"])
    return fresh


# Weighting ---------------------------------------------------------------------------


WEIGHTABLE = (rules.Kind.SINGLE, rules.Kind.LIKERT)


def target_save(
    *,
    sample: Sample,
    question: Question,
    crossed_with: Question | None,
    shares: Mapping[str, Any],
    source: str,
    actor: User,
) -> Target:
    """Keep a margin's population shares (percentages; they must add up to 100)."""
    if sample.is_opt_in:
        raise SurveyError("An opt-in sample is not weighted to population targets.")
    for q in (question, crossed_with):
        if q is not None and (q.survey_id != sample.survey_id or not q.profile):
            raise SurveyError("Targets are set on the survey's profile questions only.")
        if q is not None and q.kind not in WEIGHTABLE:
            raise SurveyError("Targets are set on single-choice questions only: each respondent is in one category.")
    total = sum((Decimal(str(v)) for v in shares.values()), Decimal(0))
    if abs(total - 100) > Decimal("0.05"):
        raise SurveyError(f"The shares add up to {total.normalize():f} %, not 100 %.")
    with transaction.atomic():
        target, _ = Target.objects.update_or_create(
            sample=sample,
            question=question,
            crossed_with=crossed_with,
            defaults={"shares": {k: str(v) for k, v in shares.items()}, "source": source},
        )
        audit_record(
            action="surveys.target.saved",
            actor=actor,
            target=target,
            data={"sample": sample.code, "question": question.code, "shares": target.shares},
        )
    return target


def target_remove(*, sample: Sample, target_id: int, actor: User) -> None:
    with transaction.atomic():
        target = Target.objects.filter(pk=target_id, sample=sample).first()
        if target is None:
            raise SurveyError("That target has already been removed.")
        audit_record(action="surveys.target.removed", actor=actor, target=target, data={"shares": target.shares})
        target.delete()


def weighting_request(*, sample: Sample, lower: Decimal, upper: Decimal, actor: User) -> WeightingRun:
    """Queue a weighting run for the sample; the task computes it and keeps its progress."""
    if sample.is_opt_in:
        raise SurveyError("An opt-in sample is not weighted.")
    if not sample.targets.exists():
        raise SurveyError("Enter at least one set of population targets first.")
    if not 0 <= lower <= 1 <= upper:
        raise SurveyError("The lowest weight must be between 0 and 1, and the highest at least 1.")
    if sample.weighting_runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise SurveyError("A weighting run for this sample is already under way.")
    from nurture.surveys.tasks import weighting_run

    with transaction.atomic():
        run = WeightingRun.objects.create(sample=sample, requested_by=actor, lower=lower, upper=upper)
        audit_record(
            action="surveys.weighting.requested",
            actor=actor,
            target=run,
            data={"sample": sample.code, "lower": str(lower), "upper": str(upper)},
        )
        transaction.on_commit(lambda: weighting_run.enqueue(run_id=run.pk))
    return run


def weighting_compute(run: WeightingRun) -> WeightingRun:
    """Rake the sample's completed responses to its targets, keeping progress on the run
    as it goes. Safe to run twice: a run already done or failed is left as it is."""
    claimed = WeightingRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, stage="Reading the responses", progress=5
    )
    if not claimed:
        run.refresh_from_db()
        return run
    from nurture.surveys.results import margin_codes, targets_as_used

    sample = run.sample
    targets = targets_as_used(sample)
    rows = list(
        Response.objects.filter(sample=sample, completed_at__isnull=False).order_by("id").values_list("id", "answers")
    )
    last_report = [0.0]

    def progress(iteration: int, gap: float) -> None:
        now = time.monotonic()
        if now - last_report[0] < 0.5:
            return
        last_report[0] = now
        # Progress by how close the shares are: a gap of 1e-1 is 10 %, the tolerance 1e-10 is 95 %.
        closeness = min(1.0, max(0.0, -math.log10(max(gap, 1e-12)) / 10))
        WeightingRun.objects.filter(pk=run.pk).update(
            progress=10 + int(85 * closeness), stage=f"Raking: round {iteration}, {gap * 100:.4f} points off"
        )

    try:
        answers = [r[1] for r in rows]
        margins = margin_codes(targets, answers)
        WeightingRun.objects.filter(pk=run.pk).update(progress=10, stage="Raking")
        raked = weighting.rake(
            np.ones(len(rows)), margins, lower=float(run.lower), upper=float(run.upper), progress=progress
        )
    except Exception as error:
        message = (
            str(error)
            if isinstance(error, weighting.RakingError)
            else (
                "The weighting stopped because of an error on our side; it has been logged. Try again, "
                "and if it happens again, tell the site's administrators."
            )
        )
        if not isinstance(error, weighting.RakingError):
            logger.exception("weighting run %s failed", run.pk)
        WeightingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            message=message,
            stage="",
            respondents=len(rows),
            targets_used=targets,
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        audit_record(
            action="surveys.weighting.failed",
            actor=None,
            actor_label="weighting task",
            target=run,
            data={"respondents": len(rows), "message": message},
        )
        return run
    w = raked.weights
    WeightingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        progress=100,
        stage="",
        respondents=len(rows),
        iterations=raked.iterations,
        largest_gap=raked.largest_gap,
        design_effect=float(len(w) * np.sum(w**2) / np.sum(w) ** 2),
        smallest=float(w.min()),
        largest=float(w.max()),
        targets_used=targets,
        response_ids=np.array([r[0] for r in rows], dtype=np.int64).tobytes(),
        weights=w.astype(np.float64).tobytes(),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    audit_record(
        action="surveys.weighting.done",
        actor=None,
        actor_label="weighting task",
        target=run,
        data={"respondents": len(rows), "iterations": raked.iterations},
    )
    return run


# A respondent's page, sent -----------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of the questionnaire as this respondent sees it now."""

    number: int  # 1 …
    sections: list[Section]
    questions: list[Question]  # the whole questionnaire, in order
    visible: frozenset[str]  # the codes shown to this respondent, by their answers so far
    consent_text: str  # asked on the last page when a written answer could be quoted

    @property
    def section(self) -> Section:
        return self.sections[self.number - 1]

    @property
    def is_last(self) -> bool:
        return self.number == len(self.sections)

    @property
    def codes(self) -> list[str]:
        return [q.code for q in self.questions if q.section_id == self.section.pk]

    def shown(self, asked: Collection[str] = ()) -> list[Question]:
        """The page's questions to show: those its answers so far show, and those the
        page was sent with (a follow-up brought up stays until it is answered)."""
        return [
            q for q in self.questions if q.section_id == self.section.pk and (q.code in self.visible or q.code in asked)
        ]


def page_of(*, survey: Survey, response: Response, number: int) -> Page | None:
    """The page, or None when the questionnaire has no such page."""
    sections = list(survey.sections.order_by("position"))
    if not 1 <= number <= len(sections):
        return None
    questions = questionnaire(survey)
    visible = frozenset(q.code for q in rules.shown(rules_of(questions), response.answers))
    section = sections[number - 1]
    texts = any(q.kind == rules.Kind.TEXT and (q.code in visible or q.section_id == section.pk) for q in questions)
    consent = survey.quote_consent_text if number == len(sections) and texts else ""
    return Page(number, sections, questions, visible, consent)


class Next(Enum):
    SAME_PAGE = "same"  # an answer brought up a question on this page
    NEXT_PAGE = "next"
    SENT = "sent"
    BACK_TO = "back"  # an earlier page needs an answer before the response can be sent
    REFUSED = "refused"  # the survey closed or filled up meanwhile


@dataclass(frozen=True)
class PageSent:
    next: Next
    page: int = 0  # for NEXT_PAGE, SAME_PAGE and BACK_TO
    reason: str = ""  # for REFUSED


def page_submit(
    *, response: Response, page: Page, asked: list[Question], answers: Mapping[str, rules.Answer], quote_consent: bool
) -> PageSent:
    """Keep a page's answers (checked by `AnswerForm`), then say where the respondent goes:
    the same page when an answer brought up a follow-up, the next page, or, from the last
    page, the response sent (or why it could not be)."""
    try:
        response = page_save(response=response, section_index=page.number - 1, answers=answers, page_codes=page.codes)
    except SurveyError:  # sent from another tab meanwhile
        return PageSent(Next.SENT)
    now_visible = {q.code for q in rules.shown(rules_of(page.questions), response.answers)}
    shown_before = {q.code for q in asked}
    if any(code in now_visible and code not in shown_before for code in page.codes):
        return PageSent(Next.SAME_PAGE, page.number)
    if not page.is_last:
        return PageSent(Next.NEXT_PAGE, page.number + 1)
    try:
        response_complete(response=response, questions=page.questions, quote_consent=quote_consent)
    except SurveyError as error:
        code = str(error).partition(":")[0]
        section_id = next((q.section_id for q in page.questions if q.code == code), None)
        if section_id is None:  # not a question's: the survey closed or filled up
            return PageSent(Next.REFUSED, reason=str(error))
        number = next(i for i, s in enumerate(page.sections, start=1) if s.pk == section_id)
        return PageSent(Next.BACK_TO, number)
    return PageSent(Next.SENT)
