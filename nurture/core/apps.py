from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nurture.core"
    label = "core"
    personal_data = "nurture.core.personal_data"
    daily_task = "nurture.core.outbox.outbox_daily"

    def ready(self) -> None:
        from nurture.core.uploads import files_follow_their_rows

        files_follow_their_rows()
