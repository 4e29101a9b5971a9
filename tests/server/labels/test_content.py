from __future__ import annotations

import pytest

from server.labels import fonts
from server.labels.content import ELLIPSIS, Label, arrange, display_code, wide_estimate, wrap


def mono(text: str, size: float) -> float:
    """One unit per character: makes line breaks easy to predict."""
    return len(text) * size


@pytest.mark.parametrize(
    ("code", "shown"),
    [("7K3M9QXT2B", "7K3M9-QXT2B"), ("A1B2C3D4", "A1B2-C3D4"), ("STB01", "STB01"), ("", "")],
)
def test_display_code_groups(code: str, shown: str) -> None:
    assert display_code(code) == shown


def test_wrap_breaks_latin_at_spaces() -> None:
    assert wrap("Optical network terminal", 1, 12, 3, mono) == ["Optical", "network", "terminal"]


def test_wrap_breaks_chinese_between_any_characters() -> None:
    assert wrap("朝阳区建国路八十八号", 1, 4, 3, mono) == ["朝阳区建", "国路八十", "八号"]


def test_wrap_ends_the_last_line_with_an_ellipsis_when_text_is_left() -> None:
    lines = wrap("朝阳区建国路八十八号现代城", 1, 4, 2, mono)
    assert lines == ["朝阳区建", "国路八" + ELLIPSIS]
    assert all(mono(line, 1) <= 4 for line in lines)


def test_wrap_splits_a_word_wider_than_the_line() -> None:
    assert wrap("HG8245H5", 1, 3, 3, mono) == ["HG8", "245", "H5"]


def test_wide_estimate_counts_chinese_as_a_full_em() -> None:
    assert wide_estimate("光猫", 2) == 4
    assert wide_estimate("ab", 10) == pytest.approx(12)


@pytest.mark.parametrize(("width", "height"), [(63.5, 38.1), (63.5, 33.9), (50, 30)])
def test_arrange_keeps_everything_inside_the_label(width: float, height: float) -> None:
    label = Label(
        tag_code="7K3M9QXT2B",
        url="https://ops.example.cn/a/7K3M9QXT2B",
        asset_name="华为光猫 HG8245H 一楼弱电间机柜 Optical network terminal",
        site_name="朝阳区建国路88号 SOHO现代城 A座 1501 室 (north entrance)",
    )
    layout = arrange(label, width, height, fonts.measure)
    assert layout.qr_y >= 0
    assert layout.qr_y + layout.qr_side <= height
    assert layout.qr_x >= 0
    assert layout.lines[0].text == "7K3M9-QXT2B"  # the code is never cut
    for line in layout.lines:
        assert line.x >= layout.qr_x + layout.qr_side  # right of the QR and its quiet zone
        assert line.x + fonts.measure(line.text, line.size) <= width + 1e-6
        assert line.baseline - line.size >= 0
        assert line.baseline <= height
    baselines = [line.baseline for line in layout.lines]
    assert baselines == sorted(baselines)
    assert any("朝阳区" in line.text for line in layout.lines)
