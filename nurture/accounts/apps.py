from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nurture.accounts"
    label = "accounts"
    personal_data = "nurture.accounts.personal_data"
