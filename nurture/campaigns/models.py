from __future__ import annotations

from django.db import models


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def for_public_display(self) -> CampaignQuerySet:
        return self.filter(published=True)


class Campaign(models.Model):
    """One year's Infant Mental Health Awareness Week."""

    year = models.PositiveIntegerField(unique=True)
    slug = models.SlugField(unique=True, help_text="Used in addresses, e.g. 2026.")
    name = models.CharField(max_length=200)
    theme = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    key_messages = models.TextField(blank=True, help_text="One message per line.")
    hashtag = models.CharField(max_length=60, blank=True)
    landing_body = models.TextField(blank=True, help_text="The landing page's text. Blank lines separate paragraphs.")
    published = models.BooleanField(default=True)
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
