"""Writes for Awareness Week: campaigns, the pledge and the resources library.

Each function takes keyword arguments, runs in one transaction, checks that the
change is allowed from the record's current state, and records it in the audit
log (without signers' personal details: no names or emails in the log).

A signature's status changes with one atomic `UPDATE … WHERE status = <old>`, and
every move into or out of `confirmed` changes the campaign's `PledgeTally` in the
same transaction, so a signature is counted exactly once however many workers or
clicks race. Every change the public pages show bumps the campaign's data version
(`campaign_touch`: `core.DataVersion` "campaign:<id>"), which keys their cached pages
and fragments; a change to a campaign itself bumps "campaigns" too, the version of the
other apps' pages that show campaigns (the events calendar).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Max, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from nurture.accounts.models import User
from nurture.campaigns.models import (
    CAMPAIGNS_DATA_SET,
    Campaign,
    PledgeSignature,
    PledgeTally,
    Resource,
    ResourceVersion,
    campaign_data_set,
)
from nurture.campaigns.signers import name_problem
from nurture.core.addresses import email_canonical, network_of
from nurture.core.audit import audit_record
from nurture.core.data_versions import data_version_bump
from nurture.core.emails import EmailLimitReached, Sender, email_allowance_check, email_send
from nurture.core.link_tokens import pk_from_signed_token, signed_token
from nurture.core.origins import site_url
from nurture.core.prepared import PreparedRead
from nurture.core.uploads import atomic_with_files, validate_upload

Status = PledgeSignature.Status
CONFIRM_SALT = "campaigns.pledge.confirm"
WITHDRAW_SALT = "campaigns.pledge.withdraw"
CONFIRM_DAYS = 14
PLEDGE_EMAIL = "campaigns/email/pledge_confirm"
RATE_WINDOW = timedelta(hours=1)
EMBED_HOSTS = frozenset({"www.youtube-nocookie.com", "www.youtube.com", "youtube.com", "player.vimeo.com", "vimeo.com"})


class CampaignError(Exception):
    """A change Awareness Week refuses, with a message for the person who asked."""


def anonymise_after_days() -> int:
    """NURTURE_PLEDGE_ANONYMISE_DAYS: days after a campaign ends before signers' details are blanked."""
    return settings.NURTURE_PLEDGE_ANONYMISE_DAYS


def campaign_touch(*, campaign_id: int) -> None:
    """Bump the version that keys the campaign's cached public pages and fragments, in
    the caller's transaction."""
    data_version_bump(campaign_data_set(campaign_id))


# Campaigns -------------------------------------------------------------------------


def campaign_save(*, campaign: Campaign, actor: User) -> Campaign:
    """The coordinator creates or edits a campaign (its landing text, key messages and pledge)."""
    created = campaign.pk is None
    with transaction.atomic():
        try:
            with transaction.atomic():
                campaign.save()
        except IntegrityError:
            # The form checked the year and address were free; another request (the
            # same form sent twice) took them in the meantime.
            raise CampaignError(
                f"There is already a campaign for {campaign.year} or at the address {campaign.slug}. "
                "Nothing was saved: check the list of campaigns."
            ) from None
        data_version_bump(campaign_data_set(campaign.pk), CAMPAIGNS_DATA_SET)
        audit_record(
            action="campaigns.campaign.created" if created else "campaigns.campaign.updated",
            actor=actor,
            target=campaign,
            data={"year": campaign.year, "slug": campaign.slug},
        )
    return campaign


# The pledge ------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    name: str
    profession: str
    organisation: str
    region: str
    email: str
    show_name: bool


def _over_limit(*, address: str | None, network: str, now: datetime) -> bool:
    since = now - RATE_WINDOW
    per_address = settings.NURTURE_PLEDGE_LIMIT_PER_ADDRESS
    per_network = settings.NURTURE_PLEDGE_LIMIT_PER_NETWORK
    recent = PledgeSignature.objects.filter(created_at__gte=since)
    if address and per_address and recent.filter(address=address).count() >= per_address:
        return True
    return bool(network and per_network and recent.filter(network=network).count() >= per_network)


