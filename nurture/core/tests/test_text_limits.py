"""Every text a person types has a length limit that fits its use, checked by the form and the API.

Three sweeps that fail when a new field or parameter comes without a limit (every
form's text fields, every text column people type into, every string parameter of
the API), then a megabyte typed into each kind of field through its page: a clear
message next to the field, what was typed kept, nothing changed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

import nurture
from conftest import client_for, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.campaigns.models import Campaign, PledgeSignature
from nurture.campaigns.tests.conftest import make_campaign
from nurture.core.tests.dates import date_typed
from nurture.events.models import Event
from nurture.events.tests.conftest import form_data as event_form_data
from nurture.events.tests.conftest import make_organiser
from nurture.portfolios.models import CPDEntry, Evidence, SupervisionEntry

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000
# The longest any field may allow: a film's transcript.
LONGEST = 50_000

# Form fields whose length is checked by the form itself, with its own message.
CHECKED_IN_CLEAN = {
    # text_checks.text_problems: "The description is N characters; it can be at most 5,000."
    "nurture.events.forms.EventForm.description",
}
# Text columns the site writes itself; no person types into them.
WRITTEN_BY_THE_SITE = {
    "core.AuditEntry.reason",  # copied from a form's reason, which is limited there
    "core.OutboundEmail.body_text",
    "core.OutboundEmail.body_html",
    "surveys.WeightingRun.message",  # the weighting's own sentence (a RakingError), never typed
}


def form_classes() -> Iterator[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(nurture.__path__, "nurture."):
        if module.name.rsplit(".", 1)[-1] not in ("forms", "views") or ".tests" in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == loaded.__name__
                and hasattr(value, "base_fields")
            ):
                yield value


def text_fields() -> Iterator[tuple[str, forms.CharField]]:
    for form in form_classes():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField):
                yield f"{form.__module__}.{form.__name__}.{name}", field


def test_the_sweep_finds_the_forms():
    found = {name for name, _ in text_fields()}
    assert "nurture.portfolios.forms.EvidenceForm.text" in found
    assert "nurture.framework.views.ImportForm" not in found  # a file, not text
    assert len(found) > 60


def test_every_text_field_of_every_form_has_a_length_limit():
    unlimited = [
        name
        for name, field in text_fields()
        if name not in CHECKED_IN_CLEAN and not (field.max_length and field.max_length <= LONGEST)
    ]
    assert unlimited == []


@pytest.mark.parametrize(
    "field",
    [pytest.param(f, id=n.removeprefix("nurture.")) for n, f in text_fields() if n not in CHECKED_IN_CLEAN],
)
def test_a_megabyte_in_any_form_field_is_refused_with_a_clear_message(field):
    with pytest.raises(ValidationError) as refused:
        field.clean(MEGABYTE)
    messages = " ".join(refused.value.messages)
    assert re.search(rf"Ensure this value has at most {field.max_length} characters \(it has 1\d{{6}}\)", messages)


def test_every_text_column_people_type_into_has_a_length_limit():
    unlimited = [
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("nurture.")
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not field.max_length
    ]
    assert sorted(unlimited) == sorted(WRITTEN_BY_THE_SITE)


def string_parameters() -> Iterator[tuple[str, str, dict[str, Any]]]:
    from nurture.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                # Free text: a string that is not one of a list of values (those are enums).
                if parameter["in"] == "query" and schema.get("type") == "string" and "enum" not in schema:
                    yield path, parameter["name"], schema


def test_every_string_query_parameter_of_the_api_says_its_longest():
    parameters = list(string_parameters())
    assert len(parameters) >= 5
    assert [(path, name) for path, name, schema in parameters if not schema.get("maxLength")] == []


@pytest.mark.parametrize(("path", "name"), [(path, name) for path, name, _ in string_parameters()])
def test_the_api_answers_422_to_a_parameter_longer_than_it_says(path, name):
    response = Client().get(path, {name: "x" * 10_000})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["query", name]
    assert "at most" in problem["msg"]


# A megabyte through each kind of page ----------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """One form's page: who posts, where, what else the form needs, and what must not change."""

    who: Callable[[], User | None]
    url: Callable[[], str]
    data: Callable[[], dict[str, Any]]
    field: str
    status: int
    unchanged: Callable[[], object]


def practitioner() -> User:
    return User.objects.get_or_create(email="amara@example.org", defaults={"full_name": "Amara Okafor"})[0]


def coordinator() -> User:
    found = User.objects.filter(email="coordinator@example.org").first()
    return found or make_person("coordinator@example.org", Role.COORDINATOR)


def organiser() -> User:
    found = User.objects.filter(email="rachel@severnside.example.org").first()
    return found or make_organiser("rachel@severnside.example.org", "Severnside Family Hubs")


