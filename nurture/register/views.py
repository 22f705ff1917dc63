from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.audit import audit_trail
from nurture.core.csv_export import csv_response
from nurture.core.emails import Sender
from nurture.core.forms import page_number, search_text
from nurture.core.origins import site_url
from nurture.core.permissions import practitioner_required, staff_required
from nurture.core.visitor_cache import cached_for_visitors, data_sets, form_parameters
from nurture.framework.models import FRAMEWORK_DATA_SET, Level
from nurture.register.forms import (
    CheckForm,
    RegisterSearchForm,
    RenewalForm,
    StaffActionForm,
    SubscribeForm,
    VisibilityForm,
)
from nurture.register.models import REGISTER_DATA_SET, RegisterEntry
from nurture.register.numbers import number_check
from nurture.register.selectors import (
    STATUS_LABELS,
    CheckRow,
    PageLinkError,
    entry_account_erased_at,
    register_check,
    register_entries_of,
    register_entry_public,
    register_export_rows,
    register_search,
    renewal_prefill,
    renewal_requirements,
    staff_register_search,
)
from nurture.register.services import (
    RegisterError,
    register_entry_action,
    register_visibility_update,
    renewal_submit,
    subscription_cancel,
    subscription_confirm,
    subscription_create,
    subscription_from_token,
)

CHECK_SALT = "register.check"
LAST_PAGE = 10_000  # the furthest `?page=` is read as asked; the public search stops earlier (selectors.MAX_PAGE)
CSV_COLUMNS = (
    "number",
    "full_name",
    "level",
    "level_name",
    "status",
    "endorsed_today",
    "first_endorsed_on",
    "period_started_on",
    "renewal_due_on",
    "status_changed_on",
    "profession",
    "region",
    "employer",
)


def _level_choices() -> list[tuple[str, str]]:
    return list(Level.objects.filter(version__is_current=True).values_list("code", "name"))


# The public Register's pages: its entries and the framework's levels they name, with
# today's date (an entry's status and "checked on" follow it).
register_pages_version = data_sets(REGISTER_DATA_SET, FRAMEWORK_DATA_SET, dated=True)


@require_GET
@cached_for_visitors(register_pages_version, params=form_parameters(RegisterSearchForm, "page", "after", "before"))
def search(request: HttpRequest) -> HttpResponse:
    form = RegisterSearchForm(request.GET, levels=_level_choices())
    results = None
    if form.is_valid():
        page = page_number(request.GET.get("page"), most=LAST_PAGE)
        after, before = request.GET.get("after", ""), request.GET.get("before", "")
        try:
            results = register_search(**form.cleaned_data, page=page, count=True, after=after, before=before)
        except PageLinkError as bad_link:
            form.add_error(None, str(bad_link))
    return render(
        request, "register/search.html", {"form": form, "results": results}, status=400 if form.errors else 200
    )


@require_GET
@cached_for_visitors(register_pages_version)
def entry(request: HttpRequest, number: str) -> HttpResponse:
    check = number_check(number)
    if check.valid and check.number != number:
        return redirect("register:entry", number=check.number)
    found = register_entry_public(check.number) if check.valid else None
    if found is None:
        problem = check.problem or "There is no entry on the Register with this number."
        return render(request, "register/entry_missing.html", {"number": number[:40], "problem": problem}, status=404)
    context = {"entry": found, "today": timezone.localdate(), "page_url": site_url("register:entry", check.number)}
    return render(request, "register/entry.html", context)


def _csv_row(row: dict[str, Any]) -> list[object]:
    return ["yes" if row[c] is True else "no" if row[c] is False else row[c] for c in CSV_COLUMNS]


def _csv_response(rows: Iterable[dict[str, Any]], filename: str) -> StreamingHttpResponse:
    return csv_response(columns=CSV_COLUMNS, rows=map(_csv_row, rows), filename=filename)


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Open data: every public entry's public fields, streamed."""
    return _csv_response(register_export_rows(), f"infant-mental-health-register-{timezone.localdate()}.csv")


def _check_rows_csv(rows: list[CheckRow]) -> Iterator[dict[str, Any]]:
    for row in rows:
        values: dict[str, Any] = dict.fromkeys(CSV_COLUMNS, "")
        values.update(row.entry or {})
        values["number"] = row.check.number if row.check.valid else row.check.typed
        values["status"] = row.entry["status"] if row.entry else ("invalid" if not row.check.valid else "not_found")
        values["endorsed_today"] = bool(row.entry and row.entry["endorsed_today"])
        yield values


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Employers: up to 100 numbers, pasted or uploaded, each one's status today."""
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        items = form.cleaned_data["items"]
        token = signing.dumps(items, salt=CHECK_SALT, compress=True)
        return render(
            request,
            "register/check.html",
            {
                "form": CheckForm(initial={"numbers": "\n".join(items)}),
                "rows": register_check(items),
                "token": token,
                "subscribe_form": SubscribeForm(initial={"token": token}),
                "today": timezone.localdate(),
            },
        )
    return render(request, "register/check.html", {"form": form}, status=400 if form.errors else 200)


