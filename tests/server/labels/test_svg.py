from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from server.labels.content import Label
from server.labels.pdf import LAYOUTS
from server.labels.svg import render_svg
from tests.server.labels.decode import SVG, qr_codes, svg_qr_image

LABEL = Label(
    tag_code="7K3M9QXT2B",
    url="https://ops.example.cn/a/7K3M9QXT2B",
    asset_name="机顶盒 <STB & co>",
    site_name="朝阳区建国路88号",
)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_svg_qr_decodes_to_the_url(layout: str) -> None:
    size = LAYOUTS[layout]
    svg = render_svg(LABEL, width_mm=size.label_width, height_mm=size.label_height)
    root = ET.fromstring(svg)  # noqa: S314
    assert root.attrib["width"] == f"{size.label_width:g}mm"
    assert root.attrib["viewBox"] == f"0 0 {size.label_width:g} {size.label_height:g}"
    codes = qr_codes(svg_qr_image(svg))
    assert [c.text for c in codes] == [LABEL.url]
    assert codes[0].ec_level == "Q"


def test_svg_text_is_escaped_and_names_cjk_fonts() -> None:
    root = ET.fromstring(render_svg(LABEL, width_mm=63.5, height_mm=38.1))  # noqa: S314
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == "7K3M9-QXT2B"
    assert "朝阳区建国路88号" in texts
    assert any(t and t.startswith("机顶盒") for t in texts)
    assert "<STB & co>" in " ".join(t or "" for t in texts)
    (group,) = root.iter(f"{SVG}g")
    families = group.attrib["font-family"]
    assert "Noto Sans CJK SC" in families
    assert "Microsoft YaHei" in families
    assert families.endswith("sans-serif")
