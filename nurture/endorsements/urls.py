from django.urls import path  # noqa: F401

app_name = "endorsements"

urlpatterns: list = []  # type: ignore[type-arg]
