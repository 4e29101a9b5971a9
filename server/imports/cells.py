"""Cell parsers for the CSV import: one spreadsheet cell in, one model value out.

Each parser takes the stripped cell text and the column name (for the message) and raises
`ValidationFailed` naming the column, so the row's report says exactly what to fix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from tortoise.fields import CharField, TextField
from tortoise.models import Model

from server.assets.rules import normalize_tag_code
from server.core.errors import ValidationFailed
from server.customers import service as customer_rules
from server.customers.rules import check_language, normalize_phone

Parser = Callable[[str, str], Any]
NOTES_MAX = 4000  # the same bound the desk's forms apply to free-text notes

_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_YES = {"1", "true", "yes", "y", "是", "共享", "√", "x"}
_NO = {"", "0", "false", "no", "n", "否", "不共享"}
_KINDS = {
    "household": "household",
    "home": "household",
    "家庭": "household",
    "个人": "household",
    "住户": "household",
    "居民": "household",
    "business": "business",
    "company": "business",
    "企业": "business",
    "公司": "business",
    "单位": "business",
    "商户": "business",
}


def fail(column: str, reason: str) -> ValidationFailed:
    return ValidationFailed(f"{column}: {reason}", field=column)


def text(raw: str, column: str) -> str:
    return raw


def phone(raw: str, column: str) -> str:
    return normalize_phone(raw, field=column, required=True)


def optional_phone(raw: str, column: str) -> str:
    return customer_rules.optional_phone(raw, field=column)


def email(raw: str, column: str) -> str:
    if raw and not _EMAIL.fullmatch(raw):
        raise fail(column, f"{raw!r} is not an e-mail address.")
    return raw


def language(raw: str, column: str) -> str:
    return check_language(raw)


def customer_kind(raw: str, column: str) -> str:
    if not raw:
        return "household"
    try:
        return _KINDS[raw.lower()]
    except KeyError:
        raise fail(column, f"use household or business, got {raw!r}.") from None


def tag_code(raw: str, column: str) -> str:
    return normalize_tag_code(raw) if raw else ""


def coordinate(limit: float) -> Parser:
    def parse(raw: str, column: str) -> float | None:
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise fail(column, f"{raw!r} is not a number.") from None
        if not -limit <= value <= limit:
            raise fail(column, f"must be between -{limit:g} and {limit:g}, got {raw}.")
        return value

    return parse


def timezone(raw: str, column: str) -> str:
    return customer_rules.check_timezone(raw or "Asia/Shanghai")


def day(raw: str, column: str) -> date | None:
    """YYYY-MM-DD as well as the YYYY/M/D that spreadsheets in China display."""
    if not raw:
        return None
    match = _DATE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise fail(column, f"{raw!r} is not a date such as 2027-06-30 or 2027/6/30.") from None


def ip_address(raw: str, column: str) -> str:
    if not raw:
        return ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise fail(column, f"{raw!r} is not an IP address.") from None


def flag(raw: str, column: str) -> bool:
    value = raw.lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise fail(column, f"use yes or no, got {raw!r}.")


def sla_tier(known: Mapping[str, str]) -> Parser:
    """`known` maps the spellings a spreadsheet may use (code, English or Chinese name, lower-cased)
    to a tier code; whether that tier may be used is the SLA service's rule, checked afterwards."""

    def parse(raw: str, column: str) -> str:
        if not raw:
            return "standard"
        return known.get(raw.lower(), raw)

    return parse


def check_length(model: type[Model], column: str, value: Any) -> None:
    """The model's own column limit, checked before the database would reject the row."""
    field = model._meta.fields_map.get(column)
    if not isinstance(value, str):
        return
    limit = (
        field.max_length
        if isinstance(field, CharField)
        else NOTES_MAX
        if isinstance(field, TextField)
        else None
    )
    if limit is not None and len(value) > limit:
        raise fail(column, f"at most {limit} characters, got {len(value)}.")
