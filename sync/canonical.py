"""Canonical JSON: one byte string per JSON value, reproducible in Python and in TypeScript.

Used to hash what a customer signed; the server and the device must produce identical bytes.
Scalars and arrays are written exactly as JavaScript's ``JSON.stringify`` writes them; objects are
written with their keys in sorted order; the result is encoded as UTF-8:

- ``null``, ``true``, ``false`` as such.
- Objects: keys sorted by UTF-16 code units (JavaScript's default ``Array.prototype.sort`` order on
  strings, which differs from code point order above U+FFFF), ``{"k":v,...}`` with no whitespace.
  Keys must be strings. Two keys that are the same JavaScript string are refused.
  The TypeScript side must write objects itself: rebuilding an object in sorted order and calling
  ``JSON.stringify`` does not work, because JavaScript enumerates integer-like keys first in numeric
  order (``{"9":..,"10":..}``), whereas canonical order is ``{"10":..,"9":..}``.
- Arrays: ``[a,b,...]`` with no whitespace, order kept.
- Integers: JavaScript has only doubles, so an integer is written exactly as the equal double
  (see floats): ``2**60`` -> ``1152921504606847000``, ``10**21`` -> ``1e+21``. Outside the safe range
  ``|n| <= 2**53 - 1`` an integer is accepted only if nothing is lost: it equals a double exactly, or
  its decimal digits are that double's JavaScript spelling (``42815991920961730``, as Python reads
  back a canonical large float). Others (``2**53 + 1``, ``10**23``) are refused, because the hash
  would silently cover a different number than the one held.
- Floats: as ``Number.prototype.toString`` (ECMAScript Number::toString): the shortest digits that
  round-trip, written without exponent when the decimal exponent n (value = 0.d1d2... x 10^n)
  satisfies -6 < n <= 21, otherwise as ``d[.ddd]e+N`` / ``d[.ddd]e-N``. So ``1.0`` -> ``1``,
  ``-0.0`` -> ``0``, ``0.1`` -> ``0.1``, ``1e21`` -> ``1e+21``, ``1e-7`` -> ``1e-7``.
  NaN and infinities are refused (``JSON.stringify`` would silently write ``null``).
- Strings: in double quotes; ``"`` and ``\\`` are backslash-escaped; U+0008, U+0009, U+000A,
  U+000C, U+000D as ``\\b \\t \\n \\f \\r``; other characters below U+0020 as ``\\u00XX`` with
  lowercase hex; unpaired surrogates as ``\\uXXXX`` lowercase (ES2019 well-formed stringify);
  everything else raw, including non-ASCII, U+007F, U+2028 and U+2029.

``sha256_hex`` is the lowercase hex SHA-256 of those UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def canonical_json(value: Any) -> str:
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _write(value: Any, out: list[str]) -> None:
    # bool before int: bool is an int subclass in Python.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(_format_int(value))
    elif isinstance(value, float):
        out.append(format_number(value))
    elif isinstance(value, str):
        out.append(_quote(value))
    elif isinstance(value, Mapping):
        _write_object(value, out)
    elif isinstance(value, list | tuple):
        _write_array(value, out)
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


def _write_object(value: Mapping[Any, Any], out: list[str]) -> None:
    keys: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"object key {key!r} is not a string")
        js_key = _as_js_string(key)
        if js_key in keys:
            raise ValueError(f"duplicate object key {js_key!r}")
        keys[js_key] = item
    out.append("{")
    for index, key in enumerate(sorted(keys, key=_utf16_units)):
        if index:
            out.append(",")
        out.append(_quote(key))
        out.append(":")
        _write(keys[key], out)
    out.append("}")


def _write_array(value: list[Any] | tuple[Any, ...], out: list[str]) -> None:
    out.append("[")
    for index, item in enumerate(value):
        if index:
            out.append(",")
        _write(item, out)
    out.append("]")


def _format_int(value: int) -> str:
    if abs(value) <= MAX_SAFE_INTEGER:
        return str(value)
    # Beyond the safe range JavaScript holds the nearest double. Accept the integer only when
    # nothing is lost: it is that double exactly, or it is spelled as JavaScript prints that double.
    try:
        as_double = float(value)
    except OverflowError:
        raise ValueError(f"integer {value} has no exact JavaScript number") from None
    text = format_number(as_double)
    if int(as_double) != value and text != str(value):
        raise ValueError(f"integer {value} has no exact JavaScript number")
    return text


def format_number(value: float) -> str:
    """A float exactly as JavaScript's ``String(number)`` writes it."""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} has no JSON representation")
    if value == 0:
        return "0"  # also -0, which JSON.stringify writes as 0
    sign = "-" if value < 0 else ""
    digits, n = _shortest_digits(abs(value))
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    exponent = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip digits d1..dk and n such that value = 0.d1..dk x 10^n.

    Python's ``repr`` yields the same shortest round-trip digits ECMAScript requires.
    """
    text = repr(value)
    mantissa, _, exp = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def _quote(text: str) -> str:
    return '"' + "".join(_escape(ch) for ch in _as_js_string(text)) + '"'


def _escape(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return ch


def _as_js_string(text: str) -> str:
    """Join surrogate pairs written as two code points, as they are one character in JavaScript."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _utf16_units(text: str) -> bytes:
    # Big-endian bytes compare exactly like the sequence of UTF-16 code units.
    return text.encode("utf-16-be", "surrogatepass")
