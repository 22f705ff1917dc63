"""On PostgreSQL, keep name tokens in byte order ("C" collation).

The search reads tokens by prefix *in index order* (token, sort_name, entry), so
a page costs about a page of index steps. SQLite compares text byte by byte
already. PostgreSQL's default collation does not, and an index with
`varchar_pattern_ops` serves `LIKE 'q%'` but not ORDER BY, so every match was
sorted. With the two columns in the "C" collation a plain btree serves both
the prefix range and the order. The model's index definition is unchanged (the
operator classes are ignored on SQLite); this migration does nothing elsewhere.
"""

from typing import Any

from django.db import migrations

FORWARD = [
    'ALTER TABLE register_registernametoken ALTER COLUMN token TYPE varchar(64) COLLATE "C"',
    'ALTER TABLE register_registernametoken ALTER COLUMN sort_name TYPE varchar(150) COLLATE "C"',
    "DROP INDEX IF EXISTS register_token_prefix",
    "CREATE INDEX register_token_prefix ON register_registernametoken (token, sort_name, entry_id)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS register_token_prefix",
    "ALTER TABLE register_registernametoken ALTER COLUMN token TYPE varchar(64) COLLATE \"default\"",
    "ALTER TABLE register_registernametoken ALTER COLUMN sort_name TYPE varchar(150) COLLATE \"default\"",
    "CREATE INDEX register_token_prefix ON register_registernametoken "
    "(token varchar_pattern_ops, sort_name varchar_pattern_ops, entry_id int8_ops)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
