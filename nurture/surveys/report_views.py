"""Reports: the coordinator composes, previews, publishes and withdraws them; everyone
reads a published report's page, its CSV of aggregate results and (api.py) its JSON.

The public page, the CSV and the API read the copy frozen at publication, never the data
as it is now; a draft is not found, for anyone (the coordinator uses the preview)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.csv_export import csv_response
from nurture.core.permissions import staff_required
from nurture.surveys.models import ItemKind, Report, ReportStatus, Survey
from nurture.surveys.report_forms import (
    ComparisonItemForm,
    QuestionItemForm,
    QuoteItemForm,
    ReportNewForm,
    ReportTextForm,
)
from nurture.surveys.report_selectors import (
    OPT_IN_REASON,
    RESULTS_COLUMNS,
    ReportContent,
    item_choices,
    report_frozen,
    report_preview,
    report_published,
    reports_published,
    results_rows,
    staff_report,
    survey_reports,
)
from nurture.surveys.reports import (
    ReportRefused,
    item_add,
    item_move,
    item_remove,
    report_create,
    report_publish,
    report_save,
    report_withdraw,
)
from nurture.surveys.services import SurveyError

coordinator_only = staff_required(Role.COORDINATOR)

ITEM_FORMS: dict[str, type[QuestionItemForm | ComparisonItemForm | QuoteItemForm]] = {
    ItemKind.QUESTION.value: QuestionItemForm,
    ItemKind.COMPARISON.value: ComparisonItemForm,
    ItemKind.QUOTE.value: QuoteItemForm,
}


def _report(slug: str) -> Report:
    report = staff_report(slug)
    if report is None:
        raise Http404("No such report.")
    return report


def _item_id(raw: str | None) -> int:
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Http404("No such item.")
    return int(raw)


# The coordinator's pages ----------------------------------------------------------------------


@coordinator_only
@require_http_methods(["GET", "POST"])
def staff_reports(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A survey's reports, and a new one started from its title."""
    survey = get_object_or_404(Survey, slug=slug)
    form = ReportNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_create(survey=survey, title=form.cleaned_data["title"], actor=request.user)
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Started “{report.title}”: write its summary and add what it shows.")
            return redirect("surveys:staff_report", slug=report.slug)
    context = {"survey": survey, "reports": survey_reports(survey), "form": form}
    return render(request, "surveys/report_staff_list.html", context, status=400 if form.errors else 200)


def _staff_report_page(
    request: AuthenticatedHttpRequest, report: Report, bound: dict[str, Any], status: int = 200
) -> HttpResponse:
    choices = item_choices(report.survey)
    text = bound.get("text") or ReportTextForm(initial={"title": report.title, "summary": report.summary})
    context = {
        "report": report,
        "choices": choices,
        "text_form": text,
        "item_forms": [(kind, label, bound.get(kind) or ITEM_FORMS[kind](choices)) for kind, label in ItemKind.choices],
        "items": list(report.items.all()),
    }
    return render(request, "surveys/report_staff.html", context, status=status)


def _submitted(
    request: AuthenticatedHttpRequest, report: Report, key: str, form: Form, write: Callable[[], object], done: str
) -> HttpResponse:
    """A form of the report's page sent: the write done and the page shown again, or the
    page with the form as typed and what went wrong."""
    if form.is_valid():
        try:
            write()
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            anchor = "" if key == "text" else "#items"
            return redirect(reverse("surveys:staff_report", kwargs={"slug": report.slug}) + anchor)
    return _staff_report_page(request, report, {key: form}, status=400)


