"""The service report (运行服务单) as an A4 PDF: everything the visit record holds, with the
customer's signature and the three parties who complete it (desk, technician, customer).

Pure layout: `render_report` turns gathered data (data.py) into bytes, so it runs in a worker
thread. Text uses the CJK font the labels use, embedded as a subset; wrapping breaks between
characters in Chinese and between words in English.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from server.labels import fonts
from server.reports.data import PhotoTile, ServiceReport, SignatureBlock
from server.reports.wording import Wording

FAMILY = "cjk"
MARGIN = 15.0
BODY = 9.5
SMALL = 7.5
LINE = 5.2
HEADING_FILL = (232, 236, 242)
TABLE_HEAD = FontFace(fill_color=(245, 246, 248))
PHOTO_COLUMNS = 4
PHOTO_GAP = 4.0
SIGNATURE_BOX = (80.0, 36.0)  # mm


class _Report(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(unit="mm", format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FAMILY, size=SMALL)
        self.set_text_color(110)
        self.cell(0, 4, f"{self.footer_text}  ·  {self.page_no()}/{{nb}}", align=Align.C)
        self.set_text_color(0)


def render_report(report: ServiceReport) -> bytes:
    w = report.words
    pdf = _document(report)
    wrap = WrapMode.CHAR if w.lang == "zh-CN" else WrapMode.WORD
    _title(pdf, report)
    _heading(pdf, w["customer_site"])
    _pairs(pdf, wrap, [
        (w["customer"], report.customer_name),
        (w["phone"], report.customer_phone),
        (w["site"], report.site_name),
        (w["address"], report.site_address),
    ])  # fmt: skip
    _heading(pdf, w["request"])
    _pairs(pdf, wrap, [
        (w["symptom"], report.symptom),
        (w["fault_level"], report.fault_level),
        (w["sla_tier"], report.sla_tier),
    ])  # fmt: skip
    _heading(pdf, f"{w['times']} ({w.zone_name})")
    _pairs(pdf, wrap, report.times)
    _heading(pdf, w["assets"])
    _grid(pdf, wrap, (w["asset_name"], w["tag"], w["serial"]), report.assets, (80, 45, 55), w)
    _heading(pdf, w["work_done"])
    _pairs(
        pdf, wrap, [(w["work_done"], report.resolution or w["none"]), (w["cause"], report.cause or w["none"])]
    )
    _heading(pdf, w["parts"])
    _grid(pdf, wrap, (w["part_name"], w["part_no"], w["quantity"]), report.parts, (95, 60, 25), w)
    _heading(pdf, w["checklist"])
    _grid(pdf, wrap, (w["item"], w["answer"]), report.checklist, (130, 50), w)
    _heading(pdf, w["photos"], keep=_photo_side(pdf) + 5 if report.photos else 10)
    _photos(pdf, report.photos, w)
    _heading(pdf, w["signature"], keep=SIGNATURE_BOX[1] + 16)
    _signature(pdf, report.signature, w, wrap)
    _heading(pdf, w["parties"])
    _grid(
        pdf,
        wrap,
        (w["desk"], w["technician"], w["served_customer"]),
        [(report.desk_person or w["none"], report.technician or w["none"], report.served_customer)],
        (60, 60, 60),
        w,
    )
    return bytes(pdf.output())


def _document(report: ServiceReport) -> _Report:
    pdf = _Report(f"{report.words['title']} {report.number}")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(f"{report.words['title']} {report.number}")
    pdf.set_creator("Doorstep")
    pdf.set_lang(report.words.lang)
    font = fonts.cjk_font()
    pdf.add_font(FAMILY, fname=str(font.path), collection_font_number=font.index)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(FAMILY, size=BODY)
    return pdf


def _title(pdf: FPDF, report: ServiceReport) -> None:
    w = report.words
    pdf.set_font(FAMILY, size=18)
    pdf.cell(0, 10, w["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=BODY)
    line = "    ".join(
        (
            f"{w['number']}: {report.number}",
            f"{w['status']}: {report.status}",
            f"{w['generated']}: {report.generated_at}",
        )
    )
    pdf.cell(0, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _heading(pdf: FPDF, text: str, *, keep: float = 20) -> None:
    """A section title; `keep` millimetres of what follows must fit under it on the same page."""
    if pdf.get_y() + 10 + keep > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FAMILY, size=11)
    pdf.set_fill_color(*HEADING_FILL)
    pdf.cell(0, 7, f" {text}", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=BODY)
    pdf.ln(1)


def _pairs(pdf: FPDF, wrap: WrapMode, rows: Sequence[tuple[str, str]]) -> None:
    with pdf.table(
        col_widths=(40, 140),
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        line_height=LINE,
        text_align="LEFT",
        wrapmode=wrap,
        padding=1,
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(value)


def _grid(
    pdf: FPDF,
    wrap: WrapMode,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    words: Wording,
) -> None:
    if not rows:
        pdf.cell(0, LINE, words["none"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    with pdf.table(
        col_widths=tuple(widths),
        headings_style=TABLE_HEAD,
        line_height=LINE,
        text_align="LEFT",
        wrapmode=wrap,
        padding=1,
    ) as table:
        for cells in (head, *rows):
            row = table.row()
            for text in cells:
                row.cell(text)


def _photos(pdf: FPDF, tiles: Sequence[PhotoTile], words: Wording) -> None:
    if not tiles:
        pdf.cell(0, LINE, words["none"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    side = _photo_side(pdf)
    caption_h = 4.0
    for index, tile in enumerate(tiles):
        column = index % PHOTO_COLUMNS
        if column == 0:
            if index:
                pdf.set_y(pdf.get_y() + side + caption_h + PHOTO_GAP)
            if pdf.get_y() + side + caption_h > pdf.page_break_trigger:
                pdf.add_page()
        x, y = pdf.l_margin + column * (side + PHOTO_GAP), pdf.get_y()
        pdf.set_draw_color(200)
        pdf.rect(x, y, side, side)
        if tile.image is not None:
            pdf.image(io.BytesIO(tile.image), x=x, y=y, w=side, h=side, keep_aspect_ratio=True)
        else:
            pdf.set_xy(x, y + side / 2 - 2)
            pdf.set_font(FAMILY, size=SMALL)
            pdf.cell(side, 4, words["photo_missing"], align=Align.C)
        pdf.set_xy(x, y + side)
        pdf.set_font(FAMILY, size=SMALL)
        pdf.cell(side, caption_h, _fit(pdf, tile.caption, side), align=Align.C)
        pdf.set_font(FAMILY, size=BODY)
        pdf.set_y(y)
    pdf.set_y(pdf.get_y() + side + caption_h + PHOTO_GAP)
    pdf.set_x(pdf.l_margin)


def _photo_side(pdf: FPDF) -> float:
    return float((pdf.epw - PHOTO_GAP * (PHOTO_COLUMNS - 1)) / PHOTO_COLUMNS)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    while text and pdf.get_string_width(text) > width - 1:
        text = text[:-2] + "…"
    return text


def _signature(pdf: FPDF, block: SignatureBlock | None, words: Wording, wrap: WrapMode) -> None:
    if block is None:
        pdf.cell(0, LINE, words["not_signed"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    box_w, box_h = SIGNATURE_BOX
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_draw_color(160)
    pdf.rect(x, y, box_w, box_h)
    pdf.image(io.BytesIO(block.png), x=x + 1, y=y + 1, w=box_w - 2, h=box_h - 2, keep_aspect_ratio=True)
    text_x = x + box_w + 5
    pdf.set_xy(text_x, y)
    pdf.multi_cell(pdf.epw - box_w - 5, LINE, f"{words['signer']}: {block.signer}", wrapmode=wrap,
                   new_x=XPos.LEFT, new_y=YPos.NEXT)  # fmt: skip
    pdf.multi_cell(pdf.epw - box_w - 5, LINE, f"{words['signed']}: {block.signed_at}", wrapmode=wrap,
                   new_x=XPos.LEFT, new_y=YPos.NEXT)  # fmt: skip
    pdf.set_font(FAMILY, size=SMALL)
    pdf.multi_cell(pdf.epw - box_w - 5, 4, f"{words['consent']}: {block.consent_text}", wrapmode=wrap,
                   new_x=XPos.LEFT, new_y=YPos.NEXT)  # fmt: skip
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), y + box_h) + 2)
    pdf.cell(0, 4, f"{words['content_hash']}:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=8)
    pdf.cell(0, 4.5, block.content_hash, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=SMALL)
    pdf.cell(0, 4, words["hash_ok"] if block.hash_matches else words["hash_mismatch"],
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.set_font(FAMILY, size=BODY)
