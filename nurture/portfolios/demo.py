"""Demo people and their portfolios, for `manage.py demo` (`core/demo.py`).

Creates one login per role (all with the same published password, staff with
a fixed TOTP secret), then `--practitioners N` practitioners with realistic
UK names, professions, regions, employers and portfolios at every stage, from
a profile only to ready for endorsement. The names, places and portfolio text
come from `data/demo_seed.json`. Practitioner number n comes from
`random.Random(f"{seed}:{n}")`, so the same `--seed` gives the same people and
a larger run extends a smaller one. Two generated practitioners' evidence holds an
identifier the scan flags, so its warning can be shown; the demo practitioner's comes
later, from `practitioner_draft_write`, which the endorsements demo calls once their
application is in (evidence with an unchecked identifier could not have been submitted).

People and portfolios load together because each person and their rows are written in
one batch; the logins are here for the same reason (the demo practitioner's portfolio
is built with the account), and the other apps' demo data finds them by email.

Safe to run twice: people are found by email, and anyone who already exists is
left exactly as they are. Rows are written with `bulk_create` in batches of
2,000, one transaction per batch, and the password is hashed once. Above
10,000 practitioners portfolios are light (same stages, fewer rows), so
`--practitioners 100000` takes about two minutes on SQLite.

Nothing is emailed and nothing goes to the audit log: this is seed data, not
anyone's action (except the demo practitioner's later draft, which is saved through
the portfolio's service like the applications it follows).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from nurture.accounts.models import Profession, Region, User
from nurture.accounts.roles import Role
from nurture.core.demo import DEMO_DOMAIN, DemoRun
from nurture.framework.models import Education
from nurture.framework.selectors import framework_competencies, framework_current
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    Owned,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.services import evidence_scan, record_save

PASSWORD: Final = "nurture-demo-2026"  # noqa: S105 - published on purpose: demo data only
DOMAIN: Final = DEMO_DOMAIN
BATCH: Final = 2000
# Above this many practitioners, portfolios are light (fewer rows each, same stages and readiness).
LIGHT_ABOVE: Final = 10_000
STAFF_NOTE: Final = (
    "staff pages ask for a two-factor code: `manage.py demo_codes` prints the current one for each "
    "(debug only), or set up an authenticator app with the secret"
)


# The fixed logins ------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    email: str
    full_name: str
    role: str
    profession: str = ""
    region: str = ""
    employer: str = ""
    totp_secret: str = ""
    admin: bool = False
    # What the printed list says beside the role ("moderates"), when the role alone does not tell.
    note: str = ""


LOGINS: Final = (
    Login(
        f"practitioner@{DOMAIN}",
        "Priya Natarajan",
        Role.PRACTITIONER,
        Profession.HEALTH_VISITOR,
        Region.YORKSHIRE,
        "Aire Valley Community Health NHS Trust",
    ),
    Login(
        f"assessor@{DOMAIN}",
        "Dr Helen Marsh",
        Role.ASSESSOR,
        Profession.PSYCHOTHERAPIST,
        Region.NORTH_WEST,
        "Mersey Parent–Infant Psychotherapy Service",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSAYLTONSXG43P",  # noqa: S106 - printed on purpose
    ),
    # Every application needs two assessors without a conflict, and a third to moderate
    # when they disagree: three more assessors, so the registrar has someone to choose.
    Login(
        f"assessor2@{DOMAIN}",
        "Nia Rhydderch",
        Role.ASSESSOR,
        Profession.MIDWIFE,
        Region.WALES,
        "Bro Taf Perinatal Mental Health Service",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSAYLTONSXG4ZS",  # noqa: S106 - printed on purpose
    ),
    Login(
        f"assessor3@{DOMAIN}",
        "Dr Farid Haddad",
        Role.ASSESSOR,
        Profession.PSYCHOLOGIST,
        Region.EAST,
        "Ouse Valley Parent–Infant Relationship Service",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSAYLTONSXG4ZT",  # noqa: S106 - printed on purpose
    ),
    Login(
        f"moderator@{DOMAIN}",
        "Professor Ruth Adebayo-Clarke",
        Role.ASSESSOR,
        Profession.PSYCHOTHERAPIST,
        Region.SCOTLAND,
        "Forth Centre for Infant Mental Health",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSA3LPMRSXEYLU",  # noqa: S106 - printed on purpose
        note="moderates",
    ),
    Login(
        f"registrar@{DOMAIN}",
        "Siobhan Gallagher",
        Role.REGISTRAR,
        region=Region.LONDON,
        employer="The Infant Mental Health Association",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSA4TFM5UXG5DS",  # noqa: S106 - printed on purpose
        admin=True,
    ),
    Login(
        f"coordinator@{DOMAIN}",
        "Kwame Mensah",
        Role.COORDINATOR,
        region=Region.LONDON,
        employer="Infant Mental Health Awareness Week",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSAY3PN5ZGI2LO",  # noqa: S106 - printed on purpose
    ),
    Login(
        f"organiser@{DOMAIN}",
        "Rachel Lindqvist",
        Role.EVENT_ORGANISER,
        region=Region.SOUTH_WEST,
        employer="Severnside Family Hubs",
    ),
    Login(
        f"provider@{DOMAIN}",
        "Dr Mei Chen",
        Role.TRAINING_PROVIDER,
        region=Region.WEST_MIDLANDS,
        employer="Severnside University Centre for Infant Mental Health",
    ),
)


# Names, places and employers -------------------------------------------------------


def employer_for(rng: random.Random, profession: str, region: str) -> str:
    place = rng.choice(PLACES[Region(region)])
    kind = rng.choice(EMPLOYER_KINDS[Profession(profession)])
    if kind == NHS:
        if region == Region.WALES:
            return f"{place} University Health Board"
        if region == Region.SCOTLAND:
            return f"NHS {place}"
        if region == Region.NORTHERN_IRELAND:
            return f"{place} Health and Social Care Trust"
        if profession in (Profession.PSYCHOLOGIST, Profession.PSYCHOTHERAPIST):
            return f"{place} Mental Health NHS Foundation Trust"
        if profession == Profession.MIDWIFE:
            return f"{place} Hospitals NHS Foundation Trust"
        return f"{place} Community Health NHS Trust"
    if kind == COUNCIL:
        if region == Region.NORTHERN_IRELAND:
            return f"{place} Health and Social Care Trust"
        return f"{place} Council Children's Services"
    pool = {CHARITY: CHARITIES, NURSERY: NURSERIES, SCHOOL: SCHOOLS}[kind]
    return rng.choice(pool).format(place=place)


def email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z-]", "", ascii_name.lower())


# Seed text ---------------------------------------------------------------------------

SEED_FILE: Final = Path(__file__).parent / "data" / "demo_seed.json"
_SEED: Final[dict[str, Any]] = json.loads(SEED_FILE.read_text(encoding="utf-8"))


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the generator draws from (nested lists too)."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def _seed(name: str) -> Any:
    value = _SEED[name]
    return {key: _tuples(item) for key, item in value.items()} if isinstance(value, dict) else _tuples(value)


WOMEN: Final[tuple[str, ...]] = _seed("women")
MEN: Final[tuple[str, ...]] = _seed("men")
SURNAMES: Final[tuple[str, ...]] = _seed("surnames")
# Weights roughly follow where the UK's early-years workforce lives.
REGION_WEIGHTS: Final[dict[str, int]] = _seed("region_weights")
PLACES: Final[dict[str, tuple[str, ...]]] = _seed("places")
PROFESSION_WEIGHTS: Final[dict[str, int]] = _seed("profession_weights")

NHS: Final = "nhs"
COUNCIL: Final = "council"
CHARITY: Final = "charity"
NURSERY: Final = "nursery"
SCHOOL: Final = "school"
EMPLOYER_KINDS: Final[dict[str, tuple[str, ...]]] = _seed("employer_kinds")
CHARITIES: Final[tuple[str, ...]] = _seed("charities")
NURSERIES: Final[tuple[str, ...]] = _seed("nurseries")
SCHOOLS: Final[tuple[str, ...]] = _seed("schools")
UNIVERSITIES: Final[tuple[str, ...]] = _seed("universities")
# Each profession has a few routes in: (level, qualification) from oldest to newest.
EDUCATION_PATHS: Final[dict[str, tuple[tuple[tuple[str, str], ...], ...]]] = _seed("education_paths")
# (title, provider, hours); OTHER_TRAINING's provider may name `{employer}`.
RELATIONAL_TRAINING: Final[tuple[tuple[str, str, str], ...]] = _seed("relational_training")
OTHER_TRAINING: Final[tuple[tuple[str, str, str], ...]] = _seed("other_training")
# Job titles and settings by profession, the most senior last.
ROLES: Final[dict[str, tuple[tuple[str, str], ...]]] = _seed("roles")
SUPERVISORS: Final[tuple[tuple[str, str], ...]] = _seed("supervisors")
SUPERVISION_THEMES: Final[tuple[str, ...]] = _seed("supervision_themes")
CPD: Final[tuple[tuple[str, str, str], ...]] = _seed("cpd")
YOUNG_BABIES: Final[tuple[tuple[str, str, str], ...]] = _seed("young_babies")
OLDER_BABIES: Final[tuple[tuple[str, str, str], ...]] = _seed("older_babies")
BABIES: Final = YOUNG_BABIES + OLDER_BABIES
CARERS: Final[tuple[str, ...]] = _seed("carers")
PARENTS: Final[tuple[str, ...]] = _seed("parents")
CLOSINGS: Final[tuple[str, ...]] = _seed("closings")


@dataclass(frozen=True)
class EvidenceTemplate:
    title: str
    kind: str
    text: str
    competencies: tuple[str, ...]
    babies: tuple[tuple[str, str, str], ...] = BABIES
    carers: tuple[str, ...] = CARERS


_NAMED_LISTS: Final[dict[str, tuple[Any, ...]]] = {
    "young_babies": YOUNG_BABIES,
    "older_babies": OLDER_BABIES,
    "carers": CARERS,
    "parents": PARENTS,
}


def _template(fields: dict[str, Any]) -> EvidenceTemplate:
    """One evidence template; its `babies` and `carers` name a list above or give their own."""
    lists = {
        key: _NAMED_LISTS[value] if isinstance(value, str) else _tuples(value)
        for key, value in fields.items()
        if key in ("babies", "carers")
    }
    return EvidenceTemplate(
        fields["title"], Evidence.Kind(fields["kind"]), fields["text"], tuple(fields["competencies"]), **lists
    )


# The first six together cover every competency of the prevention level.
EVIDENCE: Final = tuple(_template(fields) for fields in _SEED["evidence"])
CORE_EVIDENCE: Final = EVIDENCE[:6]
# Written evidence that the identifier scan flags, so the warning can be seen.
FLAGGED: Final = tuple(_template(fields) for fields in _SEED["flagged"])


# Stages ------------------------------------------------------------------------------

PROFILE = "profile only"
LEARNING = "education and training"
PRACTISING = "experience and supervision"
EVIDENCING = "CPD and evidence"
READY = "ready for endorsement"
STAGES: Final = (PROFILE, LEARNING, PRACTISING, EVIDENCING, READY)
# One practitioner in ten is ready; the first five already show every stage.
STAGE_CYCLE: Final = (
    PROFILE,
    LEARNING,
    PRACTISING,
    EVIDENCING,
    READY,
    EVIDENCING,
    PRACTISING,
    LEARNING,
    EVIDENCING,
    PROFILE,
)
FLAGGED_GENERATED: Final = 2


def demo_random(seed: str) -> random.Random:
    """A generator for one person; a string seed is hashed the same way on every run."""
    return random.Random(seed)  # noqa: S311 - demo data, not secrets


def stage_of(number: int) -> str:
    return STAGE_CYCLE[(number - 1) % len(STAGE_CYCLE)]


def flagged_numbers() -> dict[int, EvidenceTemplate]:
    """The first few generated practitioners with evidence get one flagged item each."""
    numbers = [n for n in range(1, len(STAGE_CYCLE) + 1) if stage_of(n) == EVIDENCING][:FLAGGED_GENERATED]
    return dict(zip(numbers, FLAGGED[1:], strict=True))


@dataclass
class Person:
    user: User
    stage: str
    records: list[Owned] = field(default_factory=list)
    evidence: list[tuple[Evidence, tuple[str, ...]]] = field(default_factory=list)
    totp_secret: str = ""


class PortfolioBuilder:
    """Makes one person's unsaved portfolio rows from a random generator.

    A light portfolio reaches the same stage with fewer rows: one qualification,
    no second job, longer and rarer supervision sessions, one CPD entry and the
    least evidence that still shows the stage. Large runs use it to stay fast.
    """

    def __init__(self, rng: random.Random, *, today: date, now: datetime, light: bool = False) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.light = light

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def build(self, person: Person, *, flagged: EvidenceTemplate | None = None) -> None:
        stage = person.stage
        if stage == PROFILE:
            return
        self.education(person)
        self.training(person)
        if stage == LEARNING:
            return
        self.experience(person)
        self.supervision(person)
        if stage == PRACTISING:
            return
        self.cpd(person)
        self.evidence(person)
        if flagged is not None:
            self.add_evidence(person, flagged, scan=True)

    def education(self, person: Person) -> None:
        path = self.rng.choice(EDUCATION_PATHS[person.user.profession or Profession.OTHER])
        awarded = self.days_ago(365, 9 * 365)
        for level, qualification in reversed(path[-1:] if self.light else path):
            institution = (
                f"{self.rng.choice(PLACES[Region(person.user.region)])} College"
                if level == Education.LEVEL3
                else self.rng.choice(UNIVERSITIES)
            )
            person.records.append(
                EducationRecord(level=level, qualification=qualification, institution=institution, awarded_on=awarded)
            )
            awarded -= timedelta(days=self.rng.randint(2 * 365, 5 * 365))

    def training(self, person: Person) -> None:
        courses = self.rng.sample(RELATIONAL_TRAINING, len(RELATIONAL_TRAINING))
        # Relationship-based hours to reach; the level needs 30.
        wanted = {LEARNING: (6, 12, 18), PRACTISING: (12, 18, 24, 30), EVIDENCING: (18, 24, 30, 36)}
        wanted_hours = Decimal(30 if person.stage == READY else self.rng.choice(wanted[person.stage]))
        total = Decimal(0)
        for title, provider, hours in courses:
            if total >= wanted_hours:
                break
            total += Decimal(hours)
            person.records.append(
                TrainingRecord(
                    title=title,
                    provider=provider,
                    hours=Decimal(hours),
                    completed_on=self.days_ago(30, 4 * 365),
                    relationship_based=True,
                )
            )
        if not self.light and self.rng.random() < 0.5:
            title, provider, hours = self.rng.choice(OTHER_TRAINING)
            person.records.append(
                TrainingRecord(
                    title=title,
                    provider=provider.format(employer=person.user.employer),
                    hours=Decimal(hours),
                    completed_on=self.days_ago(30, 2 * 365),
                    relationship_based=False,
                )
            )

    def experience(self, person: Person) -> None:
        ready = person.stage == READY
        roles = ROLES[person.user.profession or Profession.OTHER]
        title, setting = roles[-1] if ready else self.rng.choice(roles)
        # The level needs 24 months of paid work; some in the evidence stage are nearly there.
        months_back = {PRACTISING: (4, 36), EVIDENCING: (12, 60), READY: (26, 72)}[person.stage]
        started = self.days_ago(months_back[0] * 31, months_back[1] * 30)
        months = (self.today - started).days // 30
        families = self.rng.randint(12, 20) + months // 2 if ready else self.rng.randint(2, 4) + months // 3
        person.records.append(
            ExperienceRecord(
                role_title=title,
                employer=person.user.employer,
                setting=setting,
                started_on=started,
                paid=True,
                families_served=families,
            )
        )
        if not self.light and self.rng.random() < 0.4:
            before = started - timedelta(days=self.rng.randint(30, 120))
            person.records.append(
                ExperienceRecord(
                    role_title=roles[0][0],
                    employer=employer_for(self.rng, person.user.profession, person.user.region),
                    setting=roles[0][1],
                    started_on=before - timedelta(days=self.rng.randint(365, 3 * 365)),
                    ended_on=before,
                    paid=True,
                    families_served=self.rng.randint(5, 40),
                )
            )

    def supervision(self, person: Person) -> None:
        ready = person.stage == READY
        main, other = self.rng.sample(SUPERVISORS, 2)
        if self.light:
            # Three-hour sessions every seven weeks with one supervisor; ready means 27 confirmed hours.
            sessions, every, groups = (10 if ready else 2 if person.stage == PRACTISING else 3), 49, False
        else:
            # Monthly sessions, every fourth a group; ready means well over 24 confirmed hours.
            top = 9 if person.stage == PRACTISING else 14
            sessions, every, groups = (self.rng.randint(16, 20) if ready else self.rng.randint(2, top)), 30, True
        for i in range(sessions):
            on = self.today - timedelta(days=12 + every * i + self.rng.randint(0, 6))
            group = groups and i % 4 == 3
            peer = not group and not ready and not self.light and self.rng.random() < 0.1
            name, email = self.rng.choice(SUPERVISORS) if peer else other if group else main
            if group:
                kind, hours = SupervisionEntry.Kind.GROUP, Decimal("1.5")
            else:
                kind = SupervisionEntry.Kind.PEER if peer else SupervisionEntry.Kind.INDIVIDUAL
                hours = Decimal("3" if self.light else "2" if ready else self.rng.choice(("1.5", "2")))
            entry = SupervisionEntry(
                session_on=on,
                supervisor_name=name,
                supervisor_email=email,
                hours=hours,
                kind=kind,
                notes=self.rng.choice(SUPERVISION_THEMES),
            )
            # The latest sessions still await the supervisor; older ones are mostly confirmed.
            confirmed = (i >= 2 or (i == 1 and self.rng.random() < 0.5)) if ready else self.rng.random() < 0.6
            if confirmed:
                entry.status = SupervisionEntry.Status.CONFIRMED
                at = datetime.combine(on + timedelta(days=self.rng.randint(1, 9)), datetime.min.time()).replace(
                    hour=self.rng.randint(8, 18), tzinfo=self.now.tzinfo
                )
                entry.confirmed_at = min(at, self.now)
            person.records.append(entry)

    def cpd(self, person: Person) -> None:
        for activity, hours, reflection in self.rng.sample(CPD, 1 if self.light else self.rng.randint(2, 5)):
            person.records.append(
                CPDEntry(activity=activity, hours=Decimal(hours), reflection=reflection, done_on=self.days_ago(7, 360))
            )

    def evidence(self, person: Person) -> None:
        extras = [t for t in EVIDENCE if t not in CORE_EVIDENCE]
        if person.stage == READY:
            chosen = [*CORE_EVIDENCE, *self.rng.sample(extras, 0 if self.light else self.rng.randint(0, 2))]
        else:
            chosen = self.rng.sample(EVIDENCE, 1 if self.light else self.rng.randint(1, 5))
        for template in chosen:
            self.add_evidence(person, template)

    def add_evidence(self, person: Person, template: EvidenceTemplate, *, scan: bool = False) -> None:
        baby, they, their = self.rng.choice(template.babies)
        text = template.text.format(baby=baby, they=they, their=their, carer=self.rng.choice(template.carers))
        if template.kind != Evidence.Kind.CERTIFICATE and not scan:
            text = f"{text} {self.rng.choice(CLOSINGS)}"
        item = Evidence(title=template.title, kind=template.kind, text=text)
        if scan:
            evidence_scan(evidence=item)
        person.evidence.append((item, template.competencies))


def practitioner_draft_write(*, practitioner: User, seed: int) -> Evidence:
    """The draft the demo practitioner writes after applying, saved through the portfolio's
    own service: it holds a baby's NHS number, so their portfolio shows the identifier
    warning, while their application, whose snapshot was taken before, holds none.
    The endorsements demo calls it once the application is submitted."""
    person = Person(practitioner, READY)
    builder = PortfolioBuilder(
        demo_random(f"{seed}:{practitioner.email}:draft"), today=timezone.localdate(), now=timezone.now()
    )
    builder.add_evidence(person, FLAGGED[0], scan=True)
    item, codes = person.evidence[0]
    ids = list(framework_competencies(framework_current()).filter(code__in=codes).values_list("id", flat=True))
    record_save(owner=practitioner, record=item, competency_ids=ids)
    return item


# Writing -----------------------------------------------------------------------------


@dataclass
class Tally:
    created: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    flagged: int = 0


def people_save(people: Sequence[Person], *, competency_ids: dict[str, int], tally: Tally) -> None:
    """Write a batch of new people and their portfolios in one transaction."""
    through = Evidence.competencies.through
    with transaction.atomic():
        User.objects.bulk_create([p.user for p in people], batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=p.user, email=p.user.email, verified=True, primary=True) for p in people],
            batch_size=BATCH,
        )
        by_model: dict[type[Owned], list[Owned]] = defaultdict(list)
        evidence: list[Evidence] = []
        for person in people:
            for record in person.records:
                record.owner = person.user
                by_model[type(record)].append(record)
            for item, _codes in person.evidence:
                item.owner = person.user
                evidence.append(item)
        for model, rows in by_model.items():
            model._default_manager.bulk_create(rows, batch_size=BATCH)
            tally.rows[str(model._meta.verbose_name_plural)] += len(rows)
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
        tally.rows["evidence"] += len(evidence)
        links = [
            through(evidence_id=item.pk, competency_id=competency_ids[code])
            for person in people
            for item, codes in person.evidence
            for code in codes
            if code in competency_ids
        ]
        through._default_manager.bulk_create(links, batch_size=BATCH)
        tally.rows["evidence–competency links"] += len(links)
        for person in people:
            if person.totp_secret:
                TOTP.activate(person.user, person.totp_secret)
        tally.flagged += sum(1 for p in people for item, _ in p.evidence if item.findings)


def batches(items: Iterator[Person], size: int) -> Iterator[list[Person]]:
    batch: list[Person] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# The app's part of `manage.py demo` ----------------------------------------------------


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--practitioners", type=int, default=40, help="How many more practitioners (default 40).")
    parser.add_argument(
        "--portfolios",
        choices=("full", "light"),
        help=f"How much each portfolio holds (default: full, light above {LIGHT_ABOVE:,} practitioners).",
    )


def demo_load(run: DemoRun) -> Callable[[], None]:
    """The logins and `--practitioners` people with portfolios; returns the summary,
    with the logins, to print once every app has loaded."""
    count: int = run.options["practitioners"]
    if count < 0:
        raise CommandError("--practitioners must be zero or more.")
    try:
        version = framework_current()
    except Http404:
        raise CommandError("No current competency framework. Run `manage.py migrate` first.") from None
    competency_ids = dict(framework_competencies(version).values_list("code", "id"))
    light = (run.options["portfolios"] or ("light" if count > LIGHT_ABOVE else "full")) == "light"
    people = People(run)
    people.load(count, competency_ids, light=light)
    return lambda: people.report(light=light)


class People:
    """One run's people: the logins, then the generated practitioners, in batches."""

    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.stdout = run.stdout
        self.style = run.style
        self.seed = run.seed
        self.password = make_password(PASSWORD)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tally = Tally()

    def load(self, count: int, competency_ids: dict[str, int], *, light: bool) -> None:
        seed = self.seed
        existing = set(User.objects.filter(email__endswith=f"@{DOMAIN}").values_list("email", flat=True))
        logins = [self.login_person(login, seed) for login in LOGINS if login.email not in existing]
        self.tally.created["demo logins"] = len(logins)
        self.tally.found["demo logins"] = len(LOGINS) - len(logins)
        if logins:
            people_save(logins, competency_ids=competency_ids, tally=self.tally)
        self.staff_two_factor_ensure()

        done = 0
        for batch in batches(self.practitioners(count, seed, existing, light=light), BATCH):
            people_save(batch, competency_ids=competency_ids, tally=self.tally)
            done += len(batch)
            if self.run.verbosity >= 2:
                self.stdout.write(f"  … {done:,} practitioners written")

    def new_user(self, **fields: Any) -> User:
        return User(password=self.password, **fields)

    def login_person(self, login: Login, seed: int) -> Person:
        user = self.new_user(
            email=login.email,
            full_name=login.full_name,
            role=login.role,
            profession=login.profession,
            region=login.region,
            employer=login.employer,
            is_staff=login.admin,
            is_superuser=login.admin,
            date_joined=self.now - timedelta(days=400),
        )
        person = Person(user, READY if login.role == Role.PRACTITIONER else PROFILE, totp_secret=login.totp_secret)
        if login.role == Role.PRACTITIONER:
            builder = PortfolioBuilder(demo_random(f"{seed}:{login.email}"), today=self.today, now=self.now)
            builder.build(person)
        return person

    def staff_two_factor_ensure(self) -> None:
        """A staff login found without two-factor gets its demo secret (first run after a partial one)."""
        for login in LOGINS:
            if not login.totp_secret:
                continue
            user = User.objects.filter(email=login.email).first()
            if user is not None and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, login.totp_secret)

    def practitioners(self, count: int, seed: int, existing: set[str], *, light: bool) -> Iterator[Person]:
        """Practitioner `n` depends only on the seed and `n`, so a larger run extends a smaller one."""
        flagged = flagged_numbers()
        regions = list(REGION_WEIGHTS)
        region_weights = list(REGION_WEIGHTS.values())
        professions = list(PROFESSION_WEIGHTS)
        profession_weights = list(PROFESSION_WEIGHTS.values())
        for n in range(1, count + 1):
            rng = demo_random(f"{seed}:{n}")
            first = rng.choice(WOMEN) if rng.random() < 0.85 else rng.choice(MEN)
            last = rng.choice(SURNAMES)
            if rng.random() < 0.06:
                last = f"{rng.choice(SURNAMES)}-{last}"
            email = f"{email_part(first)}.{email_part(last)}.{n}@{DOMAIN}"
            stage = stage_of(n)
            if email in existing:
                self.tally.found["practitioners"] += 1
                continue
            region = rng.choices(regions, region_weights)[0]
            profession = rng.choices(professions, profession_weights)[0]
            joined = {PROFILE: 60, LEARNING: 200, PRACTISING: 500, EVIDENCING: 700, READY: 900}[stage]
            user = self.new_user(
                email=email,
                full_name=f"{first} {last}",
                role=Role.PRACTITIONER,
                profession=profession,
                region=region,
                employer=employer_for(rng, profession, region),
                date_joined=self.now - timedelta(days=rng.randint(joined // 3, joined), minutes=rng.randint(0, 1440)),
            )
            person = Person(user, stage)
            PortfolioBuilder(rng, today=self.today, now=self.now, light=light).build(person, flagged=flagged.get(n))
            self.tally.created["practitioners"] += 1
            self.tally.stages[stage] += 1
            yield person

    def report(self, *, light: bool) -> None:
        """What was made and the logins; `manage.py demo` prints its heading first."""
        t = self.tally
        out = self.stdout.write
        for what in ("demo logins", "practitioners"):
            out(f"  {what}: {t.created[what]:,} created, {t.found[what]:,} already there")
        if t.stages:
            out(f"  portfolios: {'light' if light else 'full'}")
            out("  new practitioners by stage: " + ", ".join(f"{t.stages[s]:,} {s}" for s in STAGES if t.stages[s]))
        if t.rows:
            out("  portfolio rows created: " + ", ".join(f"{n:,} {name}" for name, n in t.rows.items()))
        if t.flagged:
            out(f"  evidence the identifier scan flags (to show the warning): {t.flagged}")
        out("")
        out(self.style.MIGRATE_HEADING(f"Demo logins (password: {PASSWORD})"))
        width = max(len(login.email) for login in LOGINS)
        for login in LOGINS:
            role = Role(login.role).label + (f" ({login.note})" if login.note else "")
            line = f"  {role:<22} {login.email:<{width}}"
            if login.totp_secret:
                line += f"  TOTP secret {login.totp_secret}"
            out(line.rstrip())
        out(f"  Staff (assessors, registrar, coordinator): {STAFF_NOTE}.")
