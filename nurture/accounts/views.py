from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from nurture.accounts.forms import ErasureConfirmForm, ProfileForm, RoleForm
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.accounts.services import (
    AccountError,
    erasure_refusal,
    person_data_export,
    person_erase,
    person_role_assign,
    profile_update,
)
from nurture.core.forms import search_text
from nurture.core.permissions import staff_required


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(person=request.user, form=form)  # type: ignore[arg-type]
        messages.success(request, "Saved your profile.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


ViewFunction = TypeVar("ViewFunction", bound=Callable[..., HttpResponseBase])


def password_again(view: ViewFunction) -> ViewFunction:
    """allauth's reauthentication: the password again, unless it was given in the last few minutes."""
    return cast(ViewFunction, reauthentication_required(view))


@login_required
def data(request: HttpRequest) -> HttpResponse:
    """Your data: what Nurture holds, a download of all of it, and deleting the account."""
    return render(request, "accounts/data.html", {"refusal": erasure_refusal(request.user)})  # type: ignore[arg-type]


@login_required
@password_again
def data_download(request: HttpRequest) -> FileResponse:
    archive = person_data_export(person=request.user, actor=request.user)  # type: ignore[arg-type]
    name = f"nurture-data-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    refusal = erasure_refusal(request.user)  # type: ignore[arg-type]
    if refusal:
        return render(request, "accounts/erase_refused.html", {"refusal": refusal}, status=403)
    return _erase_confirmed(request)


@password_again
def _erase_confirmed(request: HttpRequest) -> HttpResponse:
    person = cast(User, request.user)
    form = ErasureConfirmForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_erase(person=person, actor=person)
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Your Register entry, if you had one, stays public.")
            return redirect("core:home")
    return render(request, "accounts/erase.html", {"form": form}, status=400 if form.errors else 200)


@staff_required(Role.REGISTRAR)
def people(request: HttpRequest) -> HttpResponse:
    query = search_text(request.GET.get("q", ""))
    found = User.objects.order_by("full_name", "email")
    if query:
        found = found.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "q": query})


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def person_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST or None, initial={"role": person.role})
    if request.method == "POST" and form.is_valid():
        try:
            person_role_assign(
                person=person, role=form.cleaned_data["role"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except AccountError as error:
            form.add_error("role", str(error))
        else:
            messages.success(request, f"{person} is now a {person.get_role_display().lower()}.")
            return redirect("accounts:people")
    return render(
        request, "accounts/person_role.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )
