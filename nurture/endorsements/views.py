"""Pages for applying, referees, assessment and decisions.

Each step is a POST to a small view that takes the step's action from the page's
table in `actions.py`, validates its form and executes it (which checks, then calls
one service); a refused step shows its message and keeps what was typed. Pages ask
the same actions which steps to offer (`allowed`). Another person's application is
a 404, and an assessor sees only what is assigned to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_trail
from nurture.core.permissions import practitioner_required, signed_in_required, staff_required
from nurture.core.uploads import private_file_response
from nurture.endorsements import actions, services, workflow
from nurture.endorsements import forms as f
from nurture.endorsements.actions import Step
from nurture.endorsements.models import Application, Assignment, ReferenceRequest, ReviewDraft
from nurture.endorsements.selectors import (
    QUEUE_SORTS,
    REFEREES_PROBLEM,
    agreement_report,
    application_status,
    assessors_without_conflict,
    assigned_applications,
    current_references,
    exam_outstanding,
    practitioner_next_step,
    practitioner_next_steps,
    queue_states,
    referee_roles_unnamed,
    reference_rows,
    reference_table,
    references_missing,
    register_entry_of,
    review_draft_of,
    review_table,
    reviews_visible_to,
    rubric_competencies,
    staff_queue,
    submission_problems,
    submitted_portfolio,
)
from nurture.endorsements.workflow import EXAM_STATES, State, WorkflowError
from nurture.framework.selectors import framework_current, framework_levels, level_for


class Page(Protocol):
    """A page with steps on it, drawn again with the step's bound form or submission's problems."""

    def __call__(
        self,
        request: AuthenticatedHttpRequest,
        application: Application,
        *,
        bound: dict[str, forms.Form] | None = None,
        problems: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse: ...


EVENTS = {
    "endorsements.application.started": "Application started",
    "endorsements.application.submitted": "Submitted",
    "endorsements.application.withdrawn": "Withdrawn",
    "endorsements.application.review_started": "Review started",
    "endorsements.application.info_requested": "More information requested",
    "endorsements.application.resubmitted": "Resubmitted",
    "endorsements.application.reviewed": "Both reviews in",
    "endorsements.application.moderated": "Moderated",
    "endorsements.application.endorsed": "Endorsed",
    "endorsements.application.deferred": "Deferred with required actions",
    "endorsements.application.not_endorsed": "Not endorsed",
    "endorsements.application.appealed": "Appeal lodged",
    "endorsements.application.upheld": "Appeal decided: upheld",
    "endorsements.application.overturned": "Appeal decided: overturned",
    "endorsements.reference.named": "Referee named",
    "endorsements.reference.resent": "Reference request sent again",
    "endorsements.reference.answered": "Reference received",
    "endorsements.reference.void": "Reference void: too many “not enough information”",
    "endorsements.reference.bounced": "Reference email bounced",
    "endorsements.assessor.assigned": "Assessor assigned",
    "endorsements.review.submitted": "A review was submitted",
}


def _timeline(application: Application) -> list[dict[str, Any]]:
    return [
        {"entry": entry, "label": EVENTS.get(entry.action, entry.action)}
        for entry in audit_trail(application).order_by("at", "id")
    ]


def _page_forms(
    application: Application, steps: Mapping[str, Step], bound: dict[str, forms.Form] | None
) -> dict[str, forms.Form]:
    """Each step's form for the page: the one just sent back with its errors, or a blank one."""
    bound = bound or {}
    return {name: bound.get(name) or step.form(application) for name, step in steps.items()}


