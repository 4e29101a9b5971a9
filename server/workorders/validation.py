"""Field rules of a work order, shared by the service and the sync hooks."""

from __future__ import annotations

from typing import Any

from server.core.errors import ValidationFailed

FAULT_LEVELS = (1, 2, 3)
MAX_SYMPTOM = 4000
MAX_TEXT = 10_000
MAX_PARTS = 100
MAX_CAUSE = 32
_PART_KEYS = frozenset({"name", "part_no", "quantity"})


def check_symptom(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("Describe the symptom.", field="symptom")
    text = value.strip()
    if len(text) > MAX_SYMPTOM:
        raise ValidationFailed(
            f"The symptom is too long (at most {MAX_SYMPTOM} characters).", field="symptom"
        )
    return text


def check_fault_level(value: object) -> int:
    # bool is an int subclass; True is not level 1.
    if isinstance(value, bool) or value not in FAULT_LEVELS:
        raise ValidationFailed("The fault level is 1, 2 or 3.", field="faultLevel")
    assert isinstance(value, int)
    return value


def check_text(value: object, *, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be text.", field=field)
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{field} is too long (at most {MAX_TEXT} characters).", field=field)
    return value.strip()


def check_cause_category(value: object) -> str:
    text = check_text(value, field="causeCategory")
    if len(text) > MAX_CAUSE:
        raise ValidationFailed(
            f"The cause category is at most {MAX_CAUSE} characters.", field="causeCategory"
        )
    return text


def check_parts_used(value: object) -> list[dict[str, Any]]:
    """A list of {name: non-empty text, part_no: text, quantity: whole number ≥ 1}."""
    if not isinstance(value, list):
        raise ValidationFailed("partsUsed must be a list.", field="partsUsed")
    if len(value) > MAX_PARTS:
        raise ValidationFailed(f"At most {MAX_PARTS} parts per work order.", field="partsUsed")
    return [_check_part(index, part) for index, part in enumerate(value)]


def _check_part(index: int, part: object) -> dict[str, Any]:
    where = f"partsUsed[{index}]"
    if not isinstance(part, dict):
        raise ValidationFailed(f"{where} must be an object with name, part_no and quantity.", field=where)
    unknown = set(part) - _PART_KEYS
    if unknown:
        raise ValidationFailed(f"{where} has unknown keys: {', '.join(sorted(unknown))}.", field=where)
    name = part.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed(f"{where}: the part needs a name.", field=where)
    part_no = part.get("part_no", "")
    if not isinstance(part_no, str):
        raise ValidationFailed(f"{where}: the part number must be text.", field=where)
    quantity = part.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationFailed(f"{where}: the quantity is a whole number of at least 1.", field=where)
    return {"name": name.strip(), "part_no": part_no.strip(), "quantity": quantity}
