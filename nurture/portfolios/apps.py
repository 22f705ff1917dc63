from nurture.core.apps import NurtureAppConfig


class PortfoliosConfig(NurtureAppConfig):
    name = "nurture.portfolios"
    label = "portfolios"
    personal_data = "nurture.portfolios.personal_data"
    demo = "nurture.portfolios.demo"
