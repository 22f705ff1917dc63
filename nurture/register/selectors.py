"""Reads of the Register: the public search, verification, the employers' check,
the open-data export, and what the practitioner and the registrar see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, F, Func, Q, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler

from nurture.accounts.models import Profession, Region, User
from nurture.core.audit import audit_trail
from nurture.framework.models import Level
from nurture.portfolios.selectors import cpd_hours_of, supervision_hours_of
from nurture.register.models import RegisterEntry, RegisterNameToken
from nurture.register.names import PAIR_MARK, PAIR_PREFIX, TOKEN_MAX, pair_token, pair_usable, query_words
from nurture.register.numbers import NumberCheck, number_check

# The audit action written on an entry when its practitioner erases their account.
ACCOUNT_ERASED = "register.entry.account_erased"

PER_PAGE = 20
MAX_PAGE = 500
# A search with more than one page counts its matches up to this many and no further
# ("more than 100"): a count that stops early costs a few index steps, where a COUNT
# over every match of a one-letter name on a large Register would cost a scan.
COUNT_CAP = 100
# A search of several words counts each word's name tokens up to this many to find
# the rarest, which then drives it (`_driver`).
ESTIMATE_CAP = 1000
CURSOR_SALT = "register.search.page"
CURSOR_MAX_LENGTH = 1000
# The order of a name search (the driver word's token index) and of one without a name.
TOKEN_KEY: tuple[str, ...] = ("token", "sort_name", "entry_id")
NAME_KEY: tuple[str, ...] = ("search_name", "id")
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


def _prefix_end(word: str) -> str:
    """The first string after every string that starts with `word`, in code point (and
    so UTF-8 byte) order: its last character's successor ("claire" → "clairf"), which
    PostgreSQL's statistics can place, unlike `word + U+10FFFF` (which it read as a range
    of almost nothing, and planned several words around)."""
    last = ord(word[-1]) + 1
    if last > 0x10FFFF:
        return word + "\U0010ffff"
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters
        last = 0xE000
    return word[:-1] + chr(last)


def _prefix(word: str, field: str = "token") -> Q:
    """`field` starts with `word`, as a range the token index serves in order on
    both databases: SQLite compares bytes, and on PostgreSQL the token columns
    are in the "C" collation (migration 0002)."""
    return Q(**{f"{field}__gte": word, f"{field}__lt": _prefix_end(word)})


def _words_filter(words: list[str]) -> Q:
    """Every word must be the start of one of the entry's name tokens."""
    condition = Q()
    for word in words:
        condition &= Q(id__in=RegisterNameToken.objects.filter(_prefix(word)).values("entry_id"))
    return condition


class PageLinkError(ValueError):
    """A page link (`after=` / `before=`) the search did not give: altered, cut short,
    signed with another key, or for another search. Its message is for the visitor."""


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or, going back, before) the row with this ordering
    key, and which page that is. Name searches are ordered by the `driver` word's token
    (token, sort_name, entry id); searches without a name by (search_name, id)."""

    page: int
    backwards: bool
    driver: str
    key: tuple[Any, ...]

    def dumps(self) -> str:
        return signing.dumps([self.page, int(self.backwards), self.driver, *self.key], salt=CURSOR_SALT, compress=True)

    @classmethod
    def loads(cls, text: str, *, backwards: bool) -> Cursor:
        problem = PageLinkError("This page link is not one this search gave. Start again from the first page.")
        if len(text) > CURSOR_MAX_LENGTH:
            raise problem
        try:
            fields = signing.loads(text, salt=CURSOR_SALT)
        except signing.BadSignature:
            raise problem from None
        match fields:
            case [int(page), int(way), str(driver), str(token), str(name), int(entry)] if driver:
                key: tuple[Any, ...] = (token, name, entry)
            case [int(page), int(way), "", str(name), int(entry)]:
                key, driver = (name, entry), ""
            case _:
                raise problem
        if bool(way) != backwards or page < 1:
            raise problem
        return cls(page=page, backwards=backwards, driver=driver, key=key)


class RowBeyond(Func):
    """`(a, b, c) > (x, y, z)`, or `<` going back: one row-value comparison, which
    both databases answer with a seek on an index of those columns (SQLite since 3.15),
    so a page never re-reads the rows before it. Django spells it out as ORs on SQLite,
    which SQLite cannot seek with."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, columns: tuple[str, ...], key: tuple[Any, ...], *, backwards: bool) -> None:
        self.width, self.operator = len(columns), "<" if backwards else ">"
        super().__init__(*(F(column) for column in columns), *(Value(value) for value in key))

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        sql = [part for part, _ in compiled]
        params = [param for _, part_params in compiled for param in part_params]
        row, key = ", ".join(sql[: self.width]), ", ".join(sql[self.width :])
        return f"({row}) {self.operator} ({key})", params


