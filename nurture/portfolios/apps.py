from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "nurture.portfolios"
    label = "portfolios"
