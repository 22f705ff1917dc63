"""Awareness Week under load: the campaign's public pages, and signing the pledge.

    python -m bench.campaign [--seconds 10] [--connections 16] [--sign-seconds 60] [--sign-rate 200]
                             [--sign-threads 48] [--confirm-after] [--no-postgres]

What it does, all on this machine:
1. Makes, once, a SQLite database (bench-data/campaign.sqlite3) with this year's
   campaign, 100,000 confirmed pledge signatures and 20,000 approved events: `migrate`,
   `createcachetable`, `manage.py demo --practitioners 0`, then the campaign and events
   demos' bulk helpers (bench/campaign_data.py). Every run works on a fresh copy of it.
2. Loads with wrk, at the same concurrency for the same time, under gunicorn with the
   same workers (NURTURE_BENCH_WORKERS, default 4), caching as it ships (the database
   cache): a bare Django view (the reference), the campaign landing page, a filtered
   calendar page (region × audience, from the campaign's first day), the month view of
   the busiest month (all 20,000 events fall in the campaign's week), the pledge page,
   and one region's iCalendar feed, asked afresh (200) with `Accept-Encoding: gzip` as
   calendar applications ask for it, with the ETag it just served in If-None-Match
   (304), and afresh by a client that takes no compression. Prints requests per second and p50 / p95 latency for each,
   and each page's ratio to the bare view.
3. Signs the pledge over HTTP at `--sign-rate` a second for `--sign-seconds` (a token
   bucket; the rate achieved is printed), every signature with its own email, the
   pledge's rate limits off (NURTURE_PLEDGE_LIMIT_PER_ADDRESS/NETWORK=0: every request
   comes from 127.0.0.1). Emails go to a mailbox on disk (bench/campaign_mail.py);
   signers read their email while signing goes on (or, with --confirm-after, once it
   is over) and follow the link: open it, then press Confirm (a POST). Every tenth
   signer never confirms; every seventh presses Confirm twice at once.
   Then does the same on PostgreSQL (unless --no-postgres): the same data made once in
   nurture_bench_campaign (NURTURE_BENCH_CAMPAIGN_POSTGRES_URL), each run on a fresh copy
   of it (CREATE DATABASE … TEMPLATE).
4. Checks, on each database, that the public count (GET /api/v1/pledges/<slug>, `confirmed`) grew by
   exactly the number of signatures confirmed, that exactly those signatures are
   confirmed in the database, that no email signed twice, and that the tallies agree
   with the confirmed rows.
The last line is `campaign: ratio=R landing=… calendar=… month=… pledge=… feed=… feed_304=…
feed_uncompressed=… signing_rate=S signatures_sent=N confirmed=N counted=N exactly_once=yes|no pg_signing_rate=S …`
where each page's figure is its requests per second ÷ the bare view's, R is the lowest of
them but feed_uncompressed (1.7 MB a request, printed to be seen), and the signing
figures are SQLite's, then PostgreSQL's (pg_).
"""

from __future__ import annotations

import argparse
import email
import gzip
import http.client
import json
import os
import queue
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from bench.load import ROOT, Result, free_port, gunicorn, load, postgres_copy, serving, wrk_available
from bench.register_search import DATA, PG_URL, WORKERS, manage_env, run

SIGNATURES = 100_000
EVENTS = 20_000
BUILT = DATA / "campaign.sqlite3"
WORKING = DATA / "campaign-run.sqlite3"
MAILBOX = DATA / "campaign-mail"
AUDIENCES = ("parents", "professionals")
PROFESSIONS = ("health-visitor", "midwife", "nurse", "social-worker", "early-years", "teacher", "other")
REGIONS = ("london", "north-west", "yorkshire", "wales", "scotland", "south-west", "east")
# PostgreSQL for the signing load: this database is made once, and each run signs on a
# fresh copy of it named with "_run" after it.
PG_CAMPAIGN_URL = os.environ.get(
    "NURTURE_BENCH_CAMPAIGN_POSTGRES_URL", PG_URL.rsplit("/", 1)[0] + "/nurture_bench_campaign"
)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFIRM_LINK = re.compile(r"https?://\S+/awareness-week/pledge/confirm/[^/\s]+/")


