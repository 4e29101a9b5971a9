from __future__ import annotations

import io
import math

from PIL import Image

from server.signatures.render import WIDTH, render_png
from tests.server.signatures.helpers import CANVAS, WAVE_Y, strokes

SCALE = WIDTH / CANVAS[0]


def _image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("L")


def _darkest_near(image: Image.Image, x: float, y: float, radius: int = 2) -> int:
    cx, cy = round(x * SCALE), round(y * SCALE)
    return min(
        image.getpixel((px, py))  # type: ignore[misc]
        for px in range(cx - radius, cx + radius + 1)
        for py in range(cy - radius, cy + radius + 1)
    )


def test_ink_lies_where_the_strokes_run_and_nowhere_else() -> None:
    image = _image(render_png(strokes(), canvas_width=CANVAS[0], canvas_height=CANVAS[1]))
    assert image.size == (WIDTH, round(CANVAS[1] * SCALE))
    for i in range(5, 85, 7):  # on the wave (its own sample points)
        assert _darkest_near(image, 20 + i * 4, WAVE_Y + 40 * math.sin(i / 5)) < 100
    for x, y in ((10, 10), (390, 190), (380, 20), (200, 195)):  # well away from both strokes
        assert _darkest_near(image, x, y) > 240


def test_a_single_tap_leaves_a_dot() -> None:
    image = _image(
        render_png(
            [{"points": [{"x": 200, "y": 100, "time": 0}], "dotSize": 6}], canvas_width=400, canvas_height=200
        )
    )
    assert _darkest_near(image, 200, 100, radius=1) < 60
    assert _darkest_near(image, 100, 100) == 255


def test_fast_strokes_are_thinner_than_slow_ones() -> None:
    def ink(ms_per_point: float) -> int:
        line = [{"x": 20 + i * 4, "y": 100, "time": i * ms_per_point} for i in range(80)]
        image = _image(render_png([{"points": line}], canvas_width=400, canvas_height=200))
        return sum(image.histogram()[:128])

    assert ink(1) < ink(100)


def test_same_strokes_give_the_same_bytes() -> None:
    first = render_png(strokes(), canvas_width=400, canvas_height=200)
    assert render_png(strokes(), canvas_width=400, canvas_height=200) == first


def test_a_pale_pen_is_drawn_dark_so_the_signature_shows_on_white() -> None:
    line = {"points": [{"x": 20 + i * 4, "y": 100, "time": i * 50} for i in range(80)], "penColor": "#fafafa"}
    image = _image(render_png([line], canvas_width=400, canvas_height=200))
    assert _darkest_near(image, 200, 100) < 100
