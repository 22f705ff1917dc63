"""The public training directory: search and browse, and a course's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.csv_export import csv_response
from nurture.core.emails import Sender
from nurture.core.forms import page_number
from nurture.core.permissions import practitioner_required, role_required, staff_required
from nurture.training.calendar_files import feed_bytes
from nurture.training.forms import (
    BookingForm,
    CompletionForm,
    CourseFilterForm,
    CourseForm,
    InterestForm,
    MessageForm,
    ProviderMemberForm,
    SessionForm,
)
from nurture.training.models import Course, Provider, Session
from nurture.training.selectors import (
    MAX_PAGE,
    course_completion,
    course_completions,
    course_detail,
    course_form_initial,
    course_interest,
    course_search,
    course_to_enquire,
    feed_sessions,
    provider_course,
    provider_courses,
    provider_of,
    provider_parent_courses,
    provider_session,
    providers_of,
    session_form_initial,
    session_people,
    session_to_book,
    staff_course,
    staff_course_list,
    staff_providers,
    waiting_position,
)
from nurture.training.services import (
    Booker,
    Enquirer,
    TrainingError,
    booking_cancel,
    booking_from_token,
    booking_make,
    booking_token,
    completion_confirm,
    completion_record,
    course_accredit,
    course_save,
    interest_register,
    message_send,
    offer_accept,
    offer_hours,
    provider_member_add,
    session_bookable,
    session_save,
)


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET)
    results = None
    if form.is_valid():
        results = course_search(form.filters(), page=page_number(request.GET.get("page"), most=MAX_PAGE))
    return render(request, "training/list.html", {"form": form, "results": results}, status=400 if form.errors else 200)


@require_GET
def course_page(request: HttpRequest, slug: str) -> HttpResponse:
    found = course_detail(slug)
    if found is None:
        raise Http404("No such course.")
    return render(request, "training/detail.html", {"d": found, "now": timezone.now()})


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """Upcoming cohorts and open days as an iCalendar feed, with the list's filters."""
    form = CourseFilterForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        )
        return HttpResponse(
            f"These filters cannot be read: {problems}", status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(feed_bytes(feed_sessions(form.filters())), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nurture-training.ics"'
    return response


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    """Book places at a cohort or open day, or join its waiting list: no account needed."""
    session = session_to_book(slug, session_id)
    if session is None:
        raise Http404("No such cohort or open day to book.")
    form = BookingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = booking_make(session=session, booker=Booker(**form.cleaned_data), sender=Sender.of(request))
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            if made.already:
                return render(request, "training/book_again.html", {"session": session, "email": made.booking.email})
            return redirect("training:booking", token=booking_token(made.booking.pk))
    context = {
        "session": session,
        "course": session.course,
        "form": form,
        "closed": session_bookable(session, now=timezone.now()),
        "offer_hours": offer_hours(),
    }
    return render(request, "training/book.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: see a booking, cancel it, accept an offered place or give it up.
    Opening it changes nothing (mail scanners open links); the buttons do."""
    found = booking_from_token(token)
    if found is None:
        return render(request, "training/booking_invalid.html", status=404)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                found = offer_accept(booking=found)
            elif request.POST.get("action") == "cancel":
                found = booking_cancel(booking=found)
            else:
                error = "Choose one of the buttons."
        except TrainingError as refused:
            error = str(refused)
            found.refresh_from_db()
    context = {
        "b": found,
        "session": found.session,
        "course": found.session.course,
        "position": waiting_position(found),
        "error": error,
        "offer_hours": offer_hours(),
    }
    return render(request, "training/booking.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def interest(request: HttpRequest, slug: str) -> HttpResponse:
    """Register interest in a course: the provider sees it, the visitor is sent a copy."""
    course = course_to_enquire(slug)
    if course is None:
        raise Http404("No such course.")
    form = InterestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            interest_register(course=course, enquirer=Enquirer(**form.cleaned_data), sender=Sender.of(request))
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("training:interest_sent", slug=course.slug)
    return render(
        request, "training/interest.html", {"course": course, "form": form}, status=400 if form.errors else 200
    )


@require_GET
def interest_sent(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_to_enquire(slug)
    if course is None:
        raise Http404("No such course.")
    return render(request, "training/interest_sent.html", {"course": course})


# The provider's own pages: their courses' people, and nobody else's (404) ---------------------

provider_required = role_required(Role.TRAINING_PROVIDER)


@provider_required
@require_GET
def provider_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"providers": providers_of(request.user), "courses": provider_courses(request.user)}
    return render(request, "training/provider_home.html", context)


def _own_session(request: AuthenticatedHttpRequest, session_id: int) -> Session:
    session = provider_session(request.user, session_id)
    if session is None:
        raise Http404("No such cohort or open day of yours.")
    return session


@provider_required
@require_http_methods(["GET", "POST"])
def provider_session_page(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """Who has a place, an offer or a waiting-list entry; and a message to everyone booked."""
    session = _own_session(request, session_id)
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = message_send(session=session, actor=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Your message is on its way to {sent.recipients} {pluralize_people(sent.recipients)}."
            )
            return redirect("training:provider_session", session_id=session.pk)
    context = {"session": session, "people": session_people(session), "form": form, "sent": session.messages.all()[:20]}
    return render(request, "training/provider_session.html", context, status=400 if form.errors else 200)


@provider_required
@require_GET
def provider_session_csv(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponseBase:
    session = _own_session(request, session_id)
    rows = (
        (
            b.name,
            b.email,
            b.organisation,
            b.places,
            b.get_status_display(),
            timezone.localtime(b.created_at).isoformat(timespec="minutes"),
        )
        for b in session_people(session)
    )
    return csv_response(
        columns=("Name", "Email", "Organisation", "Places", "Status", "Booked at"),
        rows=rows,
        filename=f"{session.course.slug}-{session.starts_at:%Y-%m-%d}-people.csv",
        private=True,
    )


def _own_course(request: AuthenticatedHttpRequest, slug: str) -> Course:
    course = provider_course(request.user, slug)
    if course is None:
        raise Http404("No such course of yours.")
    return course


@provider_required
@require_GET
def provider_interest(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    course = _own_course(request, slug)
    page = Paginator(course_interest(course), 50).get_page(page_number(request.GET.get("page"), most=MAX_PAGE))
    return render(request, "training/provider_interest.html", {"course": course, "page": page})


@provider_required
@require_GET
def provider_interest_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    course = _own_course(request, slug)
    rows = (
        (
            i.name,
            i.email,
            i.role,
            i.organisation,
            i.question,
            timezone.localtime(i.created_at).isoformat(timespec="minutes"),
        )
        for i in course_interest(course).iterator()
    )
    return csv_response(
        columns=("Name", "Email", "What they do", "Organisation", "What they want to know", "Registered at"),
        rows=rows,
        filename=f"{course.slug}-interest.csv",
        private=True,
    )


def pluralize_people(n: int) -> str:
    return "person" if n == 1 else "people"


def _modules_of(provider: Provider, course: Course | None) -> list[tuple[int, str]]:
    return [(c.pk, c.title) for c in provider_parent_courses(provider, but=course)]


def _course_form_page(
    request: AuthenticatedHttpRequest, provider: Provider, course: Course | None, initial: dict[str, object] | None
) -> HttpResponse:
    form = CourseForm(
        request.POST if request.method == "POST" else None, initial=initial, modules_of=_modules_of(provider, course)
    )
    if request.method == "POST" and form.is_valid():
        values = {
            **form.cleaned_data,
            "part_of": int(form.cleaned_data["part_of"]) if form.cleaned_data["part_of"] else None,
        }
        try:
            saved = course_save(provider=provider, course=course, values=values, actor=request.user)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved: {saved.title}.")
            return redirect("training:provider_home")
    context = {"form": form, "provider": provider, "course": course}
    return render(request, "training/provider_course_form.html", context, status=400 if form.errors else 200)


@provider_required
@require_http_methods(["GET", "POST"])
def provider_course_new(request: AuthenticatedHttpRequest, provider_slug: str) -> HttpResponse:
    provider = provider_of(request.user, provider_slug)
    if provider is None:
        raise Http404("No such provider of yours.")
    return _course_form_page(request, provider, None, None)


@provider_required
@require_http_methods(["GET", "POST"])
def provider_course_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    course = _own_course(request, slug)
    return _course_form_page(request, course.provider, course, course_form_initial(course))


def _session_form_page(request: AuthenticatedHttpRequest, course: Course, session: Session | None) -> HttpResponse:
    form = SessionForm(request.POST if request.method == "POST" else None, initial=session_form_initial(session))
    if request.method == "POST" and form.is_valid():
        try:
            saved = session_save(course=course, session=session, values=form.values(), actor=request.user)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Saved.")
            return redirect("training:provider_session", session_id=saved.pk)
    context = {"form": form, "course": course, "session": session}
    return render(request, "training/provider_session_form.html", context, status=400 if form.errors else 200)


@provider_required
@require_http_methods(["GET", "POST"])
def provider_session_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _session_form_page(request, _own_course(request, slug), None)


@provider_required
@require_http_methods(["GET", "POST"])
def provider_session_edit(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = _own_session(request, session_id)
    return _session_form_page(request, session.course, session)


@practitioner_required
@require_http_methods(["GET", "POST"])
def completed(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A practitioner records the course as completed: into their portfolio, and the
    provider is asked to confirm it."""
    course = course_to_enquire(slug)
    if course is None:
        raise Http404("No such course.")
    form = CompletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            completion_record(course=course, practitioner=request.user, completed_on=form.cleaned_data["completed_on"])
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Added “{course.title}” to your training. {course.provider.name} is asked to confirm it."
            )
            return redirect(reverse("portfolios:home") + "#training")
    return render(
        request, "training/completed.html", {"course": course, "form": form}, status=400 if form.errors else 200
    )


@provider_required
@require_http_methods(["GET", "POST"])
def provider_completions(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Practitioners who say they completed the course; the provider confirms each."""
    course = _own_course(request, slug)
    if request.method == "POST":
        found = course_completion(course, request.POST.get("completion", ""))
        if found is None:
            raise Http404("No such completion of this course.")
        if completion_confirm(completion=found, actor=request.user):
            messages.success(request, "Confirmed: it is marked so in their portfolio.")
        else:
            messages.info(request, "Nothing to confirm: it was already confirmed, or the practitioner has removed it.")
        return redirect("training:provider_completions", slug=course.slug)
    page = Paginator(course_completions(course), 50).get_page(page_number(request.GET.get("page"), most=MAX_PAGE))
    return render(request, "training/provider_completions.html", {"course": course, "page": page})


# The registrar: the association's accreditation mark ------------------------------------------


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def staff_courses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every course in the directory; the registrar sets or takes away the accreditation mark."""
    member_form = ProviderMemberForm(request.POST if request.POST.get("action") == "member" else None)
    if member_form.is_bound:
        if member_form.is_valid():
            try:
                provider = provider_member_add(actor=request.user, **member_form.cleaned_data)
            except TrainingError as error:
                member_form.add_error("email", str(error))
            else:
                messages.success(request, f"Added to {provider.name}.")
                return redirect("training:staff_courses")
    elif request.method == "POST":
        course = staff_course(request.POST.get("course", ""))
        if course is None:
            raise Http404("No such course.")
        if request.POST.get("action") not in ("accredit", "remove"):
            raise Http404("No such action.")
        accredit = request.POST.get("action") == "accredit"
        reason = " ".join(request.POST.get("reason", "").split())[:300]
        if not accredit and not reason:
            messages.error(request, f"Say why the mark is taken away from “{course.title}”.")
        else:
            course_accredit(course=course, accredited=accredit, actor=request.user, reason=reason)
            done = "accredited" if accredit else "no longer accredited"
            messages.success(request, f"“{course.title}” is {done}.")
        return redirect("training:staff_courses")
    page = Paginator(staff_course_list(), 50).get_page(page_number(request.GET.get("page"), most=MAX_PAGE))
    context = {"page": page, "member_form": member_form, "providers": staff_providers()}
    return render(request, "training/staff_courses.html", context, status=400 if member_form.errors else 200)
