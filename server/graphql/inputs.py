from __future__ import annotations

from typing import Any

import strawberry


def given_fields(input: object) -> dict[str, Any]:
    """The fields a client sent; omitted (UNSET) ones are left out so they stay unchanged."""
    return {key: value for key, value in vars(input).items() if value is not strawberry.UNSET}
