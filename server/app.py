"""The application factory: routes, middleware, GraphQL and start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute

from server.auth.ratelimit import LoginRateLimiter
from server.core import db
from server.core.jobs import JobRunner
from server.core.secrets import load_or_create_secrets
from server.core.settings import Settings
from server.core.web import PwaFiles, SecurityHeaders, healthz, readyz
from server.graphql.view import GraphQLView
from server.labels.http import ROUTES as LABEL_ROUTES
from server.media.http import media_routes
from server.media.runtime import MediaRuntime
from server.media.store import build_store
from server.reports.http import ROUTES as REPORT_ROUTES
from server.signatures.storage import use_media as use_media_for_signatures
from server.syncing.collections import build_engine

log = logging.getLogger("doorstep")


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """`manage_db=False` when the caller (a test, a worker) already initialised the ORM."""
    settings = settings or Settings.from_env()
    secrets = load_or_create_secrets(data_dir=settings.data_dir)
    limiter = LoginRateLimiter()
    engine = build_engine()
    graphql = GraphQLView(settings=settings, secrets=secrets, limiter=limiter, sync=engine)
    media = MediaRuntime(settings=settings, store=build_store(settings), notifier=engine.notifier)
    use_media_for_signatures(media)  # signature PNGs arrive through sync pushes
    jobs = JobRunner()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_db:
            await db.init_db(settings)
        if not settings.is_sqlite:
            # Other server processes' pushes wake this process's streams.
            await engine.notifier.listen(db.asyncpg_dsn(settings))
        media.start()
        if manage_db:  # a real server, not a test's app: run the housekeeping jobs
            jobs.start()
        log.info("doorstep ready on %s (%s)", settings.public_base_url, db.describe_url(settings))
        try:
            yield
        finally:
            await jobs.stop()
            await media.aclose()
            await engine.notifier.close()
            if manage_db:
                await db.close_db()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *media_routes(settings=settings, secrets=secrets, media=media),
        *LABEL_ROUTES,
        *REPORT_ROUTES,
        Mount("/", app=PwaFiles(settings.pwa_dist), name="pwa"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.settings = settings
    app.state.secrets = secrets
    app.state.sync = engine
    app.state.media = media
    return app
