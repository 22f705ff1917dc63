from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.campaigns.forms import (
    CampaignForm,
    HideForm,
    PledgeForm,
    ResourceForm,
    SignatureForm,
    VersionForm,
)
from nurture.campaigns.models import Campaign, PledgeSignature, Resource
from nurture.campaigns.selectors import (
    EXPORT_COLUMNS,
    attribution,
    cached_fragment,
    campaign_current,
    campaign_public,
    campaign_share_card,
    campaign_version,
    campaigns_archive,
    events_counts,
    file_type_label,
    human_size,
    pledge_counts,
    pledge_export_rows,
    pledge_names,
    resource_public,
    resources_of,
    share_card,
    staff_signatures,
    staff_status_counts,
)
from nurture.campaigns.services import (
    EMBED_HOSTS,
    CampaignError,
    Signer,
    campaign_save,
    pledge_confirm,
    pledge_hide,
    pledge_release,
    pledge_sign,
    pledge_signature_from_token,
    pledge_withdraw,
    resource_download_count,
    resource_publish,
    resource_save,
    resource_unpublish,
    resource_version_add,
)
from nurture.core.audit import audit_record
from nurture.core.csv_export import csv_response
from nurture.core.emails import client_address
from nurture.core.forms import page_number, search_text
from nurture.core.origins import sent_from_another_site, site_url
from nurture.core.permissions import staff_required
from nurture.core.uploads import private_file_response
from nurture.core.visitor_cache import cached_for_visitors

coordinator_required = staff_required(Role.COORDINATOR)
LAST_PAGE = 100_000  # the furthest `?page=` is read as asked; the pledge's names stop earlier (selectors.MAX_PAGE)


# Campaign pages --------------------------------------------------------------------


