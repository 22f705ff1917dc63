"""Pages for applying, referees, assessment and decisions.

Each step is a POST to a small view that validates a form and calls one service;
a refused step shows its message and keeps what was typed. Another person's
application is a 404, and an assessor sees only what is assigned to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_trail
from nurture.core.permissions import practitioner_required, staff_required
from nurture.core.uploads import private_file_response
from nurture.endorsements import forms as f
from nurture.endorsements import services, workflow
from nurture.endorsements.models import Application, Assignment, ReferenceRequest
from nurture.endorsements.selectors import (
    agreement_report,
    application_status,
    assessors_without_conflict,
    assigned_applications,
    current_references,
    reference_rows,
    references_missing,
    reviews_visible_to,
    staff_queue,
    submission_problems,
)
from nurture.endorsements.workflow import State, WorkflowError
from nurture.framework.selectors import framework_current, framework_levels, level_for

Run = Callable[[Application, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    form: type[forms.Form] | None
    run: Run
    done: str


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


def _competencies(application: Application) -> list[Any]:
    return list(application.level.competencies.select_related("domain").order_by("domain__position", "position"))


def _bound(form_class: type[forms.Form], application: Application, data: Any = None, *, prefix: str) -> forms.Form:
    """A step's form, prefixed with the step's name so several fit on one page."""
    if form_class is f.RefereeForm:
        return f.RefereeForm(data, roles=list(application.level.reference_roles), prefix=prefix)
    if form_class is f.RubricForm:
        return f.RubricForm(data, competencies=_competencies(application), prefix=prefix)
    return form_class(data, prefix=prefix)


def _perform(
    request: HttpRequest,
    application: Application,
    steps: dict[str, Step],
    name: str,
    page: Callable[..., HttpResponse],
    after: str,
) -> HttpResponse:
    """Validate the step's form, run its service, and go back to the page (or show what is wrong)."""
    if name not in steps:
        raise Http404("No such step.")
    step = steps[name]
    form = _bound(step.form, application, request.POST, prefix=name) if step.form else None
    if form is not None and not form.is_valid():
        return page(request, application, bound={name: form}, status=400)
    try:
        step.run(application, request.user, form.cleaned_data if form else {})
    except services.SubmissionRefused as error:
        return page(request, application, problems=error.problems, status=400)
    except WorkflowError as error:
        if form is None:
            messages.error(request, str(error))
            return redirect(after, pk=application.pk)
        form.add_error(None, str(error))
        return page(request, application, bound={name: form}, status=400)
    messages.success(request, step.done)
    return redirect(after, pk=application.pk)


# The practitioner ---------------------------------------------------------------------


def _own(request: AuthenticatedHttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("level", "level__version", "practitioner"), pk=pk, practitioner=request.user
    )


@practitioner_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = Application.objects.owned_by(request.user).select_related("level")
    rows = [(a, application_status(a)) for a in applications]
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
    bound = bound or {}
    state = application.state
    page_forms = {
        name: bound.get(name) or _bound(form_class, application, prefix=name)
        for name, form_class in (
            ("referee", f.RefereeForm),
            ("answer", f.AnswerForm),
            ("appeal", f.AppealForm),
            ("withdraw", f.WithdrawForm),
        )
    }
    if problems is None and state == State.DRAFT:
        problems = submission_problems(application, today=date.today())
    context = {
        "application": application,
        "status": application_status(application),
        "forms": page_forms,
        "problems": problems or [],
        "references": current_references(application),
        "reference_rows": reference_rows(application),
        "earlier_references": application.references.filter(replaced_at__isnull=False),
        "references_missing": references_missing(application) if state != State.DRAFT else [],
        "can_name_referees": state in workflow.OPEN and state != State.APPEAL,
        "actions": workflow.actions_from(state, workflow.PRACTITIONER),
        "files": application.files.filter(round=application.round),
        "timeline": _timeline(application),
    }
    return render(request, "endorsements/application_detail.html", context, status=status)


@practitioner_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _practitioner_page(request, _own(request, pk))


