"""Candidates sitting the exam at once: answer saves under load, and none lost.

    python -m bench.exam_sitting [--candidates 500] [--seconds 30] [--rounds 3] [--saves 180] [--no-postgres]

What it does, all on this machine:
1. Makes, once, a database with the demo (framework, staff, the demo bank and its
   blueprints) and `--candidates` practitioners, each with an application accepted for
   review at the intervention level and part 1 of the exam started (bench/exam_data.py):
   bench-data/exam.sqlite3, and on PostgreSQL nurture_bench_exam
   (NURTURE_BENCH_EXAM_POSTGRES_URL). Every run works on a fresh copy, each candidate's
   clock started again and a session made for them as signing in would.
2. Serves Nurture with gunicorn (NURTURE_BENCH_WORKERS workers, default 4) and lets every
   candidate sit at once: each saves an answer as the page's script does (a POST to the
   question's answer URL with their session and CSRF token), the next as soon as the last
   is answered (an hour of one save every 20 seconds, compressed: `--saves` saves each,
   or `--seconds`, whichever ends first). Question k of a candidate's saves is question
   (k mod 60) + 1, so answers are also changed, as candidates do when they go back.
3. Loads the reference the same way, with the same client and concurrency: a bare Django
   view that writes one row (bench/bare_write_app.py), on the same database. The two are
   served side by side and loaded in turn, `--rounds` times each (`--seconds` is each
   one's total, after `--warmup` seconds of each that are not counted), so the machine's
   other work falls on both; each round's ratio is printed.
4. Counts, from the database, every answer the clients were told was saved ("saved": true
   in a 200) against what is stored: an answer whose last told save is not what is stored
   is lost; a question stored twice for one attempt is duplicated. Both must be 0.
Then the same on PostgreSQL (unless --no-postgres).

The last line is `exam_sitting: ratio=R lost=N duplicated=M` with R the lower of the two
databases' save throughput ÷ their reference's, and N and M summed over both; before it
each database's throughput, p50 and p95 latency and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load import ROOT, free_port, gunicorn, postgres_copy, serving
from bench.register_search import DATA, PG_URL, WORKERS, manage_env, run

BUILT = DATA / "exam.sqlite3"
WORKING = DATA / "exam-run.sqlite3"
PG_EXAM_URL = os.environ.get("NURTURE_BENCH_EXAM_POSTGRES_URL", PG_URL.rsplit("/", 1)[0] + "/nurture_bench_exam")


def django_env(database: Path | str) -> dict[str, str]:
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return {**manage_env(url), "DJANGO_SETTINGS_MODULE": "nurture.settings"}


def made_marker() -> str:
    latest = max(path.stem for path in (ROOT / "nurture" / "exams" / "migrations").glob("0*.py"))
    bank = (ROOT / "nurture" / "exams" / "data" / "demo-bank.json").stat().st_size
    return f"{latest} {bank}"


def build(env: dict[str, str], candidates: int) -> None:
    run(sys.executable, "manage.py", "migrate", "-v0", env=env)
    run(sys.executable, "manage.py", "createcachetable", env=env)
    run(sys.executable, "manage.py", "demo", "--practitioners", "0", "--allow-without-debug", "-v0", env=env)
    run(sys.executable, "-m", "bench.exam_data", "build", str(candidates), env=env)


def sqlite_made(candidates: int) -> Path:
    marker = BUILT.with_suffix(".done")
    wanted = f"{candidates} {made_marker()}"
    if not (marker.exists() and marker.read_text() == wanted and BUILT.exists()):
        for path in (BUILT, BUILT.with_name(BUILT.name + "-wal"), BUILT.with_name(BUILT.name + "-shm")):
            path.unlink(missing_ok=True)
        print(f"Making the exam data on SQLite: {candidates} candidates (once) …", flush=True)
        build(django_env(BUILT), candidates)
        marker.write_text(wanted)
    for path in (WORKING, WORKING.with_name(WORKING.name + "-wal"), WORKING.with_name(WORKING.name + "-shm")):
        path.unlink(missing_ok=True)
    with sqlite3.connect(BUILT) as source, sqlite3.connect(WORKING) as target:
        source.backup(target)
    return WORKING


def postgres_made(candidates: int) -> str | None:
    return postgres_copy(
        PG_EXAM_URL,
        marker=DATA / "exam-postgres.done",
        wanted=f"{candidates} {made_marker()}",
        build=lambda: build(django_env(PG_EXAM_URL), candidates),
        what="the exam sitting on PostgreSQL",
    )


def exam_data(database: Path | str, *args: str) -> Any:
    output = subprocess.run(
        [sys.executable, "-m", "bench.exam_data", *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **django_env(database)}, check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


# The candidates' browsers ----------------------------------------------------------------


@dataclass
class Load:
    """What the clients saw: each save told as saved (attempt, position, choice), in order
    per candidate, and every response's latency."""

    saved: list[tuple[int, int, int]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def rate(self) -> float:
        return len(self.saved) / self.elapsed if self.elapsed else 0.0

    def line(self, name: str) -> str:
        ordered = sorted(self.latencies) or [0.0]
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return (
            f"{name:<44} {self.rate:>9.1f} saves/s   p50 {1000 * statistics.median(ordered):>7.1f} ms   "
            f"p95 {1000 * p95:>7.1f} ms   errors {sum(self.errors.values())} {self.errors or ''}"
        )


async def _post(port: int, path: str, body: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One POST on its own connection (gunicorn's sync workers close each one)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n{head}\r\n{body}"
            ).encode()
        )
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
    status = int(answer[9:12]) if answer.startswith(b"HTTP/1.") else 0
    return status, answer.split(b"\r\n\r\n", 1)[-1]


async def _sit(
    port: int, sitting: dict[str, Any], load: Load, *, saves: int, until: float, reference: bool, index: int
) -> None:
    # A CSRF secret as Django makes one (32 letters and digits), sent as cookie and header.
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    headers = (
        {} if reference else {"Cookie": f"sessionid={sitting['session']}; csrftoken={token}", "X-CSRFToken": token}
    )
    options: list[int] = sitting["options"]
    attempt = sitting["attempt"]
    for k in range(saves):
        if time.monotonic() >= until:
            return
        position = k % len(options) + 1
        choice = (k * 7 + index) % options[position - 1]
        path = f"/write/{attempt}/{position}/" if reference else f"/exam/attempt/{attempt}/answer/{position}/"
        started = time.monotonic()
        try:
            status, body = await _post(port, path, f"choice={choice}", headers)
        except OSError as error:
            load.error(type(error).__name__)
            continue
        load.latencies.append(time.monotonic() - started)
        if status == 200 and b'"saved": true' in body:
            load.saved.append((attempt, position, choice))
        else:
            load.error(f"HTTP {status}")


def sit_all(
    port: int, sittings: list[dict[str, Any]], *, seconds: float, saves: int, reference: bool, load: Load | None = None
) -> Load:
    """Every candidate at once for `seconds`; added to `load` when given (a later round)."""
    load = load if load is not None else Load()

    async def everyone() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _sit(port, s, load, saves=saves, until=until, reference=reference, index=i)
                for i, s in enumerate(sittings)
            )
        )

    started = time.monotonic()
    asyncio.run(everyone())
    load.elapsed += time.monotonic() - started
    return load


