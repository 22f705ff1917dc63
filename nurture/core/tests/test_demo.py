"""`manage.py demo`: one login per role, practitioners at every stage, safe to run twice."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import STAFF_ROLES, Role
from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.demo import DOMAIN, LOGINS, PASSWORD
from nurture.portfolios.identifiers import identifiers_find
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.selectors import readiness_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug_on(settings):
    """The demo refuses to run without DEBUG, and pytest-django turns DEBUG off."""
    settings.DEBUG = True


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def generated() -> list[User]:
    return list(User.objects.filter(email__regex=r"\.\d+@" + DOMAIN.replace(".", r"\.") + "$"))


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


def ready_for(user: User, level_code: str) -> bool:
    level = level_for(framework_current(), level_code)
    return readiness_of(user, level, today=timezone.localdate()).ready


def test_it_creates_one_login_per_role_and_each_can_log_in():
    run_demo(practitioners=12)

    for role in Role:
        login = next(login for login in LOGINS if login.role == role)
        user = User.objects.get(email=login.email)
        assert user.role == role
        assert user.full_name == login.full_name
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
        assert Client().login(email=login.email, password=PASSWORD), login.email


def test_the_shared_password_passes_the_password_rules():
    run_demo(practitioners=0)

    for user in User.objects.filter(email__endswith=f"@{DOMAIN}"):
        validate_password(PASSWORD, user)


def test_staff_have_two_factor_with_the_secret_it_prints():
    output = run_demo(practitioners=0)

    for login in LOGINS:
        authenticators = Authenticator.objects.filter(user__email=login.email, type=Authenticator.Type.TOTP)
        if login.role in STAFF_ROLES:
            assert decrypt(authenticators.get().data["secret"]) == login.totp_secret
            assert login.totp_secret in output
        else:
            assert not authenticators.exists()
    assert "Demo logins (password: nurture-demo-2026)" in output
    assert "authenticator app" in output


def test_there_are_enough_assessors_for_two_per_application_and_a_moderator():
    output = run_demo(practitioners=0)

    assessors = User.objects.filter(email__endswith=f"@{DOMAIN}", role=Role.ASSESSOR).order_by("email")
    assert [u.email for u in assessors] == [
        f"assessor2@{DOMAIN}",
        f"assessor3@{DOMAIN}",
        f"assessor@{DOMAIN}",
        f"moderator@{DOMAIN}",
    ]
    assert all(Authenticator.objects.filter(user=u, type=Authenticator.Type.TOTP).exists() for u in assessors)
    assert f"Assessor (moderates)   moderator@{DOMAIN}" in output
    assert "`manage.py demo_codes` prints the current one" in output


def test_only_the_registrar_can_use_the_django_admin():
    run_demo(practitioners=0)

    admins = User.objects.filter(email__endswith=f"@{DOMAIN}", is_staff=True)
    assert [(u.email, u.is_superuser) for u in admins] == [(f"registrar@{DOMAIN}", True)]


def test_running_it_twice_changes_nothing():
    run_demo(practitioners=12)
    before = table_counts()
    last_change = max(User.objects.values_list("date_joined", flat=True))

    output = run_demo(practitioners=12)

    assert table_counts() == before
    assert max(User.objects.values_list("date_joined", flat=True)) == last_change
    assert "demo logins: 0 created, 9 already there" in output
    assert "practitioners: 0 created, 12 already there" in output


def test_a_larger_run_adds_only_the_new_practitioners():
    run_demo(practitioners=5)
    first = {u.email for u in generated()}

    output = run_demo(practitioners=8)

    assert first < {u.email for u in generated()}
    assert len(generated()) == 8
    assert "practitioners: 3 created, 5 already there" in output


def test_the_same_seed_gives_the_same_people():
    def people() -> list[tuple[str, ...]]:
        return sorted((u.email, u.full_name, u.profession, u.region, u.employer) for u in generated())

    run_demo(practitioners=12)
    first = people()
    User.objects.filter(pk__in=[u.pk for u in generated()]).delete()
    run_demo(practitioners=12)

    assert people() == first
    User.objects.filter(pk__in=[u.pk for u in generated()]).delete()
    run_demo(practitioners=12, seed=7)
    assert people() != first


def test_generated_practitioners_vary_in_region_profession_and_employer():
    run_demo(practitioners=12)

    people = generated()
    assert len(people) == 12
    assert all(u.role == Role.PRACTITIONER and u.full_name and u.employer for u in people)
    assert len({u.region for u in people}) >= 4
    assert len({u.profession for u in people}) >= 4
    assert len({u.employer for u in people}) >= 8
    assert len({u.full_name.split()[-1] for u in people}) >= 8


def test_generated_portfolios_are_at_different_stages():
    run_demo(practitioners=12)

    def has(model: type, user: User) -> bool:
        return model.objects.filter(owner=user).exists()

    stages = set()
    for user in generated():
        stages.add(
            (
                has(EducationRecord, user) and has(TrainingRecord, user),
                has(ExperienceRecord, user) and has(SupervisionEntry, user),
                has(CPDEntry, user) and has(Evidence, user),
                ready_for(user, "promotion"),
            )
        )
    assert stages >= {
        (False, False, False, False),  # a profile only
        (True, False, False, False),  # education and training
        (True, True, False, False),  # experience and supervision
        (True, True, True, False),  # CPD and evidence
        (True, True, True, True),  # ready
    }


def test_supervision_is_a_mix_of_confirmed_and_awaiting_entries():
    run_demo(practitioners=12)

    statuses = set(SupervisionEntry.objects.values_list("status", flat=True))
    assert {SupervisionEntry.Status.CONFIRMED, SupervisionEntry.Status.AWAITING} <= statuses
    confirmed = SupervisionEntry.objects.filter(status=SupervisionEntry.Status.CONFIRMED)
    assert all(e.confirmed_at is not None and e.confirmed_at <= timezone.now() for e in confirmed)
    assert all(e.session_on <= timezone.localdate() for e in SupervisionEntry.objects.all())


def test_the_demo_practitioner_is_ready_for_prevention():
    run_demo(practitioners=0)

    practitioner = User.objects.get(email=f"practitioner@{DOMAIN}")
    assert ready_for(practitioner, "prevention")


def test_evidence_is_mapped_to_competencies_of_the_current_framework():
    run_demo(practitioners=12)

    version = framework_current()
    for item in Evidence.objects.prefetch_related("competencies__domain"):
        competencies = list(item.competencies.all())
        assert competencies, item.title
        assert all(c.domain.version_id == version.pk for c in competencies)


def test_a_few_evidence_items_carry_scan_findings_and_the_rest_are_clean():
    run_demo(practitioners=12)

    flagged = [e for e in Evidence.objects.all() if e.findings]
    assert 1 <= len(flagged) <= 3
    assert all(e.has_unresolved_findings for e in flagged)
    for item in Evidence.objects.all():
        assert [f.as_dict() for f in identifiers_find(item.text)] == item.findings, item.title


def test_light_portfolios_still_reach_every_stage():
    output = run_demo(practitioners=10, portfolios="light")

    assert "portfolios: light" in output
    assert any(ready_for(user, "promotion") for user in generated())
    assert any(not EducationRecord.objects.filter(owner=user).exists() for user in generated())


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published password"):
        run_demo(practitioners=1)
    assert not User.objects.exists()

    run_demo(practitioners=1, allow_without_debug=True)
    assert User.objects.filter(email__endswith=f"@{DOMAIN}").count() == 10