def _act(
    request: AuthenticatedHttpRequest,
    application: Application,
    steps: Mapping[str, Step],
    name: str,
    page: Page,
    after: str,
) -> HttpResponse:
    """Validate the step's form, execute its action, and go back to the page (or show what is wrong)."""
    step = steps.get(name)
    if step is None:
        raise Http404("No such step.")
    form = step.form(application, request.POST)
    if not form.is_valid():
        return page(request, application, bound={name: form}, status=400)
    if request.POST.get(f"{name}-back"):  # "Go back" from the confirmation page: the form as it was
        return page(request, application, bound={name: form})
    try:
        question = None if form.cleaned_data.get("confirmed") else step.confirmation(request.user, application, form)
        if question is not None:
            return _confirmation_page(request, application, step, form, question)
        step.execute(actor=request.user, application=application, form=form)
    except services.SubmissionRefused as error:
        return page(request, application, problems=error.problems, status=400)
    except WorkflowError as error:
        if not form.fields or not step.may(request.user, application):
            # Only a button, or a form the page no longer offers (the application moved on
            # in another tab or by another person): say why on the page it came from.
            messages.error(request, str(error))
            return redirect(after, pk=application.pk)
        form.add_error(None, str(error))
        return page(request, application, bound={name: form}, status=400)
    messages.success(request, step.done)
    return redirect(after, pk=application.pk)


def _confirmation_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    step: Step,
    form: forms.Form,
    question: actions.ConfirmationQuestion,
) -> HttpResponse:
    """Asks before a step that cannot be undone; the form's values go on as hidden fields."""
    context = {"application": application, "step": step, "form": form, "question": question, "path": request.path}
    return render(request, "endorsements/confirm.html", context)


# The practitioner ---------------------------------------------------------------------


def _own(request: AuthenticatedHttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("level", "level__version", "practitioner"), pk=pk, practitioner=request.user
    )


@practitioner_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = list(Application.objects.owned_by(request.user).select_related("level"))
    next_steps = practitioner_next_steps(applications)
    rows = [(a, application_status(a), next_steps[a.pk]) for a in applications]
    open_levels = {a.level_id for a in applications if a.state in workflow.OPEN}
    levels = framework_levels(framework_current())
    return render(
        request, "endorsements/application_list.html", {"rows": rows, "levels": levels, "open_levels": open_levels}
    )


@practitioner_required
@require_POST
def application_start_view(request: AuthenticatedHttpRequest, level: str) -> HttpResponse:
    chosen = level_for(framework_current(), level)
    try:
        application = services.application_start(practitioner=request.user, level=chosen)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("endorsements:applications")
    return redirect("endorsements:application", pk=application.pk)


def _practitioner_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    bound: dict[str, forms.Form] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = actions.PRACTITIONER_STEPS
    allowed = actions.allowed(request.user, application, {**steps, "resend": actions.RESEND_REFERENCE})
    refused = problems is not None  # a submission just refused: said as an error
    if problems is None and allowed["submit"]:
        problems = submission_problems(application, today=date.today())
    submitted = application.state != State.DRAFT
    missing = references_missing(application) if submitted else []
    context = {
        "application": application,
        "status": application_status(application),
        "next_step": practitioner_next_step(
            application, missing_references=missing, problems=problems if allowed["submit"] else None
        ),
        "refused": refused,
        "referees_unnamed": bool(allowed["referee"] and referee_roles_unnamed(application)),
        # Naming a referee is offered while one is still needed: always in a draft, and after
        # submission only while a reference is missing (one bounced or void, say).
        "offer_referee": allowed["referee"] and (not submitted or bool(missing)),
        "portfolio_problems": any(not p.startswith(REFEREES_PROBLEM) for p in problems or []),
        "forms": _page_forms(application, steps, bound),
        "allowed": allowed,
        "problems": problems or [],
        "references": current_references(application),
        "reference_rows": reference_rows(application),
        "earlier_references": application.references.filter(replaced_at__isnull=False),
        "references_missing": missing,
        "files": application.files.filter(round=application.round),
        "timeline": _timeline(application),
        "portfolio": submitted_portfolio(application),
        "register_entry": register_entry_of(application),
        # The exams app's page for this application (exams stands on endorsements: a link only).
        "exam_open": application.level.exam_required and application.state in EXAM_STATES,
    }
    return render(request, "endorsements/application_detail.html", context, status=status)


@practitioner_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _practitioner_page(request, _own(request, pk))


@practitioner_required
@require_POST
def application_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    application = _own(request, pk)
    return _act(request, application, actions.PRACTITIONER_STEPS, step, _practitioner_page, "endorsements:application")


