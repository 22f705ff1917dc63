"""Name tokens for every run of a name's parts, and an (entry, token) index.

"smith-jones" did not find "Phạm-Smith-Jones": only each part, each word and the
whole name were indexed. `names.name_tokens` now also gives, from each part, the
parts from there to the end joined ("smithjones"), so a run of two or more parts is
the start of a token. This rebuilds the tokens of every entry, in batches of
entries (ids in order, so it never holds the whole Register in memory), writing only
where they differ. The index serves the per-row checks of a search: the other words
of the query, and whether a token is the entry's first matching one.

On PostgreSQL the token column keeps 1,000 statistics buckets instead of 100: a
name prefix covers well under 1% of the tokens, which the default histogram could
not place (it estimated one row for "claire"), so two-word searches were planned
around the wrong word; with the finer one its estimates are close (1,715 for 1,822).
"""

from typing import Any

from django.db import migrations, models

from nurture.register.names import name_tokens

BATCH = 2000


def tokens_rebuild(apps: Any, schema_editor: Any) -> None:
    entries = apps.get_model("register", "RegisterEntry").objects.using(schema_editor.connection.alias)
    tokens = apps.get_model("register", "RegisterNameToken").objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        batch = list(entries.filter(id__gt=last).order_by("id").values_list("id", "full_name", "search_name")[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        have: dict[int, set[str]] = {}
        for entry_id, token in tokens.filter(entry_id__in=[row[0] for row in batch]).values_list("entry_id", "token"):
            have.setdefault(entry_id, set()).add(token)
        stale = [row for row in batch if set(name_tokens(row[1])) != have.get(row[0], set())]
        if stale:
            tokens.filter(entry_id__in=[row[0] for row in stale]).delete()
            tokens.bulk_create(
                [
                    tokens.model(entry_id=entry_id, token=token, sort_name=search_name)
                    for entry_id, full_name, search_name in stale
                    for token in name_tokens(full_name)
                ],
                batch_size=BATCH,
            )


def statistics_finer(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE register_registernametoken ALTER COLUMN token SET STATISTICS 1000")
    schema_editor.execute("ANALYZE register_registernametoken")


def statistics_default(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE register_registernametoken ALTER COLUMN token SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("register", "0003_text_length_limits")]

    operations = [
        migrations.AddIndex(
            model_name="registernametoken",
            index=models.Index(fields=["entry", "token"], name="register_token_of_entry"),
        ),
        migrations.RunPython(tokens_rebuild, migrations.RunPython.noop),
        migrations.RunPython(statistics_finer, statistics_default),
    ]
