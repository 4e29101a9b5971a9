from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.merge import MergeResult, Overwrite, Winner, json_equal, merge
from sync.registry import CollectionSpec, Owner

SPEC = CollectionSpec(
    name="workOrders",
    fields={
        "title": Owner.DISPATCHER,
        "notes": Owner.TECHNICIAN,
        "slaDue": Owner.SERVER,
        "assetId": Owner.IMMUTABLE,
    },
)
FIELDS = tuple(SPEC.fields)


def doc(**values: Any) -> dict[str, Any]:
    return {"id": "wo-1", **values}


def run(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any] | None
) -> MergeResult:
    return merge(spec=SPEC, base=base, ours=ours, theirs=theirs)


def fields_of(document: Mapping[str, Any]) -> dict[str, Any]:
    return {name: document.get(name) for name in FIELDS}


BASE = doc(title="Boiler", notes="", slaDue="2024-05-01T10:00:00Z", assetId="a-1", deleted=False, version=4)


# json_equal


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (False, 0, False),
        (None, False, False),
        ("1", 1, False),
        ({"a": [1, {"b": None}]}, {"a": [1.0, {"b": None}]}, True),
        ({"a": None}, {}, False),
        ([1, 2], (1, 2), True),
        ([1, 2], [2, 1], False),
        ({"a": 1}, {"a": 1, "b": 1}, False),
    ],
)
def test_json_equal(a: Any, b: Any, equal: bool) -> None:
    assert json_equal(a, b) is equal


# New documents


def test_new_document_is_taken_as_sent_without_server_fields() -> None:
    ours = doc(title="Leak", notes="n", slaDue="tomorrow", assetId="a-9", deleted=False, updatedAt=5)
    result = run(None, ours, None)
    assert result.document == doc(
        title="Leak", notes="n", slaDue=None, assetId="a-9", deleted=False, updatedAt=5
    )
    assert result.changed
    assert result.ok
    assert result.overwrites == ()
    assert result.ignored_fields == ("slaDue",)


def test_new_document_missing_fields_become_none() -> None:
    result = run(None, doc(title="Leak"), None)
    assert fields_of(result.document) == {"title": "Leak", "notes": None, "slaDue": None, "assetId": None}
    assert result.document["deleted"] is False
    assert result.ignored_fields == ()


def test_new_document_ignores_base_when_master_is_missing() -> None:
    result = run(BASE, doc(title="Leak"), None)
    assert result.document["title"] == "Leak"
    assert result.ok


def test_created_and_deleted_offline_stays_a_tombstone() -> None:
    result = run(None, doc(title="Leak", deleted=True), None)
    assert result.document["deleted"] is True
    assert result.ok


# One side changed


def test_only_client_changed_takes_ours() -> None:
    result = run(BASE, {**BASE, "title": "Boiler room", "notes": "done"}, BASE)
    assert result.document["title"] == "Boiler room"
    assert result.document["notes"] == "done"
    assert result.changed
    assert result.overwrites == ()


def test_only_master_changed_takes_theirs() -> None:
    theirs = {**BASE, "title": "Boiler room", "notes": "from office", "version": 5}
    result = run(BASE, BASE, theirs)
    assert result.document == {**theirs}
    assert not result.changed


def test_disjoint_changes_combine() -> None:
    result = run(BASE, {**BASE, "notes": "fixed"}, {**BASE, "title": "Boiler room"})
    assert result.document["notes"] == "fixed"
    assert result.document["title"] == "Boiler room"
    assert result.overwrites == ()
    assert result.ok


def test_server_field_changed_only_by_client_is_ignored() -> None:
    result = run(BASE, {**BASE, "slaDue": "never"}, BASE)
    assert result.document["slaDue"] == BASE["slaDue"]
    assert result.ignored_fields == ("slaDue",)
    assert not result.changed
    assert result.ok


def test_immutable_can_be_set_once_while_master_is_null() -> None:
    base = {**BASE, "assetId": None}
    result = run(base, {**base, "assetId": "a-2"}, base)
    assert result.document["assetId"] == "a-2"
    assert result.ok


@pytest.mark.parametrize("new", ["a-2", None])
def test_immutable_with_master_value_cannot_change(new: str | None) -> None:
    result = run(BASE, {**BASE, "assetId": new}, BASE)
    assert result.unresolved == ("assetId",)
    assert not result.ok
    assert result.document["assetId"] == "a-1"


