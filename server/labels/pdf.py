"""Sheets of labels as PDF, for label stock on an office printer or a roll on a thermal printer.

Layouts are data: page size, label size, grid and the position of the first label. The QR is
drawn as vector rectangles so it prints sharp at any resolution; the text uses the CJK font,
embedded as a subset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import RenderStyle

from server.labels import fonts
from server.labels.content import Label, Layout, arrange

PT_PER_MM = 72 / 25.4
_FAMILY = "cjk"


@dataclass(frozen=True)
class SheetLayout:
    name: str
    description: str
    page_width: float  # all lengths in millimetres
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    left: float  # page edge to the first label's left edge
    top: float
    pitch_x: float  # one label's left edge to the next one's
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def position(self, slot: int) -> tuple[float, float]:
        """Top-left corner of label `slot` (0-based, row by row) on its page."""
        row, column = divmod(slot % self.per_page, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y


# Avery L7160: 21 labels of 63.5 x 38.1 mm, 3 x 7, 2.54 mm between columns, rows touching.
L7160 = SheetLayout(
    name="L7160",
    description="A4, 3 x 7 labels of 63.5 x 38.1 mm (Avery L7160)",
    page_width=210,
    page_height=297,
    label_width=63.5,
    label_height=38.1,
    columns=3,
    rows=7,
    left=7.21,
    top=15.15,
    pitch_x=66.04,
    pitch_y=38.1,
)
# Avery L7159 geometry: 24 labels of 63.5 x 33.9 mm, 3 x 8.
A4_3X8 = SheetLayout(
    name="A4_3x8",
    description="A4, 3 x 8 labels of 63.5 x 33.9 mm (Avery L7159)",
    page_width=210,
    page_height=297,
    label_width=63.5,
    label_height=33.9,
    columns=3,
    rows=8,
    left=7.21,
    top=12.9,
    pitch_x=66.04,
    pitch_y=33.9,
)
# One 50 x 30 mm label per page: thermal label printers feed one page per label.
THERMAL_50X30 = SheetLayout(
    name="THERMAL_50x30",
    description="one 50 x 30 mm label per page (thermal label printer)",
    page_width=50,
    page_height=30,
    label_width=50,
    label_height=30,
    columns=1,
    rows=1,
    left=0,
    top=0,
    pitch_x=50,
    pitch_y=30,
)
LAYOUTS: dict[str, SheetLayout] = {layout.name: layout for layout in (L7160, A4_3X8, THERMAL_50X30)}


def render_sheet(labels: Sequence[Label], layout: SheetLayout, *, skip: int = 0) -> bytes:
    """Every label in order, row by row; `skip` leaves that many slots of the first page empty
    (a sheet already partly used)."""
    if not 0 <= skip < layout.per_page:
        raise ValueError(f"skip must be between 0 and {layout.per_page - 1}")
    pdf = _document(layout)
    for i, label in enumerate(labels):
        slot = i + skip
        if i == 0 or slot % layout.per_page == 0:
            pdf.add_page()
        x, y = layout.position(slot)
        _draw(pdf, arrange(label, layout.label_width, layout.label_height, fonts.measure), x, y)
    return bytes(pdf.output())


def _document(layout: SheetLayout) -> FPDF:
    pdf = FPDF(unit="mm", format=(layout.page_width, layout.page_height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title("Asset labels")
    pdf.set_creator("Doorstep")
    font = fonts.cjk_font()
    pdf.add_font(_FAMILY, fname=str(font.path), collection_font_number=font.index)
    pdf.set_fill_color(0)
    pdf.set_text_color(0)
    return pdf


def _draw(pdf: FPDF, layout: Layout, x: float, y: float) -> None:
    module = layout.module
    qx, qy = x + layout.qr_x, y + layout.qr_y
    for run in layout.qr.runs:
        x0, y0 = qx + run.x * module, qy + run.y * module
        pdf.rect(x0, y0, run.length * module, run.height * module, RenderStyle.F)
    for line in layout.lines:
        pdf.set_font(_FAMILY, size=line.size * PT_PER_MM)
        pdf.text(x + line.x, y + line.baseline, line.text)