def django_env(database: Path | str) -> dict[str, str]:
    """The benchmark's settings on a SQLite file, or on a database URL."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return {**manage_env(url), "DJANGO_SETTINGS_MODULE": "nurture.settings"}


def data_made() -> None:
    """The campaign database, made once and kept under bench-data/."""
    marker = BUILT.with_suffix(".done")
    wanted = f"{SIGNATURES} {EVENTS}"
    env = django_env(BUILT)
    if not (DATA / "static").exists():  # the pages' static files, whether or not the data is new
        run(sys.executable, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    if marker.exists() and marker.read_text() == wanted and BUILT.exists():
        return
    for path in (BUILT, BUILT.with_name(BUILT.name + "-wal"), BUILT.with_name(BUILT.name + "-shm")):
        path.unlink(missing_ok=True)
    print(f"Making the campaign data: {SIGNATURES:,} signatures, {EVENTS:,} events (once) …", flush=True)
    started = time.monotonic()
    campaign_data_build(env)
    marker.write_text(wanted)
    print(f"\nMade in {time.monotonic() - started:.0f} s.", flush=True)


def campaign_data_build(env: dict[str, str]) -> None:
    """The schema, the demo's campaign, then the bulk signatures and events, into `env`'s database."""
    run(sys.executable, "manage.py", "migrate", "-v0", env=env)
    run(sys.executable, "manage.py", "createcachetable", env=env)
    run(sys.executable, "manage.py", "demo", "--practitioners", "0", "--allow-without-debug", "-v0", env=env)
    run(sys.executable, "-m", "bench.campaign_data", "build", str(SIGNATURES), str(EVENTS), env=env)


def working_copy() -> None:
    """A fresh copy of the built data for this run (signing adds to it)."""
    for path in (WORKING, WORKING.with_name(WORKING.name + "-wal"), WORKING.with_name(WORKING.name + "-shm")):
        path.unlink(missing_ok=True)
    with sqlite3.connect(BUILT) as source, sqlite3.connect(WORKING) as target:
        source.backup(target)
    target.close()
    source.close()


def postgres_made() -> str | None:
    """The campaign database on PostgreSQL, made once (as the SQLite one), and a fresh
    copy of it for this run: its URL, or None when PostgreSQL is not reachable."""
    return postgres_copy(
        PG_CAMPAIGN_URL,
        marker=DATA / "campaign-postgres.done",
        wanted=f"{SIGNATURES} {EVENTS}",
        build=lambda: campaign_data_build(django_env(PG_CAMPAIGN_URL)),
        what="the campaign's signing on PostgreSQL",
    )


def django_json(*args: str, database: Path | str = WORKING) -> Any:
    output = subprocess.run(
        [sys.executable, "-m", "bench.campaign_data", *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **django_env(database)}, check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


# HTTP as a person's browser would speak it ----------------------------------------------


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]
    seconds: float


class Browser:
    """One person's connection and cookies (gunicorn's sync workers close each connection)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, text, dict(response.headers.items()), time.monotonic() - started)

    def open_form(self, path: str) -> Answer:
        """GET a page with a form: its CSRF cookie and token."""
        answer = self.request("GET", path)
        found = CSRF_INPUT.search(answer.body)
        if found:
            self.token = found.group(1)
        return answer

    def post(self, path: str, form: dict[str, str]) -> Answer:
        return self.request("POST", path, {"csrfmiddlewaretoken": self.token, **form})


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def public_count(port: int, slug: str) -> int:
    answer = Browser(port).request("GET", f"/api/v1/pledges/{slug}")
    if answer.status != 200:
        raise RuntimeError(f"pledge API answered {answer.status}: {answer.body[:300]}")
    return int(json.loads(answer.body)["confirmed"])


# Signing ---------------------------------------------------------------------------------