def test_missing_key_equals_none() -> None:
    base = {**BASE, "notes": None}
    ours = {k: v for k, v in base.items() if k != "notes"}
    result = run(base, ours, {**base, "notes": "office"})
    assert result.document["notes"] == "office"
    assert result.overwrites == ()


def test_int_and_float_of_same_value_are_not_a_change() -> None:
    base = {**BASE, "notes": 1}
    result = run(base, {**base, "notes": 1.0}, {**base, "notes": 2})
    assert result.document["notes"] == 2
    assert result.overwrites == ()


def test_nested_values_compare_deeply() -> None:
    base = {**BASE, "notes": {"parts": [{"sku": "x", "qty": 1}]}}
    ours = {**base, "notes": {"parts": [{"qty": 1, "sku": "x"}]}}
    result = run(base, ours, {**base, "notes": {"parts": []}})
    assert result.document["notes"] == {"parts": []}
    assert result.overwrites == ()


# Both sides changed


def test_both_changed_to_same_value_is_no_conflict() -> None:
    change = {"title": "T", "notes": "N", "slaDue": "S"}
    result = run(BASE, {**BASE, **change}, {**BASE, **change})
    assert result.ok
    assert result.overwrites == ()
    assert result.ignored_fields == ()
    assert not result.changed


def test_dispatcher_field_master_wins() -> None:
    result = run(BASE, {**BASE, "title": "device"}, {**BASE, "title": "office"})
    assert result.document["title"] == "office"
    assert result.overwrites == (Overwrite("title", "Boiler", "device", "office", Winner.MASTER),)
    assert not result.changed
    assert result.ok


def test_technician_field_client_wins() -> None:
    result = run(BASE, {**BASE, "notes": "device"}, {**BASE, "notes": "office"})
    assert result.document["notes"] == "device"
    assert result.overwrites == (Overwrite("notes", "", "office", "device", Winner.CLIENT),)
    assert result.changed
    assert result.ok


def test_server_field_keeps_master_and_is_reported_ignored() -> None:
    result = run(BASE, {**BASE, "slaDue": "device"}, {**BASE, "slaDue": "server"})
    assert result.document["slaDue"] == "server"
    assert result.overwrites == ()
    assert result.ignored_fields == ("slaDue",)
    assert result.ok


def test_immutable_both_changed_is_unresolved() -> None:
    result = run(BASE, {**BASE, "assetId": "a-2"}, {**BASE, "assetId": "a-3"})
    assert result.unresolved == ("assetId",)
    assert result.document["assetId"] == "a-3"


# Client believed the document was new


def test_replayed_create_is_a_no_op() -> None:
    ours = doc(title="Leak", notes="n", assetId="a-9", deleted=False)
    master = {**ours, "slaDue": "computed", "version": 1, "updatedAt": 10}
    result = run(None, ours, master)
    assert result.document == master
    assert not result.changed
    assert result.ok
    assert result.overwrites == ()


def test_create_collision_resolves_fields_both_hold_by_owner() -> None:
    ours = doc(title="device", notes="device", assetId="a-1")
    theirs = doc(title="office", notes="office", assetId="a-2", version=1)
    result = run(None, ours, theirs)
    assert result.document["title"] == "office"
    assert result.document["notes"] == "device"
    assert [o.field for o in result.overwrites] == ["title", "notes"]
    assert all(o.base is None for o in result.overwrites)
    assert result.unresolved == ("assetId",)


def test_create_collision_null_on_either_side_is_a_one_sided_change() -> None:
    ours = doc(title=None, notes="device", assetId="a-1")
    theirs = doc(title="office", notes=None, assetId=None, version=1)
    result = run(None, ours, theirs)
    assert fields_of(result.document) == {
        "title": "office",
        "notes": "device",
        "slaDue": None,
        "assetId": "a-1",
    }
    assert result.overwrites == ()
    assert result.ok


# Deletion


def test_client_deletion_wins_when_master_unchanged() -> None:
    master = {**BASE, "version": 9, "updatedAt": 99}
    result = run(BASE, {**BASE, "deleted": True}, master)
    assert result.document["deleted"] is True
    assert result.changed
    assert result.ok


def test_client_deletion_is_unresolved_when_master_edited() -> None:
    result = run(BASE, {**BASE, "deleted": True}, {**BASE, "title": "office"})
    assert result.unresolved == ("deleted",)
    assert result.document["deleted"] is False
    assert result.document["title"] == "office"


