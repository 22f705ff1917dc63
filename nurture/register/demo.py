"""Demo Register data: `manage.py demo --register-entries N` calls `demo_register`.

1. Entries for up to 15 demo practitioners (emails @demo.nurture.test), those
   ready for endorsement first, in mixed statuses (active, renewal due, lapsed,
   one suspended) so every page and email has something to show.
2. `entries` extra standalone entries (no account, as if imported) with varied
   names, accented ones included, for benchmarks. Entry n always gets the same
   name, level, dates and number (serial 8,000,000 + n), so a larger run extends
   a smaller one and a second run adds nothing.

Like the rest of the demo it writes seed data with `bulk_create` (5,000 rows a
batch, one transaction each), nothing is emailed and nothing is audited.
About 1,000,000 entries take a few minutes on SQLite.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from datetime import date, datetime, timedelta
from typing import Any, Final, TextIO

from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from nurture.accounts.models import Profession, Region, User
from nurture.accounts.roles import Role
from nurture.core.data_versions import data_version_bump
from nurture.core.demo import DEMO_DOMAIN, DemoRun
from nurture.framework.models import Level
from nurture.register.models import REGISTER_DATA_SET, RegisterEntry, RegisterNameToken
from nurture.register.names import name_fold, search_tokens
from nurture.register.numbers import DEMO_SERIAL_BASE, number_for
from nurture.register.renewal import one_year_after, status_for_dates

DOMAIN: Final = DEMO_DOMAIN
BATCH: Final = 5000
DEMO_PRACTITIONERS: Final = 15

FIRST_NAMES: Final = (
    "Siobhán Zoë José Łukasz Ngozi Amara Chloé Renée Noémie Inés Begoña Sofía María João Conceição Bjørn Søren "
    "Åsa Jürgen Günther Müge Ayşe Çağla Dóra Zsófia Tomáš Dušan Jiří Małgorzata Żaneta Wojciech Ioana Ştefan "
    "Thảo Linh Nguyệt Hương Mai Wei Xin Mei Priya Ananya Aisha Fatima Zainab Harpreet Simran Ifeoma Chiamaka "
    "Adaeze Funmilayo Abena Akosua Kwame Kofi Chinedu Emeka Tunde Wanjiru Hodan Fadumo Amelia Olivia Isla "
    "Sophie Emily Grace Hannah Charlotte Rebecca Laura Claire Sarah Rachel Emma Lucy Niamh Aoife Róisín Orla "
    "Caitlín Seán Eóin Ffion Bethan Cerys Rhys Dafydd Gwenllian Morag Eilidh Catriona James Thomas Daniel "
    "Mohammed Imran Arjun Rohan Samuel David Yusuf Omar Piotr Mehmet Luca Chiara Giulia Zoé Anaïs Håkon"
)
SURNAMES: Final = (
    "O'Néill O'Brien Ní_Bhriain Mac_Giolla_Phádraig Nguyễn Trần Lê Phạm Đặng Okonkwo Adeyemi Okafor Nwosu Eze "
    "Mensah Owusu Boateng Asante Osei Wiśniewska Kowalczyk Wójcik Łukaszewicz Müller Schröder Größ Jørgensen "
    "Øvergaard Håkansson Yılmaz Kaya Demir Şahin Çelik Dvořák Novák Horváth Fernández García Muñoz Peña "
    "Gonçalves Simões Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Roberts Hughes Green "
    "Patel Khan Ahmed Hussain Begum Shah Singh Kaur Sharma Chowdhury Rahman Campbell MacDonald Stewart "
    "Fraser Mackenzie MacLeod Murphy Kelly Byrne Walsh Doyle McCarthy Gallagher Quinn Llewellyn Pritchard "
    "ap_Rhys Chen Wong Li Liu Zhang Abdi Mohamed Warsame Farah Hosseini Haddad Mahmoud Smith-Jones "
    "Clarke-Okoro Lindqvist D'Souza Dell'Olio"
)
FIRSTS: Final = tuple(FIRST_NAMES.split())
LASTS: Final = tuple(name.replace("_", " ") for name in SURNAMES.split())
REGIONS: Final = tuple(Region.values)
PROFESSIONS: Final = tuple(Profession.values)
EMPLOYERS: Final = (
    "{place} Community Health NHS Trust",
    "{place} Council Children's Services",
    "{place} Parent–Infant Partnership",
    "{place} Family Hubs Trust",
    "Little Acorns Day Nursery, {place}",
    "{place} Maintained Nursery School",
)
PLACES: Final = ("Tyneside", "Mersey", "Calderdale", "Trent Valley", "Severn", "Fenland", "Lea Valley", "Solent")
DEMO_STATUS_CYCLE: Final = ("active", "active", "renewal_due", "active", "lapsed", "active", "suspended")


def _levels() -> list[tuple[str, str]]:
    levels = list(Level.objects.filter(version__is_current=True).order_by("position").values_list("code", "name"))
    return levels or [("promotion", "Promotion"), ("prevention", "Prevention")]


def _dates_for(status: str, today: date, rng: random.Random) -> tuple[date, date]:
    """(period start, due date) that the renewal calendar turns into `status` today."""
    if status == "renewal_due":
        due = today + timedelta(days=rng.randint(5, 55))
    elif status == "lapsed":
        due = today - timedelta(days=rng.randint(35, 200))
    else:
        due = today + timedelta(days=rng.randint(70, 360))
    start = due.replace(year=due.year - 1) if not (due.month == 2 and due.day == 29) else due - timedelta(days=365)
    return start, due


def _write(entries: list[RegisterEntry]) -> int:
    with transaction.atomic():
        RegisterEntry.objects.bulk_create(entries, batch_size=BATCH)
        tokens = [
            RegisterNameToken(entry_id=e.pk, token=t, sort_name=e.search_name)
            for e in entries
            for t in search_tokens(e.full_name)
        ]
        RegisterNameToken.objects.bulk_create(tokens, batch_size=BATCH)
    return len(tokens)


def _practitioner_entries(today: date, now: datetime, levels: list[tuple[str, str]]) -> list[RegisterEntry]:
    people = list(
        User.objects.filter(email__endswith=f"@{DOMAIN}", role=Role.PRACTITIONER, register_entries__isnull=True)
    )
    ready = re.compile(r"\.(\d+)@")

    def readiness(user: User) -> tuple[int, int]:
        found = ready.search(user.email)
        is_ready = user.email == f"practitioner@{DOMAIN}" or (found is not None and int(found.group(1)) % 10 == 5)
        return (0 if is_ready else 1, user.pk)

    people.sort(key=readiness)
    already = RegisterEntry.objects.filter(practitioner__email__endswith=f"@{DOMAIN}").count()
    entries = []
    for index, user in enumerate(people[: max(0, DEMO_PRACTITIONERS - already)], start=already):
        rng = random.Random(f"register:{user.email}")  # noqa: S311 - demo data
        status = DEMO_STATUS_CYCLE[index % len(DEMO_STATUS_CYCLE)]
        start, due = _dates_for("active" if status == "suspended" else status, today, rng)
        number = number_for(1_000_000 + user.pk)
        if RegisterEntry.objects.filter(number=number).exists():
            continue
        code, name = levels[index % len(levels)]
        entries.append(
            RegisterEntry(
                number=number,
                practitioner=user,
                full_name=user.full_name or user.email,
                search_name=name_fold(user.full_name or user.email),
                level_code=code,
                level_name=name,
                status=status,
                first_endorsed_on=start - timedelta(days=365 * rng.randint(0, 4)),
                period_started_on=start,
                renewal_due_on=due,
                status_changed_at=now - timedelta(days=rng.randint(1, 30)),
                status_reason="Demo: under investigation by the registrar." if status == "suspended" else "",
                show_profession=index % 2 == 0,
                show_region=index % 3 != 2,
                show_employer=index % 4 == 0,
                profession=user.profession,
                region=user.region,
                employer=user.employer,
            )
        )
    return entries


def bulk_entry(n: int, *, today: date, now: datetime, levels: list[tuple[str, str]]) -> RegisterEntry:
    """Standalone entry number n: the same every run."""
    rng = random.Random(f"register-bulk:{n}")  # noqa: S311 - demo data
    first = rng.choice(FIRSTS)
    if rng.random() < 0.08:
        first = f"{first} {rng.choice(FIRSTS)}"
    last = rng.choice(LASTS)
    if rng.random() < 0.04:
        last = f"{rng.choice(LASTS)}-{last}"
    full_name = f"{first} {last}"
    first_endorsed = today - timedelta(days=rng.randint(1, 8 * 365))
    years = (today - first_endorsed).days // 365
    start = first_endorsed + timedelta(days=365 * years - (1 if rng.random() < 0.04 else 0) * 400)
    due = one_year_after(start)
    roll = rng.random()
    status = "removed" if roll < 0.005 else "suspended" if roll < 0.01 else status_for_dates(due, today)
    code, name = levels[rng.randrange(len(levels))]
    place = rng.choice(PLACES)
    return RegisterEntry(
        number=number_for(DEMO_SERIAL_BASE + n),
        full_name=full_name,
        search_name=name_fold(full_name),
        level_code=code,
        level_name=name,
        status=status,
        first_endorsed_on=first_endorsed,
        period_started_on=start,
        renewal_due_on=due,
        status_changed_at=now - timedelta(days=rng.randint(0, 365)),
        show_profession=rng.random() < 0.7,
        show_region=rng.random() < 0.8,
        show_employer=rng.random() < 0.4,
        profession=rng.choice(PROFESSIONS),
        region=rng.choice(REGIONS),
        employer=rng.choice(EMPLOYERS).format(place=place),
    )


ENTRY_COLUMNS: Final = (
    "id",
    "number",
    "full_name",
    "search_name",
    "level_code",
    "level_name",
    "status",
    "first_endorsed_on",
    "period_started_on",
    "renewal_due_on",
    "status_changed_at",
    "status_reason",
    "show_profession",
    "show_region",
    "show_employer",
    "profession",
    "region",
    "employer",
    "created_at",
)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    # The table and columns are this module's constants, never input.
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _bulk_write(entries: list[RegisterEntry], first_id: int, now: datetime) -> int:
    """Standalone entries straight into their tables (the ORM's per-object work
    dominates at a million rows), with ids given here so tokens can point at them."""
    ops = connection.ops
    created = ops.adapt_datetimefield_value(now)
    rows: list[tuple[Any, ...]] = []
    tokens: list[tuple[Any, ...]] = []
    for offset, e in enumerate(entries):
        pk = first_id + offset
        rows.append(
            (
                pk,
                e.number,
                e.full_name,
                e.search_name,
                e.level_code,
                e.level_name,
                e.status,
                ops.adapt_datefield_value(e.first_endorsed_on),
                ops.adapt_datefield_value(e.period_started_on),
                ops.adapt_datefield_value(e.renewal_due_on),
                ops.adapt_datetimefield_value(e.status_changed_at),
                "",
                e.show_profession,
                e.show_region,
                e.show_employer,
                e.profession,
                e.region,
                e.employer,
                created,
            )
        )
        tokens.extend((pk, token, e.search_name) for token in search_tokens(e.full_name))
    with transaction.atomic():
        _insert(RegisterEntry._meta.db_table, ENTRY_COLUMNS, rows)
        _insert(RegisterNameToken._meta.db_table, ("entry_id", "token", "sort_name"), tokens)
    return len(tokens)


def _sequences_reset() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), [RegisterEntry])
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def demo_register(*, entries: int, stdout: TextIO | Any) -> None:
    """Register entries for demo practitioners, plus `entries` standalone ones. Safe to run twice."""
    started = time.monotonic()
    today, now = timezone.localdate(), timezone.now()
    levels = _levels()
    mine = _practitioner_entries(today, now, levels)
    if mine:
        _write(mine)
    last = RegisterEntry.objects.filter(number__gte=number_for(DEMO_SERIAL_BASE)).aggregate(last=Max("number"))["last"]
    done = int(last[4:-1]) - DEMO_SERIAL_BASE if last else 0
    created = tokens = 0
    next_id = (RegisterEntry.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    batch: list[RegisterEntry] = []
    for n in range(done + 1, entries + 1):
        batch.append(bulk_entry(n, today=today, now=now, levels=levels))
        if len(batch) >= BATCH or n == entries:
            tokens += _bulk_write(batch, next_id, now)
            created += len(batch)
            next_id += len(batch)
            batch = []
    if created:
        _sequences_reset()
    stdout.write(
        f"Register: {len(mine)} practitioners' entries and {created:,} standalone entries created "
        f"({tokens:,} name tokens, pairs included), {done:,} standalone already there "
        f"({time.monotonic() - started:.1f}s)\n"
    )


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--register-entries",
        type=int,
        default=0,
        help="How many standalone Register entries to add, for benchmarks (default 0).",
    )


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    entries: int = run.options["register_entries"]
    if entries < 0:
        raise CommandError("--register-entries must be zero or more.")
    demo_register(entries=entries, stdout=run.stdout)
    data_version_bump(REGISTER_DATA_SET)  # written without the services: a running site's cached pages go