@dataclass
class Signing:
    """What happened while people signed and confirmed."""

    rate: float
    seconds: int
    domain: str
    port: int
    slug: str
    sign_latency: list[float] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    sent: int = 0
    sign_failures: dict[str, int] = field(default_factory=dict)
    sign_elapsed: float = 0.0
    mails: int = 0
    mails_without_link: int = 0
    confirm_posts: int = 0
    confirm_elapsed: float = 0.0
    confirm_latency: list[float] = field(default_factory=list)
    confirm_failures: dict[str, int] = field(default_factory=dict)
    confirmed: set[str] = field(default_factory=set)
    left_pending: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, where: dict[str, int], what: str) -> None:
        with self.lock:
            where[what] = where.get(what, 0) + 1


def signer_email(n: int, domain: str) -> str:
    return f"signer{n}@{domain}"


def signer_number(address: str) -> int:
    return int(address.split("@", 1)[0].removeprefix("signer"))


def sign_all(state: Signing, *, threads: int) -> None:
    """`rate` signatures a second for `seconds`, each POSTed at its appointed time (or as soon
    after as a free thread can): a token bucket feeding a pool of browsers."""
    total = int(state.rate * state.seconds)
    jobs: queue.Queue[tuple[int, float] | None] = queue.Queue()
    page = f"/awareness-week/{state.slug}/pledge/"

    def worker() -> None:
        browser = Browser(state.port)
        browser.open_form(page)
        while (job := jobs.get()) is not None:
            n, due = job
            state.lag.append(time.monotonic() - due)
            form = {
                "name": f"Bench Signer {n}",
                "profession": PROFESSIONS[n % len(PROFESSIONS)],
                "organisation": "Bench Family Hub" if n % 3 else "",
                "region": REGIONS[n % len(REGIONS)],
                "email": signer_email(n, state.domain),
                "website": "",
                **({"show_name": "on"} if n % 2 else {}),
            }
            try:
                answer = browser.post(page, form)
            except OSError as error:
                state.fail(state.sign_failures, type(error).__name__)
                continue
            state.sign_latency.append(answer.seconds)
            if answer.status == 302 and answer.headers.get("Location", "").endswith("/pledge/sent/"):
                with state.lock:
                    state.sent += 1
            else:
                state.fail(state.sign_failures, f"HTTP {answer.status}")

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    time.sleep(1)  # every browser has its form
    started = time.monotonic()
    for n in range(1, total + 1):
        due = started + (n - 1) / state.rate
        if (wait := due - time.monotonic()) > 0:
            time.sleep(wait)
        jobs.put((n, due))
    for _ in pool:
        jobs.put(None)
    for thread in pool:
        thread.join()
    state.sign_elapsed = time.monotonic() - started


def confirm_link(path: Path) -> tuple[str, str] | None:
    """(to, confirm link) from an email in the mailbox."""
    message = email.message_from_bytes(path.read_bytes())
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            text = payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
            if found := CONFIRM_LINK.search(text):
                return str(message["To"]), found.group(0)
    return None


def confirm_all(state: Signing, done_signing: threading.Event, *, threads: int) -> None:
    """Signers read their email as it arrives and follow the link: open it, press Confirm."""
    jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()

    def worker() -> None:
        browser = Browser(state.port)
        while (job := jobs.get()) is not None:
            to, link = job
            path = urllib.parse.urlsplit(link).path
            try:
                opened = browser.open_form(path)
                if opened.status != 200:
                    state.fail(state.confirm_failures, f"open: HTTP {opened.status}")
                    continue
                answer = browser.post(path, {})
            except OSError as error:
                state.fail(state.confirm_failures, type(error).__name__)
                continue
            with state.lock:
                state.confirm_posts += 1
                state.confirm_latency.append(answer.seconds)
            if answer.status == 200 and "your signature counts" in answer.body:
                with state.lock:
                    state.confirmed.add(to)
            else:
                state.fail(state.confirm_failures, f"confirm: HTTP {answer.status}")

    started = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    seen: set[str] = set()
    while True:
        finished = done_signing.is_set()
        for entry in sorted(os.scandir(MAILBOX), key=lambda e: e.name):
            if entry.name in seen or not entry.name.endswith(".eml"):
                continue
            seen.add(entry.name)
            found = confirm_link(Path(entry.path))
            state.mails += 1
            if found is None:
                state.mails_without_link += 1
                continue
            to, link = found
            n = signer_number(to)
            if n % 10 == 0:
                state.left_pending.add(to)
                continue
            jobs.put((to, link))
            if n % 7 == 0:
                jobs.put((to, link))  # pressed twice: the second at once, on another connection
        if finished:
            break
        time.sleep(0.25)
    for _ in pool:
        jobs.put(None)
    for thread in pool:
        thread.join()
    state.confirm_elapsed = time.monotonic() - started