@practitioner_required
@require_http_methods(["GET", "POST"])
def reference_resend_view(request: AuthenticatedHttpRequest, pk: int, reference_pk: int) -> HttpResponse:
    application = _own(request, pk)
    reference = get_object_or_404(ReferenceRequest, pk=reference_pk, application=application, replaced_at__isnull=True)
    initial = {"referee_name": reference.referee_name, "referee_email": reference.referee_email}
    form = f.ResendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.RESEND_REFERENCE.execute(actor=request.user, reference=reference, form=form)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            sent = "on its way" if new.token_hash else "ready to go when you submit"
            messages.success(
                request, f"The request to {new.referee_email} is {sent}. The earlier link no longer works."
            )
            return redirect("endorsements:application", pk=application.pk)
    return render(
        request,
        "endorsements/reference_resend.html",
        {"application": application, "reference": reference, "form": form},
        status=400 if form.errors else 200,
    )


@signed_in_required
def snapshot_file(request: AuthenticatedHttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A file copied at submission: for the practitioner, its assessors and the registrar."""
    application = get_object_or_404(Application, pk=pk)
    if not actions.READ_FILES.may(request.user, application):
        raise Http404("No such application.")
    copy = get_object_or_404(application.files, pk=file_pk)
    return private_file_response(copy.file, filename=copy.name, content_type=copy.content_type)


# The referee (no account) ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reference_form(request: HttpRequest, token: str) -> HttpResponse:
    """The referee's form, from the emailed link. Opening it shows 'opened' to the practitioner."""
    state = services.reference_link_state(token)
    if not state.usable or state.reference is None:
        context = {"state": state, "done": False}
        return render(request, "endorsements/reference_form.html", context, status=410 if state.reference else 404)
    reference = state.reference
    form = f.ReferenceForm(request.POST or None, competencies=rubric_competencies(reference.application))
    if request.method == "POST" and form.is_valid():
        state = services.reference_answer(token=token, ratings=form.ratings(), comment=form.cleaned_data["comment"])
        return render(request, "endorsements/reference_form.html", {"state": state, "done": True})
    if request.method == "GET":
        services.reference_open(reference=reference)
    return render(
        request,
        "endorsements/reference_form.html",
        {"state": state, "reference": reference, "form": form, "done": False},
        status=400 if form.errors else 200,
    )


# The registrar -----------------------------------------------------------------------


@staff_required(Role.REGISTRAR)
def staff_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "due")
    sort = sort if sort in QUEUE_SORTS else "due"
    rows = staff_queue(today=date.today(), state=state, sort=sort)
    overdue = sum(1 for row in rows if row.overdue)
    context = {
        "rows": rows,
        "overdue": overdue,
        "states": queue_states(),
        "sorts": QUEUE_SORTS,
        "state": state,
        "sort": sort,
    }
    return render(request, "endorsements/staff_queue.html", context)


def _staff_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    bound: dict[str, forms.Form] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = actions.REGISTRAR_STEPS
    allowed = actions.allowed(request.user, application, steps)
    reviews = list(
        application.reviews.filter(round=application.round)
        .select_related("assessor")
        .prefetch_related("scores__competency")
    )
    competencies = rubric_competencies(application)
    context = {
        "application": application,
        "status": application_status(application),
        "forms": _page_forms(application, steps, bound),
        "allowed": allowed,
        "assignments": application.assignments.select_related("assessor"),
        "free_assessors": assessors_without_conflict(application) if allowed["assign"] else [],
        "references": current_references(application),
        "reference_rows": reference_rows(application),
        "references_missing": references_missing(application, whose="their"),
        "reference_table": reference_table(application, competencies),
        "reviews": reviews,
        "review_table": review_table(reviews, competencies) if reviews else None,
        "portfolio": submitted_portfolio(application),
        "register_entry": register_entry_of(application),
        "files": application.files.filter(round=application.round),
        "timeline": _timeline(application),
        "staff": True,
        # Before the decision, not at it: why endorsing waits for the exam ("" when it does not).
        "exam_outstanding": exam_outstanding(application),
    }
    return render(request, "endorsements/staff_application.html", context, status=status)