def test_client_deletion_ignores_server_maintained_changes() -> None:
    result = run(BASE, {**BASE, "deleted": True}, {**BASE, "slaDue": "recomputed"})
    assert result.document["deleted"] is True
    assert result.ok


def test_master_deletion_wins_when_client_only_deleted_or_kept() -> None:
    result = run(BASE, BASE, {**BASE, "deleted": True})
    assert result.document["deleted"] is True
    assert result.ok
    assert not result.changed


def test_master_deletion_is_unresolved_when_client_edited() -> None:
    result = run(BASE, {**BASE, "notes": "done"}, {**BASE, "deleted": True})
    assert result.unresolved == ("deleted",)
    assert result.document["deleted"] is True


def test_both_deleted_is_no_conflict() -> None:
    result = run(BASE, {**BASE, "deleted": True}, {**BASE, "deleted": True, "title": "office"})
    assert result.document["deleted"] is True
    assert result.ok


def test_client_undelete_of_tombstone_is_taken() -> None:
    tomb = {**BASE, "deleted": True}
    result = run(tomb, {**tomb, "deleted": False}, tomb)
    assert result.document["deleted"] is False
    assert result.ok


def test_missing_deleted_means_false() -> None:
    base = {k: v for k, v in BASE.items() if k != "deleted"}
    result = run(base, base, base)
    assert result.document["deleted"] is False
    assert not result.changed


# RxDB: two pushes before the next pull


def test_second_push_assumes_what_it_pushed_first() -> None:
    # RxDB sets assumedMasterState to the pushed newDocumentState once a push succeeds; the
    # server meanwhile stamped version/updatedAt and recomputed a server field.
    first = {**BASE, "notes": "arrived"}
    after_first = run(BASE, first, BASE)
    master = {**after_first.document, "version": 5, "updatedAt": 50, "slaDue": "recomputed"}

    second = {**first, "notes": "arrived; fixed"}
    result = run(first, second, master)

    assert result.ok
    assert result.overwrites == ()
    assert result.ignored_fields == ()
    assert result.document == {**master, "notes": "arrived; fixed"}


def test_second_push_after_first_lost_a_dispatcher_field() -> None:
    first = {**BASE, "title": "device", "notes": "a"}
    master_before = {**BASE, "title": "office"}
    after_first = run(BASE, first, master_before)
    assert after_first.document["title"] == "office"

    second = {**first, "notes": "b"}
    result = run(first, second, after_first.document)
    assert result.document["title"] == "office"
    assert result.document["notes"] == "b"
    assert result.overwrites == ()
    assert result.ok


def test_delete_right_after_own_push_is_not_a_conflict() -> None:
    first = {**BASE, "notes": "done"}
    master = {**run(BASE, first, BASE).document, "version": 5, "slaDue": "recomputed"}
    result = run(first, {**first, "deleted": True}, master)
    assert result.ok
    assert result.document["deleted"] is True


def test_push_equal_to_master_is_a_no_op() -> None:
    master = {**BASE, "title": "office", "notes": "x", "version": 7}
    result = run(BASE, {**master, "version": 4}, master)
    assert not result.changed
    assert result.overwrites == ()
    assert result.ignored_fields == ()
    assert result.document == master


# System fields


def test_system_fields_come_from_master() -> None:
    master = {**BASE, "version": 7, "updatedAt": 70}
    result = run(BASE, {**BASE, "version": 1, "updatedAt": 1, "notes": "x"}, master)
    assert result.document["version"] == 7
    assert result.document["updatedAt"] == 70
    assert result.document["id"] == "wo-1"


def test_different_ids_are_an_error() -> None:
    with pytest.raises(ValueError, match="cannot merge"):
        run(BASE, {**BASE, "id": "wo-2"}, BASE)


def test_unknown_keys_are_not_merged() -> None:
    result = run(BASE, {**BASE, "colour": "red"}, BASE)
    assert "colour" not in result.document


# Properties

VALUES = st.sampled_from([None, "a", "b", 0, 7, True, [1], {"k": 1}])


def documents() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"id": st.just("wo-1")}, optional={**dict.fromkeys(FIELDS, VALUES), "deleted": st.booleans()}
    )


def normalized(document: Mapping[str, Any]) -> dict[str, Any]:
    return {**fields_of(document), "deleted": document.get("deleted") is True}


