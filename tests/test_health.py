from __future__ import annotations

import httpx

from backend.app import create_app
from backend.core.settings import Settings


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).text == "ok"
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


async def test_readyz_reports_unreachable_database(settings: Settings) -> None:
    broken = settings.with_overrides(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app = create_app(broken)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 503
    await app.state.engine.dispose()


async def test_security_headers_present(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_oversized_body_refused_before_parsing(client: httpx.AsyncClient, settings: Settings) -> None:
    body = b"x" * (settings.max_upload_bytes + 128 * 1024)
    response = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