def _staff_application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.exclude(state=State.DRAFT).select_related("level", "practitioner"), pk=pk
    )


@staff_required(Role.REGISTRAR)
def staff_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _staff_page(request, _staff_application(pk))


@staff_required(Role.REGISTRAR)
@require_POST
def staff_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    application = _staff_application(pk)
    return _act(request, application, actions.REGISTRAR_STEPS, step, _staff_page, "endorsements:staff_application")


@staff_required(Role.REGISTRAR)
def agreement(request: AuthenticatedHttpRequest) -> HttpResponse:
    pairs, overall = agreement_report()
    return render(request, "endorsements/agreement.html", {"pairs": pairs, "overall": overall})


# The assessor ------------------------------------------------------------------------


@staff_required(Role.ASSESSOR)
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = assigned_applications(request.user)
    mine = {a.application_id: a.kind for a in Assignment.objects.filter(assessor=request.user)}
    reviewed = set(request.user.reviews.values_list("application_id", "round"))
    rows = []
    for a in applications:
        kind, done = mine.get(a.pk, ""), (a.pk, a.round) in reviewed
        rows.append((a, kind, done, actions.SubmitReview.awaits(state=a.state, kind=kind, reviewed=done)))
    return render(request, "endorsements/review_list.html", {"rows": rows})


def _assigned(request: AuthenticatedHttpRequest, pk: int) -> tuple[Application, Assignment]:
    assignment = get_object_or_404(
        Assignment.objects.select_related("application__level", "application__practitioner"),
        application_id=pk,
        assessor=request.user,
    )
    return assignment.application, assignment


def _rubric_form(
    application: Application, assessor: User, bound: dict[str, forms.Form]
) -> tuple[f.RubricForm, ReviewDraft | None]:
    """The rubric as sent back (submitted or saved as a draft), else filled in from the draft."""
    draft = review_draft_of(application, assessor)
    sent = bound.get("rubric") or bound.get("draft")
    if isinstance(sent, f.RubricForm):
        return sent, draft
    initial = draft.initial() if draft else None
    return f.RubricForm(competencies=rubric_competencies(application), prefix="rubric", initial=initial), draft


def _review_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    bound: dict[str, forms.Form] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = actions.ASSESSOR_STEPS
    page_forms = _page_forms(application, steps, bound)
    rubric, draft = _rubric_form(application, request.user, bound or {})
    competencies = rubric.competencies
    own = application.reviews.filter(assessor=request.user, round=application.round).first()
    reviews = reviews_visible_to(application, request.user)
    context = {
        "application": application,
        "assignment": application.assignments.get(assessor=request.user),
        "own_review": own,
        "own_table": review_table([r for r in reviews if r.pk == own.pk], competencies) if own else None,
        "reviews": reviews,
        "review_table": review_table(reviews, competencies) if len(reviews) > 1 else None,
        "forms": page_forms,
        "rubric": rubric,
        "draft": draft,
        "allowed": actions.allowed(request.user, application, steps),
        "reference_table": reference_table(application, competencies),
        "portfolio": submitted_portfolio(application),
        "files": application.files.filter(round=application.round),
    }
    return render(request, "endorsements/review.html", context, status=status)


@staff_required(Role.ASSESSOR)
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, _ = _assigned(request, pk)
    return _review_page(request, application)


@staff_required(Role.ASSESSOR)
@require_POST
def review_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    application, _ = _assigned(request, pk)
    return _act(request, application, actions.ASSESSOR_STEPS, step, _review_page, "endorsements:review")


@staff_required(Role.ASSESSOR)
@require_http_methods(["GET", "POST"])
def conflicts(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = f.ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(assessor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Conflict declared. You will not be assigned to these applications.")
            return redirect("endorsements:conflicts")
    declared = request.user.conflicts.all()
    return render(
        request,
        "endorsements/conflicts.html",
        {"form": form, "declared": declared},
        status=400 if form.errors else 200,
    )
