"""schema.org Event data for an event page, as JSON-LD (Google's and schema.org's
required and recommended properties: name, startDate and endDate with their UTC
offset, eventStatus, eventAttendanceMode, location, organizer, description, offers)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from nurture.core.origins import site_url_for_path
from nurture.events.models import Event

SCHEMA = "https://schema.org/"


def _location(event: Event, url: str) -> dict[str, Any]:
    if event.mode == Event.Mode.ONLINE:
        link = event.joining_link if event.joining_link and not event.joining_link_after_booking else ""
        return {"@type": "VirtualLocation", "url": link or event.booking_url or url}
    return {
        "@type": "Place",
        "name": event.venue,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": event.street_address,
            "addressLocality": event.locality,
            "addressRegion": event.get_region_display(),
            "postalCode": event.postcode,
            "addressCountry": "GB",
        },
    }


def event_json_ld(event: Event, *, path: str) -> dict[str, Any]:
    url = site_url_for_path(path)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA
        + ("OnlineEventAttendanceMode" if event.mode == Event.Mode.ONLINE else "OfflineEventAttendanceMode"),
        "location": _location(event, url),
        "organizer": {"@type": "Organization", "name": event.organiser_name, "url": event.organisation.website or url},
        "url": url,
        "isAccessibleForFree": event.is_free,
        "audience": {"@type": "Audience", "audienceType": event.get_audience_display()},
    }
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": event.booking_url or url,
        "availability": SCHEMA + "InStock",
        "validFrom": (event.approved_at or event.created_at).isoformat(),
    }
    if event.is_free:
        offer.update(price="0", priceCurrency="GBP")
    else:
        offer["description"] = event.cost
    data["offers"] = offer
    if event.capacity:
        data["maximumAttendeeCapacity"] = event.capacity
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """The data inside a <script type="application/ld+json">, safe from `</script>`."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above
