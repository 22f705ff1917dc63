from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.core.forms import PlainTextMixin
from nurture.core.permissions import get_owned_or_404, practitioner_required
from nurture.core.uploads import private_file_response
from nurture.endorsements.selectors import open_application_of
from nurture.framework.selectors import framework_competencies, framework_current, framework_levels, level_for
from nurture.portfolios import forms as portfolio_forms
from nurture.portfolios.identifiers import identifiers_find
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.readiness import Requirement
from nurture.portfolios.selectors import (
    coverage_matrix,
    portfolio_records,
    portfolio_totals,
    readiness_of,
    snapshot_of,
    supervision_asked_with,
    supervision_with_delivery,
)
from nurture.portfolios.services import (
    LOCKED_TRAINING,
    LinkState,
    PortfolioError,
    evidence_findings_review,
    record_delete,
    record_save,
    supervision_answer,
    supervision_confirm,
    supervision_link_resend,
    supervision_link_state,
    supervision_sessions_add,
)


@dataclass(frozen=True)
class RecordKind:
    model: type[models.Model]
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    singular: str
    plural: str
    file_field: str = ""


KINDS: dict[str, RecordKind] = {
    "education": RecordKind(EducationRecord, portfolio_forms.EducationForm, "education record", "Education"),
    "training": RecordKind(TrainingRecord, portfolio_forms.TrainingForm, "training", "Training", "certificate"),
    "experience": RecordKind(ExperienceRecord, portfolio_forms.ExperienceForm, "work experience", "Work experience"),
    "supervision": RecordKind(
        SupervisionEntry, portfolio_forms.SupervisionForm, "supervision entry", "Reflective supervision"
    ),
    "cpd": RecordKind(CPDEntry, portfolio_forms.CPDForm, "CPD entry", "CPD log"),
    "evidence": RecordKind(Evidence, portfolio_forms.EvidenceForm, "evidence", "Evidence", "file"),
}


def _kind(name: str) -> RecordKind:
    if name not in KINDS:
        raise Http404("No such part of the portfolio.")
    return KINDS[name]


def _form(kind: RecordKind, request: HttpRequest, instance: models.Model | None) -> forms.ModelForm:  # type: ignore[type-arg]
    extra: dict[str, Any] = {}
    if kind.model is Evidence:
        competencies = framework_competencies(framework_current())
        extra["competencies"] = competencies
        if request.method == "POST" and "narrow" in request.POST:
            return portfolio_forms.EvidenceForm(instance=instance, initial=_typed_evidence(request), **extra)
        if request.method == "GET":  # from readiness: ?competency=D1.2 ticks it; ?q= narrows the list
            codes = request.GET.getlist("competency")[:50]
            ticked = list(competencies.filter(code__in=codes).values_list("pk", flat=True)) if codes else None
            initial: dict[str, Any] = {"competency_filter": request.GET.get("q", "")[:100]}
            if ticked:
                initial["competencies"] = ticked
            return kind.form(instance=instance, initial=initial, **extra)
    if request.method == "POST":
        return kind.form(request.POST, request.FILES, instance=instance, **extra)
    return kind.form(instance=instance, **extra)


def _typed_evidence(request: HttpRequest) -> dict[str, Any]:
    """The evidence form as typed, to draw it again (after a check or a filter)."""
    return {
        "title": request.POST.get("title", "")[:200],
        "kind": request.POST.get("kind", ""),
        "text": request.POST.get("text", "")[:100_000],
        "competency_filter": request.POST.get("competency_filter", "")[:100],
        "competencies": [v for v in request.POST.getlist("competencies") if v.isascii() and v.isdecimal()],
    }


@practitioner_required
def portfolio_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    levels = framework_levels(framework_current())
    records = portfolio_records(request.user)
    months = max((level.supervision_window_months for level in levels), default=24)
    return render(
        request,
        "portfolios/home.html",
        {
            "records": records,
            "supervision": supervision_with_delivery(records.supervision),
            "totals": portfolio_totals(snapshot_of(records), today=date.today(), supervision_months=months),
            "kinds": KINDS,
            "levels": levels,
        },
    )


