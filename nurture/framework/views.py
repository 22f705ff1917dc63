from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.forms import PlainTextMixin, search_text
from nurture.core.permissions import staff_required
from nurture.core.visitor_cache import cached_for_visitors, data_sets
from nurture.framework.models import FRAMEWORK_DATA_SET, Competency, FrameworkVersion
from nurture.framework.selectors import (
    framework_domains,
    framework_levels,
    framework_search,
    framework_version,
    level_for,
)
from nurture.framework.services import FrameworkError, framework_import, framework_publish

# The framework's pages are the same for every visitor until the next import or publishing.
framework_pages_version = data_sets(FRAMEWORK_DATA_SET)


@cached_for_visitors(framework_pages_version)
def framework_home(request: HttpRequest, number: int | None = None) -> HttpResponse:
    version = framework_version(number)
    return render(
        request,
        "framework/home.html",
        {
            "version": version,
            "domains": framework_domains(version),
            "levels": framework_levels(version),
            "versions": FrameworkVersion.objects.published(),
        },
    )


@require_GET
@cached_for_visitors(framework_pages_version, params={"q"})
def framework_search_view(request: HttpRequest) -> HttpResponse:
    """The current framework's competencies that hold every word searched, by domain."""
    version = framework_version(None)
    q = search_text(request.GET.get("q", ""))
    found = framework_search(version, q)
    count = sum(len(domain.competencies) for domain in found)
    return render(request, "framework/search.html", {"version": version, "q": q, "found": found, "count": count})


@cached_for_visitors(framework_pages_version)
def competency_detail(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    version = framework_version(number)
    competency = (
        Competency.objects.filter(domain__version=version, code=code)
        .select_related("domain")
        .prefetch_related("indicators", "levels")
        .first()
    )
    if competency is None:
        raise Http404("No such competency.")
    return render(request, "framework/competency.html", {"version": version, "competency": competency})


@cached_for_visitors(framework_pages_version)
def level_detail(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    version = framework_version(number)
    level = level_for(version, code)
    competencies = level.competencies.select_related("domain").order_by("domain__position", "position")
    return render(request, "framework/level.html", {"version": version, "level": level, "competencies": competencies})


class ImportForm(PlainTextMixin, forms.Form):
    data_file = forms.FileField(
        label="Framework data file (JSON)",
        help_text="The same shape as nurture/framework/data/framework-1.json, with a new version number.",
    )

    def clean_data_file(self) -> object:
        upload = self.cleaned_data["data_file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError("The file is larger than 2 MB; a framework file is much smaller.")
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(f"This is not a readable JSON file: {error}.") from None


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def framework_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = framework_import(data=form.cleaned_data["data_file"], actor=request.user)
        except FrameworkError as error:
            form.add_error("data_file", str(error))
        else:
            messages.success(request, f"Imported version {version.number} as a draft. Publish it when it is ready.")
            return redirect("framework:manage")
    return render(
        request,
        "framework/manage.html",
        {"form": form, "versions": FrameworkVersion.objects.all()},
        status=400 if form.errors else 200,
    )


@staff_required(Role.REGISTRAR)
@require_POST
def framework_publish_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    version = get_object_or_404(FrameworkVersion, number=number)
    try:
        framework_publish(version=version, actor=request.user)
    except FrameworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Version {number} is now the current framework.")
    return redirect("framework:manage")