PRACTITIONER_STEPS: dict[str, Step] = {
    "submit": Step(
        None,
        lambda a, who, d: services.application_submit(application=a, actor=who, today=date.today()),
        "Submitted. We have emailed your referees and sent you a receipt.",
    ),
    "withdraw": Step(
        f.WithdrawForm,
        lambda a, who, d: services.application_withdraw(application=a, actor=who, reason=d["reason"]),
        "Your application is withdrawn.",
    ),
    "referee": Step(
        f.RefereeForm,
        lambda a, who, d: services.referee_add(
            application=a, actor=who, name=d["referee_name"], email=d["referee_email"], role=d["referee_role"]
        ),
        "Referee added.",
    ),
    "answer": Step(
        f.AnswerForm,
        lambda a, who, d: services.application_resubmit(
            application=a, actor=who, answer=d["answer"], today=date.today()
        ),
        "Thank you. Your answer is with the association and the review will continue.",
    ),
    "resubmit": Step(
        None,
        lambda a, who, d: services.application_resubmit(application=a, actor=who, today=date.today()),
        "Resubmitted with your completed actions.",
    ),
    "appeal": Step(
        f.AppealForm,
        lambda a, who, d: services.appeal_lodge(application=a, actor=who, grounds=d["grounds"]),
        "Your appeal is lodged.",
    ),
}


@practitioner_required
@require_POST
def application_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    application = _own(request, pk)
    return _perform(request, application, PRACTITIONER_STEPS, step, _practitioner_page, "endorsements:application")


@practitioner_required
@require_http_methods(["GET", "POST"])
def reference_resend_view(request: AuthenticatedHttpRequest, pk: int, reference_pk: int) -> HttpResponse:
    application = _own(request, pk)
    reference = get_object_or_404(ReferenceRequest, pk=reference_pk, application=application, replaced_at__isnull=True)
    initial = {"referee_name": reference.referee_name, "referee_email": reference.referee_email}
    form = f.ResendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reference_resend(
                reference=reference,
                actor=request.user,
                name=form.cleaned_data["referee_name"],
                email=form.cleaned_data["referee_email"],
            )
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


def _may_read(user: User, application: Application) -> bool:
    if application.practitioner_id == user.pk:
        return True
    role = getattr(user, "role", None)
    if role == Role.REGISTRAR:
        return True
    return role == Role.ASSESSOR and application.assignments.filter(assessor=user).exists()


def snapshot_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A file copied at submission: for the practitioner, its assessors and the registrar."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(request.user, "has_staff_role", False) and not is_mfa_enabled(request.user):
        return redirect("mfa_activate_totp")
    application = get_object_or_404(Application, pk=pk)
    if not _may_read(request.user, application):
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
    form = f.ReferenceForm(request.POST or None, competencies=_competencies(reference.application))
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
    groups = [(workflow.LABELS[State(state)], items) for state, items in staff_queue().items()]
    return render(request, "endorsements/staff_queue.html", {"groups": groups})


def _staff_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    bound: dict[str, forms.Form] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    page_forms = {
        name: bound.get(name) or _bound(form_class, application, prefix=name)
        for name, form_class in (
            ("assign", f.AssignForm),
            ("moderator", f.ModeratorForm),
            ("moderate", f.ModerationForm),
            ("decide", f.DecisionForm),
            ("appeal_decide", f.AppealDecisionForm),
        )
    }
    reviews = application.reviews.filter(round=application.round).select_related("assessor")
    context = {
        "application": application,
        "status": application_status(application),
        "forms": page_forms,
        "assignments": application.assignments.select_related("assessor"),
        "free_assessors": assessors_without_conflict(application),
        "references": current_references(application),
        "reference_rows": reference_rows(application),
        "references_missing": references_missing(application),
        "reviews": reviews.prefetch_related("scores__competency"),
        "files": application.files.filter(round=application.round),
        "timeline": _timeline(application),
        "staff": True,
    }
    return render(request, "endorsements/staff_application.html", context, status=status)


def _staff_application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.exclude(state=State.DRAFT).select_related("level", "practitioner"), pk=pk
    )


@staff_required(Role.REGISTRAR)
def staff_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _staff_page(request, _staff_application(pk))


