"""Register search under load, against datasette's full-text search.

    python -m bench.register_search [--entries 1000000] [--seconds 10] [--connections 16] [--no-postgres]

What it does, all on this machine:
1. Makes a Register of `--entries` entries with `manage.py demo --register-entries N`
   in a SQLite file (and, when PostgreSQL answers, in a PostgreSQL database), once:
   both are kept under bench-data/ and reused by later runs.
2. Copies the public columns of the same entries into a second SQLite file and gives
   it an FTS5 index (unicode61, diacritics removed) with sqlite-utils; datasette
   serves it. Both are installed in their own environment, bench-data/datasette-venv,
   so they never touch the project's.
3. Checks that our search and datasette's full-text search return the same people
   for every benchmark query: name prefixes (`word*` in FTS5 terms), runs of the
   parts of hyphenated names ("smith-jo", a phrase prefix `"smith jo"*`), and two
   words (a first name's and a surname's starts, `"ann"* "smi"*`).
4. Loads, with wrk (Debian's package) at the same concurrency for the same time:
   our search page and API (one word, and the API with two words), page 25 of our
   search page (reached by its "Next" links), number lookups, datasette's HTML and
   JSON search, and a bare Django view under the same gunicorn.
Prints requests per second and p50 / p95 latency for each, then for each name search
its ratio to datasette's and to the bare view, the two-word API query against the
one-word one, and page 25 against page 1. The last line is
`register_search: ratio=R bare_ratio=B same_people=N/M`: R is the lowest of (our
search page ÷ datasette's HTML search) and (our API ÷ datasette's JSON search), B the
lowest of the same searches ÷ the bare view, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sqlite3
import subprocess
import sys
import unicodedata
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from bench.load import ROOT, Result, free_port, gunicorn, load, serving, wrk_available

DATA = ROOT / "bench-data"
PG_URL = os.environ.get("NURTURE_BENCH_POSTGRES_URL", "postgres://nurture:nurture@127.0.0.1:5432/nurture_bench")
WORKERS = int(os.environ.get("NURTURE_BENCH_WORKERS", "4"))
DEEP_PAGE = 25


# A Fernet key (32 bytes, URL-safe base64) for the benchmark's throwaway databases only.
BENCH_MFA_KEY = base64.urlsafe_b64encode(b"bench-only-mfa-key-never-real!!!").decode()


def run(*command: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(list(command), cwd=ROOT, env={**os.environ, **(env or {})}, check=True)


def manage_env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        # Production settings refuse to start without the key for staff second factors.
        "NURTURE_MFA_KEYS": BENCH_MFA_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(DATA / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "NURTURE_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }


def register_made(database_url: str, marker: Path, entries: int) -> None:
    """The Register of `entries` at `database_url`, made once per size and migration state:
    a Register made before a new migration of the app is migrated (and topped up) again."""
    made = f"{entries} {max(path.stem for path in (ROOT / 'nurture' / 'register' / 'migrations').glob('0*.py'))}"
    if marker.exists() and marker.read_text() == made:
        return
    env = manage_env(database_url)
    print(f"Making a Register of {entries:,} entries at {database_url.split('@')[-1]} (once) …", flush=True)
    run(sys.executable, "manage.py", "migrate", "-v0", env=env)
    run(sys.executable, "manage.py", "createcachetable", env=env)
    run(
        sys.executable, "manage.py", "demo", "--practitioners", "0",
        "--register-entries", str(entries), "--allow-without-debug", "-v0", env=env,
    )  # fmt: skip
    run(sys.executable, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    if database_url.startswith("postgres"):
        # Statistics of the freshly loaded tables, as autovacuum would gather a little later.
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("ANALYZE")
    marker.write_text(made)


def postgres_ready() -> bool:
    try:
        import psycopg

        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, connect_timeout=3, autocommit=True) as connection:
            name = PG_URL.rsplit("/", 1)[1]
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as error:
        print(f"PostgreSQL not reachable at {PG_URL.split('@')[-1]} ({error}); its pass is left out.")
        return False


def datasette_ready() -> Path:
    venv = DATA / "datasette-venv"
    if not (venv / "bin" / "datasette").exists():
        print("Installing datasette and sqlite-utils in bench-data/datasette-venv (once) …", flush=True)
        run(sys.executable, "-m", "venv", str(venv))
        run(str(venv / "bin" / "pip"), "install", "-q", "datasette", "sqlite-utils")
    return venv


def reference_made(ours: Path, reference: Path, entries: int, venv: Path) -> None:
    """The same public rows in a table datasette serves, with an FTS5 index on the name."""
    marker = reference.with_suffix(".done")
    if marker.exists() and marker.read_text() == str(entries):
        return
    reference.unlink(missing_ok=True)
    with sqlite3.connect(reference) as db:
        db.execute(f"ATTACH DATABASE '{ours}' AS ours")
        db.execute(
            "CREATE TABLE register AS SELECT number, full_name, level_name AS level, status, "
            "CASE WHEN show_region THEN region ELSE '' END AS region, "
            "CASE WHEN show_profession THEN profession ELSE '' END AS profession "
            "FROM ours.register_registerentry WHERE status != 'removed' ORDER BY id"
        )
        db.execute("CREATE UNIQUE INDEX register_number ON register(number)")
    run(
        str(venv / "bin" / "sqlite-utils"), "enable-fts", str(reference), "register", "full_name",
        "--fts5", "--tokenize", "unicode61 remove_diacritics 2",
    )  # fmt: skip
    marker.write_text(str(entries))


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def sample_queries(reference: Path, count: int = 40) -> tuple[list[str], list[str], list[str], list[str]]:
    """Name prefixes (of surnames, 4+ letters), registration numbers, runs of the parts of
    hyphenated names, and two-word queries (a first name's start and a surname's), all
    drawn from the data."""
    rng = random.Random(2026)
    with sqlite3.connect(reference) as db:
        total = db.execute("SELECT max(rowid) FROM register").fetchone()[0]
        rows = [db.execute("SELECT full_name, number FROM register WHERE rowid = ?", [rng.randint(1, total)]).fetchone()
                for _ in range(count * 3)]  # fmt: skip
        hyphenated = [
            row[0] for row in db.execute("SELECT full_name FROM register WHERE full_name LIKE '%-%' ORDER BY rowid")
        ]
    words: list[str] = []
    pairs: list[str] = []
    for name, _ in rows:
        parts = name.split()
        last = parts[-1]
        if last.isalpha() and len(last) >= 5 and last.isascii():
            words.append(last[: rng.randint(4, len(last))].lower())
        first = _ascii(parts[0])
        if len(parts) == 2 and first.isalpha() and _ascii(last).isalpha() and len(first) >= 3 and len(last) >= 3:
            pairs.append(f"{first[: rng.randint(3, len(first))]} {_ascii(last)[: rng.randint(3, len(last))]}")
    runs: list[str] = []
    for name in rng.sample(hyphenated, min(len(hyphenated), count * 5)):
        parts = _ascii(name.split()[-1]).split("-")
        if len(parts) < 2 or not all(part.isalpha() for part in parts):
            continue
        start = rng.randrange(len(parts) - 1)
        run = parts[start : rng.randint(start + 2, len(parts))]
        run[-1] = run[-1][: rng.randint(min(2, len(run[-1])), len(run[-1]))]
        runs.append("-".join(run))
    numbers = [number for _, number in rows if number]

    def unique(items: list[str]) -> list[str]:
        return list(dict.fromkeys(items))[:count]

    return unique(words), numbers[:count], unique(runs)[: count // 2], unique(pairs)


def fts_query(query: str) -> str:
    """Our query in FTS5 terms: each word a prefix (a hyphenated one a phrase prefix), all of them."""
    return " ".join(f'"{word}"*' for word in query.split())


def same_people(reference: Path, queries: list[str], database_url: str) -> tuple[int, int]:
    """For each query: our search's full result vs datasette's FTS5 result. Returns (checked, differing)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.our_results"],
        input=json.dumps(queries), capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **manage_env(database_url)}, check=True,
    )  # fmt: skip
    ours = json.loads(result.stdout)
    differing = 0
    with sqlite3.connect(reference) as db:
        for query in queries:
            theirs = sorted(
                row[0]
                for row in db.execute(
                    "SELECT number FROM register WHERE rowid IN "
                    "(SELECT rowid FROM register_fts WHERE register_fts MATCH ?)",
                    [fts_query(query)],
                )
            )
            if theirs != ours[query]:
                differing += 1
                print(f"  differs for {query!r}: ours {len(ours[query])}, datasette {len(theirs)}")
    return len(queries), differing


