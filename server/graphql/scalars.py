"""`JSON` for annotations: the real scalar at run time, `Any` for the type checker (strawberry's
own alias is opaque to mypy, so every dict would need a cast)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    JSON = Any
else:
    from strawberry.scalars import JSON

__all__ = ["JSON"]