def _order(columns: tuple[str, ...], *, backwards: bool) -> list[str]:
    return [f"-{column}" for column in columns] if backwards else list(columns)


def _driver(words: list[str]) -> str:
    """The word whose tokens drive the search: the rarest, by counting each word's
    tokens up to `ESTIMATE_CAP` (an index-only range read that stops there; all the
    words in one query); among words that reach the cap, the longest. One word costs nothing."""
    if len(words) == 1:
        return words[0]
    table = connection.ops.quote_name(RegisterNameToken._meta.db_table)
    # One count per word, each over at most ESTIMATE_CAP rows of the token index. The
    # table name is the model's; the words are parameters.
    each = f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {table} WHERE token >= %s AND token < %s LIMIT %s) AS w"  # noqa: S608
    params: list[Any] = []
    for place, word in enumerate(words):
        params += [place, word, _prefix_end(word), ESTIMATE_CAP]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([each] * len(words)), params)
        counts = dict(cursor.fetchall())
    return min(words, key=lambda word: (counts[words.index(word)], -len(word), words.index(word)))


def _pair_plan(words: list[str]) -> tuple[str, str] | None:
    """The two words a search of several reads from the pair tokens, (first, second):
    the last word that has a usable partner as `second` (so results come grouped by
    the surname a person usually types last), and its longest partner as `first`
    (`names.pair_usable`). None when no two words can be paired ("jo li")."""
    for second in reversed(words):
        partners = sorted((w for w in words if w != second), key=lambda w: (-len(w), words.index(w)))
        for first in partners:
            if pair_usable(first, second):
                return first, second
    return None


def _pair_driver(words: list[str]) -> str | None:
    """The start of the pair tokens a search reads (`_pair_plan`), if it reads them."""
    pair = _pair_plan(words)
    return pair_token(*pair) if pair else None


def _plan(words: list[str]) -> str:
    """The driver of a search: the start of its pair tokens, else the rarest word."""
    return _pair_driver(words) or _driver(words)


def _name_tokens(
    words: list[str], filters: dict[str, Any], driver: str, *, cursor: Cursor | None = None
) -> QuerySet[RegisterNameToken]:
    """The matching tokens of the driver, one per entry (its first in token order): the
    driver (a word, or the start of pair tokens) drives an index range scan; the words
    the range does not settle and the filters are checked on each row through the
    (entry, token) index. After (before) a `cursor`, its `RowBeyond` replaces the
    range's lower (upper) bound: SQLite seeks with one of the two only, and would
    otherwise start from the start (end) of the range."""
    end = Q(token__lt=_prefix_end(driver))
    start = Q(token__gte=driver)
    if cursor is None:
        in_range = start & end
    else:
        in_range = RowBeyond(TOKEN_KEY, cursor.key, backwards=cursor.backwards) & (start if cursor.backwards else end)
    tokens = RegisterNameToken.objects.filter(in_range).exclude(entry__status=RegisterEntry.Status.REMOVED)
    # An entry matches through its first matching token only, so it is on one page once.
    tokens = tokens.filter(~HasToken(driver, None))
    for word in _unsettled(words, driver):
        tokens = tokens.filter(HasToken(word, _prefix_end(word)))
    return tokens.filter(**{f"entry__{name}": value for name, value in filters.items()})


