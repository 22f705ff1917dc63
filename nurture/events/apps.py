from nurture.core.apps import NurtureAppConfig


class EventsConfig(NurtureAppConfig):
    """Awareness Week's events calendar: submission, moderation, the public calendar and its feeds.

    Part of the Awareness Week domain, kept as its own app so its tables and
    migrations grow independently of the pledge and the resources library."""

    name = "nurture.events"
    label = "events"
    personal_data = "nurture.events.personal_data"
    daily_task = "nurture.events.tasks.events_daily"
    demo = "nurture.events.demo"
    demo_after = ("campaigns",)  # events belong to this year's campaign
    # What a campaign's pages count of its events: campaigns asks for it through here,
    # since events stands on campaigns and campaigns imports nothing of events.
    campaign_event_counts = "nurture.events.selectors.approved_events_per_campaign"
