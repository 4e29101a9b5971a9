"""The monthly report as an A4 PDF: headline figures, SLA attainment by tier and fault level, the
response and resolution time histograms as bar charts, and the per-technician table.

Pure layout over computed `Figures`, so it runs in a worker thread. Charts are drawn with plain
rectangles and text, and the text uses the CJK font the labels use, embedded as a subset.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from server.labels import fonts
from server.reports.figures import Distribution, Figures
from server.reports.monthly_text import Lang, month_title, number, ratio_text, t

FAMILY = "cjk"
MARGIN = 15.0
BODY = 9.5
SMALL = 7.5
LINE = 5.5
CHART_HEIGHT = 42.0
HEADING_FILL = (232, 236, 242)
BAR_FILL = (74, 111, 165)
TABLE_HEAD = FontFace(fill_color=(245, 246, 248))


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


def headline(figures: Figures, lang: Lang) -> list[tuple[str, str]]:
    """The headline figures as (label, value) lines, in the order the report prints them."""
    f = figures
    return [
        (t("orders", lang), str(f.orders)),
        (t("cancelled", lang), str(f.cancelled)),
        (t("resolved", lang), str(f.resolved)),
        (t("closed", lang), str(f.closed)),
        (t("respond_sla", lang), ratio_text(f.respond_sla)),
        (t("resolve_sla", lang), ratio_text(f.resolve_sla)),
        (t("avg_response", lang), number(f.response_time.average_minutes)),
        (t("avg_resolution", lang), number(f.resolution_time.average_minutes)),
        (t("first_time_fix", lang), ratio_text(f.first_time_fix)),
        (t("repeat_fault", lang), ratio_text(f.repeat_fault)),
        (t("average_score", lang), number(f.satisfaction.average_score, 2)),
        (t("satisfied", lang), ratio_text(f.satisfaction.satisfied)),
        (t("callback_reach", lang), ratio_text(f.callbacks.reached)),
        (t("complaints", lang), str(f.callbacks.complaints)),
        (t("on_time", lang), ratio_text(f.on_time)),
        (t("checklist", lang), ratio_text(f.checklist)),
    ]


def render_monthly_pdf(
    figures: Figures, *, month: date, lang: Lang, tz: str, generated_at: datetime
) -> bytes:
    title = f"{t('title', lang)} {month_title(month, lang)}"
    pdf = _document(title, lang)
    pdf.set_font(FAMILY, size=18)
    pdf.cell(0, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=BODY)
    generated = generated_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    pdf.cell(
        0,
        LINE,
        f"{t('period', lang)}: {month:%Y-%m} ({tz})    {t('generated', lang)}: {generated}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    _heading(pdf, t("headline", lang))
    _table(pdf, None, headline(figures, lang), (110, 70))
    if figures.orders == 0:
        pdf.cell(0, LINE * 2, t("no_data", lang), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return bytes(pdf.output())
    _heading(pdf, t("sla_groups", lang))
    _table(
        pdf,
        (t("tier", lang), t("level", lang), t("orders", lang), t("response", lang), t("resolution", lang)),
        [
            (g.sla_tier, str(g.fault_level), str(g.orders), ratio_text(g.respond), ratio_text(g.resolve))
            for g in figures.sla_groups
        ],
        (30, 25, 35, 45, 45),
    )
    _heading(pdf, t("response_time", lang), keep=CHART_HEIGHT + 20)
    _bar_chart(pdf, figures.response_time)
    _heading(pdf, t("resolution_time", lang), keep=CHART_HEIGHT + 20)
    _bar_chart(pdf, figures.resolution_time)
    _heading(pdf, t("technicians", lang))
    _table(
        pdf,
        (
            t("technician", lang),
            t("orders", lang),
            t("resolved", lang),
            t("first_time_fix", lang),
            t("on_time", lang),
            t("checklist", lang),
        ),
        [
            (
                p.display_name,
                str(p.orders),
                str(p.resolved),
                ratio_text(p.first_time_fix),
                ratio_text(p.on_time),
                ratio_text(p.checklist),
            )
            for p in figures.technicians
        ],
        (35, 22, 22, 34, 34, 33),
    )
    return bytes(pdf.output())


def _document(title: str, lang: Lang) -> _Report:
    pdf = _Report(title)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(title)
    pdf.set_creator("Doorstep")
    pdf.set_lang(lang)
    font = fonts.cjk_font()
    pdf.add_font(FAMILY, fname=str(font.path), collection_font_number=font.index)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(FAMILY, size=BODY)
    return pdf


def _heading(pdf: FPDF, text: str, *, keep: float = 20) -> None:
    """A shaded section title, moved to a new page when less than `keep` mm would follow it."""
    if pdf.get_y() + keep > pdf.h - MARGIN:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_fill_color(*HEADING_FILL)
    pdf.set_font(FAMILY, size=11)
    pdf.cell(0, 7, text, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=BODY)
    pdf.ln(1.5)


def _table(
    pdf: FPDF,
    heading: tuple[str, ...] | None,
    rows: Sequence[Sequence[str]],
    widths: tuple[int, ...],
) -> None:
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        first_row_as_headings=heading is not None,
        headings_style=TABLE_HEAD,
        line_height=LINE,
        text_align="LEFT",
    ) as table:
        for cells in [heading, *rows] if heading is not None else rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)


def _bucket_label(lower: int, upper: int | None) -> str:
    return f"{lower}+" if upper is None else f"{lower}-{upper}"


def _bar_chart(pdf: FPDF, distribution: Distribution) -> None:
    """Vertical bars, one per bucket, with the count above each and the range below."""
    buckets = distribution.buckets
    left, top = pdf.l_margin + 5, pdf.get_y() + 4
    width = pdf.w - pdf.l_margin - pdf.r_margin - 10
    slot = width / len(buckets)
    peak = max((b.count for b in buckets), default=0)
    base = top + CHART_HEIGHT
    pdf.set_draw_color(150)
    pdf.line(left, base, left + width, base)
    pdf.set_fill_color(*BAR_FILL)
    pdf.set_font(FAMILY, size=SMALL)
    for i, bucket in enumerate(buckets):
        x = left + i * slot
        height = CHART_HEIGHT * bucket.count / peak if peak else 0
        if height:
            pdf.rect(x + slot * 0.15, base - height, slot * 0.7, height, style="F")
        pdf.set_xy(x, base - height - 4.5)
        pdf.cell(slot, 4, str(bucket.count), align=Align.C)
        pdf.set_xy(x, base + 1)
        pdf.cell(slot, 4, _bucket_label(bucket.lower_minutes, bucket.upper_minutes), align=Align.C)
    pdf.set_font(FAMILY, size=BODY)
    pdf.set_xy(pdf.l_margin, base + 7)
