"""Lean HTTP routes for polls, sharing the services with GraphQL.

POST /polls/{poll_id}/ballots   (no login; JSON)
    {"token": b64url, "signature": b64url, "choice": "very_satisfied"}  — a credential ballot
    {"code": "XXXX-XXXX-...", "choice": "satisfied"}                      — a paper ballot
    200 {"receipt": hex}. Requests carrying an Authorization or Cookie header are refused
    (400 ANONYMOUS_ONLY). Nothing is logged.
POST /polls/{poll_id}/credentials   (a member's bearer token; JSON)
    {"blindedMessage": b64url} — 200 {"blindSignature": b64url}. The same
    service as GraphQL `requestPollCredential`, without GraphQL's per-request work (about a third
    of the CPU of a credential besides the signature; see docs/PERFORMANCE.md).
GET /polls/{poll_id}/board.json  (no login) — the public board, what `verify-poll` reads.

Casting is rate-limited per client address, credentials per user (backend/ratelimit/): past the
limit, 429 RATE_LIMITED with Retry-After, before any body is read or signed.

Refusals are raised and answered by the one error handler (`backend/core/http_errors.py`) in the
one shape, `{"errors": [{"message", "extensions": {"code", ...}}]}`; 409 for ALREADY_VOTED,
ALREADY_ISSUED, POLL_NOT_OPEN and POLL_CLOSED.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.auth.bearer import carries_identity, require_request_actor
from backend.core.errors import InvalidInput
from backend.crypto import b64url
from backend.polls import casting, credentials, results

_NO_STORE = {"cache-control": "no-store"}


async def cast_ballot_json(request: Request) -> Response:
    session_factory = request.app.state.session_factory
    sender = casting.BallotSender(
        request.app.state.rate_limits.for_request(request), identified=carries_identity(request)
    )
    await sender.admit()  # before the body is read: a refused client costs no more than this
    poll_id = int(request.path_params["poll_id"])
    body = _json_object(await request.body())
    choice = str(body.get("choice"))
    if "code" in body:
        receipt = await casting.receive_paper_ballot(session_factory, sender, poll_id, body["code"], choice)
    else:
        token, signature = str(body.get("token", "")), str(body.get("signature", ""))
        receipt = await casting.receive_credential_ballot(session_factory, sender, poll_id, token, signature, choice)
    return JSONResponse({"receipt": receipt}, headers=_NO_STORE)


async def request_credential_json(request: Request) -> Response:
    settings = request.app.state.settings
    actor = require_request_actor(request)
    await request.app.state.rate_limits.for_request(request).credential(actor.user_id)  # before the RSA signature
    poll_id = int(request.path_params["poll_id"])
    blinded = _b64url(_json_object(await request.body()).get("blindedMessage"), "blindedMessage")
    async with credentials.issuing_sessions(request.app.state.session_factory).begin() as session:
        signature = await credentials.request_credential(session, actor, settings, poll_id, blinded)
    return JSONResponse({"blindSignature": b64url.encode(signature)}, headers=_NO_STORE)


def _json_object(raw: bytes) -> dict:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested past the parser's limit
        raise InvalidInput("请求体应为 JSON 对象") from exc
    if not isinstance(body, dict):
        raise InvalidInput("请求体应为 JSON 对象")
    return body


def _b64url(value: object, field: str) -> bytes:
    try:
        return b64url.decode(value)  # type: ignore[arg-type]  # a non-str is refused as not base64url
    except ValueError as exc:
        raise InvalidInput("base64url 编码不正确", field=field) from exc


async def poll_board_json(request: Request) -> Response:
    poll_id = int(request.path_params["poll_id"])
    async with request.app.state.session_factory() as session:
        doc = await results.public_board(session, poll_id)
    return Response(
        json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1),
        media_type="application/json",
        headers={
            "content-disposition": f'attachment; filename="poll-{poll_id}-board.json"',
            "cache-control": "no-cache",
        },
    )
