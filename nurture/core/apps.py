from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nurture.core"
    label = "core"

    def ready(self) -> None:
        from nurture.core.uploads import files_follow_their_rows

        files_follow_their_rows()
