from django.apps import AppConfig


class EndorsementsConfig(AppConfig):
    name = "nurture.endorsements"
    label = "endorsements"