def pledge_sign(*, campaign: Campaign, signer: Signer, address: str | None, now: datetime | None = None) -> bool:
    """Someone signs the pledge; we email them a link to confirm it. Returns
    False when the signature is held instead, and no email goes.

    Emails the same message whether or not the address had signed already, so
    neither the page nor the email says which. Signing again re-sends the link
    and never adds a second signature; a withdrawn signature becomes a new one,
    awaiting confirmation. Over the pledge's rate limit (per address and per /24
    or /64 network, in the last hour) the signature is held: it is never counted
    until the coordinator releases it, and no further email is sent. Over the
    site's email limits (`core.emails`) nothing is stored and `CampaignError`
    says so."""
    if not campaign.pledge_text or not campaign.pledge_open:
        raise CampaignError("This pledge is not open for signatures.")
    if problem := name_problem(signer.name):
        raise CampaignError(problem)
    now = now or timezone.now()
    canonical = email_canonical(signer.email)
    network = network_of(address or "")
    address = address if network else None
    sender = Sender.from_address(address or "")
    details = {
        "name": signer.name,
        "profession": signer.profession,
        "organisation": signer.organisation,
        "region": signer.region,
        "email": signer.email,
        "show_name": signer.show_name,
        "address": address,
        "network": network,
    }
    # What is only read comes before the transaction, which on SQLite holds the one
    # write lock from its first statement: the limits (counts, so a burst of signatures
    # in the same instant may pass a limit by a few, as on PostgreSQL, where concurrent
    # transactions do not see each other's rows) and whether this address has signed
    # (every write below is conditional on what it found, or refused by the unique key).
    held = _over_limit(address=address, network=network, now=now)
    try:
        if not held:  # a held signature sends nothing
            email_allowance_check(to=signer.email, sender=sender, purpose=PLEDGE_EMAIL)
    except EmailLimitReached as refused:
        raise CampaignError(str(refused)) from None
    status = Status.HELD if held else Status.PENDING
    signature = _signature_of.first(campaign_id=campaign.pk, canonical=canonical)
    with transaction.atomic():
        created = False
        if signature is None:
            try:
                with transaction.atomic():
                    signature = PledgeSignature.objects.create(
                        campaign=campaign, canonical_email=canonical, status=status, created_at=now, **details
                    )
            except IntegrityError:
                signature = PledgeSignature.objects.get(campaign=campaign, canonical_email=canonical)
            else:
                created = True
                audit_record(
                    action="campaigns.pledge.signed",
                    actor_label="pledge signer",
                    target=signature,
                    data={"campaign": campaign.slug, "held": held},
                )
        # Not one anonymised since it was read above: its details stay gone.
        if not created and PledgeSignature.objects.filter(
            pk=signature.pk, status=Status.WITHDRAWN, anonymised_at__isnull=True
        ).update(status=status, confirmed_at=None, withdrawn_at=None, created_at=now, **details):
            audit_record(
                action="campaigns.pledge.signed_again",
                actor_label="pledge signer",
                target=signature,
                data={"campaign": campaign.slug, "held": held},
            )
        # Held as it stands now: a new or renewed signature over the limit, or one
        # held earlier and signed again. A pending one signed again gets its link again.
        # (One just written in this transaction is as written: no need to ask.)
        held_now = held if created else PledgeSignature.objects.filter(pk=signature.pk, status=Status.HELD).exists()
        if held_now:
            return False
        # Over the pledge limit the allowance was not counted above (a held signature
        # sends nothing), but a pending one signed again gets its link: counted here.
        try:
            _email_links(
                campaign=campaign, signature=signature, to=signer.email, sender=sender, allowance_checked=not held
            )
        except EmailLimitReached as refused:
            raise CampaignError(str(refused)) from None
    return True


def pledge_links(signature_id: int) -> tuple[str, str]:
    """The (confirm, withdraw) addresses emailed to a signer."""
    return (
        site_url("campaigns:pledge_confirm", signed_token(signature_id, salt=CONFIRM_SALT)),
        site_url("campaigns:pledge_withdraw", signed_token(signature_id, salt=WITHDRAW_SALT)),
    )