@dataclass(frozen=True)
class Outcome:
    vendor: str
    reference: Load
    saves: Load
    lost: int
    duplicated: int
    answers: int

    @property
    def ratio(self) -> float:
        return self.saves.rate / self.reference.rate if self.reference.rate else 0.0


def one_database(name: str, database: Path | str, args: argparse.Namespace) -> Outcome:
    env = django_env(database)
    sittings = exam_data(database, "sittings")
    print(f"\n{name}: {len(sittings)} candidates sit at once …", flush=True)
    # Both servers run side by side (an idle sync worker waits in accept, using no CPU) and
    # the load alternates between them round by round, so a change in what else this
    # shared machine is doing falls on both rather than on one of them.
    reference_port, port = free_port(), free_port()
    reference, saves = Load(), Load()
    with (
        serving(
            gunicorn("bench.bare_write_app:application", reference_port, workers=WORKERS),
            url=f"http://127.0.0.1:{reference_port}/write/0/0/",
            env={"DATABASE_URL": env["DATABASE_URL"]},
        ),
        serving(gunicorn("nurture.wsgi:application", port, workers=WORKERS), url=f"http://127.0.0.1:{port}/", env=env),
    ):
        # Uncounted first: each worker's first requests import and compile what later ones reuse.
        sit_all(reference_port, sittings, seconds=args.warmup, saves=args.saves, reference=True, load=Load())
        warm = sit_all(port, sittings, seconds=args.warmup, saves=args.saves, reference=False, load=Load())
        each = args.seconds / args.rounds
        for round_ in range(1, args.rounds + 1):
            before = (len(reference.saved), reference.elapsed, len(saves.saved), saves.elapsed)
            sit_all(reference_port, sittings, seconds=each, saves=args.saves, reference=True, load=reference)
            sit_all(port, sittings, seconds=each, saves=args.saves, reference=False, load=saves)
            bare = (len(reference.saved) - before[0]) / (reference.elapsed - before[1])
            ours = (len(saves.saved) - before[2]) / (saves.elapsed - before[3])
            print(f"  round {round_}: bare view {bare:.0f}/s, answer saves {ours:.0f}/s, {ours / bare:.2f}×")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as told:
        told.writelines(f"{a} {p} {c}\n" for a, p, c in warm.saved + saves.saved)  # the warm-up's too
    try:
        counted = exam_data(database, "verify", told.name)
    finally:
        os.unlink(told.name)
    print(reference.line(f"bare view writing one row ({name})"))
    print(saves.line(f"answer saves ({name})"))
    print(
        f"Told saved: {counted['told']:,} saves of {counted['answers']:,} answers; "
        f"lost {counted['lost']}, duplicated {counted['duplicated']}; "
        f"answer saves: {saves.rate / reference.rate if reference.rate else 0:.2f}× the bare view writing one row"
    )
    return Outcome(name, reference, saves, counted["lost"], counted["duplicated"], counted["answers"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--saves", type=int, default=180)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two loads within --seconds")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of each load first, not counted")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    if shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists():
        raise SystemExit("gunicorn is not installed in this environment")
    outcomes = [one_database("sqlite", sqlite_made(args.candidates), args)]
    if not args.no_postgres and (pg := postgres_made(args.candidates)) is not None:
        outcomes.append(one_database("postgres", pg, args))
    ratio = min(o.ratio for o in outcomes)
    lost = sum(o.lost for o in outcomes)
    duplicated = sum(o.duplicated for o in outcomes)
    figures = " ".join(
        f"{o.vendor}_saves_per_second={o.saves.rate:.1f} {o.vendor}_reference={o.reference.rate:.1f} "
        f"{o.vendor}_p95_ms={1000 * sorted(o.saves.latencies)[int(0.95 * (len(o.saves.latencies) - 1))]:.0f}"
        for o in outcomes
        if o.saves.latencies
    )
    print(f"exam_sitting: ratio={ratio:.3f} lost={lost} duplicated={duplicated} {figures}")


if __name__ == "__main__":
    main()