def signing_run(args: argparse.Namespace, slug: str, database: Path | str) -> tuple[Signing, dict[str, Any], int, int]:
    shutil.rmtree(MAILBOX, ignore_errors=True)
    MAILBOX.mkdir(parents=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **django_env(database),
        "NURTURE_PLEDGE_LIMIT_PER_ADDRESS": "0",
        "NURTURE_PLEDGE_LIMIT_PER_NETWORK": "0",
        # The site's email limits count every signer as one sender too (all from 127.0.0.1).
        "NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR": "0",
        "NURTURE_EMAIL_LIMIT_PER_SENDER_DAY": "0",
        "DJANGO_EMAIL_BACKEND": "bench.campaign_mail.EmailBackend",
        "NURTURE_BENCH_MAIL_DIR": str(MAILBOX),
        "NURTURE_SITE_URL": base,
    }
    domain = f"run-{uuid.uuid4().hex[:8]}.bench.nurture.test"
    state = Signing(rate=args.sign_rate, seconds=args.sign_seconds, domain=domain, port=port, slug=slug)
    with serving(gunicorn("nurture.wsgi:application", port, workers=WORKERS), url=f"{base}/awareness-week/", env=env):
        before = public_count(port, slug)
        done_signing = threading.Event()
        confirming = threading.Thread(target=confirm_all, args=(state, done_signing), kwargs={"threads": 16})
        if not args.confirm_after:
            confirming.start()  # signers confirm as their email arrives, while others sign
        sign_all(state, threads=args.sign_threads)
        done_signing.set()
        if args.confirm_after:
            confirming.start()
        confirming.join()
        after = public_count(port, slug)
    checked = django_json("check", "@" + domain, database=database)
    return state, checked, before, after


# Pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pages:
    """The loads of `pages_loaded`: the reference and each page the last line rates."""

    bare: Result
    landing: Result
    calendar: Result
    month: Result
    pledge: Result
    feed: Result
    feed_not_modified: Result
    feed_uncompressed: Result

    def all(self) -> list[Result]:
        return [
            self.bare,
            self.landing,
            self.calendar,
            self.month,
            self.pledge,
            self.feed,
            self.feed_not_modified,
            self.feed_uncompressed,
        ]

    def ratios(self) -> dict[str, float]:
        """Each page's requests per second ÷ the bare view's, by the name the last line gives it."""
        pages = {
            "landing": self.landing,
            "calendar": self.calendar,
            "month": self.month,
            "pledge": self.pledge,
            "feed": self.feed,
            "feed_304": self.feed_not_modified,
        }
        return {name: page.requests_per_second / self.bare.requests_per_second for name, page in pages.items()}

    def uncompressed_ratio(self) -> float:
        """The feed asked by a client that takes no compression: printed, not in R."""
        return self.feed_uncompressed.requests_per_second / self.bare.requests_per_second


GZIP = {"Accept-Encoding": "gzip"}


