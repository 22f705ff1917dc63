"""Hot reads compiled once per process: the ORM's SQL kept and run again with new values.

Building and compiling a queryset costs far more than running it for a lookup by a key
(1.4–2.7 ms of CPU for a 0.1 ms read, measured on the pledge's signing path, where a
signer's three requests ran five such lookups). `PreparedRead` builds its queryset once
per database and thread (a compiler keeps the connection it compiled on), with a marker
in place of each value, keeps the SQL Django wrote for it, and for each call swaps the
markers for the values and turns the rows into model instances as `QuerySet.__iter__`
does (the database's converters, `select_related` objects included).

Only for reads whose values the database takes as they are: `str` and `int` values
compared with fields that store them unchanged (a key, a slug, an email). A value the
ORM would adapt (a date, a decimal, a model) is refused where the read is declared; a
lookup that rewrites or escapes its value (`__contains`, SQLite's `__iexact`), an int
the field cannot hold, `prefetch_related` and `values()` are refused when the read is
first run. An int no database column holds matches nothing, as with the ORM.

    _by_slug = PreparedRead(lambda slug: Campaign.objects.filter(published=True, slug=slug)[:1], slug=str)
    campaign = _by_slug.first(slug="2027")
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, models
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]  # not in django-stubs

M = TypeVar("M", bound=models.Model)

# Values no caller passes: each names its parameter, so a swap cannot miss or mix. A
# str marker holds a NUL (no text the site stores does) and the characters a lookup
# escapes (`%`, `_`, `\\`), so a lookup that rewrites or escapes its value changes the
# marker and is refused. An int marker fits a 32-bit integer column.
_INT_MARKER_BASE = 2_147_480_000
_STR_MARKER = "\x00prepared:"
INT_RANGE = range(-(2**63), 2**63)  # what a database integer holds; outside it nothing matches


def _marker(kind: type, position: int, name: str) -> int | str:
    if kind is int:
        return _INT_MARKER_BASE + position
    if kind is str:
        return f"{_STR_MARKER}%_\\:{name}\x00"
    raise TypeError(f"PreparedRead takes str and int values only, not {kind.__name__} ({name})")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, str]  # position in params → the parameter whose value goes there
    compiler: Any  # the SQLCompiler that wrote `sql`: its select list and converters
    init_list: list[str]
    model_fields: slice
    related: list[Any]
    annotations: dict[str, int]
    converters: dict[int, Any]  # the database's and fields' converters per column, as results_iter finds them


class PreparedRead(Generic[M]):
    """A read built by `build` with the named values (each `str` or `int`), compiled once
    per database alias, process and thread."""

    def __init__(self, build: Callable[..., models.QuerySet[M]], **values: type) -> None:
        self._build = build
        self._markers = {name: _marker(kind, i, name) for i, (name, kind) in enumerate(values.items())}
        self._types = values
        # Per thread: a compiler keeps the connection it compiled on (its converters use
        # it), and each thread has its own connections.
        self._local = threading.local()

    def _refused(self, why: str) -> ValueError:
        return ValueError(f"PreparedRead cannot keep this read ({why}); use a queryset instead")

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._build(**self._markers).using(alias)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise self._refused("prefetch_related and related managers' querysets are not kept")
        if queryset._iterable_class is not ModelIterable:
            raise self._refused("it must give model instances, not values()")
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            raise self._refused(
                "the ORM decided its answer from a marker value, e.g. an int too large for the field"
            ) from None
        by_marker = {marker: name for name, marker in self._markers.items()}
        slots: dict[int, str] = {}
        for i, param in enumerate(params):
            if isinstance(param, int | str) and not isinstance(param, bool) and param in by_marker:
                slots[i] = by_marker[param]
            elif isinstance(param, str) and _STR_MARKER in param:
                raise self._refused(f"a lookup rewrites its value into {param!r}")
        missing = set(self._markers) - set(slots.values())
        if missing:
            raise self._refused(f"the ORM changed the values of {sorted(missing)}")
        selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise self._refused("a composite primary key is not read back as the ORM does")
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        fields = slice(select_fields[0], select_fields[-1] + 1)
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            init_list=[column[0].target.attname for column in compiler.select[fields]],
            model_fields=fields,
            related=get_related_populators(klass_info, compiler.select, alias),
            annotations=dict(compiler.annotation_col_map or {}),
            converters=compiler.get_converters(selected),
        )
        self._cache()[alias] = compiled
        return compiled

    def _cache(self) -> dict[str, _Compiled]:
        cache: dict[str, _Compiled] | None = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        return cache

    def all(self, *, using: str = "default", **values: Any) -> list[M]:
        """The rows for these values, as the queryset would give them."""
        for name, value in values.items():
            if type(value) is not self._types.get(name):
                raise TypeError(f"PreparedRead: {name} must be {self._types.get(name)}, not {type(value).__name__}")
        if values.keys() != self._markers.keys():
            raise TypeError(f"PreparedRead takes exactly {sorted(self._markers)}")
        if any(isinstance(value, int) and value not in INT_RANGE for value in values.values()):
            return []  # as the ORM answers: no integer column holds it
        compiled = self._cache().get(using) or self._compile(using)
        params = [values[compiled.slots[i]] if i in compiled.slots else p for i, p in enumerate(compiled.params)]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        compiler = compiled.compiler
        model = compiler.klass_info["model"]
        found: list[M] = []
        # As `results_iter` does, with the converters found once rather than on every read.
        converted = compiler.apply_converters(rows, compiled.converters) if compiled.converters else rows
        for row in converted:
            instance = model.from_db(using, compiled.init_list, row[compiled.model_fields])
            for populator in compiled.related:
                populator.populate(row, instance)
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def first(self, *, using: str = "default", **values: Any) -> M | None:
        """The first row for these values, or None (build the read with `[:1]`)."""
        found = self.all(using=using, **values)
        return found[0] if found else None
