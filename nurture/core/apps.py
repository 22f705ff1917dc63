from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nurture.core"
    label = "core"
    personal_data = "nurture.core.personal_data"
