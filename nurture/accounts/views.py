from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from nurture.accounts.forms import ProfileForm, RoleForm
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.accounts.services import AccountError, person_role_assign, profile_update
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
