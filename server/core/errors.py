"""Errors that reach clients carry a stable machine-readable code.

Service functions raise `DomainError` subclasses; the GraphQL layer turns them into
errors with `extensions.code`, the HTTP layer into 4xx responses. Anything else is a bug and
is masked as INTERNAL_SERVER_ERROR so no stack trace reaches a client.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "BAD_REQUEST"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class ValidationFailed(DomainError):
    code = "VALIDATION_FAILED"
    http_status = 422


class NotFound(DomainError):
    code = "NOT_FOUND"
    http_status = 404


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(DomainError):
    code = "FORBIDDEN"
    http_status = 403


class Conflict(DomainError):
    code = "CONFLICT"
    http_status = 409


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    http_status = 409


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    http_status = 429
