"""Whole-column checks of fixed-width text values (UUIDs, dates, UTC date-times as Tortoise stores
them): does every value of a pull page's column have exactly this form?

A regular expression over the joined column does it at about 10 ns per character; slicing the
joined bytes at the fixed positions and counting characters does it in a fraction of that, which
matters for a page of a thousand documents with five such columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FixedShape:
    """Values of `width` characters: `exact` characters at given positions, and one of `free`
    at every other position."""

    width: int
    exact: Mapping[int, str]
    free: str
    _free: bytes = field(init=False, repr=False)
    _fixed: bytes = field(init=False, repr=False)  # one value's characters that are not free, in order

    def __post_init__(self) -> None:
        fixed = "".join(c for _, c in sorted(self.exact.items()) if c not in self.free)
        object.__setattr__(self, "_free", self.free.encode())
        object.__setattr__(self, "_fixed", fixed.encode())

    def lines(self, column: Sequence[Any]) -> str | None:
        """The column's values joined by newlines, if every one is a string of this shape."""
        try:
            joined = "\n".join(column)  # raises for a value that is not a string (None included)
        except TypeError:
            return None
        n, step = len(column), self.width + 1
        if not n or len(joined) != step * n - 1 or not joined.isascii():
            return None
        raw = joined.encode()
        # With the free characters removed, exactly the fixed ones must be left, in order (so no
        # other character anywhere) ...
        if raw.translate(None, self._free) != b"\n".join([self._fixed] * n):
            return None
        # ... and each at its own position.
        if raw[self.width :: step] != b"\n" * (n - 1):
            return None
        for position, char in self.exact.items():
            if raw[position::step] != char.encode() * n:
                return None
        return joined


_HEX = "0123456789abcdef"
_DIGITS = "0123456789"

UUID = FixedShape(width=36, exact={8: "-", 13: "-", 18: "-", 23: "-"}, free=_HEX)
DATE = FixedShape(width=10, exact={4: "-", 7: "-"}, free=_DIGITS)
# str() of a UTC datetime with microseconds: "2026-11-23 08:30:00.123456+00:00"
UTC_MICROS = FixedShape(
    width=32,
    exact={
        4: "-",
        7: "-",
        10: " ",
        13: ":",
        16: ":",
        19: ".",
        26: "+",
        27: "0",
        28: "0",
        29: ":",
        30: "0",
        31: "0",
    },
    free=_DIGITS,
)
