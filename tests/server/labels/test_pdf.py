from __future__ import annotations

import pytest

from server.labels.content import Label
from server.labels.pdf import A4_3X8, L7160, LAYOUTS, THERMAL_50X30, SheetLayout, render_sheet
from tests.server.labels.decode import pdf_page_size_pt, pdf_pages, pdf_text, qr_codes

DPI = 200
MM_PER_INCH = 25.4


def labels(n: int) -> list[Label]:
    return [
        Label(
            tag_code=f"7K3M9Q{i:04d}",
            url=f"https://ops.example.cn/a/7K3M9Q{i:04d}",
            asset_name=f"光猫 ONU {i}",
            site_name="朝阳区建国路88号",
        )
        for i in range(n)
    ]


def test_l7160_is_the_avery_sheet() -> None:
    assert (L7160.columns, L7160.rows, L7160.per_page) == (3, 7, 21)
    assert (L7160.label_width, L7160.label_height) == (63.5, 38.1)
    assert (L7160.pitch_x, L7160.pitch_y) == (66.04, 38.1)
    assert (A4_3X8.per_page, THERMAL_50X30.per_page) == (24, 1)


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_labels_sit_inside_the_page_without_overlapping(layout: SheetLayout) -> None:
    cells = [layout.position(slot) for slot in range(layout.per_page)]
    for x, y in cells:
        assert x >= 0
        assert x + layout.label_width <= layout.page_width + 0.01
        assert y >= 0
        assert y + layout.label_height <= layout.page_height + 0.01
    for i, (x1, y1) in enumerate(cells):
        for x2, y2 in cells[i + 1 :]:
            apart_x = abs(x1 - x2) >= layout.label_width - 1e-9
            apart_y = abs(y1 - y2) >= layout.label_height - 1e-9
            assert apart_x or apart_y
    # Printers centre the stock: margins are equal on both sides.
    right = layout.page_width - cells[-1][0] - layout.label_width
    bottom = layout.page_height - cells[-1][1] - layout.label_height
    assert right == pytest.approx(layout.left, abs=0.01)
    assert bottom == pytest.approx(layout.top, abs=0.01)


def _slot_of(code: object, layout: SheetLayout) -> int:
    """The grid slot the decoded symbol's centre falls in."""
    pos = code.position  # type: ignore[attr-defined]
    cx = (pos.top_left.x + pos.bottom_right.x) / 2 * MM_PER_INCH / DPI
    cy = (pos.top_left.y + pos.bottom_right.y) / 2 * MM_PER_INCH / DPI
    column = int((cx - layout.left) // layout.pitch_x)
    row = int((cy - layout.top) // layout.pitch_y)
    return row * layout.columns + column


@pytest.mark.parametrize(
    ("layout", "count", "skip", "per_page"),
    [(L7160, 24, 0, [21, 3]), (A4_3X8, 20, 5, [19, 1]), (THERMAL_50X30, 3, 0, [1, 1, 1])],
    ids=["L7160", "A4_3x8-skip5", "THERMAL_50x30"],
)
def test_every_label_decodes_in_its_own_slot(
    layout: SheetLayout, count: int, skip: int, per_page: list[int]
) -> None:
    batch = labels(count)
    pages = pdf_pages(render_sheet(batch, layout, skip=skip), dpi=DPI)
    assert [len(qr_codes(page)) for page in pages] == per_page
    seen: list[str] = []
    for page_no, page in enumerate(pages):
        for code in qr_codes(page):
            index = batch.index(next(b for b in batch if b.url == code.text))
            assert code.ec_level == "Q"
            assert (index + skip) // layout.per_page == page_no
            assert _slot_of(code, layout) == (index + skip) % layout.per_page
            seen.append(code.text)
    assert sorted(seen) == sorted(b.url for b in batch)


def test_page_size_of_each_layout() -> None:
    for layout in LAYOUTS.values():
        width, height = pdf_page_size_pt(render_sheet(labels(1), layout))
        assert width == pytest.approx(layout.page_width * 72 / MM_PER_INCH, abs=0.1)
        assert height == pytest.approx(layout.page_height * 72 / MM_PER_INCH, abs=0.1)


def test_chinese_text_is_real_text_in_the_pdf() -> None:
    text = pdf_text(render_sheet(labels(2), L7160))
    assert text.count("朝阳区建国路88号") == 2
    assert "光猫 ONU 1" in text
    assert "7K3M9-Q0001" in text


def test_skip_must_leave_room_on_the_first_page() -> None:
    with pytest.raises(ValueError, match="skip"):
        render_sheet(labels(1), L7160, skip=21)
