from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "nurture.portfolios"
    label = "portfolios"
    personal_data = "nurture.portfolios.personal_data"
    demo = "nurture.portfolios.demo"
