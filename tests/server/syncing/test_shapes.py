"""The fixed-width column checks must accept exactly what the equivalent regular expressions
accept, whatever the column holds."""

from __future__ import annotations

import re
import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from server.syncing import shapes

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UTC_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")

CASES = [(shapes.UUID, _UUID_RE), (shapes.DATE, _DATE_RE), (shapes.UTC_MICROS, _UTC_RE)]


def _expected(column: list[Any], pattern: re.Pattern[str]) -> str | None:
    ok = bool(column) and all(isinstance(v, str) and pattern.fullmatch(v) for v in column)
    return "\n".join(column) if ok else None


def _mutated(value: str, position: int, char: str) -> str:
    position %= len(value) + 1
    return value[:position] + char + value[position + 1 :]


valid_uuid = st.uuids().map(str)
valid_date = st.dates().map(lambda d: d.isoformat())
valid_utc = st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f+00:00"))
noise = st.sampled_from("0123456789abcdefABCDEF-: .+\n\x00é")


@given(
    st.lists(st.one_of(valid_uuid, valid_date, valid_utc), min_size=1, max_size=8),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 40), noise), max_size=3),
    st.sampled_from(range(len(CASES))),
)
def test_lines_agree_with_the_regular_expressions(
    column: list[str], mutations: list[tuple[int, int, str]], case: int
) -> None:
    for index, position, char in mutations:
        index %= len(column)
        column[index] = _mutated(column[index], position, char)
    shape, pattern = CASES[case]
    assert shape.lines(column) == _expected(column, pattern)


def test_typical_columns_pass_and_odd_ones_do_not() -> None:
    ids = [str(uuid.uuid4()) for _ in range(50)]
    assert shapes.UUID.lines(ids) == "\n".join(ids)
    assert shapes.UUID.lines([*ids, ids[0].upper()]) is None
    assert shapes.UUID.lines([*ids, None]) is None
    assert shapes.UUID.lines([]) is None
    # Right length, wrong layout: the dash moved, a newline inside a value.
    assert shapes.UUID.lines([ids[0][:8] + "a" + ids[0][9:12] + "-" + ids[0][13:]]) is None
    assert shapes.DATE.lines(["2026-11-23", "2026-1\n-23"]) is None
    assert shapes.UTC_MICROS.lines(["2026-11-23 08:30:00.123456+00:00"]) is not None
    assert shapes.UTC_MICROS.lines(["2026-11-23 08:30:00.123456+08:00"]) is None
    assert shapes.UTC_MICROS.lines(["2026-11-23 08:30:00+00:00"]) is None
