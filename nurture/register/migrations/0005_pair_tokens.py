"""Pair tokens, so that a search of two words reads one index range.

A two-word search ("sarah jones") read the range of one word's tokens and checked
every row for the other, so it slowed as the Register grew and was about half as fast
as a one-word search. `names.name_pairs` adds, for each three-letter start of a
token, " " + that start + " " + every other token (" sar jones"); the search then
reads the range " sar jon…" in order. This adds the pairs of every entry, in batches
of entries (ids in order, so it never holds the whole Register in memory), each
batch its own transaction (a Register of a million entries is never one long write
that holds SQLite's lock for minutes); an entry that has pairs is left alone, so a run
cut short resumes where it stopped. Going back removes them (pair tokens are the only
ones that begin with a space).
"""

from typing import Any

from django.db import migrations, transaction

from nurture.register.names import PAIR_MARK, name_pairs

BATCH = 2000


def pairs_add(apps: Any, schema_editor: Any) -> None:
    entries = apps.get_model("register", "RegisterEntry").objects.using(schema_editor.connection.alias)
    tokens = apps.get_model("register", "RegisterNameToken").objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        batch = list(entries.filter(id__gt=last).order_by("id").values_list("id", "search_name")[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        sort_names = dict(batch)
        have: dict[int, list[str]] = {}
        for entry_id, token in tokens.filter(entry_id__in=sort_names).order_by("id").values_list("entry_id", "token"):
            have.setdefault(entry_id, []).append(token)
        with transaction.atomic(using=schema_editor.connection.alias):
            tokens.bulk_create(
                [
                    tokens.model(entry_id=entry_id, token=pair, sort_name=sort_names[entry_id])
                    for entry_id, own in have.items()
                    if not any(token.startswith(PAIR_MARK) for token in own)
                    for pair in name_pairs(own)
                ],
                batch_size=BATCH,
            )


def pairs_remove(apps: Any, schema_editor: Any) -> None:
    tokens = apps.get_model("register", "RegisterNameToken").objects.using(schema_editor.connection.alias)
    tokens.filter(token__startswith=PAIR_MARK).delete()


class Migration(migrations.Migration):
    atomic = False  # a transaction per batch (pairs_add)
    dependencies = [("register", "0004_token_runs_and_entry_index")]

    operations = [migrations.RunPython(pairs_add, pairs_remove)]