def _email_links(
    *, campaign: Campaign, signature: PledgeSignature, to: str, sender: Sender | None, allowance_checked: bool = False
) -> None:
    confirm_url, withdraw_url = pledge_links(signature.pk)
    context = {
        "campaign": f"{campaign.name} {campaign.year}",
        "pledge_text": campaign.pledge_text,
        "confirm_url": confirm_url,
        "withdraw_url": withdraw_url,
        "days": CONFIRM_DAYS,
    }
    email_send(
        to=to,
        template=PLEDGE_EMAIL,
        context=context,
        about=signature,
        sender=sender,
        allowance_checked=allowance_checked,
    )


# Hot reads of signing, compiled once (core.prepared). At most one row each: no
# ORDER BY (which `first()` would add).
_signature_with_campaign = PreparedRead(
    lambda pk: PledgeSignature.objects.select_related("campaign").filter(pk=pk, anonymised_at__isnull=True)[:1],
    pk=int,
)
_signature_of = PreparedRead(
    lambda campaign_id, canonical: PledgeSignature.objects.filter(campaign_id=campaign_id, canonical_email=canonical)[
        :1
    ],
    campaign_id=int,
    canonical=str,
)


def pledge_signature_from_token(token: str, *, confirm: bool) -> PledgeSignature | None:
    salt, max_age = (CONFIRM_SALT, CONFIRM_DAYS * 86400) if confirm else (WITHDRAW_SALT, None)
    pk = pk_from_signed_token(token, salt=salt, max_age=max_age)
    if pk is None:
        return None
    return _signature_with_campaign.first(pk=pk)


def _reload(signature: PledgeSignature) -> None:
    """The signature's own fields as stored now; its campaign, which a signature never
    changes, stays as read (the page after a confirm shows it without another query)."""
    signature.refresh_from_db(fields=[f.name for f in PledgeSignature._meta.concrete_fields if f.name != "campaign"])


def _tally(*, signature: PledgeSignature, delta: int) -> None:
    """Add `delta` to the signature's tally row. One more is one statement, an upsert
    (both databases; the ORM's upsert can only set a value, not add to it); one less
    updates the row that the signature's confirmation made."""
    key = {"campaign_id": signature.campaign_id, "profession": signature.profession, "region": signature.region}
    if delta > 0:
        table = connection.ops.quote_name(PledgeTally._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, profession, region, count) VALUES (%s, %s, %s, %s) "  # noqa: S608 - the model's own table
                f"ON CONFLICT (campaign_id, profession, region) DO UPDATE SET count = {table}.count + excluded.count",
                [signature.campaign_id, signature.profession, signature.region, delta],
            )
    else:
        PledgeTally.objects.filter(**key).update(count=F("count") + delta)
    campaign_touch(campaign_id=signature.campaign_id)


def _move(signature: PledgeSignature, *, frm: tuple[str, ...], **fields: Any) -> str | None:
    """Move the signature from whichever of `frm` it is in; the old status, or None if in none."""
    for old in frm:
        if PledgeSignature.objects.filter(pk=signature.pk, status=old).update(**fields):
            return old
    return None


def pledge_confirm(*, signature: PledgeSignature, now: datetime | None = None) -> PledgeSignature:
    """The signer presses Confirm: a pending signature counts from now; a held one is
    marked confirmed but waits for the coordinator."""
    now = now or timezone.now()
    with transaction.atomic():
        if _move(signature, frm=(Status.PENDING,), status=Status.CONFIRMED, confirmed_at=now):
            _tally(signature=signature, delta=1)
            audit_record(action="campaigns.pledge.confirmed", actor_label="pledge signer", target=signature)
            # Moved from pending by this very statement: stored as set here, no need to read it back.
            signature.status, signature.confirmed_at = Status.CONFIRMED, now
            return signature
        if PledgeSignature.objects.filter(pk=signature.pk, status=Status.HELD, confirmed_at__isnull=True).update(
            confirmed_at=now
        ):
            audit_record(action="campaigns.pledge.confirmed_while_held", actor_label="pledge signer", target=signature)
    _reload(signature)
    return signature


