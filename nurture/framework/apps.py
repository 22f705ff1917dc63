from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "nurture.framework"
    label = "framework"
