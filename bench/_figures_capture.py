"""What SQL the app sends for one GraphQL request: the statements (text and parameters, as given to
asyncpg) recorded by running the request in-process, for bench/raw_app.py to replay as is."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import event

from backend.app import create_app
from backend.core.settings import Settings

Statement = tuple[str, tuple[Any, ...]]


async def captured_reads(settings: Settings, token: str, query: str, variables: dict | None = None) -> list[Statement]:
    """The SELECTs of the request's second run (the first fills the app's caches)."""
    app = create_app(settings)
    engine = app.state.engine.sync_engine
    seen: list[Statement] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, tuple(parameters or ())))

    headers = {"authorization": f"Bearer {token}"}
    payload = {"query": query, "variables": variables or {}}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://capture") as http:
            first = (await http.post("/graphql", json=payload, headers=headers)).json()
            assert "errors" not in first, first
            event.listen(engine, "before_cursor_execute", record)
            await http.post("/graphql", json=payload, headers=headers)
            event.remove(engine, "before_cursor_execute", record)
    finally:
        await app.state.engine.dispose()
    reads = [(sql, params) for sql, params in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert reads, "the request sent no SELECT"
    return reads
