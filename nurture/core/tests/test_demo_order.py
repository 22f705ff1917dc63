"""`core/demo.py`: each app's demo data, found through its AppConfig, in an order that
lets every app build on the apps it names."""

from __future__ import annotations

import pytest
from django.apps import AppConfig

from nurture.core.apps import NurtureAppConfig
from nurture.core.demo import demo_apps, demo_order


def config(label: str, *, demo: bool = True, after: tuple[str, ...] = ()) -> NurtureAppConfig:
    attributes = {"label": label, "path": "/nowhere", "demo": f"nurture.{label}.demo" if demo else None}
    kind = type(f"{label.title()}Config", (NurtureAppConfig,), {**attributes, "demo_after": after})
    made: NurtureAppConfig = kind(f"nurture.{label}", None)
    return made


def labels(configs: list[AppConfig]) -> list[str]:
    return [c.label for c in demo_order(configs)]


def test_the_installed_apps_load_people_first_and_events_after_their_campaign():
    assert [app.label for app in demo_apps()] == [
        "portfolios",
        "register",
        "endorsements",
        "campaigns",
        "events",
        "exams",
        "training",
        "surveys",
    ]


def test_apps_keep_installed_order_unless_they_name_an_app_to_wait_for():
    assert labels([config("a"), config("b"), config("c")]) == ["a", "b", "c"]
    assert labels([config("a", after=("c",)), config("b"), config("c")]) == ["b", "c", "a"]
    assert labels([config("a"), config("none", demo=False), config("b", after=("a",))]) == ["a", "b"]


def test_an_app_config_that_is_not_a_nurture_one_is_left_out():
    class Foreign(AppConfig):
        label = "foreign"
        path = "/nowhere"
        demo = "foreign.demo"  # an attribute of the same name on someone else's app means nothing

    assert labels([config("a"), Foreign("foreign", None), config("b")]) == ["a", "b"]


def test_a_missing_app_or_a_circle_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match=r"a.demo_after names apps with no demo data: exam"):
        demo_order([config("a", after=("exam",))])
    with pytest.raises(ValueError, match="goes round in a circle: a, b"):
        demo_order([config("a", after=("b",)), config("b", after=("a",))])
