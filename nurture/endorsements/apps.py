from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nurture.core.apps import NurtureAppConfig
from nurture.endorsements.workflow import states_unknown


class EndorsementsConfig(NurtureAppConfig):
    name = "nurture.endorsements"
    label = "endorsements"
    personal_data = "nurture.endorsements.personal_data"
    demo = "nurture.endorsements.demo"
    # After the Register too: not for its rows, but so the demo prints in the order bin/start shows.
    demo_after = ("portfolios", "register")

    def ready(self) -> None:
        from nurture.core.outbox import message_undeliverable
        from nurture.endorsements.signals import reference_bounced

        expected_days_check()
        message_undeliverable.connect(reference_bounced, dispatch_uid="endorsements.reference_bounced")


def expected_days_check() -> None:
    """A state misspelt in NURTURE_APPLICATION_EXPECTED_DAYS would be ignored: stop start-up instead."""
    unknown = states_unknown(settings.NURTURE_APPLICATION_EXPECTED_DAYS or {})
    if unknown:
        raise ImproperlyConfigured(f"NURTURE_APPLICATION_EXPECTED_DAYS names no such state: {', '.join(unknown)}")
