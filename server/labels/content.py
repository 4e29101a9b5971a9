"""What is on one label and where, in millimetres; the PNG, SVG and PDF renderers only draw it.

The QR sits on the left as large as the label's height allows (its quiet zone is its own white
margin); the text block on the right holds the tag code in full, then the asset's name and its
site on up to two lines each, cut with an ellipsis when longer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from server.labels.qr import QrMatrix, qr_matrix

Measure = Callable[[str, float], float]  # (text, font size) -> advance width, same unit
ELLIPSIS = "…"
# Characters set one per em and breakable anywhere: CJK ideographs, kana, hangul, full-width forms.
_WIDE = "\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKENS = re.compile(rf"[{_WIDE}]|\s+|[^\s{_WIDE}]+")
_WIDE_CHAR = re.compile(f"[{_WIDE}]")


@dataclass(frozen=True)
class Label:
    tag_code: str
    url: str  # what the QR encodes
    asset_name: str
    site_name: str


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    baseline: float
    size: float  # font size (em height)


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    qr: QrMatrix
    qr_x: float
    qr_y: float
    qr_side: float
    lines: tuple[Line, ...]

    @property
    def module(self) -> float:
        return self.qr_side / self.qr.size


def display_code(code: str) -> str:
    """The tag code in groups of at most five, easier to read aloud or type (dashes are ignored)."""
    groups = -(-len(code) // 5)
    if groups <= 1:
        return code
    step = -(-len(code) // groups)
    return "-".join(code[i : i + step] for i in range(0, len(code), step))


def wide_estimate(text: str, size: float) -> float:
    """A width guess for a font we cannot measure (an SVG viewer's): wide glyphs are one em, the
    rest a generous 0.6 em, so the guess errs towards too wide."""
    wide = len(_WIDE_CHAR.findall(text))
    return (wide + 0.6 * (len(text) - wide)) * size


def arrange(label: Label, width: float, height: float, measure: Measure) -> Layout:
    pad = max(1.0, 0.04 * height)
    qr_side = min(height - 2 * pad, width * 0.55)
    text_x = pad + qr_side + 0.5
    text_w = max(1.0, width - text_x - pad)
    code = display_code(label.tag_code)
    # The code is never cut: it shrinks to fit instead.
    code_size = min(0.12 * height, 0.95 * text_w / max(0.01, measure(code, 1.0)))
    name_size, site_size = 0.09 * height, 0.08 * height
    room = height - 2 * pad
    for name_lines, site_lines in ((2, 2), (2, 1), (1, 1)):
        blocks = [
            [(code, code_size)],
            [(t, name_size) for t in wrap(label.asset_name, name_size, text_w, name_lines, measure)],
            [(t, site_size) for t in wrap(label.site_name, site_size, text_w, site_lines, measure)],
        ]
        if _height(blocks) <= room:
            break
    return Layout(
        width=width,
        height=height,
        qr=qr_matrix(label.url),
        qr_x=pad,
        qr_y=(height - qr_side) / 2,
        qr_side=qr_side,
        lines=_stack(blocks, x=text_x, top=pad, room=room),
    )


_LEADING = 1.25  # line height, in ems
_GAP = 0.35  # space between the code, the name and the site, in ems of the block below


def _height(blocks: list[list[tuple[str, float]]]) -> float:
    rows = sum(size * _LEADING for block in blocks for _, size in block)
    return rows + sum(block[0][1] * _GAP for block in blocks[1:] if block)


def _stack(blocks: list[list[tuple[str, float]]], *, x: float, top: float, room: float) -> tuple[Line, ...]:
    """Lines placed top to bottom, the whole block centred vertically in `room`."""
    y = top + max(0.0, (room - _height(blocks)) / 2)
    out: list[Line] = []
    for i, block in enumerate(blocks):
        if i and block:
            y += block[0][1] * _GAP
        for text, size in block:
            # The baseline sits about one em below the line's top for CJK fonts.
            out.append(Line(text=text, x=x, baseline=y + size * 0.95, size=size))
            y += size * _LEADING
    return tuple(out)


def wrap(text: str, size: float, width: float, max_lines: int, measure: Measure) -> list[str]:
    """`text` broken into at most `max_lines` lines of `width`: at spaces between Latin words,
    anywhere between CJK characters; the last line ends in an ellipsis when text is left over."""
    lines: list[str] = []
    line = ""
    tokens = _TOKENS.findall(" ".join(text.split()))
    while tokens:
        token = tokens.pop(0)
        if measure((line + token).rstrip(), size) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = ""
            if not token.isspace():
                tokens.insert(0, token)
        elif not token.isspace():
            # One word wider than the line: split it between characters.
            cut = _fit(token, size, width, measure)
            lines.append(token[:cut])
            if token[cut:]:
                tokens.insert(0, token[cut:])
        if len(lines) == max_lines:
            rest = "".join(tokens).strip()
            if rest:
                lines[-1] = _ellipsize(lines[-1], size, width, measure)
            return lines
    if line.strip():
        lines.append(line.rstrip())
    return lines[:max_lines]


def _fit(text: str, size: float, width: float, measure: Measure) -> int:
    """How many leading characters of `text` fit in `width` (at least one, so wrapping ends)."""
    n = 1
    while n < len(text) and measure(text[: n + 1], size) <= width:
        n += 1
    return n


def _ellipsize(text: str, size: float, width: float, measure: Measure) -> str:
    while text and measure(text + ELLIPSIS, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS
