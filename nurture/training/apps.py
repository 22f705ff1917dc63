from nurture.core.apps import NurtureAppConfig


class TrainingConfig(NurtureAppConfig):
    """The training directory: providers, their courses, cohorts and open days."""

    name = "nurture.training"
    label = "training"
    demo = "nurture.training.demo"
    daily_task = "nurture.training.tasks.training_daily"
    demo_after = ("exams",)  # the registrar who accredits is made by then
