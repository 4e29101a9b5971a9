"""Field rules shared by the GraphQL services and the CSV import."""

from __future__ import annotations

import re

from server.core.errors import ValidationFailed

LANGUAGES = ("zh-CN", "en")
_PHONE_KEEP = re.compile(r"[^\d+]")


def normalize_phone(raw: str, *, field: str = "phone", required: bool = True) -> str:
    """Digits with an optional leading +; spaces, dashes and brackets are dropped."""
    value = _PHONE_KEEP.sub("", raw.strip())
    if not value:
        if required:
            raise ValidationFailed(f"{field}: a phone number is required.", field=field)
        return ""
    digits = value.removeprefix("+")
    if "+" in digits or not 5 <= len(digits) <= 20:
        raise ValidationFailed(f"{field}: {raw!r} is not a phone number.", field=field)
    return value


def check_language(raw: str) -> str:
    value = raw.strip() or "zh-CN"
    if value.lower() in {"zh", "zh-cn", "zh_cn", "zh-hans"}:
        return "zh-CN"
    if value.lower() in {"en", "en-us", "en-gb"}:
        return "en"
    raise ValidationFailed(f"language: use one of {', '.join(LANGUAGES)}, got {raw!r}.", field="language")
