"""Asset tag codes: short enough to type, random enough not to guess, never reused."""

from __future__ import annotations

import secrets

from server.core.errors import ValidationFailed

# Crockford base32 without I, L, O, U: nothing a technician can misread on a label.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TAG_LENGTH = 10  # 50 bits
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def new_tag_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TAG_LENGTH))


def normalize_tag_code(raw: str) -> str:
    """Upper-case, dashes and spaces dropped, look-alike letters mapped as Crockford does."""
    value = "".join(_READ_AS.get(c, c) for c in raw.strip().upper() if c not in "- ")
    if not value or len(value) > 32 or any(c not in ALPHABET for c in value):
        raise ValidationFailed(f"tag_code: {raw!r} is not a valid tag code.", field="tag_code")
    return value
