from __future__ import annotations

import pytest

from server.assets.rules import ALPHABET, TAG_LENGTH, new_tag_code, normalize_tag_code
from server.core.errors import ValidationFailed


def test_new_tag_codes_are_distinct_and_readable() -> None:
    codes = {new_tag_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == TAG_LENGTH and set(c) <= set(ALPHABET) for c in codes)


def test_normalize_maps_lookalikes() -> None:
    assert normalize_tag_code(" ab-cd o1l ") == "ABCD011"


@pytest.mark.parametrize("raw", ["", "UUU", "é", "X" * 33])
def test_bad_tag(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_tag_code(raw)
