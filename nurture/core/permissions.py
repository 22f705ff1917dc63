"""Who may see what. Views use these decorators and helpers, never ad-hoc checks.

- `practitioner_required`: a signed-in practitioner (others get 403).
- `staff_required(*roles)`: a signed-in person with one of the staff roles who has
  turned on two-factor authentication; without it they are sent to set it up.
- `role_required(role)`: a signed-in person with that (non-staff) role (others get 403);
  the records the page shows are looked up through the person, so another's are a 404.
- `signed_in_required`: anyone signed in, for a page whose records say who may see
  them; a person with a staff role needs two-factor authentication here too.
- `get_owned_or_404`: a record that belongs to the person asking, else 404, so
  nobody learns whether another person's record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect

from nurture.core.roles import STAFF_ROLES, Role

View = Callable[..., HttpResponseBase]
M = TypeVar("M", bound=models.Model)

# Where a person sent to set up two-factor authentication was going: the page after the
# recovery codes offers to "Continue" there (accounts' `after_two_factor_url`).
AFTER_TWO_FACTOR = "nurture_after_two_factor"


def _login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


def _second_factor_setup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        request.session[AFTER_TWO_FACTOR] = request.get_full_path()
    messages.warning(
        request,
        "Staff pages need two-factor authentication. Set up an authenticator app to continue.",
    )
    return redirect("mfa_activate_totp")


def practitioner_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _login(request)
        if request.user.role != Role.PRACTITIONER:
            raise PermissionDenied("This page is for practitioners.")
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(*roles: Role) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return _login(request)
            if request.user.role not in roles:
                raise PermissionDenied("This page is for association staff.")
            if not is_mfa_enabled(request.user):
                return _second_factor_setup(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_required(role: Role) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return _login(request)
            if request.user.role != role:
                raise PermissionDenied(f"This page is for {role.label.lower()}s.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def signed_in_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _login(request)
        if request.user.role in STAFF_ROLES and not is_mfa_enabled(request.user):
            return _second_factor_setup(request)
        return view(request, *args, **kwargs)

    return wrapper


def get_owned_or_404(model: type[M], request: HttpRequest, **lookup: Any) -> M:
    return get_object_or_404(model, owner=request.user, **lookup)
