from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from nurture.core.forms import search_text
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.core.outbox import OutboxError, delivery_of, message_resend, messages_needing_attention
from nurture.core.permissions import staff_required
from nurture.core.roles import Role
from nurture.core.visitor_cache import cached_for_visitors, code_release

FAVICON = Path(__file__).resolve().parent / "static" / "core" / "favicon.ico"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _same_for_every_release(**kwargs: object) -> str:
    """The pages about the site change only with the code (and its settings) that renders them."""
    return code_release()


def _about_context() -> dict[str, Any]:
    return {
        "pledge_anonymise_days": settings.NURTURE_PLEDGE_ANONYMISE_DAYS,
        "email_keep_body_days": settings.NURTURE_EMAIL_KEEP_BODY_DAYS,
        "supervision_link_days": settings.NURTURE_SUPERVISION_LINK_DAYS,
        "reference_link_days": settings.NURTURE_REFERENCE_LINK_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // 86_400,
        "csrf_days": settings.CSRF_COOKIE_AGE // 86_400 if settings.CSRF_COOKIE_AGE else 0,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


@require_GET
@cached_for_visitors(_same_for_every_release)
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about/contact.html", _about_context())


@require_GET
@cached_for_visitors(_same_for_every_release)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about/privacy.html", _about_context())


@require_GET
@cached_for_visitors(_same_for_every_release)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about/accessibility.html", _about_context())


@require_GET
@cached_for_visitors(_same_for_every_release)
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about/cookies.html", _about_context())


@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page's <link rel=icon> says."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def dashboard(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: each role's own starting page."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if request.user.has_staff_role:
        return redirect("core:staff_home")
    if request.user.is_practitioner:
        return redirect("portfolios:home")
    if request.user.role == Role.EVENT_ORGANISER:
        return redirect("events:mine")
    if request.user.role == Role.TRAINING_PROVIDER:
        return redirect("training:provider_home")
    return render(request, "core/dashboard.html")


@staff_required(Role.ASSESSOR, Role.REGISTRAR, Role.COORDINATOR)
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/staff_home.html")


@staff_required(Role.REGISTRAR)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor")
    action = search_text(request.GET.get("action", ""))
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


@staff_required(Role.REGISTRAR, Role.COORDINATOR)
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Emails that are retrying, bounced or failed, the longest-waiting first."""
    page = Paginator(messages_needing_attention(), 50).get_page(request.GET.get("page"))
    rows = [(message, delivery_of(message)) for message in page]
    return render(request, "core/outbox.html", {"page": page, "rows": rows})


@staff_required(Role.REGISTRAR, Role.COORDINATOR)
@require_POST
def outbox_resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboundEmail, pk=pk)
    try:
        message_resend(message=message, actor=request.user)
    except OutboxError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Sending “{message.subject}” to {message.to} again now.")
    return redirect("core:outbox")
