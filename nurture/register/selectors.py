"""Reads of the Register: the public search, verification, the employers' check,
the open-data export, and what the practitioner and the registrar see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nurture.accounts.models import Profession, Region, User
from nurture.core.audit import audit_trail
from nurture.framework.models import Level
from nurture.portfolios.selectors import cpd_hours_of, supervision_hours_of
from nurture.register.models import RegisterEntry, RegisterNameToken
from nurture.register.names import query_words
from nurture.register.numbers import NumberCheck, number_check

# The audit action written on an entry when its practitioner erases their account.
ACCOUNT_ERASED = "register.entry.account_erased"

PER_PAGE = 20
MAX_PAGE = 500
# A search with more than one page counts its matches up to this many and no further
# ("more than 100"): a count that stops early costs a few index steps, where a COUNT
# over every match of a one-letter name on a large Register would cost a scan.
COUNT_CAP = 100
STATUS_LABELS = dict(RegisterEntry.Status.choices)
PROFESSION_LABELS = dict(Profession.choices)
REGION_LABELS = dict(Region.choices)
DEFAULT_RENEWAL_HOURS = (Decimal(15), Decimal(12))
RENEWAL_WINDOW_MONTHS = 12

# The columns the public may see; profession, region and employer only when the
# practitioner chose to show them.
PUBLIC_COLUMNS = (
    "number",
    "full_name",
    "level_code",
    "level_name",
    "status",
    "first_endorsed_on",
    "period_started_on",
    "renewal_due_on",
    "status_changed_at",
    "show_profession",
    "profession",
    "show_region",
    "region",
    "show_employer",
    "employer",
)


def public_fields(row: dict[str, Any]) -> dict[str, Any]:
    """One entry as the public sees it, from a `values(*PUBLIC_COLUMNS)` row."""
    status = row["status"]
    return {
        "number": row["number"],
        "full_name": row["full_name"],
        "level": row["level_code"],
        "level_name": row["level_name"],
        "status": status,
        "status_label": STATUS_LABELS.get(status, status),
        "endorsed_today": status in (RegisterEntry.Status.ACTIVE, RegisterEntry.Status.RENEWAL_DUE),
        "lapsed": status == RegisterEntry.Status.LAPSED,
        "first_endorsed_on": row["first_endorsed_on"],
        "period_started_on": row["period_started_on"],
        "renewal_due_on": row["renewal_due_on"],
        "status_changed_on": row["status_changed_at"].date(),
        "profession": PROFESSION_LABELS.get(row["profession"], "") if row["show_profession"] else "",
        "region": REGION_LABELS.get(row["region"], "") if row["show_region"] else "",
        "employer": row["employer"] if row["show_employer"] else "",
    }


def _prefix(word: str, field: str = "token") -> Q:
    """`field` starts with `word`, as a range the token index serves in order on
    both databases: SQLite compares bytes, and on PostgreSQL the token columns
    are in the "C" collation (migration 0002)."""
    return Q(**{f"{field}__gte": word, f"{field}__lt": word + "\U0010ffff"})


def _words_filter(words: list[str]) -> Q:
    """Every word must be the start of one of the entry's name tokens."""
    condition = Q()
    for word in words:
        condition &= Q(id__in=RegisterNameToken.objects.filter(_prefix(word)).values("entry_id"))
    return condition


def _distinct_entries(rows: QuerySet[Any], wanted: int) -> list[dict[str, Any]]:
    """The first `wanted` distinct entries of a token-ordered stream (an entry can
    match through more than one of its tokens). Usually one query."""
    seen: set[int] = set()
    found: list[dict[str, Any]] = []
    offset, chunk = 0, wanted * 2 + 8
    while True:
        batch = list(rows[offset : offset + chunk])
        for row in batch:
            if row["entry_id"] not in seen:
                seen.add(row["entry_id"])
                found.append({column: row[f"entry__{column}"] for column in PUBLIC_COLUMNS})
        if len(found) >= wanted or len(batch) < chunk:
            return found[:wanted]
        offset += chunk


