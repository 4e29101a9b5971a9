"""Parse and validate each distinct query text once per schema.

Devices send the same few documents over and over (a poll every few seconds, a pull per page).
Parsing and validating one costs more than many resolvers. Strawberry's own `ValidationCache` is
keyed by the parsed document and the rule classes, and the limiter extensions make new rule
classes for every request, so it never hits; this cache is keyed by the query text instead. The
rules are fixed per schema (the limits come from settings), so the same text always gets the same
verdict, and a cached document was parsed under the same token limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension


@dataclass
class DocumentStore:
    """One schema's cache: query text -> parsed document and validation errors (LRU)."""

    maxsize: int = 256
    _entries: OrderedDict[str, tuple[DocumentNode, list[GraphQLError] | None]] = field(
        default_factory=OrderedDict
    )

    def get(self, query: str) -> tuple[DocumentNode, list[GraphQLError] | None] | None:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
        return entry

    def put(self, query: str, document: DocumentNode, errors: list[GraphQLError] | None) -> None:
        self._entries[query] = (document, errors)
        self._entries.move_to_end(query)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class DocumentCache(SchemaExtension):
    def __init__(self, store: DocumentStore) -> None:
        super().__init__()
        self.store = store
        self._hit: tuple[DocumentNode, list[GraphQLError] | None] | None = None

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        self._hit = self.store.get(query) if query else None
        if self._hit is not None:
            # A document already set makes strawberry skip its own parse.
            self.execution_context.graphql_document = self._hit[0]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self._hit is not None and self._hit[1] is not None:
            # Errors already set (an empty list included) make strawberry skip validation.
            context.pre_execution_errors = list(self._hit[1])
            yield
            return
        yield
        document, errors = context.graphql_document, context.pre_execution_errors
        if context.query and document is not None and errors is not None:
            self.store.put(context.query, document, list(errors))
