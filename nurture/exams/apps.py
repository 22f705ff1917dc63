from nurture.core.apps import NurtureAppConfig


class ExamsConfig(NurtureAppConfig):
    """The endorsement examination: question bank, blueprints, sittings, blind marking."""

    name = "nurture.exams"
    label = "exams"
    personal_data = "nurture.exams.personal_data"
    daily_task = "nurture.exams.tasks.exams_daily"
    demo = "nurture.exams.demo"
    demo_after = ("endorsements",)
    # Whether a candidate has passed a level's exam: endorsements asks before endorsing,
    # through the app registry, since exams stands on endorsements.
    exam_passed = "nurture.exams.selectors.exam_passed"
