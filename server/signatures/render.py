"""Strokes to PNG: the signature as the customer drew it, on white, at a fixed width.

The line follows signature_pad's look: a smooth curve through the sampled points whose width
shrinks as the pen moves faster (width = maxWidth / (velocity + 1), never below minWidth, with
the velocity low-pass filtered). Drawn three times larger and scaled down, for smooth edges.
Pure and deterministic: the same strokes give the same bytes, hence the same hash.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image, ImageColor, ImageDraw

WIDTH = 600  # pixels of the rendered PNG; the height keeps the canvas's proportions
MAX_HEIGHT = 1200
SUPERSAMPLE = 3
MIN_WIDTH = 0.5  # signature_pad's defaults, in canvas units
MAX_WIDTH = 2.5
VELOCITY_FILTER = 0.7
INK = (0, 0, 0)
BACKGROUND = (255, 255, 255)
MAX_STEPS = 32  # curve samples per segment

Point = tuple[float, float]


def output_size(canvas_width: int, canvas_height: int) -> tuple[int, int]:
    height = round(canvas_height * WIDTH / canvas_width)
    return WIDTH, max(1, min(height, MAX_HEIGHT))


def render_png(strokes: Sequence[Mapping[str, Any]], *, canvas_width: int, canvas_height: int) -> bytes:
    """The PNG of validated strokes (see service.check_strokes) drawn on a canvas of that size."""
    width, height = output_size(canvas_width, canvas_height)
    scale = width / canvas_width * SUPERSAMPLE
    image = Image.new("RGB", (width * SUPERSAMPLE, height * SUPERSAMPLE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        _draw_stroke(draw, stroke, scale)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _draw_stroke(draw: ImageDraw.ImageDraw, stroke: Mapping[str, Any], scale: float) -> None:
    points = stroke["points"]
    colour = _ink(stroke.get("penColor"))
    low = _option(stroke, "minWidth", MIN_WIDTH)
    high = max(low, _option(stroke, "maxWidth", MAX_WIDTH))
    xy = [(float(p["x"]) * scale, float(p["y"]) * scale) for p in points]
    if len(xy) == 1:
        dot = _option(stroke, "dotSize", 0.0) or (low + high) / 2
        _disc(draw, xy[0], dot * scale / 2, colour)
        return
    widths = [w * scale for w in _widths(points, low, high)]
    for i in range(len(xy) - 1):
        before = xy[i - 1] if i > 0 else xy[i]
        after = xy[i + 2] if i + 2 < len(xy) else xy[i + 1]
        steps = max(1, min(MAX_STEPS, math.ceil(math.dist(xy[i], xy[i + 1]) / (2 * SUPERSAMPLE))))
        previous = xy[i]
        for step in range(1, steps + 1):
            t = step / steps
            current = _catmull_rom(before, xy[i], xy[i + 1], after, t)
            radius = (widths[i] + (widths[i + 1] - widths[i]) * t) / 2
            draw.line([previous, current], fill=colour, width=max(1, round(radius * 2)))
            _disc(draw, current, radius, colour)
            previous = current
    _disc(draw, xy[0], widths[0] / 2, colour)


def _widths(points: Sequence[Mapping[str, Any]], low: float, high: float) -> list[float]:
    """Line width at each point from the filtered pen speed (canvas units per millisecond)."""
    widths = [(low + high) / 2]
    velocity = 0.0
    for previous, point in itertools.pairwise(points):
        elapsed = float(point.get("time", 0)) - float(previous.get("time", 0))
        distance = math.dist((previous["x"], previous["y"]), (point["x"], point["y"]))
        speed = distance / elapsed if elapsed > 0 else 0.0
        velocity = VELOCITY_FILTER * speed + (1 - VELOCITY_FILTER) * velocity
        widths.append(max(high / (velocity + 1), low))
    return widths


def _catmull_rom(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    t2, t3 = t * t, t * t * t
    return (
        0.5 * (2 * p1[0] + (p2[0] - p0[0]) * t + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
               + (3 * p1[0] - p0[0] - 3 * p2[0] + p3[0]) * t3),
        0.5 * (2 * p1[1] + (p2[1] - p0[1]) * t + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
               + (3 * p1[1] - p0[1] - 3 * p2[1] + p3[1]) * t3),
    )  # fmt: skip


def _disc(draw: ImageDraw.ImageDraw, centre: Point, radius: float, colour: tuple[int, int, int]) -> None:
    r = max(radius, 0.5)
    draw.ellipse([centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r], fill=colour)


def _option(stroke: Mapping[str, Any], name: str, default: float) -> float:
    value = stroke.get(name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _ink(value: Any) -> tuple[int, int, int]:
    """The pen colour, unless missing, unreadable or too pale to see on white."""
    if not isinstance(value, str):
        return INK
    try:
        rgb = ImageColor.getrgb(value)
    except ValueError:
        return INK
    r, g, b = rgb[:3]
    return (r, g, b) if 0.299 * r + 0.587 * g + 0.114 * b < 180 else INK
