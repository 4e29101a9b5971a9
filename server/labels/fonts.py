"""The font labels are printed with: one that covers Chinese, found among the system's fonts.

Both the PNG and the PDF renderer use this file, and text is measured with it, so lines are
broken where they will really end. A machine without one gets an error that names the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from server.core.errors import DomainError

# (file, index inside a font collection); the first one present wins.
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: Simplified Chinese
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
DEBIAN_PACKAGE = "fonts-wqy-microhei"
_REFERENCE_PX = 200  # text is measured once at this size and scaled: glyph advances are linear


class FontMissing(DomainError):
    code = "FONT_MISSING"
    http_status = 503


@dataclass(frozen=True)
class CjkFont:
    path: Path
    index: int


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    for path, index in CANDIDATES:
        if Path(path).is_file():
            return CjkFont(Path(path), index)
    raise FontMissing(
        "No Chinese font is installed, so labels cannot be drawn. Install the Debian package "
        f"{DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}) or fonts-noto-cjk, "
        "or run scripts/ensure-system-deps.sh run."
    )


@lru_cache(maxsize=32)
def pil_font(size_px: int) -> ImageFont.FreeTypeFont:
    font = cjk_font()
    return ImageFont.truetype(str(font.path), size=max(1, size_px), index=font.index)


def measure(text: str, size: float) -> float:
    """The advance width of `text` set at `size` (any unit; the answer is in the same unit).

    A sum of cached per-character advances: measuring whole strings through FreeType costs more
    than drawing the label, and these fonts set Chinese without kerning.
    """
    return sum(_advance(c) for c in text) * size / _REFERENCE_PX


@lru_cache(maxsize=8192)
def _advance(char: str) -> float:
    return pil_font(_REFERENCE_PX).getlength(char)
