"""The fast decoders give exactly what Tortoise's conversion followed by the field's `out` gives,
for the raw values either driver returns and for values of unexpected shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from tortoise import fields as orm

from server.assets.models import SealState
from server.syncing.fields import _date_out, _dt_out, _enum_out, _same, _uuid_out, column_decoder, decoder

U = uuid.UUID("5e059ec2-5234-404e-beee-cacba5c2ff0a")
SHANGHAI = timezone(timedelta(hours=8))

CASES: list[tuple[orm.Field[Any], Callable[[Any], Any], list[Any]]] = [
    (
        orm.DatetimeField(),
        _dt_out,
        [
            None,
            "2026-11-23 15:08:47.663790+00:00",  # as Tortoise stores it on SQLite
            "2026-11-23 15:08:47+00:00",  # whole seconds: isoformat drops the fraction
            "2026-11-23 15:08:47.000000+00:00",
            "2026-11-23 23:08:47.663790+08:00",  # another offset is converted to UTC
            "2026-11-23T15:08:47.663790+00:00",
            datetime(2026, 11, 23, 15, 8, 47, 663790, tzinfo=UTC),  # as asyncpg returns it
            datetime(2026, 11, 23, 23, 8, 47, tzinfo=SHANGHAI),
        ],
    ),
    (orm.DateField(null=True), _date_out, [None, "2027-05-01", date(2027, 5, 1), "20270501"]),
    (
        orm.UUIDField(),
        _uuid_out,
        [None, str(U), U, str(U).upper(), U.hex],
    ),
    (orm.BooleanField(), _same, [None, 0, 1, True, False]),
    (orm.CharEnumField(SealState), _enum_out, [None, "intact", "broken", "none"]),
]


@pytest.mark.parametrize(("field", "out", "raws"), CASES, ids=lambda c: type(c).__name__)
def test_fast_decoding_equals_the_general_conversion(
    field: orm.Field[Any], out: Callable[[Any], Any], raws: list[Any]
) -> None:
    decode = decoder(out, field)
    assert decode is not None
    for raw in raws:
        assert decode(raw) == out(field.to_python_value(raw)), raw


# Columns in which every value has the usual stored form, so the whole-column path is taken.
USUAL: list[tuple[orm.Field[Any], Callable[[Any], Any], list[Any]]] = [
    (orm.DatetimeField(), _dt_out, ["2026-11-23 15:08:47.663790+00:00", "2026-01-02 03:04:05.000001+00:00"]),
    (orm.DateField(), _date_out, ["2027-05-01", "2026-02-28"]),
    (orm.UUIDField(), _uuid_out, [str(U), str(uuid.uuid4())]),
    (orm.BooleanField(), _same, [0, 1, 1]),
    (orm.CharEnumField(SealState), _enum_out, ["intact", "none"]),
]


@pytest.mark.parametrize(("field", "out", "raws"), CASES + USUAL, ids=lambda c: type(c).__name__)
def test_column_decoding_equals_the_general_conversion(
    field: orm.Field[Any], out: Callable[[Any], Any], raws: list[Any]
) -> None:
    decode = column_decoder(out, field)
    assert decode is not None
    assert list(decode(tuple(raws))) == [out(field.to_python_value(raw)) for raw in raws]
    assert list(decode(())) == []


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        (orm.DatetimeField(), "2026-13-45 15:08:47.663790+00:00"),  # right shape, impossible date
        (orm.CharEnumField(SealState), "melted"),
    ],
)
def test_bad_stored_values_fail_as_the_orm_fails(field: orm.Field[Any], raw: Any) -> None:
    out = _dt_out if isinstance(field, orm.DatetimeField) else _enum_out
    decode = decoder(out, field)
    assert decode is not None
    expected = _error(lambda: field.to_python_value(raw))
    assert expected is not None
    assert _error(lambda: decode(raw)) is expected
    whole = column_decoder(out, field)
    assert whole is not None
    assert _error(lambda: whole((raw, raw))) is expected


def _error(call: Callable[[], Any]) -> type[Exception] | None:
    try:
        call()
    except Exception as exc:
        return type(exc)
    return None


def test_text_needs_no_decoding_but_other_converters_keep_the_general_path() -> None:
    assert decoder(_same, orm.CharField(max_length=10)) is None
    assert decoder(_same, orm.TextField()) is None
    general = decoder(str, orm.IntField())
    assert general is not None
    assert general(7) == "7"
