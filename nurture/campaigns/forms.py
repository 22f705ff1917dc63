from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from nurture.accounts.models import Profession, Region
from nurture.campaigns.models import Campaign, Resource
from nurture.campaigns.services import embed_url_problem
from nurture.campaigns.signers import name_problem
from nurture.core.forms import DateParts, PlainTextMixin
from nurture.core.uploads import validate_upload

RESERVED_SLUGS = frozenset({"archive", "pledge", "resources", "new"})


class PledgeForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label="Your name", max_length=120)
    profession = forms.ChoiceField(label="Your role or profession", choices=[("", "Choose one"), *Profession.choices])
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    region = forms.ChoiceField(label="Region", choices=[("", "Choose one"), *Region.choices])
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email you a link: your signature counts once you follow it. We never show your email.",
    )
    show_name = forms.BooleanField(
        label="Show my name, role and organisation on the public list of signatories", required=False
    )
    # A honeypot: hidden from people (and from screen readers); bots fill it in.
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if problem := name_problem(self.cleaned_data["name"]) or name_problem(name):
            raise forms.ValidationError(problem)
        return name

    def clean_organisation(self) -> str:
        organisation = " ".join(self.cleaned_data["organisation"].split())
        if organisation and (problem := name_problem(organisation)):
            raise forms.ValidationError(problem.replace("A name", "An organisation"))
        return organisation

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class CampaignForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Campaign
        fields = [
            "year",
            "slug",
            "name",
            "theme",
            "starts_on",
            "ends_on",
            "hashtag",
            "key_messages",
            "landing_body",
            "pledge_text",
            "pledge_open",
            "published",
        ]
        field_classes = {"starts_on": DateParts, "ends_on": DateParts}

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("This word is used by other pages; choose another, e.g. the year.")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The campaign must end on or after the day it starts.")
        return data


class ResourceForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Resource
        fields = [
            "title",
            "slug",
            "kind",
            "campaign",
            "audience",
            "summary",
            "author",
            "licence",
            "text_alternative",
            "transcript",
            "has_captions",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign = self.fields["campaign"]
        if isinstance(campaign, forms.ModelChoiceField):
            campaign.empty_label = "No campaign"
        self.fields["slug"].help_text = "Used in the resource's address, e.g. understanding-early-trauma-briefing."


class VersionForm(PlainTextMixin, forms.Form):
    file = forms.FileField(
        label="File", required=False, help_text="PDF, Word (.docx), PNG or JPEG; checked by its content."
    )
    embed_url = forms.URLField(
        label="Or, for a film: the video's embed address",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="From YouTube or Vimeo, e.g. https://www.youtube-nocookie.com/embed/…",
    )
    note = forms.CharField(label="What changed", required=False, max_length=300)

    def clean_file(self) -> Any:
        """Checked here too, so that what is wrong with the file is said next to it."""
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload

    def clean_embed_url(self) -> str:
        url = str(self.cleaned_data["embed_url"])
        if url and (problem := embed_url_problem(url)):
            raise forms.ValidationError(problem)
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("file") and not data.get("embed_url"):
            raise forms.ValidationError("Choose a file or give a film's embed address.")
        return data


class HideForm(PlainTextMixin, forms.Form):
    signature = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why hide it", max_length=300)


class SignatureForm(PlainTextMixin, forms.Form):
    signature = forms.IntegerField(widget=forms.HiddenInput)