STAFF_STEPS: dict[str, Step] = {
    "assign": Step(
        f.AssignForm,
        lambda a, who, d: services.assessor_assign(application=a, actor=who, assessor=d["assessor"]),
        "Assessor assigned and emailed.",
    ),
    "start_review": Step(
        None, lambda a, who, d: services.review_start(application=a, actor=who), "The review has started."
    ),
    "moderator": Step(
        f.ModeratorForm,
        lambda a, who, d: services.moderator_assign(application=a, actor=who, moderator=d["moderator"]),
        "Moderator assigned and emailed.",
    ),
    "moderate": Step(
        f.ModerationForm,
        lambda a, who, d: services.application_moderate(
            application=a, actor=who, recommendation=d["recommendation"], reason=d["reason"]
        ),
        "Moderation recorded.",
    ),
    "decide": Step(
        f.DecisionForm,
        lambda a, who, d: services.application_decide(
            application=a, actor=who, decision=d["decision"], reason=d["reason"], required_actions=d["required_actions"]
        ),
        "Decision recorded and the practitioner emailed.",
    ),
    "appeal_decide": Step(
        f.AppealDecisionForm,
        lambda a, who, d: services.appeal_decide(
            application=a, actor=who, overturn=d["outcome"] == "overturn", reason=d["reason"]
        ),
        "Appeal decided and the practitioner emailed.",
    ),
}


@staff_required(Role.REGISTRAR)
@require_POST
def staff_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    return _perform(request, _staff_application(pk), STAFF_STEPS, step, _staff_page, "endorsements:staff_application")


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
    rows = [(a, mine.get(a.pk, ""), (a.pk, a.round) in reviewed) for a in applications]
    return render(request, "endorsements/review_list.html", {"rows": rows})


def _assigned(request: AuthenticatedHttpRequest, pk: int) -> tuple[Application, Assignment]:
    assignment = get_object_or_404(
        Assignment.objects.select_related("application__level", "application__practitioner"),
        application_id=pk,
        assessor=request.user,
    )
    return assignment.application, assignment


def _review_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    bound: dict[str, forms.Form] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    assignment = application.assignments.get(assessor=request.user)
    own = application.reviews.filter(assessor=request.user, round=application.round).first()
    context = {
        "application": application,
        "assignment": assignment,
        "own_review": own,
        "reviews": reviews_visible_to(application, request.user),
        "forms": {
            name: bound.get(name) or _bound(form_class, application, prefix=name)
            for name, form_class in (
                ("rubric", f.RubricForm),
                ("question", f.InfoRequestForm),
                ("moderate", f.ModerationForm),
            )
        },
        "can_review": assignment.kind == Assignment.Kind.ASSESSOR
        and own is None
        and application.state == State.UNDER_REVIEW,
        "can_moderate": assignment.kind == Assignment.Kind.MODERATOR and application.state == State.REVIEWED,
        "references": [r for r in current_references(application) if r.counts],
        "files": application.files.filter(round=application.round),
        "snapshot": application.snapshot,
    }
    return render(request, "endorsements/review.html", context, status=status)


@staff_required(Role.ASSESSOR)
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, _ = _assigned(request, pk)
    return _review_page(request, application)


REVIEW_STEPS: dict[str, Step] = {
    "rubric": Step(
        f.RubricForm,
        lambda a, who, d: services.review_submit(
            application=a,
            assessor=who,
            scores={int(k[6:]): (v, d.get(f"comment_{k[6:]}", "")) for k, v in d.items() if k.startswith("score_")},
            recommendation=d["recommendation"],
            summary=d["summary"],
        ),
        "Your review is submitted. You can now see the other assessor's, once it is in.",
    ),
    "question": Step(
        f.InfoRequestForm,
        lambda a, who, d: services.info_request(application=a, actor=who, question=d["question"]),
        "Your question has gone to the practitioner.",
    ),
    "moderate": Step(
        f.ModerationForm,
        lambda a, who, d: services.application_moderate(
            application=a, actor=who, recommendation=d["recommendation"], reason=d["reason"]
        ),
        "Moderation recorded. The registrar records the decision.",
    ),
}


@staff_required(Role.ASSESSOR)
@require_POST
def review_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    application, _ = _assigned(request, pk)
    return _perform(request, application, REVIEW_STEPS, step, _review_page, "endorsements:review")


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