def pledge_withdraw(*, signature: PledgeSignature, now: datetime | None = None) -> PledgeSignature:
    """The signer withdraws through the emailed link; a confirmed signature stops counting."""
    with transaction.atomic():
        old = _move(
            signature,
            frm=PledgeSignature.STANDING,
            status=Status.WITHDRAWN,
            withdrawn_at=now or timezone.now(),
        )
        if old == Status.CONFIRMED:
            _tally(signature=signature, delta=-1)
        if old:
            audit_record(
                action="campaigns.pledge.withdrawn", actor_label="pledge signer", target=signature, data={"from": old}
            )
    _reload(signature)
    return signature


def pledge_hide(*, signature: PledgeSignature, actor: User, reason: str) -> PledgeSignature:
    """The coordinator hides a signature, saying why; it stops counting and leaves the public list."""
    reason = reason.strip()
    if not reason:
        raise CampaignError("Say why the signature is hidden.")
    with transaction.atomic():
        old = _move(
            signature,
            frm=PledgeSignature.STANDING,
            status=Status.HIDDEN,
            hidden_reason=reason[:300],
        )
        if old is None:
            raise CampaignError("This signature cannot be hidden: it was withdrawn or is hidden already.")
        if old == Status.CONFIRMED:
            _tally(signature=signature, delta=-1)
        audit_record(action="campaigns.pledge.hidden", actor=actor, target=signature, reason=reason, data={"from": old})
    _reload(signature)
    return signature


def pledge_release(*, signature: PledgeSignature, actor: User) -> PledgeSignature:
    """The coordinator releases a held signature: it counts now if its link was followed,
    else when it is. A held signer was sent no email, so releasing one that was not
    confirmed emails the link now."""
    with transaction.atomic():
        if PledgeSignature.objects.filter(pk=signature.pk, status=Status.HELD, confirmed_at__isnull=False).update(
            status=Status.CONFIRMED
        ):
            _tally(signature=signature, delta=1)
        elif PledgeSignature.objects.filter(pk=signature.pk, status=Status.HELD).update(status=Status.PENDING):
            stored = PledgeSignature.objects.select_related("campaign").get(pk=signature.pk)
            if stored.email:
                _email_links(campaign=stored.campaign, signature=stored, to=stored.email, sender=None)
        else:
            raise CampaignError("This signature is not held.")
        audit_record(action="campaigns.pledge.released", actor=actor, target=signature)
    _reload(signature)
    return signature


def signatures_anonymise(*, signatures: QuerySet[PledgeSignature], now: datetime) -> int:
    """Blank the personal details of these signatures (name, organisation, address, network),
    keeping status, profession and region so the counts stay true; bumps each campaign's
    version so no cached public list still names them. Returns how many changed."""
    signatures = signatures.filter(anonymised_at__isnull=True)
    campaigns = set(signatures.values_list("campaign_id", flat=True))
    changed = signatures.update(
        name="",
        organisation="",
        email="",
        canonical_email=Concat(Value("anonymised-"), Cast("id", output_field=CharField())),
        show_name=False,
        address=None,
        network="",
        anonymised_at=now,
    )
    for campaign_id in sorted(campaigns):
        campaign_touch(campaign_id=campaign_id)
    return changed


