from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.campaigns.selectors import campaign_public
from nurture.core.audit import audit_trail
from nurture.core.forms import page_number
from nurture.core.permissions import staff_required
from nurture.core.visitor_cache import cached_for_everyone, cached_for_visitors, form_parameters
from nurture.events import selectors
from nurture.events.calendar_files import calendar_bytes
from nurture.events.forms import AttendanceForm, CancelForm, EventFilterForm, EventForm, ModerationForm
from nurture.events.models import EDITABLE, Event
from nurture.events.services import (
    EventError,
    attendance_record,
    event_cancel,
    event_moderate,
    event_submit,
    event_update,
    proposal_values,
)
from nurture.events.structured_data import event_json_ld, json_ld_script

View = Callable[..., HttpResponseBase]


def organiser_required(view: View) -> View:
    """A signed-in event organiser who belongs to an organisation (others get 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role != Role.EVENT_ORGANISER or request.user.organisation_id is None:
            raise PermissionDenied("This page is for event organisers.")
        return view(request, *args, **kwargs)

    return wrapper


def _own_event(request: AuthenticatedHttpRequest, pk: int) -> Event:
    """One of the organiser's organisation's events; anyone else's is a 404."""
    return get_object_or_404(Event, pk=pk, organisation_id=request.user.organisation_id)


def _filters(request: HttpRequest) -> tuple[EventFilterForm, dict[str, Any] | None]:
    form = EventFilterForm(request.GET)
    return form, (form.filters() if form.is_valid() else None)


# The public calendar -------------------------------------------------------------------


# What the calendar's pages read from their address: the filters, and the list's page.
CALENDAR_PARAMETERS = form_parameters(EventFilterForm)


@require_GET
@cached_for_visitors(selectors.calendar_version, params=CALENDAR_PARAMETERS | {"page"})
def event_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    results = None
    if filters is not None:
        page = page_number(request.GET.get("page"), most=selectors.MAX_PAGE)
        results = selectors.public_event_page(**filters, page=page)
    today = timezone.localdate()
    wanted = (filters or {}).get("campaign")
    campaign = campaign_public(wanted) if wanted and not (results and results.days) else None
    opens_on = selectors.calendar_month(page=results, campaign=campaign, today=today)
    return render(
        request,
        "events/list.html",
        {"form": form, "results": results, "feed_query": request.GET.urlencode(), "month": opens_on},
        status=400 if form.errors else 200,
    )


@require_GET
@cached_for_visitors(selectors.calendar_version, params=CALENDAR_PARAMETERS)
def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month as a table of days: each day's count, its first few events and, when it
    holds more, a link to the day's full list (the calendar list on that day, same filters)."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("There is no such month on the calendar.")
    form, filters = _filters(request)
    found = selectors.public_month(year=year, month=month, **(filters or {}))
    weeks = [
        [(day, day.month == month, found.days.get(day)) for day in week]
        for week in calendar.Calendar().monthdatescalendar(year, month)
    ]
    first = date(year, month, 1)
    previous = date(year - (month == 1), (month - 2) % 12 + 1, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    upcoming = None if found.days else selectors.month_of_next_event(after=following, **(filters or {}))
    return render(
        request,
        "events/month.html",
        {
            "form": form,
            "weeks": weeks,
            "first": first,
            "previous": previous,
            "following": following,
            "count": found.counted,
            "cancelled": found.cancelled,
            "upcoming": upcoming,
            "query": request.GET.urlencode(),
            "day_query": _day_query(filters or {}),
            "day_names": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        },
        status=400 if form.errors else 200,
    )


def _day_query(filters: dict[str, Any]) -> str:
    """The month's filters for a day's full list, which sets its own dates (the list's
    `start` and `end`): only the filters the month read, so a link never carries a bad value."""
    return urlencode([(name, str(value)) for name, value in filters.items() if name not in ("start", "end")])


@require_GET
@cached_for_visitors(selectors.event_page_version)
def detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    event = selectors.public_event(pk)
    if event is None:
        raise Http404("There is no such event on the calendar.")
    if slug != event.slug:
        return redirect("events:detail", pk=event.pk, slug=event.slug)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "json_ld": json_ld_script(event_json_ld(event, path=request.path)),
            "share": selectors.event_share_card(event),
        },
    )


def _ics_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@cached_for_visitors(selectors.event_page_version)
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.public_event(pk)
    if event is None:
        raise Http404("There is no such event on the calendar.")
    rows = Event.objects.filter(pk=pk).values(*selectors.FEED_COLUMNS)
    body = calendar_bytes([selectors._with_local(row) for row in rows], name=event.title)
    return _ics_response(body, filename=f"{event.slug}.ics")