def in_either(value: Any, *candidates: Any) -> bool:
    return any(json_equal(value, c) for c in candidates)


@given(base=documents(), theirs=documents())
def test_prop_client_without_changes_gets_master(base: dict[str, Any], theirs: dict[str, Any]) -> None:
    result = run(base, base, theirs)
    assert normalized(result.document) == normalized(theirs)
    assert not result.changed
    assert result.overwrites == ()
    assert result.unresolved == ()
    assert result.ignored_fields == ()


@given(base=documents(), ours=documents())
def test_prop_master_unchanged_takes_client(base: dict[str, Any], ours: dict[str, Any]) -> None:
    result = run(base, ours, base)
    expected = normalized(ours)
    expected["slaDue"] = base.get("slaDue")
    if base.get("assetId") is not None:
        expected["assetId"] = base["assetId"]
    assert normalized(result.document) == expected
    assert result.overwrites == ()
    assert set(result.unresolved) <= {"assetId"}


@given(base=st.none() | documents(), theirs=documents())
def test_prop_push_equal_to_master_is_a_no_op(base: dict[str, Any] | None, theirs: dict[str, Any]) -> None:
    result = run(base, theirs, theirs)
    assert not result.changed
    assert result.ok
    assert result.overwrites == ()
    assert result.ignored_fields == ()


@given(base=st.none() | documents(), ours=documents(), theirs=documents())
def test_prop_replaying_a_push_changes_nothing(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]
) -> None:
    # A lost response makes the device push the same row again, now against the merged master.
    first = run(base, ours, theirs)
    again = run(base, ours, first.document)
    assert again.document == first.document
    assert not again.changed
    assert again.unresolved == first.unresolved


@given(base=st.none() | documents(), ours=documents(), theirs=documents())
def test_prop_every_real_conflict_is_reported_once(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]
) -> None:
    result = run(base, ours, theirs)
    base_doc = base or {}
    overwritten = [o.field for o in result.overwrites]
    for name in FIELDS:
        b, o, t = base_doc.get(name), ours.get(name), theirs.get(name)
        conflicting = not json_equal(o, b) and not json_equal(t, b) and not json_equal(o, t)
        reports = overwritten.count(name) + result.unresolved.count(name) + result.ignored_fields.count(name)
        if conflicting:
            assert reports == 1, name
        else:
            assert name not in overwritten


@given(base=st.none() | documents(), ours=documents(), theirs=documents())
def test_prop_reports_match_owners_and_document(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]
) -> None:
    result = run(base, ours, theirs)
    for overwrite in result.overwrites:
        owner = SPEC.fields[overwrite.field]
        expected_winner = Winner.MASTER if owner is Owner.DISPATCHER else Winner.CLIENT
        assert owner in (Owner.DISPATCHER, Owner.TECHNICIAN)
        assert overwrite.winner is expected_winner
        assert json_equal(result.document[overwrite.field], overwrite.won)
        assert not json_equal(overwrite.won, overwrite.lost)
    assert all(SPEC.fields[name] is Owner.SERVER for name in result.ignored_fields)
    assert all(name == "deleted" or SPEC.fields[name] is Owner.IMMUTABLE for name in result.unresolved)
    assert result.changed == (normalized(result.document) != normalized(theirs))


@given(base=st.none() | documents(), ours=documents(), theirs=st.none() | documents())
def test_prop_no_value_comes_from_nowhere(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any] | None
) -> None:
    result = run(base, ours, theirs)
    for name in FIELDS:
        value = result.document[name]
        if theirs is None:
            assert in_either(value, None if SPEC.fields[name] is Owner.SERVER else ours.get(name))
        else:
            assert in_either(value, ours.get(name), theirs.get(name))
    sources = [ours] if theirs is None else [ours, theirs]
    assert result.document["deleted"] in [s.get("deleted") is True for s in sources]


@given(base=documents(), ours=documents(), theirs=documents())
def test_prop_server_fields_never_take_a_client_only_value(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> None:
    result = run(base, ours, theirs)
    assert json_equal(result.document["slaDue"], theirs.get("slaDue"))


@given(base=documents(), ours=documents(), theirs=documents())
def test_prop_immutable_master_value_never_changes(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> None:
    result = run(base, ours, theirs)
    if theirs.get("assetId") is not None:
        assert json_equal(result.document["assetId"], theirs["assetId"])
