from nurture.core.apps import NurtureAppConfig


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

        message_undeliverable.connect(reference_bounced, dispatch_uid="endorsements.reference_bounced")