@require_GET
# Calendars ask again on their own: they may keep it five minutes.
@cached_for_everyone(selectors.calendar_version, params=CALENDAR_PARAMETERS, cache_control="public, max-age=300")
def feed(request: HttpRequest) -> HttpResponse:
    """The iCalendar subscription of a filtered list, the same for everyone: kept whole
    under the calendar's versions, with an ETag from those versions and the filters alone,
    so a calendar asking again gets a 304 for one indexed read (core/visitor_cache.py)."""
    form, filters = _filters(request)
    if filters is None:
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    body = calendar_bytes(
        selectors.feed_rows(**filters),
        name=_feed_name(filters),
        description="Infant Mental Health Awareness Week events",
    )
    return _ics_response(body, filename="awareness-week-events.ics")


def _feed_name(filters: dict[str, Any]) -> str:
    parts = ["Awareness Week events"]
    if filters.get("region"):
        parts.append(selectors.REGION_LABELS[filters["region"]])
    if filters.get("mode"):
        parts.append(selectors.MODE_LABELS[filters["mode"]].lower())
    if filters.get("audience"):
        parts.append(f"for {filters['audience']}")
    if filters.get("q"):
        parts.append(f"“{filters['q']}”")
    return ", ".join(parts)


# The organiser -------------------------------------------------------------------------


@organiser_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    events = selectors.organisation_events(request.user.organisation_id or 0)
    return render(request, "events/mine.html", {"events": events, "now": timezone.now()})


@organiser_required
@require_http_methods(["GET", "POST"])
def submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    initial = {"organiser_name": organisation.name if organisation else "", "timezone": "Europe/London"}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        campaign = selectors.campaign_for(form.cleaned_data["start_date"])
        assert campaign is not None  # the form checked it
        try:
            event = event_submit(organiser=request.user, campaign=campaign, values=form.values())
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Submitted “{event.title}”. The coordinator will review it; we will email you.")
            return redirect("events:mine")
    return render(request, "events/form.html", {"form": form, "event": None}, status=400 if form.errors else 200)


@organiser_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    if not event.open_to_changes:
        messages.error(request, f"A {event.get_state_display().lower()} event cannot be edited.")
        return redirect("events:mine")
    current = proposal_values(event) or event.values()
    form = EventForm(request.POST or None, initial=EventForm.initial_from(current), new=False)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_update(event=event, actor=request.user, values=form.values())
        except EventError as error:
            form.add_error(None, str(error))
        else:
            if event.is_approved:
                messages.success(
                    request, "Saved. The approved version stays public until the coordinator approves your changes."
                )
            else:
                messages.success(request, "Saved and sent for moderation.")
            return redirect("events:mine")
    return render(request, "events/form.html", {"form": form, "event": event}, status=400 if form.errors else 200)


@organiser_required
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_cancel(event=event, actor=request.user, reason=form.cleaned_data["reason"])
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Cancelled “{event.title}”.")
            return redirect("events:mine")
    return render(request, "events/cancel.html", {"form": form, "event": event}, status=400 if form.errors else 200)


@organiser_required
@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    initial = {
        "parents_carers": event.parents_carers_attended,
        "professionals": event.professionals_attended,
        "others": event.others_attended,
    }
    form = AttendanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_record(event=event, actor=request.user, **form.cleaned_data)
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Thank you. Attendance recorded for “{event.title}”.")
            return redirect("events:mine")
    open_now = event.attendance_open(timezone.now())
    return render(
        request,
        "events/attendance.html",
        {"form": form, "event": event, "open_now": open_now},
        status=400 if form.errors else 200,
    )


# The coordinator -----------------------------------------------------------------------


@staff_required(Role.COORDINATOR)
@require_GET
def staff_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "events/staff_queue.html",
        {"queue": selectors.moderation_queue()[:200], "waiting": selectors.waiting_for_organisers()[:200]},
    )


def _differences(event: Event) -> list[tuple[str, Any, Any]]:
    proposed = proposal_values(event)
    if proposed is None:
        return []
    labels = {f.name: str(f.verbose_name).capitalize() for f in Event._meta.get_fields() if hasattr(f, "verbose_name")}
    rows = []
    for name in EDITABLE:
        old, new = getattr(event, name), proposed[name]
        if name in ("starts_at", "ends_at"):
            old, new = old.astimezone(event.zone), new.astimezone(event.zone)
        if old != new:
            rows.append((labels.get(name, name), old, new))
    return rows


@staff_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def staff_event(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("organisation", "submitted_by", "campaign"), pk=pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_moderate(event=event, actor=request.user, **form.cleaned_data)
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Done: “{event.title}”. The organiser has been emailed.")
            return redirect("events:staff_queue")
    return render(
        request,
        "events/staff_event.html",
        {"event": event, "form": form, "differences": _differences(event), "trail": audit_trail(event)},
        status=400 if form.errors else 200,
    )


@staff_required(Role.COORDINATOR)
@require_GET
def staff_attendance(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_with_events()
    chosen = next((c for c in campaigns if c.slug == request.GET.get("campaign")), campaigns[0] if campaigns else None)
    return render(
        request,
        "events/staff_attendance.html",
        {"campaigns": campaigns, "campaign": chosen, "rows": selectors.attendance_totals(chosen)},
    )
