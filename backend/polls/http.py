"""Lean HTTP routes for polls: thin calls of the same services as GraphQL.

POST /polls/{poll_id}/ballots   (no login; JSON) — what the PWA casts with: a ballot is the one
    request of a poll that comes in bursts, and GraphQL's per-request work makes one cost about
    five times as much (docs/PERFORMANCE.md). GraphQL `castBallot` / `castPaperBallot` stay the
    API contract for other clients; both are thin calls of `backend/polls/casting.py`.
    {"token": b64url, "signature": b64url, "choice": "very_satisfied"}  — a credential ballot
    {"code": "XXXX-XXXX-...", "choice": "satisfied"}                      — a paper ballot
    200 {"receipt": hex}. Requests carrying an Authorization or Cookie header are refused
    (400 ANONYMOUS_ONLY); past the client address's casting limit, 429 RATE_LIMITED with
    Retry-After — both before the body is read. Nothing is logged.
GET /polls/{poll_id}/board.json  (no login) — the public board, what `verify-poll` reads.

Voting credentials have one door, GraphQL `requestPollCredential` (what the PWA uses).

Refusals are raised and answered by the one error handler (`backend/core/http_errors.py`) in the
one shape, `{"errors": [{"message", "extensions": {"code", ...}}]}`; 409 for ALREADY_VOTED,
POLL_NOT_OPEN and POLL_CLOSED.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.auth.bearer import carries_identity
from backend.core.errors import InvalidInput
from backend.polls import casting, results

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


def _json_object(raw: bytes) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested past the parser's limit
        raise InvalidInput("请求体应为 JSON 对象") from exc
    if not isinstance(body, dict):
        raise InvalidInput("请求体应为 JSON 对象")
    return body


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
