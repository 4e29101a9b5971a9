"""Checks on what a device sends with a signature. Pure: no I/O."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from server.core.errors import ValidationFailed
from server.signatures import consent
from server.signatures.models import SignerRelation

MAX_STROKES_BYTES = 200 * 1024
MAX_CANVAS = 10_000
MAX_PEN = 50.0  # widths and dot sizes, canvas units
MAX_NAME = 100
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_strokes(strokes: Any) -> list[dict[str, Any]]:
    """signature_pad's toData(): a non-empty list of strokes, each with at least one point whose
    x and y are finite numbers; at most 200 KB as compact JSON."""
    if not isinstance(strokes, list) or not strokes:
        raise ValidationFailed("The signature has no strokes.", field="strokes", code="EMPTY_SIGNATURE")
    try:
        size = len(json.dumps(strokes, separators=(",", ":"), allow_nan=False).encode())
    except (TypeError, ValueError):
        raise ValidationFailed("The strokes must be plain JSON numbers and text.", field="strokes") from None
    if size > MAX_STROKES_BYTES:
        raise ValidationFailed(
            f"The strokes are {size} bytes; at most {MAX_STROKES_BYTES} are accepted.",
            field="strokes",
            code="SIGNATURE_TOO_LARGE",
        )
    for index, stroke in enumerate(strokes):
        _check_stroke(index, stroke)
    return strokes


def _check_stroke(index: int, stroke: Any) -> None:
    where = f"strokes[{index}]"
    if not isinstance(stroke, dict):
        raise ValidationFailed(f"{where} must be an object with points.", field="strokes")
    points = stroke.get("points")
    if not isinstance(points, list) or not points:
        raise ValidationFailed(f"{where} has no points.", field="strokes")
    for name in ("dotSize", "minWidth", "maxWidth"):
        value = stroke.get(name)
        if value is not None and (not _finite(value) or not 0 <= value <= MAX_PEN):
            raise ValidationFailed(f"{where}.{name} must be a number from 0 to {MAX_PEN:g}.", field="strokes")
    pen = stroke.get("penColor")
    if pen is not None and (not isinstance(pen, str) or len(pen) > 64):
        raise ValidationFailed(f"{where}.penColor must be a CSS colour.", field="strokes")
    for number, point in enumerate(points):
        if not isinstance(point, dict) or not _finite(point.get("x")) or not _finite(point.get("y")):
            raise ValidationFailed(
                f"{where}.points[{number}] needs finite x and y.", field="strokes", code="BAD_COORDINATES"
            )
        for name in ("time", "pressure"):
            if point.get(name) is not None and not _finite(point[name]):
                raise ValidationFailed(f"{where}.points[{number}].{name} must be a number.", field="strokes")


def check_canvas(width: Any, height: Any) -> tuple[int, int]:
    for name, value in (("canvasWidth", width), ("canvasHeight", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_CANVAS:
            raise ValidationFailed(f"{name} must be a whole number from 1 to {MAX_CANVAS}.", field=name)
    return width, height


def check_signer(name: Any, relation: Any) -> tuple[str, SignerRelation]:
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("Write the name of the person who signed.", field="signerName")
    if len(name.strip()) > MAX_NAME:
        raise ValidationFailed(f"The signer's name has at most {MAX_NAME} characters.", field="signerName")
    try:
        kind = SignerRelation(relation)
    except ValueError:
        choices = ", ".join(r.value for r in SignerRelation)
        raise ValidationFailed(f"signerRelation must be one of {choices}.", field="signerRelation") from None
    return name.strip(), kind


def check_consent(text: Any, version: Any, language: Any) -> consent.ConsentText:
    """The consent must be one the server published, word for word."""
    if language not in consent.LANGUAGES:
        raise ValidationFailed(f"language must be one of {', '.join(consent.LANGUAGES)}.", field="language")
    known = consent.find(version=version, language=language) if isinstance(version, int) else None
    if known is None:
        raise ValidationFailed(
            f"There is no consent text version {version!r} in {language}.",
            field="consentVersion",
            code="UNKNOWN_CONSENT",
        )
    if text != known.text:
        raise ValidationFailed(
            "The consent text differs from the published text of that version.",
            field="consentText",
            code="CONSENT_MISMATCH",
        )
    return known


def check_signed_at(value: Any) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationFailed("signedAt must be a time with a time zone.", field="signedAt")
    return value


def check_hash(value: Any) -> str:
    if not isinstance(value, str) or not SHA256_HEX.fullmatch(value.lower()):
        raise ValidationFailed(
            "contentHash must be the 64 hex digits of the signed content's SHA-256.", field="contentHash"
        )
    return value.lower()


def check_position(latitude: Any, longitude: Any, accuracy: Any) -> tuple[float | None, ...]:
    """Latitude and longitude come together or not at all; accuracy is in metres."""
    if (latitude is None) != (longitude is None):
        raise ValidationFailed("Send both latitude and longitude, or neither.", field="latitude")
    limits: Sequence[tuple[str, Any, float, float]] = (
        ("latitude", latitude, -90.0, 90.0),
        ("longitude", longitude, -180.0, 180.0),
        ("accuracyM", accuracy, 0.0, 1e7),
    )
    out: list[float | None] = []
    for name, value, low, high in limits:
        if value is not None and (not _finite(value) or not low <= value <= high):
            raise ValidationFailed(f"{name} is out of range.", field=name)
        out.append(None if value is None else float(value))
    return tuple(out)
