from nurture.core.apps import NurtureAppConfig


class CampaignsConfig(NurtureAppConfig):
    """Infant Mental Health Awareness Week: campaigns, the pledge and the resources library."""

    name = "nurture.campaigns"
    label = "campaigns"
    personal_data = "nurture.campaigns.personal_data"
    daily_task = "nurture.campaigns.tasks.pledges_daily"
    demo = "nurture.campaigns.demo"
