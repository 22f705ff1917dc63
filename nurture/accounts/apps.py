from nurture.core.apps import NurtureAppConfig


class AccountsConfig(NurtureAppConfig):
    name = "nurture.accounts"
    label = "accounts"
    personal_data = "nurture.accounts.personal_data"