def page_links(words: list[str], page: int, database_url: str) -> list[str]:
    """Our search page's address of page `page` for each query that has that many pages,
    with the `after=` cursor its "Next" link carries."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.our_page_links"],
        input=json.dumps({"queries": words, "page": page}), capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **manage_env(database_url)}, check=True,
    )  # fmt: skip
    links = json.loads(result.stdout)
    return [
        f"/register/?q={urllib.parse.quote(w)}&after={urllib.parse.quote(links[w], safe='')}" for w in words if links[w]
    ]


def hitter(args: argparse.Namespace) -> Callable[[str, str, list[str]], Result]:
    def hit(name: str, base: str, paths: list[str]) -> Result:
        return load(name, base, paths, connections=args.connections, seconds=args.seconds)

    return hit


def ours_loaded(
    label: str,
    database_url: str,
    queries: dict[str, list[str]],
    args: argparse.Namespace,
) -> list[Result]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    q = [urllib.parse.quote(w) for w in queries["words"]]
    two = [urllib.parse.quote(w) for w in queries["pairs"]]
    numbers = queries["numbers"]
    deep = page_links(queries["words"], DEEP_PAGE, database_url)
    hit = hitter(args)
    with serving(
        gunicorn("nurture.wsgi:application", port, workers=WORKERS),
        url=f"{base}/register/",
        env=manage_env(database_url),
    ):
        results = [
            hit(f"{label}: name search page", base, [f"/register/?q={w}" for w in q]),
            hit(f"{label}: name search API", base, [f"/api/v1/register?q={w}" for w in q]),
            hit(f"{label}: name search API, two words", base, [f"/api/v1/register?q={w}" for w in two]),
            hit(f"{label}: number lookup page", base, [f"/register/{n}/" for n in numbers]),
            hit(f"{label}: number lookup API", base, [f"/api/v1/register/{n}" for n in numbers]),
        ]  # fmt: skip
        if deep:
            results.append(hit(f"{label}: name search page {DEEP_PAGE}", base, deep))
        else:
            print(f"  no query has {DEEP_PAGE} pages at this size: page {DEEP_PAGE} is left out")
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if not wrk_available():
        sys.exit("wrk is needed: apt-get install wrk")
    DATA.mkdir(exist_ok=True)

    ours_db = DATA / f"register-{args.entries}.sqlite3"
    sqlite_url = f"sqlite:///{ours_db}"
    register_made(sqlite_url, ours_db.with_suffix(".done"), args.entries)
    venv = datasette_ready()
    reference = DATA / f"reference-{args.entries}.sqlite3"
    reference_made(ours_db, reference, args.entries, venv)
    words, numbers, runs, pairs = sample_queries(reference)
    print(f"{len(words)} name prefixes (e.g. {', '.join(words[:5])}), {len(runs)} hyphenated runs "
          f"(e.g. {', '.join(runs[:3])}), {len(pairs)} two-word queries (e.g. {', '.join(pairs[:3])}) and "
          f"{len(numbers)} numbers; {args.connections} connections, {args.seconds} s each, "
          f"gunicorn with {WORKERS} workers")  # fmt: skip

    checked, differing = same_people(reference, words + runs + pairs, sqlite_url)
    print(f"Same people as datasette's full-text search: {checked - differing} of {checked} queries")

    hit = hitter(args)
    results: list[Result] = []
    port = free_port()
    with serving(gunicorn("bench.bare_app:application", port, workers=WORKERS), url=f"http://127.0.0.1:{port}/"):
        bare = hit("bare Django view (reference)", f"http://127.0.0.1:{port}", ["/"])  # fmt: skip
    results.append(bare)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    q = [urllib.parse.quote(f"{w}*") for w in words]
    command = [
        str(venv / "bin" / "datasette"), "serve", str(reference), "--port", str(port), "--host", "127.0.0.1",
        "--setting", "default_page_size", "20",
        # Facet suggestions run a GROUP BY per column on every search; turned off,
        # datasette is several times faster, and that faster datasette is the reference.
        "--setting", "suggest_facets", "off",
    ]  # fmt: skip
    name = reference.stem
    with serving(command, url=f"{base}/{name}/register.json?_size=1"):
        searches = [f"?_search={w}&_searchmode=raw" for w in q]
        ds_html = hit("datasette: full-text search page", base, [f"/{name}/register{s}" for s in searches])
        ds_json = hit("datasette: full-text search JSON", base, [f"/{name}/register.json{s}" for s in searches])
    results += [ds_html, ds_json]

    queries = {"words": words, "numbers": numbers, "pairs": pairs}
    ours: list[list[Result]] = [ours_loaded("Nurture on SQLite", sqlite_url, queries, args)]
    if not args.no_postgres and postgres_ready():
        register_made(PG_URL, DATA / f"postgres-{args.entries}.done", args.entries)
        ours.append(ours_loaded("Nurture on PostgreSQL", PG_URL, queries, args))
    for each in ours:
        results += each

    print()
    for result in results:
        print(result.line())
    print()
    # Our one-word name searches (page and API, each database) against datasette's and the bare view.
    compared = [r for r in results[3:] if r.name.endswith(("name search page", "name search API"))]
    for result in compared:
        theirs = ds_html if "page" in result.name else ds_json
        print(f"{result.name}: {result.requests_per_second / theirs.requests_per_second:.2f}× datasette, "
              f"{result.requests_per_second / bare.requests_per_second:.2f}× the bare Django view")  # fmt: skip
    for each in ours:
        by_name = {r.name.split(": ", 1)[1]: r for r in each}
        label = each[0].name.split(": ", 1)[0]
        one, two = by_name["name search API"], by_name["name search API, two words"]
        print(f"{label}: two-word API query {two.requests_per_second / one.requests_per_second:.2f}× the "
              f"one-word one ({two.requests_per_second / bare.requests_per_second:.3f}× the bare view)")  # fmt: skip
        if f"name search page {DEEP_PAGE}" in by_name:
            deep, first = by_name[f"name search page {DEEP_PAGE}"], by_name["name search page"]
            print(f"{label}: page {DEEP_PAGE} {deep.requests_per_second / first.requests_per_second:.2f}× "
                  f"page 1 (p50 {deep.p50_ms:.1f} ms against {first.p50_ms:.1f} ms)")  # fmt: skip
    ratio = min(
        r.requests_per_second / (ds_html if "page" in r.name else ds_json).requests_per_second for r in compared
    )
    bare_ratio = min(r.requests_per_second / bare.requests_per_second for r in compared)
    print(f"register_search: ratio={ratio:.2f} bare_ratio={bare_ratio:.2f} same_people={checked - differing}/{checked}")


if __name__ == "__main__":
    main()
