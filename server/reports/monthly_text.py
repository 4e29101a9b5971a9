"""Words and number formats of the monthly report, in English and Simplified Chinese.

The PDF, the CSV header and the summary printed by the command all format numbers here, so the
same figure reads the same everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from server.core.errors import ValidationFailed
from server.reports.figures import Ratio

Lang = Literal["en", "zh-CN"]
NONE = "-"

TEXT: dict[str, dict[Lang, str]] = {
    "title": {"en": "Monthly service report", "zh-CN": "月度运维服务报告"},
    "period": {"en": "Period", "zh-CN": "统计周期"},
    "generated": {"en": "Generated", "zh-CN": "生成时间"},
    "filters": {"en": "Filters", "zh-CN": "筛选条件"},
    "page": {"en": "Page", "zh-CN": "第"},
    "headline": {"en": "Headline figures", "zh-CN": "主要指标"},
    "orders": {"en": "Work orders received", "zh-CN": "受理工单"},
    "cancelled": {"en": "Cancelled", "zh-CN": "已取消"},
    "resolved": {"en": "Resolved", "zh-CN": "已解决"},
    "closed": {"en": "Closed", "zh-CN": "已关闭"},
    "respond_sla": {"en": "Response SLA met", "zh-CN": "响应时限达标率"},
    "resolve_sla": {"en": "Resolution SLA met", "zh-CN": "解决时限达标率"},
    "avg_response": {"en": "Average response (business minutes)", "zh-CN": "平均响应用时（工作分钟）"},
    "avg_resolution": {"en": "Average resolution (business minutes)", "zh-CN": "平均解决用时（工作分钟）"},
    "first_time_fix": {"en": "First-time fix", "zh-CN": "一次修复率"},
    "repeat_fault": {"en": "Repeat faults (30 days)", "zh-CN": "重复故障率（30天）"},
    "average_score": {"en": "Average rating (1-5)", "zh-CN": "平均评分（1-5）"},
    "satisfied": {"en": "Satisfied ratings (4-5)", "zh-CN": "满意率（4-5分）"},
    "callback_reach": {"en": "Call-back reach", "zh-CN": "回访接通率"},
    "complaints": {"en": "Complaints", "zh-CN": "投诉"},
    "on_time": {"en": "On-time arrival", "zh-CN": "准时到场率"},
    "checklist": {"en": "Etiquette checklist completed", "zh-CN": "服务规范检查完成率"},
    "sla_groups": {"en": "SLA attainment by tier and fault level", "zh-CN": "按SLA等级和故障级别的达标情况"},
    "tier": {"en": "SLA tier", "zh-CN": "SLA等级"},
    "level": {"en": "Fault level", "zh-CN": "故障级别"},
    "response": {"en": "Response", "zh-CN": "响应"},
    "resolution": {"en": "Resolution", "zh-CN": "解决"},
    "response_time": {"en": "Response time (business minutes)", "zh-CN": "响应用时分布（工作分钟）"},
    "resolution_time": {"en": "Resolution time (business minutes)", "zh-CN": "解决用时分布（工作分钟）"},
    "technicians": {"en": "Technicians", "zh-CN": "维护工程师"},
    "technician": {"en": "Technician", "zh-CN": "维护工程师"},
    "no_data": {"en": "No work orders in this period.", "zh-CN": "本周期内没有工单。"},
    "customer": {"en": "Customer", "zh-CN": "客户"},
    "site": {"en": "Site", "zh-CN": "站点"},
}

# CSV columns: key, English header, Chinese header.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("number", "Work order", "工单号"),
    ("received_at", "Received", "受理时间"),
    ("customer", "Customer", "客户"),
    ("site", "Site", "站点"),
    ("technician", "Technician", "维护工程师"),
    ("sla_tier", "SLA tier", "SLA等级"),
    ("fault_level", "Fault level", "故障级别"),
    ("status", "Status", "状态"),
    ("respond_minutes", "Response minutes", "响应用时（分钟）"),
    ("respond_met", "Response SLA met", "响应达标"),
    ("resolve_minutes", "Resolution minutes", "解决用时（分钟）"),
    ("resolve_met", "Resolution SLA met", "解决达标"),
    ("first_time_fix", "First-time fix", "一次修复"),
    ("repeat_fault", "Repeat fault", "重复故障"),
    ("on_time", "On time", "准时到场"),
    ("checklist_completed", "Checklist completed", "检查表完成"),
    ("ratings", "Ratings", "评价数"),
    ("rating_total", "Rating total", "评分合计"),
    ("ratings_satisfied", "Satisfied ratings", "满意评价数"),
    ("called_back", "Called back", "已回访"),
    ("callback_reached", "Reached on call-back", "回访接通"),
    ("complaint", "Complaint", "投诉"),
)


def parse_lang(value: str) -> Lang:
    """ "en" or "zh-CN"; any Chinese tag (zh, zh_CN, zh-Hans) means Simplified Chinese."""
    primary = value.replace("_", "-").split("-", 1)[0].strip().lower()
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    raise ValidationFailed("The report language must be zh-CN or en.", field="lang")


def t(key: str, lang: Lang) -> str:
    return TEXT[key][lang]


def header(lang: Lang) -> list[str]:
    return [en if lang == "en" else zh for _, en, zh in COLUMNS]


def month_title(month: date, lang: Lang) -> str:
    return f"{month.year}年{month.month}月" if lang == "zh-CN" else month.strftime("%B %Y")


def percent(ratio: Ratio) -> str:
    rate = ratio.rate
    return NONE if rate is None else f"{rate * 100:.1f}%"


def ratio_text(ratio: Ratio) -> str:
    """ "71.4% (5/7)": the rate and the counts it comes from."""
    return f"{percent(ratio)} ({ratio.numerator}/{ratio.denominator})"


def number(value: float | None, digits: int = 1) -> str:
    return NONE if value is None else f"{value:.{digits}f}"


def flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def minutes(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.2f}"
