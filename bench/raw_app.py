"""The reference column of bench/figures.py: a minimal Starlette app on an asyncpg pool serving the
same data as the app — no ORM, no GraphQL, no middleware, no access checks beyond what is said.

POST /replay/{name}
    Runs the SELECT statements the app itself sent for one GraphQL request (captured by
    bench/_figures_capture.py: the same SQL text and parameters), in order, on one pooled
    connection, and answers every row as JSON. Auth skipped: the captured statements already
    carry the caller's scope.
POST /filings
    The submitFiling mutation's body ({"query": …, "variables": {"input": {…}}}): the bearer token
    is decoded as the app does; then, in one transaction, the secretary and village are read, the
    filing inserted (ON CONFLICT DO NOTHING) and its audit event appended to the county's hash
    chain under the same advisory lock. The body is not validated (the app checks kind, text,
    coordinates and dates: microseconds of CPU).
GET /export/ranking.xlsx?snapshotId=N
    The published snapshot's rows read with one statement and written to a write-only openpyxl
    workbook in a worker thread (no styles); the workbook answered in one piece.

Environment: RAW_DSN (postgresql://…), RAW_POOL_SIZE (default 10), RAW_REPLAYS (a pickle of
{name: [(sql, params), …]}), JWT_SECRET and the other token settings (backend.core.settings).
Serve: uvicorn --factory bench.raw_app:create_app
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import pickle
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from openpyxl import Workbook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.audit.chain import GENESIS, link_hash, lock_key
from backend.auth.tokens import InvalidAccessToken, decode_access_token
from backend.core.settings import Settings
from backend.filings.models import FilingKind
from backend.filings.submit import FilingDraft

SECRETARY = """SELECT s.id, s.county_id, v.id AS village_id, v.township_id
FROM secretary_profiles s JOIN org_units v ON v.id = s.village_id
WHERE s.user_id = $1 ORDER BY s.term_start DESC LIMIT 1"""
INSERT_FILING = """INSERT INTO filings (id, kind, status, version, content_hash, secretary_id, village_id,
  township_id, county_id, household_id, title, body, occurred_on, recorded_at, received_at, submitted_at,
  lat, lng, accuracy_m, created_by, updated_at)
VALUES ($1, $2, 'submitted', 1, $3, $4, $5, $6, $7, NULL, $8, $9::json, $10, $11, $12, $12, $13, $14, $15, $16, $12)
ON CONFLICT (id) DO NOTHING RETURNING id"""
CHAIN_HEAD = "SELECT seq, hash FROM audit_events WHERE county_id = $1 ORDER BY seq DESC LIMIT 1"
INSERT_AUDIT = """INSERT INTO audit_events (at, actor_user_id, county_id, entity, entity_id, action, version,
  detail, seq, prev_hash, hash) VALUES ($1, $2, $3, 'filing', $4, 'submitted', 1, $5::json, $6, $7, $8)"""
SNAPSHOT_ROWS = """SELECT group_key, position, rank, name, township_name, village_name, target_centi,
  satisfaction_num, satisfaction_den, total_centi, rankable, grade, reason
