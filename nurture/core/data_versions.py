"""Cheap versions of the public data sets, for pages and feeds cached under them.

Each domain names its data sets (`"events"`, `"register"`, `"framework"`,
`"campaign:<id>"`) and calls `data_version_bump` inside the transaction of every
change the public sees, so a reader never sees the new data with the old version.
`data_versions` reads the versions of every set a page shows in one indexed query.
Core knows no domain: the names are the callers' own.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from nurture.core.models import DataVersion


def data_version_bump(*names: str) -> None:
    """Add one to each named version (creating it at 1), in the caller's transaction.

    The UPDATE takes the row's lock until the commit, so two changes to the same set
    are ordered; names are bumped in sorted order so two transactions bumping the same
    sets never wait on each other in a cycle."""
    for name in sorted(set(names)):
        if _bumped(name):
            continue
        try:
            with transaction.atomic():
                DataVersion.objects.create(name=name, version=1)
        except IntegrityError:
            # Another transaction created it first (and has committed by now).
            _bumped(name)


def _bumped(name: str) -> bool:
    """One more on the named version, if it has a row. SQL written once: it runs in every
    public change (each confirmed pledge signature), where the ORM's compiling of the
    same UPDATE cost more than the database spent on it."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET version = version + 1 WHERE name = %s", [name])  # noqa: S608 - the model's own table
        return bool(cursor.rowcount)


def data_versions(*names: str) -> dict[str, int]:
    """The versions of these data sets, 0 for one never bumped: one query on the primary key.

    Every cached page asks this before anything else, so it is written as SQL once rather
    than compiled by the ORM on each request (that took most of a cache hit's time)."""
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, version FROM {DataVersion._meta.db_table} WHERE name IN ({marks})", names)  # noqa: S608 - no user text, only placeholders
        found = dict(cursor.fetchall())
    return {name: found.get(name, 0) for name in names}


def data_versions_label(*names: str) -> str:
    """The versions as one short text (`events=4,campaigns=2`), for cache keys and ETags."""
    return ",".join(f"{name}={version}" for name, version in data_versions(*names).items())
