"""The monthly report: the month's figures as a PDF (zh-CN or en) and the rows behind them as CSV.

The PDF shows the same figures the dashboard computes for that period, and the CSV holds one row
per work order received in the month (cancelled ones included, marked by their status), so every
headline number can be recounted from it in a spreadsheet. The month runs from the first to the
last day in the service's time zone.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import ValidationFailed
from server.core.roles import STAFF
from server.reports.facts import count_stale, refresh_stale
from server.reports.figures import Figures, compute_figures
from server.reports.monthly_pdf import render_monthly_pdf
from server.reports.monthly_text import COLUMNS, Lang, flag, header, minutes, parse_lang, ratio_text
from server.reports.queries import Filters, facts_in
from server.sla.calendar import DEFAULT_TZ

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
Advance = Callable[[int], None]


@dataclass(frozen=True)
class OrderRow:
    values: dict[str, str]

    def cells(self) -> list[str]:
        return [self.values[key] for key, _, _ in COLUMNS]


@dataclass(frozen=True)
class MonthlyReport:
    month: date  # the first day of the month
    lang: Lang
    tz: str
    generated_at: datetime
    figures: Figures
    rows: tuple[OrderRow, ...]
    pdf: bytes
    csv: bytes

    @property
    def basename(self) -> str:
        return f"doorstep-monthly-{self.month:%Y-%m}-{self.lang}"


def parse_month(value: str) -> date:
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationFailed("Give the month as YYYY-MM, e.g. 2026-10.", field="month")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_filters(month: date, tz: str) -> Filters:
    zone = ZoneInfo(tz)
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return Filters(
        start=datetime(month.year, month.month, 1, tzinfo=zone),
        end=datetime(after.year, after.month, 1, tzinfo=zone),
    )


# Facts columns the CSV shows directly: yes/no ones as 1, 0 or empty (not known), the rest as text.
_FLAGS = (
    "respond_met",
    "resolve_met",
    "first_time_fix",
    "repeat_fault",
    "on_time",
    "checklist_completed",
    "called_back",
    "callback_reached",
    "complaint",
)
_PLAIN = ("sla_tier", "fault_level", "status", "ratings", "rating_total", "ratings_satisfied")


async def order_rows(filters: Filters, *, tz: str) -> tuple[OrderRow, ...]:
    """One row per order the filters select, in the order received."""
    facts = await (
        facts_in(filters)
        .order_by("received_at", "work_order_id")
        .values(
            "received_at",
            "respond_seconds",
            "resolve_seconds",
            *_FLAGS,
            *_PLAIN,
            number="work_order__number",
            customer="customer__name",
            site="site__name",
            technician="technician__display_name",
        )
    )
    zone = ZoneInfo(tz)
    return tuple(_row(fact, zone) for fact in facts)


def _row(fact: dict[str, Any], zone: ZoneInfo) -> OrderRow:
    received = fact["received_at"]
    if isinstance(received, str):
        received = datetime.fromisoformat(received)
    return OrderRow(
        {
            "number": str(fact["number"]),
            "received_at": received.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "customer": str(fact["customer"] or ""),
            "site": str(fact["site"] or ""),
            "technician": str(fact["technician"] or ""),
            "respond_minutes": minutes(fact["respond_seconds"]),
            "resolve_minutes": minutes(fact["resolve_seconds"]),
            **{key: flag(_bool(fact[key])) for key in _FLAGS},
            **{key: str(fact[key]) for key in _PLAIN},
        }
    )


def _bool(value: object) -> bool | None:
    # SQLite returns booleans as 0/1.
    return None if value is None else bool(value)


def to_csv(rows: tuple[OrderRow, ...], lang: Lang) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(lang))
    writer.writerows(row.cells() for row in rows)
    return out.getvalue().encode("utf-8-sig")


async def monthly_report(
    *,
    actor: Actor | None,
    month: str,
    lang: str = "zh-CN",
    tz: str = DEFAULT_TZ,
    advance: Advance | None = None,
) -> MonthlyReport:
    """Build the report of `month` (YYYY-MM); `actor` None is the operator's command line.

    Facts missing or older than their order are brought up to date first, so the report counts
    what the records say now; `advance` is told how many were refreshed as it goes.
    """
    if actor is not None:
        require(actor, *STAFF)
    first = parse_month(month)
    language = parse_lang(lang)
    filters = month_filters(first, tz)
    await refresh_stale(actor=actor, since=filters.start, until=filters.end, advance=advance)
    figures = await compute_figures(filters)
    rows = await order_rows(filters, tz=tz)
    generated = utcnow()
    pdf = await asyncio.to_thread(
        render_monthly_pdf, figures, month=first, lang=language, tz=tz, generated_at=generated
    )
    return MonthlyReport(
        month=first,
        lang=language,
        tz=tz,
        generated_at=generated,
        figures=figures,
        rows=rows,
        pdf=pdf,
        csv=to_csv(rows, language),
    )


async def stale_in_month(month: str, tz: str) -> int:
    """How many orders of the month need their facts refreshed (for a progress bar)."""
    filters = month_filters(parse_month(month), tz)
    return await count_stale(since=filters.start, until=filters.end)


def summary(report: MonthlyReport) -> str:
    """The headline of the report in one line, for the operator's terminal."""
    f = report.figures
    return (
        f"Monthly report {report.month:%Y-%m} ({report.lang}): {f.orders} work orders, "
        f"{f.cancelled} cancelled, {f.resolved} resolved; response SLA {ratio_text(f.respond_sla)}, "
        f"resolution SLA {ratio_text(f.resolve_sla)}, first-time fix {ratio_text(f.first_time_fix)}, "
        f"satisfied {ratio_text(f.satisfaction.satisfied)}, complaints {f.callbacks.complaints}."
    )


def write_report(report: MonthlyReport, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / f"{report.basename}.pdf"
    csv_path = out_dir / f"{report.basename}.csv"
    pdf_path.write_bytes(report.pdf)
    csv_path.write_bytes(report.csv)
    return pdf_path, csv_path