def _name_tokens(words: list[str], filters: dict[str, Any]) -> QuerySet[RegisterNameToken]:
    """The name tokens that match, in index order (token, name, id): the longest word
    drives an index range scan; the other words and the filters are checked on each row."""
    driver = max(words, key=len)
    tokens = RegisterNameToken.objects.filter(_prefix(driver)).exclude(entry__status=RegisterEntry.Status.REMOVED)
    for word in words:
        if word != driver:
            tokens = tokens.filter(
                Exists(RegisterNameToken.objects.filter(_prefix(word), entry_id=OuterRef("entry_id")))
            )
    tokens = tokens.filter(**{f"entry__{name}": value for name, value in filters.items()})
    return tokens.order_by("token", "sort_name", "entry_id")


def _name_search(tokens: QuerySet[RegisterNameToken], wanted: int) -> list[dict[str, Any]]:
    """Name search in token order, so the first page comes after about a page of index steps."""
    rows = tokens.values("entry_id", *(f"entry__{column}" for column in PUBLIC_COLUMNS))
    return _distinct_entries(rows, wanted)


@dataclass(frozen=True)
class MatchCount:
    """How many entries a search matches: exact up to `COUNT_CAP`, then "more than"."""

    count: int
    more: bool = False


@dataclass(frozen=True)
class SearchPage:
    rows: list[dict[str, Any]]
    number: int
    has_next: bool
    per_page: int = PER_PAGE
    words: list[str] = field(default_factory=list)
    matches: MatchCount | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first(self) -> int:
        """The place of the page's first row among all the matches (1 for the first page)."""
        return (self.number - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def _matches_by_name(tokens: QuerySet[RegisterNameToken], cap: int) -> MatchCount:
    """Distinct entries among the first matching tokens in index order: the plan the
    page itself uses (a nested loop from the token index), stopped after twice the cap,
    since an entry can match through two of its tokens (a name part and the whole name)."""
    read = 2 * (cap + 1)
    ids = list(tokens.values_list("entry_id", flat=True)[:read])
    distinct = len(set(ids))
    if distinct > cap:
        return MatchCount(cap, more=True)
    return MatchCount(distinct, more=len(ids) == read)


def _matches_by_filters(filters: dict[str, Any], cap: int) -> MatchCount:
    found = RegisterEntry.objects.for_public_display().filter(**filters).order_by()[: cap + 1].count()
    return MatchCount(min(found, cap), more=found > cap)


def register_search(
    *,
    q: str = "",
    number: str = "",
    level: str = "",
    region: str = "",
    profession: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    count: bool = False,
) -> SearchPage:
    """The public search: usually one query, and never a COUNT over the whole Register.

    With `count`, the page says how many entries match (`matches`): when the page is the
    last one that is known from its rows, without another query; otherwise a second query
    counts up to `COUNT_CAP` matches and stops (`MatchCount.more`).

    `q` is matched word by word against the start of any part of the name,
    ignoring case, accents, apostrophes and hyphens; results come grouped by the
    name part that matched, then by folded full name ("smi" lists every Smith,
    then every Smithson). Without `q`, results are by folded full name. `number`
    must already be valid (see `numbers.number_check`). Removed entries are never
    found; region and profession match only where the practitioner shows them."""
    page = min(max(page, 1), MAX_PAGE)
    filters: dict[str, Any] = {}
    if number:
        filters["number"] = number
    if level:
        filters["level_code"] = level
    if region:
        filters.update(region=region, show_region=True)
    if profession:
        filters.update(profession=profession, show_profession=True)
    start = (page - 1) * per_page
    words = query_words(q)
    tokens = _name_tokens(words, filters) if words else None
    if tokens is not None:
        rows = _name_search(tokens, start + per_page + 1)[start:]
    else:
        entries = RegisterEntry.objects.for_public_display().filter(**filters).order_by("search_name", "id")
        rows = list(entries.values(*PUBLIC_COLUMNS)[start : start + per_page + 1])
    has_next = len(rows) > per_page
    matches = None
    if count and not has_next and (rows or page == 1):
        matches = MatchCount(start + len(rows))
    elif count and has_next:
        cap = max(COUNT_CAP, start + per_page)
        matches = _matches_by_name(tokens, cap) if tokens is not None else _matches_by_filters(filters, cap)
    return SearchPage(
        rows=[public_fields(row) for row in rows[:per_page]],
        number=page,
        has_next=has_next,
        per_page=per_page,
        words=words,
        matches=matches,
    )


def register_entry_public(number: str) -> dict[str, Any] | None:
    """One entry as the public sees it, or None if unknown or removed."""
    row = RegisterEntry.objects.for_public_display().filter(number=number).values(*PUBLIC_COLUMNS).first()
    return public_fields(row) if row else None


def register_export_rows() -> Iterator[dict[str, Any]]:
    rows = RegisterEntry.objects.for_public_display().order_by("number").values(*PUBLIC_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        yield public_fields(row)


@dataclass(frozen=True)
class CheckRow:
    """One line of an employer's check: what was typed and what the Register says."""

    line: int
    check: NumberCheck
    entry: dict[str, Any] | None

    @property
    def outcome(self) -> str:
        if not self.check.valid:
            return self.check.problem
        if self.entry is None:
            return "Not on the Register: no entry has this number."
        if self.entry["endorsed_today"]:
            return "Endorsed today."
        return f"Not endorsed today ({self.entry['status_label'].lower()})."


def register_check(numbers: list[str]) -> list[CheckRow]:
    """Each number's status today, in the order given, in one query."""
    checks = [number_check(typed) for typed in numbers]
    wanted = {c.number for c in checks if c.valid}
    found = {
        row["number"]: public_fields(row)
        for row in RegisterEntry.objects.for_public_display().filter(number__in=wanted).values(*PUBLIC_COLUMNS)
    }
    return [CheckRow(line, c, found.get(c.number) if c.valid else None) for line, c in enumerate(checks, 1)]


def register_entries_of(practitioner: User) -> QuerySet[RegisterEntry]:
    return RegisterEntry.objects.filter(practitioner=practitioner).exclude(status=RegisterEntry.Status.REMOVED)


def staff_register_search(*, q: str = "", status: str = "") -> QuerySet[RegisterEntry]:
    """The registrar's search: every entry, removed ones too, by name or number."""
    entries = RegisterEntry.objects.all()
    check = number_check(q)
    if check.valid:
        return entries.filter(number=check.number)
    words = query_words(q)
    if words:
        entries = entries.filter(_words_filter(words))
    if status in STATUS_LABELS:
        entries = entries.filter(status=status)
    return entries.order_by("search_name", "id")


def renewal_requirements(level_code: str) -> tuple[Decimal, Decimal]:
    """(CPD hours, supervision hours) a renewal needs: the current framework's level
    with this code, else the newest level that had it."""
    level = (
        Level.objects.filter(code=level_code)
        .order_by("-version__is_current", "-version__number")
        .values("renewal_cpd_hours", "renewal_supervision_hours")
        .first()
    )
    if level is None:
        return DEFAULT_RENEWAL_HOURS
    return Decimal(level["renewal_cpd_hours"]), Decimal(level["renewal_supervision_hours"])


def renewal_prefill(practitioner: User, *, today: date) -> tuple[Decimal, Decimal]:
    """CPD hours, and the supervision hours that count (confirmed, not peer: the
    portfolio's readiness rule), from the practitioner's portfolio over the last 12 months."""
    cpd = cpd_hours_of(practitioner, today=today, months=RENEWAL_WINDOW_MONTHS)
    supervision = supervision_hours_of(practitioner, today=today, months=RENEWAL_WINDOW_MONTHS)
    return cpd, supervision.counted


def entry_account_erased_at(entry: RegisterEntry) -> datetime | None:
    """When the practitioner erased their account, for the registrar's page; None if they have not."""
    erased = audit_trail(entry).filter(action=ACCOUNT_ERASED).order_by("at").first()
    return erased.at if erased is not None else None