class HasToken(Expression):
    """Whether the row's entry has a token in `[low, high)`, or, with `high` None, in
    `[low, this row's token)` (an earlier matching token): one probe of the (entry, token)
    index, written out because the ORM's `Exists(…OuterRef…)` cost more to build and
    compile than the search spent in the database.

    An earlier matching token is asked with `EXISTS`; a bounded range (the other words
    of a search) as a scalar subquery, `(SELECT 1 … LIMIT 1) IS NOT NULL`. PostgreSQL
    keeps one generic plan for a one-word search's prepared statement, but plans a
    two-word one afresh each time (its pair range is too narrow for a generic plan to
    price), and an `EXISTS` is pulled up into that join search: with the check as a
    subplan a two-word search planned in 0.8 ms instead of 1.3 ms, for 0.2 ms of
    running. A one-word search written the same way lost its generic plan, so the
    earlier-token check stays `EXISTS`. SQLite runs both forms alike.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, low: str, high: str | None) -> None:
        super().__init__()
        self.low, self.high = low, high

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        table = connection.ops.quote_name(RegisterNameToken._meta.db_table)
        outer = compiler.quote_name_unless_alias(compiler.query.base_table or RegisterNameToken._meta.db_table)
        high = f"{outer}.token" if self.high is None else "%s"
        probe = (  # the table and alias are the model's, the tokens parameters
            f"SELECT 1 FROM {table} other WHERE other.entry_id = {outer}.entry_id "  # noqa: S608
            f"AND other.token >= %s AND other.token < {high}"
        )
        sql = f"EXISTS ({probe})" if self.high is None else f"({probe} LIMIT 1) IS NOT NULL"
        return sql, [self.low] if self.high is None else [self.low, self.high]


def _unsettled(words: list[str], driver: str) -> list[str]:
    """The words a row of the driver's range may still fail: all but the driver word;
    for a pair, all but its two words, and those two where the pair token holds only
    their start (the first word's three letters, the second cut at `TOKEN_MAX`)."""
    if not driver.startswith(PAIR_MARK):
        return [word for word in words if word != driver]
    first, second = _pair_plan(words) or ("", "")
    settled = set()
    if len(first) <= PAIR_PREFIX:
        settled.add(first)
    if len(PAIR_MARK) + PAIR_PREFIX + 1 + len(second) <= TOKEN_MAX:
        settled.add(second)
    return [word for word in words if word not in settled]


@dataclass(frozen=True)
class MatchCount:
    """How many entries a search matches: exact up to `COUNT_CAP`, then "more than"."""

    count: int
    more: bool = False


@dataclass(frozen=True)
class SearchPage:
    """One page of a search. `next_after` is the `after=` of the next page's link;
    `previous_before` the `before=` of the previous page's, or None when that is the
    first page (whose link needs no cursor)."""

    rows: list[dict[str, Any]]
    number: int
    has_next: bool
    per_page: int = PER_PAGE
    words: list[str] = field(default_factory=list)
    matches: MatchCount | None = None
    next_after: str | None = None
    previous_before: str | None = None

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


def _filters(number: str, level: str, region: str, profession: str) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if number:
        filters["number"] = number
    if level:
        filters["level_code"] = level
    if region:
        filters.update(region=region, show_region=True)
    if profession:
        filters.update(profession=profession, show_profession=True)
    return filters


def _cursor(text: str, *, backwards: bool, words: list[str]) -> Cursor | None:
    if not text:
        return None
    cursor = Cursor.loads(text, backwards=backwards)
    if (cursor.driver == "") != (not words) or (cursor.driver and cursor.driver not in (*words, _pair_driver(words))):
        raise PageLinkError("This page link belongs to another search. Start again from the first page.")
    return cursor


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
    after: str = "",
    before: str = "",
) -> SearchPage:
    """The public search: one query for a page, never a COUNT over the whole Register.

    Pages continue from a cursor: `after` (the next page's link) or `before` (the
    previous page's), as `SearchPage.next_after` / `previous_before` give them, each a
    signed ordering key of a row and the page number it leads to; a page then starts
    with an index seek and reads only its own rows, whatever its number, and stays
    stable while entries are added (no row twice, none skipped). A bad cursor raises
    `PageLinkError`. `page` without a cursor (old links, the API's `page=`) skips the
    rows before it, up to `MAX_PAGE`.

    With `count`, the page says how many entries match (`matches`): when the page is the
    last one that is known from its rows; past `COUNT_CAP` a page with a next one is
    "more than" its last row, also without a query; otherwise a second query counts up
    to `COUNT_CAP` matches from the start and stops (`MatchCount.more`).

    `q` is matched word by word against the start of any part of the name, or of
    any run of its parts joined, ignoring case, accents, apostrophes and hyphens. One
    word drives the search and results come grouped by its matching name part, then
    by folded full name ("smi" lists every Smith, then every Smithson). Several words
    read the range of their pair tokens where two of them pair (`_pair_plan`; grouped
    by the second word's part), else the rarest word drives (`_driver`). Without
    `q`, results are by folded full name. `number` must already be valid (see
    `numbers.number_check`). Removed entries are never found; region and profession
    match only where the practitioner shows them."""
    filters = _filters(number, level, region, profession)
    words = query_words(q)
    cursor = _cursor(after, backwards=False, words=words) or _cursor(before, backwards=True, words=words)
    driver = cursor.driver if cursor else (_plan(words) if words else "")
    backwards = cursor is not None and cursor.backwards
    in_page: QuerySet[Any]  # the rows from the page's start, in the page's order
    if driver:
        columns = TOKEN_KEY
        in_page = _name_tokens(words, filters, driver, cursor=cursor)
        wanted = [*columns, *(f"entry__{column}" for column in PUBLIC_COLUMNS)]
    else:
        columns = NAME_KEY
        in_page = RegisterEntry.objects.for_public_display().filter(**filters)
        if cursor is not None:
            in_page = in_page.filter(RowBeyond(columns, cursor.key, backwards=backwards))
        wanted = [*columns, *PUBLIC_COLUMNS]
    ordered = in_page.order_by(*_order(columns, backwards=backwards)).values(*wanted)
    if cursor is not None:
        number_of_page = cursor.page
        rows = list(ordered[: per_page + 1])
        if backwards:
            if len(rows) <= per_page:
                # Nothing before these rows: this is the first page after all.
                return register_search(
                    q=q, number=number, level=level, region=region, profession=profession,
                    per_page=per_page, count=count,
                )  # fmt: skip
            rows = rows[:per_page][::-1]
    else:
        number_of_page = min(max(page, 1), MAX_PAGE)
        start = (number_of_page - 1) * per_page
        rows = list(ordered[start : start + per_page + 1])
    has_next = len(rows) > per_page or backwards
    shown = rows[:per_page]
    start = (number_of_page - 1) * per_page
    matches = None
    if count and not has_next and (shown or number_of_page == 1):
        matches = MatchCount(start + len(shown))
    elif count and has_next and start + per_page >= COUNT_CAP:
        # A next page exists, so there are more than this page's last place.
        matches = MatchCount(start + per_page, more=True)
    elif count and has_next:
        matching = (
            _name_tokens(words, filters, driver)
            if driver
            else RegisterEntry.objects.for_public_display().filter(**filters)
        )
        found = matching.order_by(*columns).values(columns[-1])[: COUNT_CAP + 1].count()
        matches = MatchCount(min(found, COUNT_CAP), more=found > COUNT_CAP)

    def key_of(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[column] for column in columns)

    next_after = Cursor(number_of_page + 1, False, driver, key_of(shown[-1])).dumps() if has_next and shown else None
    previous_before = (
        Cursor(number_of_page - 1, True, driver, key_of(shown[0])).dumps() if number_of_page > 2 and shown else None
    )
    return SearchPage(
        rows=[public_fields(_public_columns(row, driver)) for row in shown],
        number=number_of_page,
        has_next=has_next,
        per_page=per_page,
        words=words,
        matches=matches,
        next_after=next_after,
        previous_before=previous_before,
    )


def _public_columns(row: dict[str, Any], driver: str) -> dict[str, Any]:
    return {column: row[f"entry__{column}"] for column in PUBLIC_COLUMNS} if driver else row


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
