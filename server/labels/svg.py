"""One label as SVG: the QR as a single path, the words as text.

SVG text is drawn with the viewer's fonts, so Chinese renders wherever a CJK font is installed;
the family list names the common ones on each platform before the generic fallback.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from server.labels.content import Label, Layout, arrange, wide_estimate

FONT_FAMILY = (
    "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Hiragino Sans GB', 'Microsoft YaHei', 'SimHei', sans-serif"
)


def render_svg(label: Label, *, width_mm: float, height_mm: float) -> str:
    layout = arrange(label, width_mm, height_mm, wide_estimate)
    w, h = _num(width_mm), _num(height_mm)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
        f"<title>{escape(label.tag_code)}</title>",
        f'<rect width="{w}" height="{h}" fill="#fff"/>',
        _qr_path(layout),
        f'<g font-family={quoteattr(FONT_FAMILY)} fill="#000">',
    ]
    parts.extend(
        f'<text x="{_num(line.x)}" y="{_num(line.baseline)}" font-size="{_num(line.size)}">'
        f"{escape(line.text)}</text>"
        for line in layout.lines
    )
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"


def _qr_path(layout: Layout) -> str:
    # Drawn in module units and scaled once, so the path stays short and the modules exact.
    d = "".join(f"M{r.x} {r.y}h{r.length}v{r.height}h-{r.length}z" for r in layout.qr.runs)
    place = f"translate({_num(layout.qr_x)} {_num(layout.qr_y)}) scale({_num(layout.module, 5)})"
    return f'<path transform="{place}" d="{d}" fill="#000" shape-rendering="crispEdges"/>'


def _num(value: float, places: int = 3) -> str:
    return f"{value:.{places}f}".rstrip("0").rstrip(".")
