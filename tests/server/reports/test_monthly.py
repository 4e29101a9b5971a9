"""The monthly report: the PDF's figures are the CSV's rows recounted, and the dashboard's."""

from __future__ import annotations

import base64
import codecs
import csv
import io
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from server.core import persist
from server.core.errors import Forbidden, ValidationFailed
from server.core.roles import Role
from server.reports.figures import Ratio
from server.reports.monthly import month_filters, monthly_report, parse_month
from server.reports.monthly_text import COLUMNS, header, number, parse_lang, ratio_text, t
from tests.factories import actor_of, make_user
from tests.server.reports import pdf_tools
from tests.server.reports._figures_fixture import SHANGHAI, build_month

ROOT = Path(__file__).resolve().parents[3]
DASHBOARD = """
query($f: DashboardFilter) { dashboard(filter: $f) {
  orders cancelled resolved
  respondSla { numerator denominator } resolveSla { numerator denominator }
  responseTime { averageMinutes } resolutionTime { averageMinutes }
  firstTimeFix { numerator denominator } repeatFault { numerator denominator }
  satisfaction { satisfied { numerator denominator } }
  callbackReach { numerator denominator } complaints
  onTimeArrival { numerator denominator } checklistCompletion { numerator denominator }
} }
"""
OCTOBER_UTC = {"start": "2026-09-30T16:00:00+00:00", "end": "2026-10-31T16:00:00+00:00"}


def _table(report_csv: bytes) -> list[dict[str, str]]:
    lines = list(csv.reader(io.StringIO(report_csv.decode("utf-8-sig"))))
    keys = [key for key, _, _ in COLUMNS]
    return [dict(zip(keys, line, strict=True)) for line in lines[1:]]


def _ratio(rows: list[dict[str, str]], key: str) -> Ratio:
    """Rows with a "1" over rows with any answer: how the report counts a yes/no fact."""
    return Ratio(sum(r[key] == "1" for r in rows), sum(r[key] != "" for r in rows))


def _recount(table: list[dict[str, str]]) -> dict[str, Any]:
    """The headline figures, counted again from the CSV rows alone."""
    rows = [r for r in table if r["status"] != "cancelled"]
    respond = [float(r["respond_minutes"]) for r in rows if r["respond_minutes"]]
    resolve = [float(r["resolve_minutes"]) for r in rows if r["resolve_minutes"]]
    called = [r for r in rows if r["called_back"] == "1"]
    return {
        "orders": len(rows),
        "cancelled": len(table) - len(rows),
        "resolved": len(resolve),
        "respond_sla": _ratio(rows, "respond_met"),
        "resolve_sla": _ratio(rows, "resolve_met"),
        "avg_response": sum(respond) / len(respond),
        "avg_resolution": sum(resolve) / len(resolve),
        "first_time_fix": _ratio(rows, "first_time_fix"),
        "repeat_fault": Ratio(sum(r["repeat_fault"] == "1" for r in rows), len(rows)),
        "satisfied": Ratio(
            sum(int(r["ratings_satisfied"]) for r in rows), sum(int(r["ratings"]) for r in rows)
        ),
        "callback_reach": Ratio(sum(r["callback_reached"] == "1" for r in called), len(called)),
        "complaints": sum(r["complaint"] == "1" for r in rows),
        "on_time": _ratio(rows, "on_time"),
        "checklist": _ratio(rows, "checklist_completed"),
    }


def _printed(value: Any) -> str:
    """How the PDF prints a figure."""
    if isinstance(value, Ratio):
        return ratio_text(value)
    return number(value) if isinstance(value, float) else str(value)


