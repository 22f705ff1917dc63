"""PreparedRead gives what the queryset it was built from gives, on whichever database
the tests run on: the same rows, the same values after the database's converters (a
datetime, a JSON document), the related object of `select_related`, and nothing for
values that match nothing. Values of another type, and lookups whose values the ORM
rewrites, are refused rather than run wrong."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from nurture.core.models import AuditEntry
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


def test_a_lookup_whose_value_the_orm_rewrites_is_refused(db):
    startswith = PreparedRead(lambda action: AuditEntry.objects.filter(action__startswith=action), action=str)
    with pytest.raises(ValueError, match="changed the values"):
        startswith.all(action="a.")


def test_only_str_and_int_values_can_be_declared():
    with pytest.raises(TypeError, match="str and int"):
        PreparedRead(lambda at: AuditEntry.objects.filter(at=at), at=float)
