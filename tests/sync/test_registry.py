from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from sync.registry import (
    SYSTEM_FIELDS,
    CollectionSpec,
    DuplicateCollection,
    FieldPolicy,
    Owner,
    Registry,
    ScopeHook,
    UnknownCollection,
    ValidateHook,
    validate_document_shape,
)

SPEC = CollectionSpec(
    name="workOrders",
    fields={"title": Owner.DISPATCHER, "status": Owner.TECHNICIAN, "slaDue": Owner.SERVER},
)


def test_owner_values_are_the_wire_names() -> None:
    assert [o.value for o in Owner] == ["dispatcher", "technician", "server", "immutable"]
    assert Owner("immutable") is Owner.IMMUTABLE


def test_spec_coerces_owner_strings_and_freezes_fields() -> None:
    spec = CollectionSpec(name="assets", fields={"tagCode": "immutable"})  # type: ignore[dict-item]
    assert spec.fields["tagCode"] is Owner.IMMUTABLE
    with pytest.raises(TypeError):
        spec.fields["x"] = Owner.SERVER  # type: ignore[index]


def test_spec_does_not_share_the_callers_mapping() -> None:
    fields = {"title": Owner.DISPATCHER}
    spec = CollectionSpec(name="workOrders", fields=fields)
    fields["late"] = Owner.SERVER
    assert "late" not in spec.fields


@pytest.mark.parametrize("name", sorted(SYSTEM_FIELDS))
def test_system_fields_cannot_be_declared(name: str) -> None:
    with pytest.raises(ValueError, match="system field"):
        CollectionSpec(name="workOrders", fields={name: Owner.SERVER})


@pytest.mark.parametrize("name", ["", "work-orders", "1st", "work orders"])
def test_collection_name_must_be_a_graphql_name(name: str) -> None:
    with pytest.raises(ValueError, match="collection name"):
        CollectionSpec(name=name, fields={})


def test_field_name_must_be_a_graphql_name() -> None:
    with pytest.raises(ValueError, match="field name"):
        CollectionSpec(name="workOrders", fields={"due-at": Owner.SERVER})


def test_unknown_owner_is_refused() -> None:
    with pytest.raises(ValueError, match="customer"):
        CollectionSpec(name="workOrders", fields={"title": "customer"})  # type: ignore[dict-item]


def test_spec_is_hashable_and_compares_by_value() -> None:
    again = CollectionSpec(name="workOrders", fields=dict(SPEC.fields))
    assert again == SPEC
    assert hash(again) == hash(SPEC)


def test_from_policies_round_trips() -> None:
    policies = (FieldPolicy("title", Owner.DISPATCHER), FieldPolicy("assetId", Owner.IMMUTABLE))
    spec = CollectionSpec.from_policies("workOrders", policies, read_only=True)
    assert spec.policies == policies
    assert spec.read_only is True
    assert spec.scope is None
    assert spec.validate is None


def test_from_policies_refuses_a_field_declared_twice() -> None:
    policies = [FieldPolicy("title", Owner.DISPATCHER), FieldPolicy("title", Owner.TECHNICIAN)]
    with pytest.raises(ValueError, match="declared twice"):
        CollectionSpec.from_policies("workOrders", policies)


def test_hooks_are_plain_async_callables() -> None:
    async def scope(actor: Any, /) -> dict[str, Any]:
        return {"technician_id": actor}

    async def validate(
        actor: Any, document: Mapping[str, Any], master: Mapping[str, Any] | None, /
    ) -> Sequence[str]:
        return []

    scope_hook: ScopeHook = scope
    validate_hook: ValidateHook = validate
    spec = CollectionSpec(name="workOrders", fields={}, scope=scope_hook, validate=validate_hook)
    assert spec.scope is scope
    assert spec.validate is validate


# validate_document_shape


def test_well_formed_document_has_no_problems() -> None:
    doc = {"id": "wo-1", "title": "Boiler", "status": "open", "deleted": False, "version": 3}
    assert validate_document_shape(SPEC, doc) == []


def test_declared_fields_may_be_missing() -> None:
    assert validate_document_shape(SPEC, {"id": "wo-1"}) == []


def test_unknown_field_is_rejected() -> None:
    problems = validate_document_shape(SPEC, {"id": "wo-1", "colour": "red"})
    assert problems == ["unknown field 'colour' in collection 'workOrders'"]


def test_non_object_is_rejected() -> None:
    assert validate_document_shape(SPEC, ["id", "wo-1"]) == ["document must be an object"]


@pytest.mark.parametrize("doc_id", [None, "", 7])
def test_id_must_be_a_non_empty_string(doc_id: object) -> None:
    doc = {} if doc_id is None else {"id": doc_id}
    assert validate_document_shape(SPEC, doc) == ["'id' must be a non-empty string"]


def test_deleted_must_be_boolean() -> None:
    assert validate_document_shape(SPEC, {"id": "wo-1", "deleted": 1}) == ["'deleted' must be a boolean"]


def test_non_json_values_are_rejected() -> None:
    doc = {"id": "wo-1", "title": {1, 2}, "status": float("nan"), "slaDue": {"ok": [1, None, {"a": 1.5}]}}
    assert validate_document_shape(SPEC, doc) == [
        "field 'title' is not a JSON value",
        "field 'status' is not a JSON value",
    ]


def test_non_string_key_is_rejected() -> None:
    assert validate_document_shape(SPEC, {"id": "wo-1", 3: "x"}) == ["field name 3 is not a string"]


def test_all_problems_are_reported() -> None:
    problems = validate_document_shape(SPEC, {"deleted": "yes", "a": 1, "b": 2})
    assert len(problems) == 4


# Registry


def test_register_and_get() -> None:
    registry = Registry()
    assert registry.register(SPEC) is SPEC
    assert registry.get("workOrders") is SPEC
    assert "workOrders" in registry
    assert len(registry) == 1


def test_get_unknown_raises_unknown_collection_not_key_error() -> None:
    registry = Registry()
    with pytest.raises(UnknownCollection, match="nope") as info:
        registry.get("nope")
    assert not isinstance(info.value, KeyError)
    assert info.value.name == "nope"


def test_duplicate_name_is_refused() -> None:
    registry = Registry()
    registry.register(SPEC)
    with pytest.raises(DuplicateCollection):
        registry.register(CollectionSpec(name="workOrders", fields={}))
    assert registry.get("workOrders") is SPEC


def test_iterates_in_registration_order() -> None:
    registry = Registry()
    names = ["workOrders", "assets", "appointments"]
    for name in names:
        registry.register(CollectionSpec(name=name, fields={}))
    assert [spec.name for spec in registry] == names


def test_iteration_is_a_snapshot() -> None:
    registry = Registry()
    registry.register(SPEC)
    for _ in registry:
        registry.register(CollectionSpec(name="assets", fields={}))
    assert len(registry) == 2
