from __future__ import annotations

import math
from typing import Any

import pytest

from server.core.errors import ValidationFailed
from server.signatures import validation
from server.signatures.consent import current, texts_for
from tests.server.signatures.helpers import strokes


def _code(fn: Any, *args: Any) -> str:
    with pytest.raises(ValidationFailed) as caught:
        fn(*args)
    return caught.value.code


def test_good_strokes_pass_unchanged() -> None:
    assert validation.check_strokes(strokes()) == strokes()


@pytest.mark.parametrize("value", [[], None, "strokes", [{"points": []}], [{"no": "points"}]])
def test_a_signature_needs_strokes_with_points(value: Any) -> None:
    with pytest.raises(ValidationFailed):
        validation.check_strokes(value)
    assert _code(validation.check_strokes, []) == "EMPTY_SIGNATURE"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "12", None, True])
def test_coordinates_must_be_finite_numbers(bad: Any) -> None:
    data = strokes()
    data[1]["points"][3]["y"] = bad
    with pytest.raises(ValidationFailed):
        validation.check_strokes(data)


def test_strokes_over_200_kb_are_refused() -> None:
    point = {"x": 123.456789, "y": 98.7654321, "time": 1700000000000, "pressure": 0.5}
    big = [{"points": [point] * 3200}]
    assert _code(validation.check_strokes, big) == "SIGNATURE_TOO_LARGE"
    assert validation.check_strokes([{"points": [point] * 2800}])  # about 196 KB is fine


def test_pen_sizes_are_bounded() -> None:
    data = strokes()
    data[0]["maxWidth"] = 5000
    with pytest.raises(ValidationFailed):
        validation.check_strokes(data)


def test_the_consent_must_be_a_published_text_word_for_word() -> None:
    zh = current("zh-CN")
    assert validation.check_consent(zh.text, zh.version, "zh-CN") == zh
    assert _code(validation.check_consent, zh.text + " ", zh.version, "zh-CN") == "CONSENT_MISMATCH"
    assert _code(validation.check_consent, zh.text, 99, "zh-CN") == "UNKNOWN_CONSENT"
    assert _code(validation.check_consent, zh.text, zh.version, "en") == "CONSENT_MISMATCH"
    with pytest.raises(ValidationFailed):
        validation.check_consent(zh.text, zh.version, "fr")


def test_consent_texts_exist_in_both_languages_newest_first() -> None:
    for lang, expected in (("zh-CN", "zh-CN"), ("zh", "zh-CN"), ("en-GB", "en"), ("fr", "en")):
        texts = texts_for(lang)
        assert texts
        assert all(t.language == expected for t in texts)
        assert [t.version for t in texts] == sorted((t.version for t in texts), reverse=True)


def test_signer_relation_and_name() -> None:
    assert validation.check_signer("  李秀英 ", "tenant") == ("李秀英", "tenant")
    with pytest.raises(ValidationFailed):
        validation.check_signer("李秀英", "landlord")
    with pytest.raises(ValidationFailed):
        validation.check_signer("   ", "customer")


def test_position_comes_whole_and_in_range() -> None:
    assert validation.check_position(None, None, None) == (None, None, None)
    assert validation.check_position(39.9, 116, 5) == (39.9, 116.0, 5.0)
    for bad in ((39.9, None, None), (91, 0, None), (0, 0, -1), (0, math.nan, None)):
        with pytest.raises(ValidationFailed):
            validation.check_position(*bad)


def test_content_hash_is_64_hex_digits_in_lower_case() -> None:
    assert validation.check_hash("AB" * 32) == "ab" * 32
    for bad in ("ab" * 31, "zz" * 32, None, 12):
        with pytest.raises(ValidationFailed):
            validation.check_hash(bad)