def campaign_2031() -> Campaign:
    """The campaign the events' form data is dated in."""
    return Campaign.objects.filter(year=2031).first() or make_campaign(
        2031, starts_on="2031-05-11", ends_on="2031-05-17"
    )


def event_submit_url() -> str:
    campaign_2031()
    return reverse("events:submit")


SIGNUP = {
    "full_name": "Siobhan O'Neill",
    "email": "siobhan.oneill@example.org",
    "profession": "health-visitor",
    "region": "north-west",
    "password1": "slow mornings with the baby 7",
    "password2": "slow mornings with the baby 7",
}
PROFILE = {"full_name": "Amara Okafor", "profession": "health-visitor", "region": "london", "employer": "Leeds"}
CPD = {
    "activity": "Webinar on perinatal anxiety",
    **date_typed("done_on", "2026-01-10"),
    "hours": "1.5",
    "reflection": "",
}
SUPERVISION = {
    **date_typed("session_on", "2026-01-10"),
    "supervisor_name": "Dr Ruth Adeyemi",
    "supervisor_email": "ruth@example.org",
    "hours": "1",
    "kind": "individual",
}
EVIDENCE = {"title": "Home visit reflection", "kind": "reflective-account", "text": "A reflection."}
PLEDGE = {
    "name": "Rose Clark",
    "profession": "health-visitor",
    "organisation": "Leeds Community Healthcare",
    "region": "yorkshire",
    "email": "rose.clark@example.org",
    "show_name": "on",
}
CAMPAIGN = {
    "year": "2032",
    "slug": "2032",
    "name": "Infant Mental Health Awareness Week",
    "theme": "Typed theme",
    "starts_on": "2032-06-13",
    "ends_on": "2032-06-19",
}


def users() -> object:
    return sorted(User.objects.values_list("email", "full_name", "employer"))


PAGES = {
    "sign-up name": Typed(lambda: None, lambda: "/accounts/signup/", lambda: SIGNUP, "full_name", 200, users),
    "sign-up password": Typed(lambda: None, lambda: "/accounts/signup/", lambda: SIGNUP, "password1", 200, users),
    "profile name": Typed(practitioner, lambda: "/account/profile/", lambda: PROFILE, "full_name", 400, users),
    "profile employer": Typed(practitioner, lambda: "/account/profile/", lambda: PROFILE, "employer", 400, users),
    "evidence text": Typed(
        practitioner,
        lambda: "/portfolio/evidence/new/",
        lambda: EVIDENCE,
        "text",
        400,
        lambda: list(Evidence.objects.all()),
    ),
    "evidence title": Typed(
        practitioner,
        lambda: "/portfolio/evidence/new/",
        lambda: EVIDENCE,
        "title",
        400,
        lambda: list(Evidence.objects.all()),
    ),
    "cpd reflection": Typed(
        practitioner,
        lambda: "/portfolio/cpd/new/",
        lambda: CPD,
        "reflection",
        400,
        lambda: list(CPDEntry.objects.all()),
    ),
    "supervision notes": Typed(
        practitioner,
        lambda: "/portfolio/supervision/new/",
        lambda: SUPERVISION,
        "notes",
        400,
        lambda: list(SupervisionEntry.objects.all()),
    ),
    "event description": Typed(
        organiser,
        event_submit_url,
        event_form_data,
        "description",
        400,
        lambda: list(Event.objects.all()),
    ),
    "event organiser": Typed(
        organiser,
        event_submit_url,
        event_form_data,
        "organiser_name",
        400,
        lambda: list(Event.objects.all()),
    ),
    "pledge name": Typed(
        lambda: None,
        lambda: reverse("campaigns:pledge", args=[campaign_2031().slug]),
        lambda: PLEDGE,
        "name",
        400,
        lambda: list(PledgeSignature.objects.all()),
    ),
    "campaign landing text": Typed(
        coordinator,
        lambda: reverse("campaigns:staff_campaign_new"),
        lambda: CAMPAIGN,
        "landing_body",
        400,
        lambda: list(Campaign.objects.values_list("slug", "landing_body")),
    ),
    "employer's check": Typed(
        lambda: None, lambda: "/register/check/", dict, "numbers", 400, lambda: list(User.objects.all())
    ),
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_megabyte_typed_into_a_page_is_refused_next_to_the_field_and_changes_nothing(page):
    client = client_for(page.who())
    url = page.url()
    before = page.unchanged()
    response = client.post(url, {**page.data(), page.field: MEGABYTE})
    assert response.status_code == page.status
    content = response.content.decode()
    assert f'id="id_{page.field}_error"' in content
    assert "at most" in content
    if page.field != "password1":  # a password is never shown again
        assert MEGABYTE in content, "what was typed is kept"
    assert page.unchanged() == before