def _layout_text(pdf: bytes, tmp: Path) -> str:
    source = tmp / "report.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603 (poppler's pdftotext on our own file)
        ["pdftotext", "-layout", "-enc", "UTF-8", str(source), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_pdf_shows_the_figures_the_csv_rows_add_up_to(db: Any, lang: str, tmp_path: Path) -> None:
    await build_month()
    report = await monthly_report(actor=None, month="2026-10", lang=lang)

    assert report.csv.startswith(codecs.BOM_UTF8)
    assert report.csv.decode("utf-8-sig").splitlines()[0].split(",") == header(lang)
    table = _table(report.csv)
    assert len(table) == 10  # nine counted orders and one cancelled; September and November left out
    counts = _recount(table)
    assert counts["respond_sla"] == Ratio(5, 7)  # the hand-computed month, as test_figures checks it
    assert counts["satisfied"] == Ratio(4, 5)
    assert counts["callback_reach"] == Ratio(4, 5)

    text = _layout_text(report.pdf, tmp_path)
    for key, value in counts.items():
        # The headline table prints each figure on the line of its label.
        line = rf"^\s*{re.escape(t(key, lang))}\s+{re.escape(_printed(value))}\s*$"
        assert re.search(line, text, flags=re.MULTILINE), f"{key} is not {_printed(value)} in the PDF"
    assert ("Monthly service report" in text) is (lang == "en")
    assert ("月度运维服务报告" in text) is (lang == "zh-CN")


async def test_the_dashboard_shows_what_the_report_shows(db: Any, as_user: Any) -> None:
    await build_month()
    report = await monthly_report(actor=None, month="2026-10", lang="en")
    counts = _recount(_table(report.csv))
    client = await as_user(await make_user(Role.SUPERVISOR))
    d = (await client.data(DASHBOARD, {"f": OCTOBER_UTC}))["dashboard"]

    def ratio(value: dict[str, int]) -> Ratio:
        return Ratio(value["numerator"], value["denominator"])

    assert (d["orders"], d["cancelled"], d["resolved"]) == (
        counts["orders"],
        counts["cancelled"],
        counts["resolved"],
    )
    assert ratio(d["respondSla"]) == counts["respond_sla"]
    assert ratio(d["resolveSla"]) == counts["resolve_sla"]
    assert d["responseTime"]["averageMinutes"] == pytest.approx(counts["avg_response"])
    assert d["resolutionTime"]["averageMinutes"] == pytest.approx(counts["avg_resolution"])
    assert ratio(d["firstTimeFix"]) == counts["first_time_fix"]
    assert ratio(d["repeatFault"]) == counts["repeat_fault"]
    assert ratio(d["satisfaction"]["satisfied"]) == counts["satisfied"]
    assert ratio(d["callbackReach"]) == counts["callback_reach"]
    assert d["complaints"] == counts["complaints"]
    assert ratio(d["onTimeArrival"]) == counts["on_time"]
    assert ratio(d["checklistCompletion"]) == counts["checklist"]


async def test_the_report_on_demand_is_the_same_report(db: Any, as_user: Any) -> None:
    await build_month()
    client = await as_user(await make_user(Role.DISPATCHER))
    made = (
        await client.data(
            'mutation { generateMonthlyReport(month: "2026-10", lang: "en") '
            "{ month lang pdfFilename csvFilename pdfBase64 csv dashboard { orders } } }"
        )
    )["generateMonthlyReport"]
    assert (made["month"], made["lang"], made["dashboard"]["orders"]) == ("2026-10", "en", 9)
    assert made["pdfFilename"] == "doorstep-monthly-2026-10-en.pdf"
    assert made["csvFilename"] == "doorstep-monthly-2026-10-en.csv"
    pdf = base64.b64decode(made["pdfBase64"])
    assert pdf.startswith(b"%PDF")
    assert "71.4% (5/7)" in pdf_tools.text(pdf)
    assert len(_table(made["csv"].encode("utf-8"))) == 10


async def test_the_report_counts_what_the_records_say_now(db: Any) -> None:
    month = await build_month()
    order = month.orders["O6"]  # standard, level 3, received on 19 October
    order.fault_level = 1
    await persist.save(order, actor=None, before={})
    report = await monthly_report(actor=None, month="2026-10", lang="en")
    levels = {(g.sla_tier, g.fault_level): g.orders for g in report.figures.sla_groups}
    assert (levels[("standard", 1)], levels[("standard", 3)]) == (2, 1)


async def test_an_empty_month_says_so(db: Any) -> None:
    report = await monthly_report(actor=None, month="2027-02", lang="zh-CN")
    assert report.figures.orders == 0
    assert len(_table(report.csv)) == 0
    assert "本周期内没有工单" in pdf_tools.text(report.pdf)


async def test_technicians_may_not_make_the_report(db: Any) -> None:
    technician = actor_of(await make_user(Role.TECHNICIAN))
    with pytest.raises(Forbidden):
        await monthly_report(actor=technician, month="2026-10")


def test_month_and_language_are_checked() -> None:
    assert parse_month("2026-10") == date(2026, 10, 1)
    for bad in ("2026-13", "2026-1", "October 2026", ""):
        with pytest.raises(ValidationFailed):
            parse_month(bad)
    assert (parse_lang("zh"), parse_lang("zh_CN"), parse_lang("en-GB")) == ("zh-CN", "zh-CN", "en")
    with pytest.raises(ValidationFailed):
        parse_lang("fr")


def test_a_month_runs_from_local_midnight_to_local_midnight() -> None:
    december = month_filters(date(2026, 12, 1), "Asia/Shanghai")
    assert december.start == datetime(2026, 12, 1, tzinfo=SHANGHAI)
    assert december.end == datetime(2027, 1, 1, tzinfo=SHANGHAI)


def _doorstep(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORSTEP_")}
    env["DOORSTEP_DATA_DIR"] = str(data_dir)
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_report_command_writes_the_pdf_and_the_csv(tmp_path: Path) -> None:
    data_dir, out = tmp_path / "data", tmp_path / "out"
    assert _doorstep(data_dir, "seed-demo").returncode == 0
    backfill = _doorstep(data_dir, "report", "backfill")
    assert backfill.returncode == 0, backfill.stderr
    # seed-demo computes the facts itself, so a backfill right after it finds nothing stale.
    refreshed = int(re.findall(r"refreshed for (\d+) work order", backfill.stdout)[0])
    assert refreshed == 0

    month = f"{datetime.now(SHANGHAI):%Y-%m}"
    made = _doorstep(data_dir, "report", "monthly", "--month", month, "--lang", "en", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert f"Monthly report {month} (en):" in made.stdout
    rows = int(re.findall(r"\((\d+) rows\)", made.stdout)[0])
    csv_file = out / f"doorstep-monthly-{month}-en.csv"
    assert len(_table(csv_file.read_bytes())) == rows
    assert (out / f"doorstep-monthly-{month}-en.pdf").read_bytes().startswith(b"%PDF")

    again = _doorstep(data_dir, "report", "backfill")
    assert "refreshed for 0 work order" in again.stdout

    typo = _doorstep(data_dir, "report", "monthly", "--month", "2026-13")
    assert typo.returncode == 1
    assert typo.stderr.strip() == "doorstep: Give the month as YYYY-MM, e.g. 2026-10."
