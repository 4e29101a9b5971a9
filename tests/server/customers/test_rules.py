from __future__ import annotations

import pytest

from server.core.errors import ValidationFailed
from server.customers.rules import check_language, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"), [("138 0013 8000", "13800138000"), ("+86 (10) 6552-9988", "+861065529988")]
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12", "abc", "12+34"])
def test_bad_phone(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_phone(raw)


def test_optional_phone() -> None:
    assert normalize_phone("  ", required=False) == ""


def test_language() -> None:
    assert check_language("zh") == "zh-CN"
    assert check_language("EN") == "en"
    with pytest.raises(ValidationFailed):
        check_language("fr")
