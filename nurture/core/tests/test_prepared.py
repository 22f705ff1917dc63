"""PreparedRead gives what the queryset it was built from gives, on whichever database
the tests run on: the same rows, the same values after the database's converters (a
datetime, a JSON document), the related object of `select_related`, and nothing for
values that match nothing. Values of another type, and lookups whose values the ORM
rewrites, are refused rather than run wrong."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from nurture.core.models import AuditEntry, OutboundEmail
from nurture.core.prepared import PreparedRead


def entries(action: str, actor_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor").filter(action=action, actor_id=actor_id).order_by("pk")


by_action_and_actor = PreparedRead(entries, action=str, actor_id=int)


@pytest.fixture
def people(db):
    User = get_user_model()
    rose = User.objects.create_user(email="rose@example.org", password="a long enough password")
    sam = User.objects.create_user(email="sam@example.org", password="a long enough password")
    for n, (who, action) in enumerate([(rose, "a.b"), (rose, "a.b"), (sam, "a.b"), (rose, "c.d")]):
        AuditEntry.objects.create(actor=who, action=action, data={"n": n, "text": "Ffion's \u2603"})
    return rose, sam


def fields_of(entry: AuditEntry) -> tuple[object, ...]:
    return (entry.pk, entry.at, entry.action, entry.data, entry.actor_id, entry.actor.email if entry.actor else None)


def test_a_prepared_read_gives_the_querysets_rows_values_and_related_objects(people, django_assert_num_queries):
    rose, sam = people
    for action, actor in [("a.b", rose), ("a.b", sam), ("c.d", rose), ("c.d", sam), ("x.y", rose)]:
        expected = [fields_of(entry) for entry in entries(action, actor.pk)]
        with django_assert_num_queries(1):  # the actor comes with each row
            found = [fields_of(entry) for entry in by_action_and_actor.all(action=action, actor_id=actor.pk)]
        assert found == expected
    assert by_action_and_actor.first(action="a.b", actor_id=sam.pk).data == {"n": 2, "text": "Ffion's \u2603"}
    assert by_action_and_actor.first(action="none", actor_id=rose.pk) is None


def test_a_prepared_reads_rows_can_be_saved_like_any_other(people):
    rose, _ = people
    entry = by_action_and_actor.first(action="c.d", actor_id=rose.pk)
    entry.reason = "checked"
    entry.save(update_fields=["reason"])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "checked"


def test_a_value_of_another_type_is_refused(people):
    rose, _ = people
    with pytest.raises(TypeError, match="actor_id must be"):
        by_action_and_actor.all(action="a.b", actor_id=str(rose.pk))
    with pytest.raises(TypeError, match="exactly"):
        by_action_and_actor.all(action="a.b")


@pytest.mark.parametrize(
    "build",
    [
        lambda action: AuditEntry.objects.filter(action__startswith=action),
        lambda action: AuditEntry.objects.filter(action__contains=action),
        # The same value twice, one use rewritten: the other use alone must not let it through.
        lambda action: AuditEntry.objects.filter(Q(action=action) | Q(reason__contains=action)),
    ],
    ids=["startswith", "contains", "twice"],
)
def test_a_lookup_whose_value_the_orm_rewrites_or_escapes_is_refused(db, build):
    read = PreparedRead(build, action=str)
    with pytest.raises(ValueError, match="cannot keep this read"):
        read.all(action="a.b")


def test_a_case_blind_lookup_is_refused_where_the_orm_escapes_it_and_exact_where_not(people):
    # SQLite's iexact is a LIKE with % and _ escaped; PostgreSQL's compares UPPER()s.
    read = PreparedRead(lambda action: AuditEntry.objects.filter(action__iexact=action), action=str)
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match="cannot keep this read"):
            read.all(action="a.b")
        return
    for value in ("A.B", "a_b", "%", "C.D"):
        assert read.all(action=value) == list(AuditEntry.objects.filter(action__iexact=value))


def test_reads_that_are_not_plain_model_rows_are_refused(db):
    prefetching = PreparedRead(
        lambda action: AuditEntry.objects.filter(action=action).prefetch_related("actor"), action=str
    )
    with pytest.raises(ValueError, match="cannot keep this read"):
        prefetching.all(action="a.b")
    values: PreparedRead[Any] = PreparedRead(
        lambda action: AuditEntry.objects.filter(action=action).values("pk"), action=str
    )
    with pytest.raises(ValueError, match="cannot keep this read"):
        values.all(action="a.b")


def test_an_empty_related_object_and_a_narrower_integer_column(people):
    AuditEntry.objects.create(actor=None, action="system.ran")
    no_actor = PreparedRead(lambda action: AuditEntry.objects.select_related("actor").filter(action=action), action=str)
    (entry,) = no_actor.all(action="system.ran")
    assert entry.actor is None
    emails = PreparedRead(lambda attempts: OutboundEmail.objects.filter(attempts=attempts), attempts=int)  # 32-bit
    assert emails.all(attempts=0) == list(OutboundEmail.objects.filter(attempts=0))


def test_an_integer_no_column_can_hold_matches_nothing_as_the_orm_says(people):
    by_pk = PreparedRead(lambda pk: AuditEntry.objects.filter(pk=pk), pk=int)
    for pk in (2**63, -(2**63) - 1):
        assert list(AuditEntry.objects.filter(pk=pk)) == []
        assert by_pk.all(pk=pk) == []


def test_each_thread_compiles_on_its_own_connection(people):
    read = PreparedRead(lambda pk: AuditEntry.objects.filter(pk=pk), pk=int)
    first = AuditEntry.objects.order_by("pk").first()
    assert read.first(pk=first.pk) == first
    seen: list[object] = []

    def other_thread() -> None:
        seen.append(read._cache())  # a thread starts with nothing compiled

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [{}]
    assert set(read._cache()) == {"default"}


def test_only_str_and_int_values_can_be_declared():
    with pytest.raises(TypeError, match="str and int"):
        PreparedRead(lambda at: AuditEntry.objects.filter(at=at), at=float)
