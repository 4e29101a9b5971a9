from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.canonical import MAX_SAFE_INTEGER, canonical_json, format_number, sha256_hex

# Expected strings are written by hand from what JavaScript's JSON.stringify prints for each scalar,
# with object keys in UTF-16 code unit order.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (MAX_SAFE_INTEGER, "9007199254740991"),
        (-MAX_SAFE_INTEGER, "-9007199254740991"),
        ("", '""'),
        ([], "[]"),
        ({}, "{}"),
        ((1, "a"), '[1,"a"]'),
        ({"b": 1, "a": [True, None, {"d": "x", "c": 2.5}]}, '{"a":[true,null,{"c":2.5,"d":"x"}],"b":1}'),
    ],
)
def test_simple_values(value: Any, expected: str) -> None:
    assert canonical_json(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (-1.5, "-1.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (100.0, "100"),
        (123.456, "123.456"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (2.0**53, "9007199254740992"),
        (1e16, "10000000000000000"),
        (0.000001, "0.000001"),
        (0.0000015, "0.0000015"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (123e-20, "1.23e-18"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-2.5e-10, "-2.5e-10"),
        (1 / 3, "0.3333333333333333"),
    ],
)
def test_floats_print_like_javascript(value: float, expected: str) -> None:
    assert format_number(value) == expected
    assert canonical_json(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="no JSON representation"):
        canonical_json({"x": [value]})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (MAX_SAFE_INTEGER + 1, "9007199254740992"),
        (2**60, "1152921504606847000"),
        (-(2**60), "-1152921504606847000"),
        (42815991920961730, "42815991920961730"),
        (10**20, "100000000000000000000"),
        (10**21, "1e+21"),
        (10**22, "1e+22"),
    ],
)
def test_large_integers_print_as_the_equal_javascript_number(value: int, expected: str) -> None:
    assert canonical_json(value) == expected


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER + 2, -MAX_SAFE_INTEGER - 2, 10**23, 10**400])
def test_integers_without_an_exact_javascript_number_are_refused(value: int) -> None:
    with pytest.raises(ValueError, match="no exact JavaScript number"):
        canonical_json(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("a/b", '"a/b"'),
        ("\b\t\n\f\r", r'"\b\t\n\f\r"'),
        ("\x00\x01\x1f", r'"\u0000\u0001\u001f"'),
        ("\x0b", r'"\u000b"'),
        ("\x7f", '"\x7f"'),
        ("é漢字", '"é漢字"'),
        ("\u2028\u2029", '"\u2028\u2029"'),
        ("😀", '"😀"'),
        ("\ud83d\ude00", '"😀"'),
        ("\ud800", r'"\ud800"'),
        ("x\udfffy", r'"x\udfffy"'),
        ("<script>&", '"<script>&"'),
    ],
)
def test_strings_escape_like_javascript(value: str, expected: str) -> None:
    assert canonical_json(value) == expected


def test_keys_sort_by_utf16_code_units() -> None:
    # By code point U+FF61 sorts before U+1F600; by UTF-16 code unit it sorts after (0xFF61 > 0xD83D).
    value = {"\uff61": 1, "😀": 2, "b": 3, "B": 4, "a": 5, "ab": 6, "": 7, "é": 8}
    assert canonical_json(value) == '{"":7,"B":4,"a":5,"ab":6,"b":3,"é":8,"😀":2,"\uff61":1}'


def test_integer_like_keys_sort_as_strings() -> None:
    # Not JavaScript's property enumeration order ("9" before "10"): the device must sort itself.
    assert canonical_json({"9": 0, "10": 1, "a": 2, "-1": 3}) == '{"-1":3,"10":1,"9":0,"a":2}'


def test_keys_are_escaped_like_strings() -> None:
    assert canonical_json({'q"\n': 1}) == r'{"q\"\n":1}'


def test_key_order_of_input_does_not_matter() -> None:
    assert canonical_json({"b": {"y": 1, "x": 2}, "a": 0}) == canonical_json({"a": 0, "b": {"x": 2, "y": 1}})


def test_same_javascript_key_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        canonical_json({"😀": 1, "\ud83d\ude00": 2})


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(TypeError, match="not a string"):
        canonical_json({1: "a"})


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", object()])
def test_non_json_types_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="not a JSON value"):
        canonical_json([value])


def test_sha256_of_known_values() -> None:
    # sha256("{}") and sha256('{"a":1}') are fixed, well-known digests.
    assert sha256_hex({}) == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    assert sha256_hex({"a": 1.0}) == hashlib.sha256(b'{"a":1}').hexdigest()


def test_sha256_hashes_utf8_bytes() -> None:
    value = {"name": "Zoë", "sig": "😀"}
    assert sha256_hex(value) == hashlib.sha256('{"name":"Zoë","sig":"😀"}'.encode()).hexdigest()


def test_signed_payload_example() -> None:
    payload = {
        "workOrderId": "0b9c6c3e-1f6a-4c55-9a53-6f1d2a7e8b10",
        "signedAt": "2024-05-01T10:15:00Z",
        "signer": {"name": "Li Wei 李伟", "role": "customer"},
        "lines": [
            {"qty": 2, "sku": "VALVE-22", "price": 1250},
            {"qty": 0.5, "sku": "LABOUR-H", "price": 8000},
        ],
        "accepted": True,
    }
    expected = (
        '{"accepted":true,'
        '"lines":[{"price":1250,"qty":2,"sku":"VALVE-22"},{"price":8000,"qty":0.5,"sku":"LABOUR-H"}],'
        '"signedAt":"2024-05-01T10:15:00Z",'
        '"signer":{"name":"Li Wei 李伟","role":"customer"},'
        '"workOrderId":"0b9c6c3e-1f6a-4c55-9a53-6f1d2a7e8b10"}'
    )
    assert canonical_json(payload) == expected


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_prop_output_is_compact_json_that_parses_back(value: Any) -> None:
    text = canonical_json(value)
    # Compare as doubles: that is all JavaScript sees, and printed digits need not be exact.
    assert json.loads(text, parse_int=float) == json.loads(json.dumps(value), parse_int=float)
    assert canonical_json(json.loads(text)) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_prop_floats_round_trip(value: float) -> None:
    assert float(format_number(value)) == value
