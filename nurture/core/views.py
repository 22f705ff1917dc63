from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from nurture.core.forms import search_text
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.core.outbox import OutboxError, delivery_of, message_resend, messages_needing_attention
from nurture.core.permissions import staff_required
from nurture.core.roles import Role


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


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