def pledges_anonymise(*, campaign: Campaign, now: datetime | None = None) -> int:
    """Blank the personal details of every signature of `campaign` and close its pledge.

    The status, profession and region stay, so the counts do. Returns how many
    signatures were anonymised (none on a second run)."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = signatures_anonymise(
            signatures=PledgeSignature.objects.filter(campaign=campaign, anonymised_at__isnull=True), now=now
        )
        Campaign.objects.filter(pk=campaign.pk).update(pledge_open=False)
        campaign_touch(campaign_id=campaign.pk)
        if changed:
            audit_record(
                action="campaigns.pledge.anonymised",
                actor_label="daily job",
                target=campaign,
                data={"signatures": changed},
            )
    return changed


# Resources -------------------------------------------------------------------------


def embed_url_problem(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in EMBED_HOSTS:
        return "Give the https embed address from YouTube or Vimeo, e.g. https://www.youtube-nocookie.com/embed/…"
    return ""


def _publish_problem(resource: Resource) -> str:
    if resource.kind == Resource.Kind.INFOGRAPHIC and not resource.text_alternative.strip():
        return "An infographic cannot be published without its text alternative."
    if resource.kind == Resource.Kind.FILM and not resource.transcript.strip() and not resource.has_captions:
        return "A film cannot be published without captions or a transcript."
    return ""


def resource_save(*, resource: Resource, actor: User) -> Resource:
    """The coordinator creates or edits a resource. A published one must stay publishable."""
    created = resource.pk is None
    if resource.is_published and (problem := _publish_problem(resource)):
        raise CampaignError(problem)
    with transaction.atomic():
        resource.save()
        if resource.campaign_id:
            campaign_touch(campaign_id=resource.campaign_id)
        audit_record(
            action="campaigns.resource.created" if created else "campaigns.resource.updated",
            actor=actor,
            target=resource,
            data={"slug": resource.slug, "kind": resource.kind},
        )
    return resource


def resource_version_add(
    *, resource: Resource, actor: User, upload: UploadedFile | None = None, embed_url: str = "", note: str = ""
) -> ResourceVersion:
    """A new file (checked by its bytes, as portfolio uploads are) or, for a film, an embed
    address. It becomes the resource's current version; older ones stay, marked superseded."""
    if upload is None and not embed_url:
        raise CampaignError(
            "Choose a file" + (" or give the film's embed address." if resource.kind == Resource.Kind.FILM else ".")
        )
    if upload is not None and embed_url:
        raise CampaignError("Give a file or an embed address, not both.")
    version = ResourceVersion(resource=resource, note=note.strip()[:300])
    if embed_url:
        if resource.kind != Resource.Kind.FILM:
            raise CampaignError("Only a film can be an embedded video; upload a file instead.")
        if problem := embed_url_problem(embed_url):
            raise CampaignError(problem)
        version.embed_url = embed_url
    else:
        assert upload is not None
        try:
            version.content_type = validate_upload(upload)
        except ValidationError as error:
            raise CampaignError(" ".join(error.messages)) from None
        version.file_name = (upload.name or "file")[-200:]
        version.size = upload.size or 0
    with atomic_with_files():
        Resource.objects.select_for_update().filter(pk=resource.pk).first()
        latest = resource.versions.aggregate(n=Max("number"))["n"] or 0
        version.number = latest + 1
        if upload is not None:
            version.file.save(version.file_name, upload, save=False)
        version.save()
        if resource.campaign_id:
            campaign_touch(campaign_id=resource.campaign_id)
        audit_record(
            action="campaigns.resource.version_added",
            actor=actor,
            target=resource,
            data={"number": version.number, "embed": bool(embed_url)},
        )
    return version


def resource_publish(*, resource: Resource, actor: User) -> Resource:
    """Publish a draft: infographics need their text alternative, films captions or a transcript."""
    if problem := _publish_problem(resource):
        raise CampaignError(problem)
    if not resource.versions.exists():
        raise CampaignError("Add a file (or, for a film, its embed address) before publishing.")
    with transaction.atomic():
        if not Resource.objects.filter(pk=resource.pk, status=Resource.Status.DRAFT).update(
            status=Resource.Status.PUBLISHED, published_at=timezone.now()
        ):
            raise CampaignError("This resource is published already.")
        if resource.campaign_id:
            campaign_touch(campaign_id=resource.campaign_id)
        audit_record(action="campaigns.resource.published", actor=actor, target=resource)
    resource.refresh_from_db()
    return resource


def resource_unpublish(*, resource: Resource, actor: User) -> Resource:
    with transaction.atomic():
        if not Resource.objects.filter(pk=resource.pk, status=Resource.Status.PUBLISHED).update(
            status=Resource.Status.DRAFT
        ):
            raise CampaignError("This resource is not published.")
        if resource.campaign_id:
            campaign_touch(campaign_id=resource.campaign_id)
        audit_record(action="campaigns.resource.unpublished", actor=actor, target=resource)
    resource.refresh_from_db()
    return resource


def resource_download_count(*, version: ResourceVersion) -> None:
    """One more download of this version: an atomic increment, no lost updates."""
    ResourceVersion.objects.filter(pk=version.pk).update(downloads=F("downloads") + 1)