def _item_step(request: AuthenticatedHttpRequest, report: Report, action: str) -> HttpResponse:
    item_id = _item_id(request.POST.get("item"))
    try:
        if action == "remove":
            item_remove(report=report, item_id=item_id, actor=request.user)
            messages.success(request, "Removed from the report.")
        else:
            item_move(report=report, item_id=item_id, up=action == "up", actor=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
    return redirect(reverse("surveys:staff_report", kwargs={"slug": report.slug}) + "#items")


@coordinator_only
@require_http_methods(["GET", "POST"])
def staff_report_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The report's title and summary, and its items (added, moved, removed); every change
    shows on the public page only once the report is published (again)."""
    report = _report(slug)
    action = request.POST.get("action", "")
    if request.method != "POST":
        return _staff_report_page(request, report, {})
    if action == "save":
        text = ReportTextForm(request.POST)

        def save() -> object:
            return report_save(report=report, actor=request.user, **text.cleaned_data)

        return _submitted(request, report, "text", text, save, "Saved. Preview the report to check its figures.")
    if action in ITEM_FORMS:
        item = ITEM_FORMS[action](item_choices(report.survey), request.POST)

        def add() -> object:
            return item_add(report=report, kind=action, actor=request.user, **item.values())

        return _submitted(request, report, action, item, add, "Added to the end of the report.")
    if action in ("up", "down", "remove"):
        return _item_step(request, report, action)
    messages.error(request, "Choose one of the buttons.")
    return redirect("surveys:staff_report", slug=report.slug)


@coordinator_only
@require_GET
def staff_report_preview(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The report as it would be published now, with what stops its publication."""
    report = _report(slug)
    preview = report_preview(report)
    context = {
        "report": report,
        "published": report.status == ReportStatus.PUBLISHED,
        "problems": preview.problems,
        "notes": preview.notes,
    }
    return render(request, "surveys/report_preview.html", context | _page_facts(preview.content, preview=True))


@coordinator_only
@require_POST
def staff_report_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    report = _report(slug)
    try:
        report_publish(report=report, actor=request.user)
    except ReportRefused as refused:
        problems = len(refused.problems)
        messages.error(request, f"Not published: {problems} problem{'s' if problems != 1 else ''} to put right first.")
        return redirect("surveys:staff_report_preview", slug=report.slug)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect("surveys:staff_report_preview", slug=report.slug)
    messages.success(request, "Published: this is the public page.")
    return redirect("surveys:report", slug=report.slug)


@coordinator_only
@require_POST
def staff_report_withdraw(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    report = _report(slug)
    try:
        report_withdraw(report=report, actor=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Withdrawn: its page, CSV and API entry are gone until it is published again.")
    return redirect("surveys:staff_report", slug=report.slug)


# The public pages --------------------------------------------------------------------------------


def _page_facts(content: ReportContent, *, preview: bool) -> dict[str, Any]:
    return {"c": content, "preview": preview, "opt_in_reason": OPT_IN_REASON}


def _published(slug: str) -> ReportContent:
    report = report_published(slug)
    if report is None:
        raise Http404("No such report.")
    return report_frozen(report)


@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/reports.html", {"reports": reports_published()})


@require_GET
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    content = _published(slug)
    return render(request, "surveys/report.html", _page_facts(content, preview=False))


@require_GET
def report_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The aggregate results of every full table, as published."""
    content = _published(slug)
    return csv_response(columns=RESULTS_COLUMNS, rows=results_rows(content), filename=f"{content.slug}-results.csv")


@require_GET
def report_pdf(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The printable PDF, once the background task has made it; until then a page says so."""
    report = report_published(slug)
    if report is None:
        raise Http404("No such report.")
    if not report.pdf:
        return render(request, "surveys/report_pdf_wait.html", {"slug": slug}, status=200)
    return FileResponse(report.pdf.open("rb"), content_type="application/pdf", filename=f"{slug}.pdf")


urlpatterns: list[URLPattern] = [
    path("staff/surveys/<slug:slug>/reports/", staff_reports, name="staff_reports"),
    path("staff/reports/<slug:slug>/", staff_report_edit, name="staff_report"),
    path("staff/reports/<slug:slug>/preview/", staff_report_preview, name="staff_report_preview"),
    path("staff/reports/<slug:slug>/publish/", staff_report_publish, name="staff_report_publish"),
    path("staff/reports/<slug:slug>/withdraw/", staff_report_withdraw, name="staff_report_withdraw"),
    path("reports/", reports, name="reports"),
    path("reports/<slug:slug>/", report_page, name="report"),
    path("reports/<slug:slug>/results.csv", report_csv, name="report_csv"),
    path("reports/<slug:slug>/report.pdf", report_pdf, name="report_pdf"),
]