@practitioner_required
@require_http_methods(["GET", "POST"])
def record_edit(request: AuthenticatedHttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    record_kind = _kind(kind)
    instance = get_owned_or_404(record_kind.model, request, pk=pk) if pk else None
    if isinstance(instance, SupervisionEntry) and instance.is_locked:
        messages.info(request, "Your supervisor has confirmed this entry, so it can no longer be changed.")
        return redirect("portfolios:home")
    if isinstance(instance, TrainingRecord) and instance.is_locked:
        messages.info(request, LOCKED_TRAINING)
        return redirect("portfolios:home")
    form = _form(record_kind, request, instance)
    if not form.is_bound:  # drawn again after "Filter the list", or a first visit
        return render(
            request,
            "portfolios/record_form.html",
            {"form": form, "kind": record_kind, "kind_name": kind, "instance": instance},
        )
    if request.method == "POST" and form.is_valid():
        evidence = record_kind.model is Evidence
        try:
            record = record_save(
                owner=request.user,
                record=form.save(commit=False),
                original_name=getattr(form, "upload_name", ""),
                upload_type=getattr(form, "upload_type", None),
                competency_ids=[c.pk for c in form.cleaned_data["competencies"]] if evidence else None,
            )
        except PortfolioError as error:
            # Nothing was saved; the form keeps everything that was typed.
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved your {record_kind.singular}.")
            if isinstance(record, Evidence) and record.has_unresolved_findings:
                return redirect("portfolios:evidence", pk=record.pk)
            return redirect(reverse("portfolios:home") + f"#{kind}")
    return render(
        request,
        "portfolios/record_form.html",
        {"form": form, "kind": record_kind, "kind_name": kind, "instance": instance},
        status=400 if form.is_bound else 200,
    )


@practitioner_required
@require_http_methods(["GET", "POST"])
def record_remove(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    record_kind = _kind(kind)
    record = get_owned_or_404(record_kind.model, request, pk=pk)
    if request.method == "POST":
        try:
            record_delete(owner=request.user, record=record)
        except PortfolioError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Deleted “{record}”.")
        return redirect("portfolios:home")
    return render(request, "portfolios/record_delete.html", {"record": record, "kind": record_kind, "kind_name": kind})


@practitioner_required
def record_file(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponseBase:
    record_kind = _kind(kind)
    if not record_kind.file_field:
        raise Http404("This record has no file.")
    record = get_owned_or_404(record_kind.model, request, pk=pk)
    stored = getattr(record, record_kind.file_field)
    if not stored:
        raise Http404("This record has no file.")
    if isinstance(record, TrainingRecord):
        name, content_type = record.certificate_name, record.certificate_type
    else:
        name, content_type = record.file_name, record.file_type  # type: ignore[attr-defined]
    return private_file_response(stored, filename=name or "file", content_type=content_type)


@practitioner_required
def evidence_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_owned_or_404(Evidence, request, pk=pk)
    return render(request, "portfolios/evidence_detail.html", {"evidence": evidence, "parts": _marked(evidence)})


def _marked(evidence: Evidence) -> list[tuple[str, dict[str, Any] | None]]:
    """The evidence text cut into plain parts and findings, for highlighting."""
    parts: list[tuple[str, dict[str, Any] | None]] = []
    position = 0
    for number, finding in enumerate(evidence.findings, 1):
        parts.append((evidence.text[position : finding["start"]], None))
        parts.append((evidence.text[finding["start"] : finding["end"]], {**finding, "number": number}))
        position = finding["end"]
    parts.append((evidence.text[position:], None))
    return parts


@practitioner_required
@require_POST
def evidence_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Scan evidence text before saving. With htmx, answers the findings alone;
    without JavaScript, the whole form again with what was typed and the findings."""
    initial = _typed_evidence(request)
    findings = [f.as_dict() for f in identifiers_find(initial["text"])]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "portfolios/scan_result.html", {"findings": findings, "checked": True})
    record_kind = KINDS["evidence"]
    form = portfolio_forms.EvidenceForm(initial=initial, competencies=framework_competencies(framework_current()))
    return render(
        request,
        "portfolios/record_form.html",
        {
            "form": form,
            "kind": record_kind,
            "kind_name": "evidence",
            "instance": None,
            "findings": findings,
            "checked": True,
        },
    )


@practitioner_required
@require_POST
def evidence_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_owned_or_404(Evidence, request, pk=pk)
    try:
        evidence_findings_review(owner=request.user, evidence=evidence)
    except PortfolioError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Marked as checked: this evidence can go into an application.")
    return redirect("portfolios:evidence", pk=pk)


@practitioner_required
@require_http_methods(["GET", "POST"])
def supervision_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_owned_or_404(SupervisionEntry, request, pk=pk)
    if entry.is_locked:
        messages.info(request, "Your supervisor has already confirmed this entry.")
        return redirect("portfolios:home")
    form = ResendForm(request.POST or None, initial={"supervisor_email": entry.supervisor_email})
    if request.method == "POST" and form.is_valid():
        try:
            supervision_link_resend(entry=entry, actor=request.user, email=form.cleaned_data["supervisor_email"])
        except PortfolioError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"A new link is on its way to {entry.supervisor_email}. Earlier links no longer work."
            )
            return redirect(reverse("portfolios:home") + "#supervision")
    return render(
        request,
        "portfolios/supervision_resend.html",
        {"entry": entry, "form": form, "sessions": supervision_asked_with(entry)},
        status=400 if form.errors else 200,
    )


class ResendForm(PlainTextMixin, forms.Form):
    supervisor_email = forms.EmailField(
        label="Supervisor's email address",
        help_text="If their work address blocks our email, try another address they read.",
    )


FIXED_BY = {
    "education": ("portfolios:record_new", "education", "Add education"),
    "training": ("portfolios:record_new", "training", "Add training"),
    "experience": ("portfolios:record_new", "experience", "Add work experience"),
    "families": ("portfolios:record_new", "experience", "Add work experience"),
    "supervision": ("portfolios:supervision_sessions", None, "Add supervision sessions"),
    "main-supervisor": ("portfolios:supervision_sessions", None, "Add supervision sessions"),
    "evidence": ("portfolios:record_new", "evidence", "Add evidence"),
}
"""Each requirement the portfolio can meet: the form that adds what it lacks, and the link's words."""


@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    fix_url: str
    fix_text: str


def _with_fixes(requirements: tuple[Requirement, ...]) -> list[RequirementRow]:
    rows = []
    for requirement in requirements:
        name, kind, text = FIXED_BY.get(requirement.key, ("", None, ""))
        url = reverse(name, args=[kind] if kind else []) if name and not requirement.met else ""
        rows.append(RequirementRow(requirement, url, text if url else ""))
    return rows


@practitioner_required
def readiness(request: AuthenticatedHttpRequest, level: str) -> HttpResponse:
    version = framework_current()
    chosen = level_for(version, level)
    evidence, rows = coverage_matrix(request.user, chosen)
    result = readiness_of(request.user, chosen, today=date.today())
    return render(
        request,
        "portfolios/readiness.html",
        {
            "level": chosen,
            "levels": framework_levels(version),
            "readiness": result,
            "requirements": _with_fixes(result.requirements),
            "open_application": open_application_of(request.user, chosen),
            "evidence": evidence,
            "rows": rows,
        },
    )


@require_http_methods(["GET", "POST"])
def supervision_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The supervisor's page, reached from the emailed link, with no account: every
    session the link asks about, to confirm all at once or answer for each.

    Opening the link changes nothing (mail scanners open links); only a button does.
    """
    state = supervision_link_state(token)
    decision = request.POST.get("decision")
    each = request.method == "POST" and decision == "each"
    form = portfolio_forms.SessionDecisionsForm(request.POST if each else None, sessions=list(state.sessions))
    done = False
    if request.method == "POST" and state.usable:
        try:
            if decision in ("confirm", "decline"):
                state, done = supervision_confirm(token=token, confirmed=decision == "confirm"), True
            elif each and form.is_valid():
                state, done = supervision_answer(token=token, decisions=form.decisions()), True
        except PortfolioError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "portfolios/supervision_confirm.html",
        {"state": state, "owner": _owner(state), "done": done, "token": token, "form": form},
        status=(400 if form.errors else 200) if state.usable or done else 410 if state.link else 404,
    )


def _owner(state: LinkState) -> object:
    return state.link.request.owner if state.link else None


SESSIONS = "sessions"
"""The prefix of the sessions form's rows."""


@practitioner_required
@require_http_methods(["GET", "POST"])
def supervision_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Several supervision sessions in one form; "Add another session" draws the rows
    again with one more (no JavaScript needed). Each supervisor gets one email."""
    if request.method == "GET":
        return _sessions_page(request, portfolio_forms.SessionRows(prefix=SESSIONS))
    formset = portfolio_forms.SessionRows(request.POST, prefix=SESSIONS)
    if "add" in request.POST:
        return _sessions_page(request, portfolio_forms.session_rows_with_another(formset.typed(), prefix=SESSIONS))
    problem = ""
    if formset.is_valid():
        try:
            result = supervision_sessions_add(owner=request.user, sessions=formset.sessions())
        except PortfolioError as error:
            problem = str(error)  # nothing was saved; the rows keep what was typed
        else:
            messages.success(request, _sessions_added(len(result.added), len(result.already), result.emailed))
            return redirect(reverse("portfolios:home") + "#supervision")
    return _sessions_page(request, formset, problem=problem, status=400)


def _sessions_added(added: int, already: int, emailed: list[str]) -> str:
    if not added:
        return "These sessions are already in your log: nothing was added twice."
    told = f" Each supervisor gets one email with one link to confirm theirs: {', '.join(emailed)}." if emailed else ""
    kept = f" {already} were already in your log and were not added again." if already else ""
    return f"Added {added} supervision session{'s' if added != 1 else ''}.{told}{kept}"


def _sessions_page(
    request: AuthenticatedHttpRequest, formset: Any, *, problem: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "portfolios/supervision_sessions.html",
        {"formset": formset, "summary": _FormsetSummary.of(formset, problem), "problem": problem},
        status=status,
    )


@dataclass(frozen=True)
class _SummaryField:
    id_for_label: str
    auto_id: str
    label: str
    errors: list[str]


@dataclass(frozen=True)
class _FormsetSummary:
    """The rows' errors in the shape `core/error_summary.html` reads from a form, so a
    form of many rows has the same one summary, each error naming its row."""

    fields: list[_SummaryField]
    non_field_errors: list[str]

    @property
    def errors(self) -> bool:
        return bool(self.fields or self.non_field_errors)

    def __iter__(self) -> Any:
        return iter(self.fields)

    @classmethod
    def of(cls, formset: Any, problem: str) -> _FormsetSummary:
        if not formset.is_bound:
            return cls([], [problem] if problem else [])
        fields = [
            _SummaryField(field.id_for_label, field.auto_id, f"Session {number}, {field.label}", list(field.errors))
            for number, form in enumerate(formset.forms, 1)
            for field in form
            if field.errors
        ]
        return cls(fields, [*formset.non_form_errors(), *([problem] if problem else [])])
