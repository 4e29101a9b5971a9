"""Every error a client sees carries `extensions.code`; unexpected ones are masked and logged."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from server.core.errors import DomainError

log = logging.getLogger("doorstep.graphql")

_LIMIT_HINTS = ("exceeds maximum operation depth", "tokens", "aliases", "query is too")


def _coded(error: GraphQLError, code: str, **details: object) -> GraphQLError:
    extensions = {"code": code, **{k: v for k, v in details.items() if _plain(v)}}
    return GraphQLError(
        message=error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def _plain(value: object) -> bool:
    return isinstance(value, str | int | float | bool | list | type(None))


class ErrorCodes(MaskErrors):
    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process(error) for error in errors]

    def _process(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            return _coded(error, original.code, **original.details)
        if original is None or isinstance(original, GraphQLError):
            lowered = error.message.lower()
            if any(hint in lowered for hint in _LIMIT_HINTS):
                return _coded(error, "QUERY_TOO_COMPLEX")
            if error.extensions and "code" in error.extensions:
                return error
            return _coded(error, "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT")
        log.error("unexpected error in %s", error.path, exc_info=original)
        masked = self.anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked
