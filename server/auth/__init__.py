"""Authentication: password hashing, access and refresh tokens, login rate limiting."""

from __future__ import annotations
