from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.labels import fonts


@pytest.fixture
def no_font_cache() -> Iterator[None]:
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def test_a_missing_font_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, no_font_cache: None
) -> None:
    monkeypatch.setattr(fonts, "CANDIDATES", (("/nonexistent/font.ttc", 0),))
    with pytest.raises(fonts.FontMissing, match="fonts-wqy-microhei") as caught:
        fonts.cjk_font()
    assert caught.value.http_status == 503


def test_the_installed_font_covers_chinese(no_font_cache: None) -> None:
    font = fonts.pil_font(40)
    # A font without these glyphs measures them all as its one fallback box.
    shapes = {bytes(font.getmask(c)) for c in "朝阳区光猫"}
    assert len(shapes) == 5
    assert fonts.measure("光猫", 10) == pytest.approx(2 * fonts.measure("光", 10))
