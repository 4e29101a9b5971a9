"""What a label's QR code says, and the code as a grid of modules every renderer draws from.

The QR holds only `<public base URL>/a/<tag code>`: the tag code never changes, so a printed label
never goes stale when the asset is renamed or moves, and any phone camera opens the app on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple
from urllib.parse import quote

import qrcode
from qrcode.constants import ERROR_CORRECT_Q

# ISO/IEC 18004 asks for a quiet zone of at least four modules; it is part of the matrix below.
QUIET_ZONE = 4
_DARK = re.compile(rb"\x01+")


def tag_url(base_url: str, tag_code: str) -> str:
    return f"{base_url.rstrip('/')}/a/{quote(tag_code, safe='')}"


class Run(NamedTuple):
    """A rectangle of dark modules: `length` wide from column `x`, `height` rows down from row `y`."""

    x: int
    y: int
    length: int
    height: int


@dataclass(frozen=True)
class QrMatrix:
    rows: tuple[bytes, ...]  # one byte per module, 1 = dark; the quiet zone included

    @property
    def size(self) -> int:
        return len(self.rows)

    def dark(self, x: int, y: int) -> bool:
        return self.rows[y][x] == 1

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """The dark modules as few rectangles: runs on a row, stacked when the rows below repeat
        them. Vector renderers draw one shape per run instead of one per module."""
        done: list[Run] = []
        started: dict[tuple[int, int], int] = {}  # (x, length) -> first row of a run still open
        for y, row in enumerate(self.rows):
            current = {m.span() for m in _DARK.finditer(row)}
            for span in [s for s in started if s not in current]:
                first = started.pop(span)
                done.append(Run(span[0], first, span[1] - span[0], y - first))
            for span in current:
                started.setdefault(span, y)
        end = len(self.rows)
        done.extend(Run(s[0], first, s[1] - s[0], end - first) for s, first in started.items())
        return tuple(sorted(done))


def qr_matrix(data: str) -> QrMatrix:
    """The smallest QR symbol holding `data` at error correction level Q (25 % may be damaged)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    return QrMatrix(rows=tuple(bytes(bool(cell) for cell in row) for row in code.get_matrix()))
