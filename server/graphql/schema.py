"""Assembles the GraphQL schema from the domain packages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from server.appointments import graphql as appointments_gql
from server.assets import graphql as assets_gql
from server.assets import scan_graphql as asset_scans_gql
from server.auth import graphql as auth_gql
from server.checklists import graphql as checklists_gql
from server.core.settings import Settings
from server.customers import graphql as customers_gql
from server.feedback import graphql as feedback_gql
from server.followup import graphql as followup_gql
from server.graphql import node as node_gql
from server.graphql.doc_cache import DocumentCache, DocumentStore
from server.graphql.errors import ErrorCodes
from server.knowledge import graphql as knowledge_gql
from server.media import graphql as media_gql
from server.problems import graphql as problems_gql
from server.reports import dashboard_graphql as reports_gql
from server.search import graphql as search_gql
from server.signatures import graphql as signatures_gql
from server.sla import graphql as sla_gql
from server.syncing import graphql as sync_gql
from server.syncing.touch import WakeStreams
from server.workorders import graphql as workorders_gql

# Each domain contributes a Query and a Mutation type; order decides field order in the SDL.
DOMAINS: list[Any] = [
    auth_gql,
    sync_gql,
    customers_gql,
    assets_gql,
    asset_scans_gql,
    sla_gql,
    search_gql,
    workorders_gql,
    appointments_gql,
    checklists_gql,
    feedback_gql,
    followup_gql,
    problems_gql,
    reports_gql,
    knowledge_gql,
    media_gql,
    signatures_gql,
    node_gql,
]
SDL_PATH = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def _merged(attr: str, name: str) -> type:
    return merge_types(name, tuple(getattr(d, attr) for d in DOMAINS if hasattr(d, attr)))


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories, so each request gets fresh extension state.
    documents = DocumentStore(maxsize=256)
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        # Devices poll with the same few documents: parse and validate each once.
        lambda: DocumentCache(documents),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
        ErrorCodes,
        WakeStreams,
    ]
    if not settings.dev:
        extensions.append(DisableIntrospection)
    subscription_types = tuple(d.Subscription for d in DOMAINS if hasattr(d, "Subscription"))
    return strawberry.Schema(
        query=_merged("Query", "Query"),
        mutation=_merged("Mutation", "Mutation"),
        subscription=merge_types("Subscription", subscription_types) if subscription_types else None,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=True),
    )


def export_sdl() -> str:
    return build_schema(Settings(dev=True)).as_str() + "\n"