FROM ranking_snapshot_rows WHERE snapshot_id = $1 ORDER BY group_key, position"""


def _json(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(body, status_code=status, media_type="application/json")


async def replay(request: Request) -> Response:
    statements = request.app.state.replays.get(request.path_params["name"])
    if statements is None:
        return _json({"code": "NOT_FOUND"}, 404)
    async with request.app.state.pool.acquire() as conn:
        results = [[dict(record) for record in await conn.fetch(sql, *params)] for sql, params in statements]
    return _json({"results": results})


def _draft(entry: dict[str, Any]) -> FilingDraft:
    return FilingDraft(
        id=str(uuid.UUID(entry["id"])),
        kind=FilingKind[entry["kind"]],
        occurred_on=date.fromisoformat(entry["occurredOn"]),
        recorded_at=datetime.fromisoformat(entry["recordedAt"]),
        title=entry["title"],
        body=entry.get("body") or {},
        lat=entry.get("lat"),
        lng=entry.get("lng"),
        accuracy_m=entry.get("accuracyM"),
    )


async def submit_filing(request: Request) -> Response:
    try:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        actor = decode_access_token(request.app.state.settings, token)
    except InvalidAccessToken:
        return _json({"code": "UNAUTHENTICATED"}, 401)
    draft = _draft(json.loads(await request.body())["variables"]["input"])
    fingerprint = draft.fingerprint()
    now = datetime.now(UTC)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        who = await conn.fetchrow(SECRETARY, actor.user_id)
        inserted = await conn.fetchval(
            INSERT_FILING,
            draft.id, draft.kind.value, fingerprint, who["id"], who["village_id"], who["township_id"],
            who["county_id"], draft.title, json.dumps(draft.body, ensure_ascii=False), draft.occurred_on,
            draft.recorded_at, now, draft.lat, draft.lng, draft.accuracy_m, actor.user_id,
        )  # fmt: skip
        if inserted is not None:
            await _append_audit(conn, who["county_id"], actor.user_id, draft.id, fingerprint, now)
    filing = {"id": draft.id, "status": "SUBMITTED"}
    return _json({"data": {"submitFiling": {"filing": filing, "errors": []}}})


async def _append_audit(
    conn: asyncpg.Connection, county_id: int, user_id: int, filing_id: str, fingerprint: str, at: datetime
) -> None:
    """The app's hash-chain link (backend/audit/chain.py), written by hand."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(county_id))
    head = await conn.fetchrow(CHAIN_HEAD, county_id)
    seq, prev_hash = (head["seq"], head["hash"]) if head else (0, GENESIS)
    detail = {"hash": fingerprint}
    link = link_hash(
        county_id=county_id, seq=seq + 1, at=at, actor_user_id=user_id,
        entity="filing", entity_id=filing_id, action="submitted", version=1, detail=detail, prev_hash=prev_hash,
    )  # fmt: skip
    await conn.execute(INSERT_AUDIT, at, user_id, county_id, filing_id, json.dumps(detail), seq + 1, prev_hash, link)


def _workbook(records: list[asyncpg.Record]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("排名")
    sheet.append(
        ["分组", "位次", "名次", "姓名", "镇街", "村", "目标分", "满意票", "总票", "总分", "参与排名", "等次", "说明"]
    )
    for r in records:
        target = None if r["target_centi"] is None else r["target_centi"] / 100
        total = None if r["total_centi"] is None else r["total_centi"] / 100
        sheet.append(
            [r["group_key"], r["position"], r["rank"], r["name"], r["township_name"], r["village_name"], target,
             r["satisfaction_num"], r["satisfaction_den"], total, "是" if r["rankable"] else "否", r["grade"],
             r["reason"]]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export_ranking(request: Request) -> Response:
    async with request.app.state.pool.acquire() as conn:
        records = await conn.fetch(SNAPSHOT_ROWS, int(request.query_params["snapshotId"]))
    content = await asyncio.to_thread(_workbook, records)
    return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


async def ready(_: Request) -> Response:
    return _json({"ok": True})


def create_app() -> Starlette:
    replays_file = os.environ.get("RAW_REPLAYS")
    replays = pickle.loads(Path(replays_file).read_bytes()) if replays_file else {}

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        size = int(os.environ.get("RAW_POOL_SIZE", "10"))
        app.state.pool = await asyncpg.create_pool(os.environ["RAW_DSN"], min_size=min(2, size), max_size=size)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = Starlette(
        routes=[
            Route("/readyz", ready),
            Route("/replay/{name}", replay, methods=["POST"]),
            Route("/filings", submit_filing, methods=["POST"]),
            Route("/export/ranking.xlsx", export_ranking),
        ],
        lifespan=lifespan,
    )
    app.state.replays = replays
    app.state.settings = Settings.from_env()
    return app
