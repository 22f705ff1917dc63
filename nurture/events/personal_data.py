"""The events calendar's part of a person's data: the events they submitted.

Erasing leaves the events: they belong to the organiser's organisation and the public
calendar; the link to the person's account goes with the account (`submitted_by` is
set to null when it is deleted).
"""

from __future__ import annotations

from nurture.core.personal_data import DataSubject, Erased, ExportSection, rows
from nurture.events.models import Event


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    events = rows(
        Event.objects.filter(submitted_by=subject.user).order_by("created_at", "pk"),
        "id",
        "title",
        "organiser_name",
        "description",
        "starts_at",
        "ends_at",
        "mode",
        "venue",
        "locality",
        "audience",
        "state",
        "created_at",
    )
    return [ExportSection("awareness_week/events_submitted", "Awareness Week events you submitted.", events)]


def personal_data_erase(subject: DataSubject) -> Erased:
    return Erased()
