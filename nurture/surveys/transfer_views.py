"""The coordinator's import of responses gathered elsewhere (a documented CSV, one sample at
a time) and the export of a survey's responses as CSV and as an SPSS `.sav` file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.csv_export import csv_response
from nurture.core.forms import PlainTextMixin
from nurture.core.permissions import staff_required
from nurture.surveys import exports, imports
from nurture.surveys.models import Sample, Survey, SurveyStatus
from nurture.surveys.services import completed_count


class ImportForm(PlainTextMixin, forms.Form):
    file = forms.FileField(
        label="CSV file of responses",
        help_text=f"UTF-8 CSV, up to {imports.MAX_BYTES // (1024 * 1024)} MB and {imports.MAX_ROWS:,} responses.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            raise forms.ValidationError("Choose a CSV file to upload.")
        if (upload.size or 0) > imports.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {imports.MAX_BYTES // (1024 * 1024)} MB: split it into several files."
            )
        return upload


def _sample(slug: str, code: str) -> Sample:
    return get_object_or_404(Sample.objects.select_related("survey"), survey__slug=slug, code=code)


def _imported_message(sample: Sample, result: imports.ImportResult) -> str:
    said = f"Imported {result.imported:,} response{'' if result.imported == 1 else 's'} into “{sample.name}”."
    if result.over_quota:
        said += (
            f" The sample now has {result.completed:,} completed responses and its quota is "
            f"{result.quota:,}, so its link takes no more answers."
        )
    return said


@staff_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def staff_import(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    sample = _sample(slug, code)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.responses_import(sample=sample, upload=form.cleaned_data["file"], actor=request.user)
        if result.ok:
            messages.success(request, _imported_message(sample, result))
            return redirect("surveys:staff_import", slug=slug, code=code)
        form.add_error(
            "file", result.problem + (" Each problem is listed under “What was refused”." if result.refusals else "")
        )
    columns = imports.import_columns(sample.survey)
    context: dict[str, Any] = {
        "survey": sample.survey,
        "sample": sample,
        "form": form,
        "result": result,
        "columns": columns,
        "header": imports.example_header(columns),
        "is_draft": sample.survey.status == SurveyStatus.DRAFT,
        "completed": completed_count(sample),
        "max_rows": f"{imports.MAX_ROWS:,}",
        "max_shown": imports.MAX_SHOWN,
    }
    return render(request, "surveys/transfer_import.html", context, status=400 if form.errors else 200)


def _filename(survey: Survey, extension: str) -> str:
    return f"{survey.slug}-responses-{timezone.localdate():%Y-%m-%d}.{extension}"


@staff_required(Role.COORDINATOR)
@require_GET
def staff_export_csv(request: AuthenticatedHttpRequest, slug: str) -> StreamingHttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    export = exports.responses_csv(survey)
    audit_record(action="surveys.responses.exported", actor=request.user, target=survey, data={"format": "csv"})
    return csv_response(columns=export.columns, rows=export.rows, filename=_filename(survey, "csv"), private=True)


@staff_required(Role.COORDINATOR)
@require_GET
def staff_export_sav(request: AuthenticatedHttpRequest, slug: str) -> FileResponse:
    survey = get_object_or_404(Survey, slug=slug)
    export = exports.responses_sav(survey)
    audit_record(action="surveys.responses.exported", actor=request.user, target=survey, data={"format": "sav"})
    response = FileResponse(
        export, as_attachment=True, filename=_filename(survey, "sav"), content_type="application/x-spss-sav"
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("staff/surveys/<slug:slug>/samples/<slug:code>/import/", staff_import, name="staff_import"),
    path("staff/surveys/<slug:slug>/responses.csv", staff_export_csv, name="staff_export_csv"),
    path("staff/surveys/<slug:slug>/responses.sav", staff_export_sav, name="staff_export_sav"),
]
