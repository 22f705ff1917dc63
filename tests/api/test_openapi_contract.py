"""The API keeps the promises its OpenAPI document makes.

schemathesis reads `/api/v1/openapi.json` from a live server holding demo data
(a framework, Register entries, applications, campaigns with a pledge and
events) and sends every operation generated inputs, valid and invalid, with
every check it has: no 500, every status and content type documented, every
body matching its schema, invalid input refused, valid input accepted, and the
signed-in operations refused without the session. Fixed seed, deterministic
generation (hypothesis derandomised), a bounded number of examples: the same run every time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import ensure_shipped_framework
from nurture.accounts.models import User
from nurture.campaigns.models import Campaign
from nurture.endorsements.models import Application
from nurture.framework.models import Level
from nurture.register.models import RegisterEntry

EXAMPLES = 25


def _seed_demo_data() -> User:
    ensure_shipped_framework()
    call_command("demo", practitioners=5, allow_without_debug=True, stdout=StringIO())
    return User.objects.get(email="practitioner@demo.nurture.test")


def _session_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _config(session: str) -> str:
    """The session, and real identifiers offered half the time, so that lookups
    reach existing entries, campaigns and applications as well as missing ones."""
    practitioner = User.objects.get(email="practitioner@demo.nurture.test")
    known = {
        "campaigns": list(Campaign.objects.exclude(pledge_text="").values_list("slug", flat=True)),
        "numbers": list(RegisterEntry.objects.values_list("number", flat=True)[:5]),
        "applications": list(Application.objects.owned_by(practitioner).values_list("pk", flat=True)),
        "levels": list(Level.objects.filter(version__is_current=True).values_list("code", flat=True)),
    }
    lines = ["[auth.openapi.SessionAuth]", f'api_key = "{session}"']
    for name, values in known.items():
        assert values, f"the demo data has no {name}"
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    for operation, parameter, name in (
        ("GET /api/v1/pledges/{campaign}", "path.campaign", "campaigns"),
        ("GET /api/v1/register/{number}", "path.number", "numbers"),
        ("GET /api/v1/applications/{application_id}", "path.application_id", "applications"),
        ("GET /api/v1/me/readiness/{level}", "path.level", "levels"),
    ):
        lines += [
            "[[operations]]",
            f'include-name = "{operation}"',
            f'parameters = {{ "{parameter}" = {{ dictionary = "{name}", probability = 0.5 }} }}',
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_as_its_openapi_document_says(live_server, tmp_path: Path) -> None:
    session = _session_of(_seed_demo_data())
    # The practitioner's session is the API's one security scheme (django-ninja's
    # `django_auth`): schemathesis sends it where an operation needs it, and also
    # leaves it out, to check that those operations then answer 401.
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(session))
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "20",
    ]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    report = run.stdout + run.stderr
    assert run.returncode == 0, f"schemathesis found problems in the API:\n{report[-30000:]}"