def pages_loaded(args: argparse.Namespace, facts: dict[str, Any]) -> Pages:
    def hit(name: str, base: str, paths: list[str], headers: dict[str, str] | None = None) -> Result:
        return load(name, base, paths, connections=args.connections, seconds=args.seconds, headers=headers)

    port = free_port()
    with serving(gunicorn("bench.bare_app:application", port, workers=WORKERS), url=f"http://127.0.0.1:{port}/"):
        bare = hit("bare Django view (reference)", f"http://127.0.0.1:{port}", ["/"])
    if bare.requests_per_second <= 0:
        raise RuntimeError("the bare Django view answered nothing: the machine is too busy to measure against it")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    slug, start, region = facts["slug"], facts["starts_on"], facts["region"]
    regions = sorted(facts["regions"])
    calendar = [f"/events/?region={r}&audience={a}&start={start}" for r in regions for a in AUDIENCES]
    month = f"/events/month/{facts['busiest_month']}/"
    with serving(
        gunicorn("nurture.wsgi:application", port, workers=WORKERS),
        url=f"{base}/awareness-week/",
        env=django_env(WORKING),
    ):
        for path in ("/awareness-week/", calendar[0], month, f"/awareness-week/{slug}/pledge/"):
            answer = Browser(port).request("GET", path)
            if answer.status != 200:
                raise RuntimeError(f"{path} answered {answer.status}")
            if path == month:
                print(
                    f"The month view of {facts['busiest_month']} ({facts['busiest_month_events']:,} events): "
                    f"{len(answer.body.encode()):,} bytes."
                )
        feed = f"/events/feed.ics?region={region}&start={start}"
        answer = Browser(port).request("GET", feed)
        if answer.status != 200:
            raise RuntimeError(f"{feed} answered {answer.status}")
        print(f"The {region} feed holds {answer.body.count('BEGIN:VEVENT'):,} events ({len(answer.body):,} bytes).")
        # The 304 path: the feed asked again with the ETag it just served.
        etag = {"If-None-Match": answer.headers["ETag"]}
        if (status := _get(port, feed, etag)) != 304:
            raise RuntimeError(f"{feed} with If-None-Match answered {status}, not 304")
        # Calendar applications (Google, Apple, Outlook) ask for feeds compressed.
        status, headers, packed = _fetch(port, feed, GZIP)
        if status != 200 or headers.get("Content-Encoding") != "gzip":
            raise RuntimeError(f"{feed} asked with gzip answered {status} {headers.get('Content-Encoding')}")
        if gzip.decompress(packed).decode() != answer.body:
            raise RuntimeError(f"{feed} compressed is not the feed")
        print(f"Compressed, as calendar applications ask for it: {len(packed):,} bytes.")
        return Pages(
            bare=bare,
            landing=hit("campaign landing page", base, ["/awareness-week/"]),
            calendar=hit("calendar page (region × audience)", base, calendar),
            month=hit(f"month view {facts['busiest_month']}", base, [month]),
            pledge=hit("pledge page", base, [f"/awareness-week/{slug}/pledge/"]),
            feed=hit(f"iCalendar feed ({region}), 200, gzip", base, [feed], headers=GZIP),
            feed_not_modified=hit(f"iCalendar feed ({region}), 304", base, [feed], headers=etag),
            feed_uncompressed=hit(f"iCalendar feed ({region}), 200, uncompressed", base, [feed]),
        )


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    """The status of a GET with these headers."""
    return _fetch(port, path, headers)[0]


def _fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A GET with these headers: its status, headers and body as sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **headers})
        response = connection.getresponse()
        return response.status, dict(response.headers.items()), response.read()
    finally:
        connection.close()


