from nurture.core.apps import NurtureAppConfig


class SurveysConfig(NurtureAppConfig):
    """Surveys of the public and of professionals, their weighting and published reports."""

    name = "nurture.surveys"
    label = "surveys"
    demo = "nurture.surveys.demo"
    daily_task = "nurture.surveys.tasks.surveys_daily"
    demo_after = ("campaigns",)  # the coordinator who owns the surveys is made by then
