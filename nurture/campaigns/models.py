from __future__ import annotations

from uuid import uuid4

from django.db import models

from nurture.accounts.models import Profession, Region
from nurture.core.uploads import stored_suffix

CAMPAIGNS_DATA_SET = "campaigns"  # the campaigns themselves (names, dates), as other apps' pages show them


def campaign_data_set(campaign_id: int) -> str:
    """The name of a campaign's public pages' version (`core.DataVersion`)."""
    return f"campaign:{campaign_id}"


# The same name in SQL, for a campaign table aliased `c` (campaign_version's one query).
CAMPAIGN_DATA_SET_SQL = "('campaign:' || CAST(c.id AS TEXT))"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def for_public_display(self) -> CampaignQuerySet:
        # No version annotated here: compiling that subquery cost more than the one
        # primary-key read (`data_versions`, plain SQL) a cached fragment makes instead.
        return self.filter(published=True)


class Campaign(models.Model):
    """One year's Infant Mental Health Awareness Week."""

    year = models.PositiveIntegerField(unique=True)
    slug = models.SlugField(unique=True, help_text="Used in addresses, e.g. 2026.")
    name = models.CharField(max_length=200)
    theme = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    key_messages = models.TextField(max_length=2000, blank=True, help_text="One message per line.")
    hashtag = models.CharField(max_length=60, blank=True)
    landing_body = models.TextField(
        max_length=10_000, blank=True, help_text="The landing page's text. Blank lines separate paragraphs."
    )
    published = models.BooleanField(default=True)
    pledge_text = models.TextField(
        max_length=1000, blank=True, help_text="What signers pledge. Leave blank for no pledge this year."
    )
    pledge_open = models.BooleanField(default=True, help_text="Whether people can sign the pledge now.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.theme}"

    @property
    def messages_list(self) -> list[str]:
        return [line.strip() for line in self.key_messages.splitlines() if line.strip()]


class PledgeSignature(models.Model):
    """One email address's signature of one campaign's pledge.

    It counts only while `confirmed`. A signature over the rate limit is `held`
    (even once its link is followed, `confirmed_at` set) until the coordinator
    releases it. Personal details are blanked (`anonymised_at`) some time after
    the campaign; the status, profession and region stay, so the counts do."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        HELD = "held", "Held (over the rate limit)"
        CONFIRMED = "confirmed", "Confirmed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        HIDDEN = "hidden", "Hidden by the coordinator"

    # The statuses its signer may withdraw it from, and the coordinator hide it from.
    STANDING = (Status.PENDING, Status.HELD, Status.CONFIRMED)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signatures")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    name = models.CharField(max_length=120)
    profession = models.CharField(max_length=32, choices=Profession.choices)
    organisation = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=32, choices=Region.choices)
    email = models.EmailField(max_length=254)
    canonical_email = models.CharField(max_length=254)
    show_name = models.BooleanField(default=False)
    address = models.GenericIPAddressField(null=True, blank=True)
    network = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "canonical_email"], name="pledge_one_signature_per_email"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="pledge_confirmed_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="hidden") | ~models.Q(hidden_reason=""), name="pledge_hidden_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "show_name", "-confirmed_at"], name="pledge_public_list"),
            models.Index(fields=["address", "created_at"], name="pledge_rate_address"),
            models.Index(fields=["network", "created_at"], name="pledge_rate_network"),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'Anonymised'} ({self.get_status_display()})"

    @property
    def counts(self) -> bool:
        """In the pledge's total (and, if the signer chose, its list of names)."""
        return self.status == self.Status.CONFIRMED

    @property
    def is_held(self) -> bool:
        """Over the rate limit: it waits for the coordinator to release it."""
        return self.status == self.Status.HELD

    @property
    def stands(self) -> bool:
        """Pending, held or confirmed: its signer may still withdraw it, the coordinator hide it."""
        return self.status in self.STANDING


class PledgeTally(models.Model):
    """Confirmed signatures of a campaign's pledge, per profession and region.

    Changed in the same transaction as every move into or out of `confirmed`, so
    the public count is a sum over a few dozen rows however many have signed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies")
    profession = models.CharField(max_length=32, choices=Profession.choices)
    region = models.CharField(max_length=32, choices=Region.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "profession", "region"], name="pledge_tally_unique"),
            models.CheckConstraint(condition=models.Q(count__gte=0), name="pledge_tally_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.profession} {self.region}: {self.count}"


class Resource(models.Model):
    """A campaign resource: the comms pack, a film, an infographic, a briefing or a report."""

    class Kind(models.TextChoices):
        COMMS_PACK = "comms_pack", "Comms pack"
        FILM = "film", "Film"
        INFOGRAPHIC = "infographic", "Infographic"
        BRIEFING = "briefing", "Briefing"
        REPORT = "report", "Report"

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        PARENTS = "parents", "Parents and carers"
        PROFESSIONALS = "professionals", "Professionals"
        PARTNERS = "partners", "Partner organisations"
        POLICY = "policy", "Policy makers and commissioners"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="resources", null=True, blank=True)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    summary = models.TextField(max_length=2000, blank=True)
    author = models.CharField(max_length=200, default="The infant mental health association")
    licence = models.CharField(max_length=60, default="CC BY 4.0")
    text_alternative = models.TextField(
        max_length=20_000, blank=True, help_text="Infographics: everything the picture says, as text."
    )
    transcript = models.TextField(max_length=50_000, blank=True, help_text="Films: what is said and shown, as text.")
    has_captions = models.BooleanField(default=False, help_text="Films: the hosted video has captions.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published", kind="infographic", text_alternative=""),
                name="resource_infographic_has_text_alternative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published", kind="film", transcript="", has_captions=False),
                name="resource_film_has_transcript_or_captions",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        """On its public page and in the campaign's resources."""
        return self.status == self.Status.PUBLISHED


def resource_file_path(instance: ResourceVersion, filename: str) -> str:
    return f"resources/{uuid4().hex}{stored_suffix(filename)}"


class ResourceVersion(models.Model):
    """One file (or, for a film, one embed address) of a resource. Numbered from 1; the newest is current."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=resource_file_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    embed_url = models.URLField(blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    downloads = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resource_version_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(embed_url=""), name="resource_version_has_file_or_embed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"