def _checked_numbers(token: str) -> list[str]:
    try:
        items = signing.loads(token[:20_000], salt=CHECK_SALT, max_age=7 * 86400)
    except signing.BadSignature:
        raise Http404("This download link is not valid or has expired. Check the numbers again.") from None
    return [str(item) for item in items][:100]


@require_GET
def check_download(request: HttpRequest, token: str) -> StreamingHttpResponse:
    rows = register_check(_checked_numbers(token))
    return _csv_response(_check_rows_csv(rows), f"register-check-{timezone.localdate()}.csv")


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "register/subscribe.html", {"form": form}, status=400)
    try:
        subscription = subscription_create(
            email=form.cleaned_data["email"],
            numbers=_checked_numbers(form.cleaned_data["token"]),
            sender=Sender.of(request),
        )
    except RegisterError as refused:
        form.add_error(None, str(refused))
        return render(request, "register/subscribe.html", {"form": form}, status=429)
    return render(request, "register/subscribe.html", {"subscription": subscription, "form": None})


@require_http_methods(["GET", "POST"])
def subscription_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the emailed link changes nothing (mail scanners open links); the button does."""
    subscription = subscription_from_token(token, confirm=True)
    if subscription is None:
        return render(request, "register/subscription.html", {"invalid": True, "confirm": True}, status=404)
    if request.method == "POST":
        subscription = subscription_confirm(subscription=subscription)
    return render(
        request, "register/subscription.html", {"subscription": subscription, "confirm": True, "token": token}
    )


@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_from_token(token, confirm=False)
    if subscription is None:
        return render(request, "register/subscription.html", {"invalid": True, "confirm": False}, status=404)
    if request.method == "POST":
        subscription = subscription_cancel(subscription=subscription)
    return render(
        request, "register/subscription.html", {"subscription": subscription, "confirm": False, "token": token}
    )


@practitioner_required
@require_http_methods(["GET", "POST"])
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The practitioner's own entries: status, dates, and what the public sees."""
    entries = list(register_entries_of(request.user))
    first = entries[0] if entries else None
    initial = {f: getattr(first, f) for f in ("show_profession", "show_region", "show_employer")} if first else {}
    form = VisibilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and entries and form.is_valid():
        register_visibility_update(practitioner=request.user, **form.cleaned_data)
        messages.success(request, "Saved. The Register now shows what you chose.")
        return redirect("register:mine")
    return render(request, "register/mine.html", {"entries": entries, "form": form})


@practitioner_required
@require_http_methods(["GET", "POST"])
def renew(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    entry = get_object_or_404(RegisterEntry, number=number, practitioner=request.user)
    today = timezone.localdate()
    need_cpd, need_supervision = renewal_requirements(entry.level_code)
    have_cpd, have_supervision = renewal_prefill(request.user, today=today)
    form = RenewalForm(
        request.POST or None,
        initial={"cpd_hours": have_cpd, "supervision_hours": have_supervision},
        need_cpd=need_cpd,
        need_supervision=need_supervision,
    )
    if request.method == "POST" and form.is_valid():
        try:
            renewal_submit(entry=entry, actor=request.user, today=today, **form.cleaned_data)
        except RegisterError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Renewed. Your next renewal is due on {_day(entry, today)}.")
            return redirect("register:mine")
    return render(
        request,
        "register/renew.html",
        {"entry": entry, "form": form, "need_cpd": need_cpd, "need_supervision": need_supervision},
        status=400 if form.errors else 200,
    )


def _day(entry: RegisterEntry, today: date) -> str:
    entry.refresh_from_db(fields=["renewal_due_on"])
    return f"{entry.renewal_due_on:%-d %B %Y}"


@staff_required(Role.REGISTRAR)
@require_GET
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = search_text(request.GET.get("q", ""))
    status = request.GET.get("status", "")
    page = page_number(request.GET.get("page"), most=LAST_PAGE)
    rows = list(staff_register_search(q=q, status=status)[(page - 1) * 50 : page * 50 + 1])
    return render(
        request,
        "register/staff_list.html",
        {
            "entries": rows[:50],
            "has_next": len(rows) > 50,
            "page": page,
            "q": q,
            "status": status,
            "statuses": STATUS_LABELS.items(),
        },
    )


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def staff_entry(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    entry = get_object_or_404(RegisterEntry.objects.select_related("practitioner"), number=number)
    form = StaffActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            register_entry_action(entry=entry, actor=request.user, today=timezone.localdate(), **form.cleaned_data)
        except RegisterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Done: {entry.number} is now {STATUS_LABELS[_status(entry)].lower()}.")
            return redirect("register:staff_entry", number=entry.number)
    return render(
        request,
        "register/staff_entry.html",
        {"entry": entry, "form": form, "trail": audit_trail(entry), "erased_at": entry_account_erased_at(entry)},
        status=400 if form.errors else 200,
    )


def _status(entry: RegisterEntry) -> str:
    entry.refresh_from_db(fields=["status"])
    return entry.status
