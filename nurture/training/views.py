"""The public training directory: search and browse, and a course's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from nurture.core.forms import page_number
from nurture.training.calendar_files import feed_bytes
from nurture.training.forms import CourseFilterForm
from nurture.training.selectors import MAX_PAGE, course_detail, course_search, feed_sessions


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
    return render(request, "training/detail.html", {"d": found})


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
