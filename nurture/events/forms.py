from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from nurture.accounts.models import Region
from nurture.core.csv_export import validate_exported_name
from nurture.core.forms import DateInput, DateParts, PlainTextMixin, TimeInput
from nurture.events.models import DEFAULT_TIMEZONE, EDITABLE, Event
from nurture.events.selectors import campaign_for
from nurture.events.services import MODERATION_ACTIONS
from nurture.events.text_checks import text_problems

IN_PERSON_FIELDS = ("venue", "street_address", "locality", "postcode", "region")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _local(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The moment `day` `at` in `zone`, or None when the clocks skip that time."""
    moment = datetime.combine(day, at, tzinfo=zone)
    back = moment.astimezone(ZoneInfo("UTC")).astimezone(zone)
    return moment if back.replace(tzinfo=None) == moment.replace(tzinfo=None) else None


class EventForm(PlainTextMixin, forms.Form):
    """What an organiser submits. `values()` gives the model's editable fields."""

    title = forms.CharField(max_length=150, help_text="Say what happens, not just the theme. No web addresses.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Who it is for, what will happen, what to bring. Up to 5,000 characters.",
    )
    organiser_name = forms.CharField(
        label="Organiser",
        max_length=200,
        help_text="As it should appear publicly.",
        validators=[validate_exported_name],
    )
    start_date = DateParts(label="Start date")
    start_time = forms.TimeField(label="Start time", widget=TimeInput(), help_text="24-hour clock, e.g. 10:00")
    end_date = DateParts(label="End date")
    end_time = forms.TimeField(label="End time", widget=TimeInput())
    timezone = forms.CharField(
        label="Time zone", max_length=64, initial=DEFAULT_TIMEZONE, help_text="A time zone name such as Europe/London."
    )
    mode = forms.ChoiceField(label="Online or in person", choices=Event.Mode.choices, widget=forms.RadioSelect)
    joining_link = forms.URLField(
        label="Joining link (online events)", max_length=200, required=False, assume_scheme="https"
    )
    joining_link_after_booking = forms.BooleanField(
        label="Show the joining link only to people who book (we then show your booking link instead)",
        required=False,
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    street_address = forms.CharField(label="Street address", max_length=200, required=False)
    locality = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    region = forms.ChoiceField(
        choices=[("", "Choose a region"), *Region.choices],
        required=False,
        help_text="Needed for in-person events; optional for online ones aimed at one region.",
    )
    audience = forms.ChoiceField(label="Who it is for", choices=Event.Audience.choices, widget=forms.RadioSelect)
    is_free = forms.BooleanField(label="Free to attend", required=False, initial=True)
    cost = forms.CharField(max_length=100, required=False, help_text="If it is not free, e.g. £5, or £3 concessions.")
    booking_url = forms.URLField(label="Booking link", max_length=200, required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="Give a booking link, places, or both.",
    )
    step_free = forms.BooleanField(label="Step-free access", required=False)
    buggy_access = forms.BooleanField(label="Buggy access and parking", required=False)
    feeding_space = forms.BooleanField(label="A space to feed a baby", required=False)
    changing_space = forms.BooleanField(label="Baby changing facilities", required=False)
    quiet_room = forms.BooleanField(label="A quiet room", required=False)
    babies_welcome = forms.BooleanField(label="Babies welcome", required=False)
    accessibility_notes = forms.CharField(
        label="Other accessibility information",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Hearing loops, BSL, lifts, nearest accessible parking, anything else.",
    )

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        for name in IN_PERSON_FIELDS:
            # Required only for in-person events: say so instead of "(optional)".
            self.fields[name].condition = "needed for in-person events"  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        zone = ZoneInfo(values["timezone"])
        start, end = values["starts_at"].astimezone(zone), values["ends_at"].astimezone(zone)
        initial = {k: v for k, v in values.items() if k not in ("starts_at", "ends_at")}
        initial.update(start_date=start.date(), start_time=start.time(), end_date=end.date(), end_time=end.time())
        return initial

    def clean_timezone(self) -> str:
        name = str(self.cleaned_data.get("timezone") or "").strip()
        if name not in available_timezones():
            raise ValidationError("Enter a time zone name such as Europe/London.")
        return name

    def clean_description(self) -> str:
        return str(self.cleaned_data.get("description") or "").replace("\r\n", "\n").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = text_problems(
            title=data.get("title", ""),
            description=data.get("description", ""),
            max_links=settings.NURTURE_EVENTS_MAX_LINKS,
            max_description=settings.NURTURE_EVENTS_MAX_DESCRIPTION,
        )
        for name, problem in problems.items():
            self.add_error(name, problem)
        self._clean_times(data)
        if data.get("mode") == Event.Mode.IN_PERSON:
            for name in IN_PERSON_FIELDS:
                if not data.get(name):
                    self.add_error(
                        name,
                        f"Enter the {self.fields[name].label or name} for an in-person event."
                        if name != "region"
                        else "Choose the region for an in-person event.",
                    )
        if data.get("mode") == Event.Mode.ONLINE:
            if data.get("joining_link_after_booking") and not data.get("booking_url"):
                self.add_error("booking_url", "Give the booking link people use to get the joining link.")
            elif not data.get("joining_link") and not data.get("booking_url"):
                self.add_error("joining_link", "Give the joining link, or a booking link that sends it.")
        if not data.get("booking_url") and not data.get("capacity"):
            self.add_error("booking_url", "Give a booking link, or the number of places.")
        if not data.get("is_free") and not data.get("cost"):
            self.add_error("cost", "Say what it costs, or tick “Free to attend”.")
        return data

    def _clean_times(self, data: dict[str, Any]) -> None:
        start_day, start_time = data.get("start_date"), data.get("start_time")
        end_day, end_time, zone_name = data.get("end_date"), data.get("end_time"), data.get("timezone")
        if not (start_day and start_time and end_day and end_time and zone_name):
            return
        zone = ZoneInfo(zone_name)
        starts_at, ends_at = _local(start_day, start_time, zone), _local(end_day, end_time, zone)
        if starts_at is None:
            self.add_error("start_time", "The clocks go forward at that time that day; choose another time.")
        if ends_at is None:
            self.add_error("end_time", "The clocks go forward at that time that day; choose another time.")
        if starts_at is None or ends_at is None:
            return
        if not EARLIEST <= start_day <= LATEST or not EARLIEST <= end_day <= LATEST:
            self.add_error("start_date", "Enter a date between 2000 and 2100.")
            return
        if ends_at <= starts_at:
            self.add_error("end_time", "The event must end after it starts.")
        if ends_at - starts_at > timedelta(days=14):
            self.add_error("end_date", "An event can last at most 14 days; submit a series as separate events.")
        if self.new and starts_at < timezone.now():
            self.add_error("start_date", "The start must be in the future.")
        if campaign_for(start_day) is None:
            self.add_error("start_date", f"There is no Awareness Week campaign for {start_day.year} yet.")
        data["starts_at"], data["ends_at"] = starts_at, ends_at

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data["mode"] == Event.Mode.ONLINE:
            data.update(venue="", street_address="", locality="", postcode="")
        else:
            data.update(joining_link="", joining_link_after_booking=False)
        if data["is_free"]:
            data["cost"] = ""
        data["postcode"] = data["postcode"].upper().strip()
        return {name: data[name] for name in EDITABLE}


class EventFilterForm(PlainTextMixin, forms.Form):
    """The public calendar's filters, shared by the list, the month, the feed and the API."""

    q = forms.CharField(label="Search", max_length=100, required=False, help_text="Words in the title or organiser.")
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    region = forms.ChoiceField(label="Region", required=False, choices=[("", "Any region"), *Region.choices])
    audience = forms.ChoiceField(
        label="Who it is for",
        required=False,
        choices=[("", "Anyone"), ("parents", "Parents and carers"), ("professionals", "Professionals")],
    )
    mode = forms.ChoiceField(label="Online or in person", required=False, choices=[("", "Either"), *Event.Mode.choices])
    campaign = forms.SlugField(label="Campaign", required=False, max_length=50, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        return " ".join(str(self.cleaned_data.get("q") or "").split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("start", "end"):
            if data.get(name) and not EARLIEST <= data[name] <= LATEST:
                self.add_error(name, "Enter a date between 2000 and 2100.")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be on or after the start date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned filters with empty ones dropped (call after `is_valid()`)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ModerationForm(PlainTextMixin, forms.Form):
    action = forms.ChoiceField(label="Decision", choices=list(MODERATION_ACTIONS.items()), widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason or changes needed",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Needed to reject or ask for changes; the organiser reads it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in ("reject", "ask_changes") and not str(data.get("reason", "")).strip():
            self.add_error("reason", "Give a reason: the organiser reads it.")
        return data


class CancelForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (shown on the event page)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttendanceForm(PlainTextMixin, forms.Form):
    parents_carers = forms.IntegerField(label="Parents and carers", min_value=0, max_value=100_000)
    professionals = forms.IntegerField(label="Professionals", min_value=0, max_value=100_000)
    others = forms.IntegerField(label="Others", min_value=0, max_value=100_000, help_text="Anyone else, 0 if none.")
