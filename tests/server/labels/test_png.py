from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from server.labels import fonts
from server.labels.content import Label, arrange
from server.labels.pdf import LAYOUTS
from server.labels.png import render_image, render_png
from server.labels.qr import QUIET_ZONE, qr_matrix
from tests.server.labels.decode import qr_codes

LABEL = Label(
    tag_code="7K3M9QXT2B",
    url="https://ops.example.cn/a/7K3M9QXT2B",
    asset_name="华为光猫 HG8245H",
    site_name="朝阳区建国路88号",
)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dpi", [203, 300])
def test_png_decodes_to_the_url_at_error_correction_q(layout: str, dpi: int) -> None:
    size = LAYOUTS[layout]
    png = render_png(LABEL, width_mm=size.label_width, height_mm=size.label_height, dpi=dpi)
    image = Image.open(io.BytesIO(png))
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)  # stored as dots per metre
    assert image.size == (round(size.label_width * dpi / 25.4), round(size.label_height * dpi / 25.4))
    codes = qr_codes(image)
    assert [c.text for c in codes] == [LABEL.url]
    assert codes[0].ec_level == "Q"


def test_quiet_zone_around_the_symbol_is_white() -> None:
    image = render_image(LABEL, width_mm=63.5, height_mm=38.1, dpi=300)
    (code,) = qr_codes(image)
    pos = code.position
    left, top, right, bottom = pos.top_left.x, pos.top_left.y, pos.bottom_right.x, pos.bottom_right.y
    module = (right - left + 1) / (qr_matrix(LABEL.url).size - 2 * QUIET_ZONE)
    band = round(4 * module)
    box = (left - band, top - band, right + band, bottom + band)
    assert box[0] >= 0
    assert box[1] >= 0
    assert box[2] < image.width
    assert box[3] < image.height
    ring = image.crop(box).copy()
    ring.paste(255, (band, band, band + right - left, band + bottom - top))  # blank the symbol itself
    assert ring.getextrema() == (255, 255)


def _text_area(label: Label) -> Image.Image:
    dpi = 300
    image = render_image(label, width_mm=63.5, height_mm=38.1, dpi=dpi)
    layout = arrange(label, 63.5, 38.1, fonts.measure)
    scale = dpi / 25.4
    site_line = layout.lines[-1]
    top = (site_line.baseline - site_line.size) * scale
    return image.crop(
        (round(site_line.x * scale), round(top), image.width, round(site_line.baseline * scale) + 2)
    )


def test_chinese_text_is_drawn_with_real_glyphs() -> None:
    area = _text_area(LABEL)
    assert area.getextrema()[0] < 64  # dark pixels where the site's name is
    # A font without Chinese draws every character as the same box, so two different names of
    # the same length would come out identical.
    other = _text_area(Label(LABEL.tag_code, LABEL.url, LABEL.asset_name, "海淀区中关村88号"))
    assert ImageChops.difference(area, other).getbbox() is not None
