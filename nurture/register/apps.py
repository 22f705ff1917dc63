from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "nurture.register"
    label = "register"
