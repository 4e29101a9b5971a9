"""One label as a PNG, drawn at a given resolution (300 dpi for office printers, 203 for thermal)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from server.labels import fonts
from server.labels.content import Label, Layout, arrange

MM_PER_INCH = 25.4


def render_image(label: Label, *, width_mm: float, height_mm: float, dpi: int) -> Image.Image:
    layout = arrange(label, width_mm, height_mm, fonts.measure)
    scale = dpi / MM_PER_INCH
    image = Image.new("L", (round(width_mm * scale), round(height_mm * scale)), 255)
    _draw_qr(image, layout, scale)
    draw = ImageDraw.Draw(image)
    for line in layout.lines:
        font = fonts.pil_font(round(line.size * scale))
        draw.text((line.x * scale, line.baseline * scale), line.text, fill=0, font=font, anchor="ls")
    return image


def render_png(label: Label, *, width_mm: float, height_mm: float, dpi: int = 300) -> bytes:
    image = render_image(label, width_mm=width_mm, height_mm=height_mm, dpi=dpi)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def _draw_qr(image: Image.Image, layout: Layout, scale: float) -> None:
    # Whole pixels per module: a module blurred across pixel edges scans worse.
    n = layout.qr.size
    module = max(1, int(layout.qr_side * scale) // n)
    side = module * n
    left = round(layout.qr_x * scale + (layout.qr_side * scale - side) / 2)
    top = round(layout.qr_y * scale + (layout.qr_side * scale - side) / 2)
    draw = ImageDraw.Draw(image)
    for run in layout.qr.runs:
        x0, y0 = left + run.x * module, top + run.y * module
        draw.rectangle((x0, y0, x0 + run.length * module - 1, y0 + run.height * module - 1), fill=0)
