from nurture.core.apps import NurtureAppConfig


class RegisterConfig(NurtureAppConfig):
    name = "nurture.register"
    label = "register"
    personal_data = "nurture.register.personal_data"
    daily_task = "nurture.register.tasks.register_daily"
    demo = "nurture.register.demo"
    demo_after = ("portfolios",)