def _landing(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    if campaign is None:
        return render(request, "campaigns/none.html", status=404)

    def fragment() -> str:
        events = events_counts([campaign.pk])
        return render_to_string(
            "campaigns/_landing.html",
            {
                "campaign": campaign,
                "counts": pledge_counts(campaign),
                "resources": resources_of(campaign),
                "events": None if events is None else events.get(campaign.pk, 0),
            },
        )

    body = mark_safe(cached_fragment(campaign, "landing", fragment))  # noqa: S308 - our own rendered template
    share = campaign_share_card(campaign, url=site_url("campaigns:landing", campaign.slug))
    return render(request, "campaigns/landing.html", {"campaign": campaign, "body": body, "share": share})


@require_GET
@cached_for_visitors(campaign_version)
def current(request: HttpRequest) -> HttpResponse:
    return _landing(request, campaign_current())


@require_GET
@cached_for_visitors(campaign_version)
def landing(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public(slug)
    if campaign is None:
        raise Http404("There is no campaign at this address.")
    return _landing(request, campaign)


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "campaigns/archive.html", {"years": campaigns_archive(today), "today": today})


# The pledge ------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str | None:
    return client_address(request) or None


def _pledge_page(request: HttpRequest, campaign: Campaign, form: PledgeForm, status: int = 200) -> HttpResponse:
    page = page_number(request.GET.get("page"), most=LAST_PAGE)

    def fragment() -> str:
        return render_to_string(
            "campaigns/_pledge_public.html",
            {"campaign": campaign, "counts": pledge_counts(campaign), "names": pledge_names(campaign, page)},
        )

    public = mark_safe(cached_fragment(campaign, f"pledge:{page}", fragment))  # noqa: S308 - our own template
    form_html: str
    if form.is_bound:
        form_html = render_to_string("campaigns/_pledge_form.html", {"form": form})
    else:
        form_html = cached_fragment(
            None, "pledge-form", lambda: render_to_string("campaigns/_pledge_form.html", {"form": form})
        )
    share = campaign_share_card(
        campaign,
        url=site_url("campaigns:pledge", campaign.slug),
        title=f"Sign the {campaign.year} pledge: {campaign.theme}",
        description=campaign.pledge_text,
    )
    context = {
        "campaign": campaign,
        "public": public,
        "form": form,
        "form_html": mark_safe(form_html),  # noqa: S308 - our own rendered template
        "share": share,
    }
    return render(request, "campaigns/pledge.html", context, status=status)


# Signing is anonymous and counts only once the emailed link is followed, so a
# forged request gains an attacker nothing they could not do directly; without
# a CSRF token the page is the same for every visitor and can be cached whole.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@cached_for_visitors(campaign_version, params={"page"})
def pledge(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public(slug)
    if campaign is None or not campaign.pledge_text:
        raise Http404("This campaign has no pledge.")
    if request.method != "POST":
        return _pledge_page(request, campaign, PledgeForm())
    if sent_from_another_site(request):
        return render(request, "campaigns/pledge_refused.html", {"campaign": campaign}, status=403)
    form = PledgeForm(request.POST)
    if form.is_bot:
        return redirect("campaigns:pledge_sent", slug=campaign.slug)
    if not campaign.pledge_open:
        form.add_error(None, "This pledge is closed: it no longer takes signatures.")
    if form.is_valid() and campaign.pledge_open:
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            emailed = pledge_sign(campaign=campaign, signer=Signer(**data), address=_client_address(request))
        except CampaignError as error:
            form.add_error(None, str(error))
        else:
            if not emailed:
                return render(request, "campaigns/pledge_held.html", {"campaign": campaign})
            return redirect("campaigns:pledge_sent", slug=campaign.slug)
    return _pledge_page(request, campaign, form, status=400)


@require_GET
def pledge_sent(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public(slug)
    if campaign is None or not campaign.pledge_text:
        raise Http404("This campaign has no pledge.")
    return render(request, "campaigns/pledge_sent.html", {"campaign": campaign})


@require_http_methods(["GET", "POST"])
def pledge_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the emailed link changes nothing (mail scanners open links); the button does."""
    signature = pledge_signature_from_token(token, confirm=True)
    if signature is None:
        return render(request, "campaigns/pledge_link.html", {"invalid": True, "confirm": True}, status=404)
    if request.method == "POST":
        signature = pledge_confirm(signature=signature)
    return render(request, "campaigns/pledge_link.html", {"signature": signature, "confirm": True})


@require_http_methods(["GET", "POST"])
def pledge_withdraw_view(request: HttpRequest, token: str) -> HttpResponse:
    signature = pledge_signature_from_token(token, confirm=False)
    if signature is None:
        return render(request, "campaigns/pledge_link.html", {"invalid": True, "confirm": False}, status=404)
    if request.method == "POST":
        signature = pledge_withdraw(signature=signature)
    return render(request, "campaigns/pledge_link.html", {"signature": signature, "confirm": False})


# Resources -------------------------------------------------------------------------


@require_GET
def campaign_resources(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public(slug)
    if campaign is None:
        raise Http404("There is no campaign at this address.")
    share = campaign_share_card(
        campaign,
        url=site_url("campaigns:resources", campaign.slug),
        title=f"Resources for {campaign.name} {campaign.year}: {campaign.theme}",
        description="Films, infographics, briefings and the comms pack, free to share.",
    )
    context = {"campaign": campaign, "resources": resources_of(campaign), "share": share}
    return render(request, "campaigns/resources.html", context)


def _resource_page(request: HttpRequest, slug: str, number: int | None) -> HttpResponse:
    found = resource_public(slug, number)
    if found is None:
        raise Http404("There is no published resource at this address.")
    url = request.build_absolute_uri(reverse("campaigns:resource", args=[found.resource.slug]))
    share = share_card(
        found.resource.campaign,
        title=found.resource.title,
        description=found.resource.summary or f"{found.resource.get_kind_display()}: {found.resource.title}",
        url=site_url("campaigns:resource", found.resource.slug),
        kind="article",
    )
    return render(
        request,
        "campaigns/resource.html",
        {
            "page": found,
            "resource": found.resource,
            "version": found.version,
            "size": human_size(found.version.size),
            "file_type": file_type_label(found.version.content_type),
            "attribution": attribution(found.resource, url),
            "share": share,
        },
    )


_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def films_framed(view: _View) -> _View:
    """A film's page frames its player from YouTube or Vimeo; no other page frames anything.
    (django-csp's types expect views that take the request alone, hence the casts.)"""
    framing = csp_update({"frame-src": sorted(f"https://{host}" for host in EMBED_HOSTS)})
    return cast(_View, framing(cast(Any, view)))


@require_GET
@films_framed
def resource(request: HttpRequest, slug: str) -> HttpResponse:
    return _resource_page(request, slug, None)


@require_GET
@films_framed
def resource_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _resource_page(request, slug, number)


@require_GET
def resource_download(request: HttpRequest, slug: str, number: int) -> FileResponse:
    found = resource_public(slug, number)
    if found is None or not found.version.file:
        raise Http404("There is no file to download at this address.")
    resource_download_count(version=found.version)
    return private_file_response(
        found.version.file, filename=found.version.file_name, content_type=found.version.content_type
    )


# The coordinator -------------------------------------------------------------------


@coordinator_required
@require_GET
def staff_campaigns(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.order_by("-year")
    return render(request, "campaigns/staff_campaigns.html", {"campaigns": campaigns})


def _campaign_form(request: AuthenticatedHttpRequest, campaign: Campaign) -> HttpResponse:
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            saved = campaign_save(campaign=form.save(commit=False), actor=request.user)
        except CampaignError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved {saved.name} {saved.year}.")
            return redirect("campaigns:staff_campaigns")
    return render(
        request,
        "campaigns/staff_campaign_form.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_campaign_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _campaign_form(request, Campaign(name="Infant Mental Health Awareness Week"))


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_campaign_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _campaign_form(request, get_object_or_404(Campaign, slug=slug))


def _pledge_action(request: AuthenticatedHttpRequest, campaign: Campaign) -> HideForm | None:
    """Hide or release a signature (a POST from the coordinator's list)."""
    action = request.POST.get("action", "")
    form = HideForm(request.POST) if action == "hide" else SignatureForm(request.POST)
    if not form.is_valid():
        return form if isinstance(form, HideForm) else None
    signature = get_object_or_404(PledgeSignature, pk=form.cleaned_data["signature"], campaign=campaign)
    try:
        if action == "hide":
            pledge_hide(signature=signature, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "Hidden: the signature no longer counts or shows.")
        elif action == "release":
            pledge_release(signature=signature, actor=request.user)
            messages.success(request, "Released: it counts once its link has been followed.")
    except CampaignError as error:
        messages.error(request, str(error))
    return None


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_pledge(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    status = request.GET.get("status", "")[:12]
    q = search_text(request.GET.get("q", ""))
    if request.method == "POST":
        bad = _pledge_action(request, campaign)
        if bad is None:
            return redirect(f"{reverse('campaigns:staff_pledge', args=[campaign.slug])}?status={status}")
        messages.error(request, "Give a reason to hide a signature.")
    counted = staff_status_counts(campaign)
    number = page_number(request.GET.get("page"), most=LAST_PAGE)
    page = Paginator(staff_signatures(campaign, status=status, q=q), 50).get_page(number)
    return render(
        request,
        "campaigns/staff_pledge.html",
        {
            "campaign": campaign,
            "page": page,
            "status": status,
            "q": q,
            "statuses": [(v, label, counted[v]) for v, label in PledgeSignature.Status.choices],
            "counts": pledge_counts(campaign),
        },
    )


@coordinator_required
@require_GET
def staff_pledge_export(request: AuthenticatedHttpRequest, slug: str) -> StreamingHttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    audit_record(action="campaigns.pledge.exported", actor=request.user, target=campaign)
    return csv_response(
        columns=EXPORT_COLUMNS,
        rows=pledge_export_rows(campaign),
        filename=f"pledge-{campaign.slug}-{timezone.localdate()}.csv",
        private=True,
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_resources(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = resource_save(resource=form.save(commit=False), actor=request.user)
        messages.success(request, f"Created “{created.title}” as a draft. Add its file, then publish it.")
        return redirect("campaigns:staff_resource", slug=created.slug)
    resources = Resource.objects.select_related("campaign").order_by("-created_at")
    return render(
        request,
        "campaigns/staff_resources.html",
        {"form": form, "resources": resources},
        status=400 if form.errors else 200,
    )


def _resource_action(request: AuthenticatedHttpRequest, resource: Resource) -> ResourceForm | VersionForm | None:
    """Edit, add a version, publish or unpublish; the form with errors, or None when done."""
    action = request.POST.get("action", "")
    try:
        if action == "edit":
            form = ResourceForm(request.POST, instance=resource)
            if not form.is_valid():
                return form
            resource_save(resource=form.save(commit=False), actor=request.user)
        elif action == "version":
            version_form = VersionForm(request.POST, request.FILES)
            if not version_form.is_valid():
                return version_form
            data = version_form.cleaned_data
            resource_version_add(
                resource=resource,
                actor=request.user,
                upload=data["file"],
                embed_url=data["embed_url"],
                note=data["note"],
            )
        elif action == "publish":
            resource_publish(resource=resource, actor=request.user)
        elif action == "unpublish":
            resource_unpublish(resource=resource, actor=request.user)
    except CampaignError as error:
        messages.error(request, str(error))
        resource.refresh_from_db()
        return ResourceForm(request.POST, instance=resource) if action == "edit" else None
    else:
        messages.success(request, "Saved.")
    return None


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_resource(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    resource = get_object_or_404(Resource, slug=slug)
    form: Any = ResourceForm(instance=resource)
    version_form: Any = VersionForm()
    if request.method == "POST":
        bad = _resource_action(request, resource)
        if bad is None:
            return redirect("campaigns:staff_resource", slug=resource.slug)
        if isinstance(bad, VersionForm):
            version_form = bad
        else:
            form = bad
    return render(
        request,
        "campaigns/staff_resource.html",
        {"resource": resource, "form": form, "version_form": version_form, "versions": resource.versions.all()},
        status=400 if request.method == "POST" else 200,
    )
