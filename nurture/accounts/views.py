from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nurture.accounts.forms import ErasureConfirmForm, ProfileForm, RoleForm
from nurture.accounts.http import AuthenticatedHttpRequest
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
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(person=request.user, form=form)
        messages.success(request, "Saved your profile.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


def reauthenticated_recently(request: HttpRequest) -> bool:
    """Whether the password was given again in the last few minutes, by allauth's rule
    (`ACCOUNT_REAUTHENTICATION_TIMEOUT`), asked through its public decorator."""
    try:
        reauthentication_required(lambda request: HttpResponse())(request)
    except ReauthenticationRequired:
        return False
    return True


@login_required
def data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your data: what Nurture holds, a download of all of it, and deleting the account.
    Back here from the password page, the download button works at once."""
    context = {"refusal": erasure_refusal(request.user), "ready": reauthenticated_recently(request)}
    return render(request, "accounts/data.html", context)


@login_required
@require_POST
def data_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The zip, if the password was given again lately; else the password page, which comes
    back to "Your data" (not here: an attachment would leave the browser on the password form)."""
    if not reauthenticated_recently(request):
        return redirect(f"{reverse('account_reauthenticate')}?{urlencode({'next': reverse('accounts:data')})}")
    archive = person_data_export(person=request.user, actor=request.user)
    name = f"nurture-data-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What is erased and kept, then the confirmation. The password is asked only once the
    confirmation is valid: allauth keeps the POST and replays it after the password page."""
    person = request.user
    refusal = erasure_refusal(person)
    if refusal:
        return render(request, "accounts/erase_refused.html", {"refusal": refusal}, status=403)
    form = ErasureConfirmForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        if not reauthenticated_recently(request):
            raise ReauthenticationRequired
        try:
            person_erase(person=person, actor=person)
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Your Register entry, if you had one, stays public.")
            return redirect("core:home")
    context = {"form": form, "ready": reauthenticated_recently(request)}
    return render(request, "accounts/erase.html", context, status=400 if form.errors else 200)


@staff_required(Role.REGISTRAR)
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = search_text(request.GET.get("q", ""))
    found = User.objects.order_by("full_name", "email")
    if query:
        found = found.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "q": query})


def _with_article(role: str) -> str:
    """ "an assessor", "a registrar"."""
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def person_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST or None, initial={"role": person.role})
    if request.method == "POST" and form.is_valid():
        try:
            # The service saves the row it locked: say what it now holds, not what `person` was read as.
            person = person_role_assign(
                person=person, role=form.cleaned_data["role"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except AccountError as error:
            form.add_error("role", str(error))
        else:
            messages.success(request, f"{person} is now {_with_article(person.get_role_display().lower())}.")
            return redirect("accounts:people")
    return render(
        request, "accounts/person_role.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )
