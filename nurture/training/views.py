"""The public training directory: search and browse, and a course's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from nurture.core.emails import Sender
from nurture.core.forms import page_number
from nurture.training.calendar_files import feed_bytes
from nurture.training.forms import BookingForm, CourseFilterForm
from nurture.training.selectors import (
    MAX_PAGE,
    course_detail,
    course_search,
    feed_sessions,
    session_to_book,
    waiting_position,
)
from nurture.training.services import (
    Booker,
    TrainingError,
    booking_cancel,
    booking_from_token,
    booking_make,
    booking_token,
    offer_accept,
    offer_hours,
    session_bookable,
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