def summary_line(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {statistics.median(values) * 1000:.1f} ms, p95 {percentile(values, 95) * 1000:.1f} ms, "
        f"max {max(values) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sign-seconds", type=int, default=60)
    parser.add_argument("--sign-rate", type=float, default=200.0)
    parser.add_argument("--sign-threads", type=int, default=48)
    parser.add_argument(
        "--confirm-after",
        action="store_true",
        help="follow the confirmation links only once signing is over (default: while signing goes on)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="sign on SQLite only")
    args = parser.parse_args()
    if not wrk_available():
        sys.exit("wrk is needed: apt-get install wrk")
    DATA.mkdir(exist_ok=True)
    data_made()
    working_copy()
    facts = django_json("facts")
    print(
        f"Campaign {facts['slug']} ({facts['starts_on']} to {facts['ends_on']}): "
        f"{facts['listed_events']:,} listed events of {facts['all_events']:,}; "
        f"{args.connections} connections, {args.seconds} s each, gunicorn with {WORKERS} workers",
        flush=True,
    )
    pages = pages_loaded(args, facts)

    print(f"\nSigning on SQLite: {args.sign_rate:g} a second for {args.sign_seconds} s …", flush=True)
    signed = {"sqlite": signing_run(args, facts["slug"], WORKING)}
    postgres = None if args.no_postgres else postgres_made()
    if postgres is not None:
        print(f"Signing on PostgreSQL: {args.sign_rate:g} a second for {args.sign_seconds} s …", flush=True)
        signed["postgres"] = signing_run(args, facts["slug"], postgres)

    print()
    for result in pages.all():
        print(result.line())
    print()
    for result in pages.all()[1:]:
        print(f"{result.name}: {result.requests_per_second / pages.bare.requests_per_second:.2f}× the bare Django view")
    ratios = pages.ratios()
    ratio = min(ratios.values())

    figures = []
    for database, (state, checked, before, after) in signed.items():
        rate, exact = signing_report(database, args, state, checked, before, after)
        prefix = "" if database == "sqlite" else "pg_"
        figures.append(
            f"{prefix}signing_rate={rate:.1f} {prefix}signatures_sent={state.sent} "
            f"{prefix}confirmed={len(state.confirmed)} {prefix}counted={after - before} "
            f"{prefix}exactly_once={'yes' if exact else 'no'}"
        )
    each = " ".join(f"{name}={value:.3f}" for name, value in ratios.items())
    uncompressed = f"feed_uncompressed={pages.uncompressed_ratio():.3f}"
    print(f"campaign: ratio={ratio:.3f} {each} {uncompressed} {' '.join(figures)}")


def signing_report(
    database: str, args: argparse.Namespace, state: Signing, checked: dict[str, Any], before: int, after: int
) -> tuple[float, bool]:
    """Print what happened while people signed on `database`: the rate achieved and
    whether every confirmed signature was counted exactly once."""
    wanted = int(args.sign_rate * args.sign_seconds)
    rate = state.sent / state.sign_elapsed if state.sign_elapsed else 0.0
    print()
    print(
        f"Signing on {database}: {state.sent:,} of {wanted:,} accepted in {state.sign_elapsed:.1f} s = "
        f"{rate:.1f} a second (asked {args.sign_rate:g}); "
        f"response {summary_line(state.sign_latency)}; sent late by {summary_line(state.lag)}"
    )
    if state.sign_failures:
        print(f"  signing failures: {state.sign_failures}")
    print(
        f"Mail: {state.mails:,} emails, {state.mails_without_link} without a confirm link; "
        f"{len(state.left_pending):,} signers never confirm; {state.confirm_posts:,} Confirm presses "
        f"{'after signing' if args.confirm_after else 'while signing'} in {state.confirm_elapsed:.1f} s "
        f"(response {summary_line(state.confirm_latency)})"
    )
    if state.confirm_failures:
        print(f"  confirming failures: {state.confirm_failures}")
    db_confirmed = set(checked["confirmed_emails"])
    counted = after - before
    print(
        f"Database: {checked['signatures']:,} signatures from this run by status {checked['by_status']}; "
        f"confirmed = the ones confirmed: {db_confirmed == state.confirmed}; "
        f"emails with two signatures: {checked['emails_signed_twice']}"
    )
    print(
        f"Public count: {before:,} → {after:,} (+{counted:,}); confirmed rows {checked['campaign_confirmed_rows']:,}, "
        f"tallies {checked['campaign_tallied']:,}"
    )
    exact = (
        counted == len(state.confirmed)
        and db_confirmed == state.confirmed
        and checked["emails_signed_twice"] == 0
        and checked["campaign_confirmed_rows"] == checked["campaign_tallied"] == after
        and state.sent == checked["signatures"]
    )
    print(f"Every confirmed signature counted exactly once: {'yes' if exact else 'NO'}")
    return rate, exact


if __name__ == "__main__":
    main()
