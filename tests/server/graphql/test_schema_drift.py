"""The committed schema/schema.graphql is what the code serves, so clients and reviewers can trust it."""

from __future__ import annotations

import difflib

from server.graphql.schema import SDL_PATH, export_sdl


def test_committed_schema_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
    served = export_sdl()
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            served.splitlines(keepends=True),
            fromfile="schema/schema.graphql (committed)",
            tofile="schema served by the code",
            n=1,
        )
    )
    assert committed == served, f"schema/schema.graphql is out of date; run `make schema`.\n{diff[:4000]}"
