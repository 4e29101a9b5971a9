from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from server.app import create_app
from server.core.settings import Settings


async def test_health_and_ready(db: Any, client: Any) -> None:
    assert (await client.http.get("/healthz")).text == "ok"
    ready = await client.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True
    assert ready.headers["x-content-type-options"] == "nosniff"


async def test_pwa_cache_headers_and_fallback(db: Settings, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Doorstep</title>")
    (dist / "sw.js").write_text("// sw")
    (dist / "assets" / "app-1a2b3c.js").write_text("console.log(1)")
    settings = Settings(database_url=db.database_url, data_dir=db.data_dir, pwa_dist=dist)
    app = create_app(settings, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/")).headers["cache-control"] == "no-cache"
        assert (await http.get("/sw.js")).headers["cache-control"] == "no-cache"
        assert "immutable" in (await http.get("/assets/app-1a2b3c.js")).headers["cache-control"]
        deep_link = await http.get("/a/7K3M9QX2PA")
        assert deep_link.status_code == 200
        assert "Doorstep" in deep_link.text
        assert (await http.get("/missing.png")).status_code == 404


async def test_unbuilt_pwa_says_how_to_build(db: Settings, tmp_path: Path) -> None:
    settings = Settings(database_url=db.database_url, data_dir=db.data_dir, pwa_dist=tmp_path / "none")
    app = create_app(settings, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/")
        assert response.status_code == 503
        assert "make run" in response.text
