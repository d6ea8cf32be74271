"""Lean HTTP routes for polls, sharing the services with GraphQL.

POST /polls/{poll_id}/ballots   (no login; JSON)
    {"token": b64url, "signature": b64url, "choice": "very_satisfied"}  — a credential ballot
    {"code": "XXXX-XXXX-...", "choice": "satisfied"}                      — a paper ballot
    200 {"receipt": hex}; 4xx {"code": ERROR_CODE, "message": ...}. Requests carrying an
    Authorization or Cookie header are refused (400 ANONYMOUS_ONLY). Nothing is logged.
GET /polls/{poll_id}/board.json  (no login) — the public board, what `verify-poll` reads.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.errors import DomainError, ErrorCode
from backend.models import BallotChoice
from backend.services.polls import casting, common, results

_STATUS = {
    ErrorCode.ALREADY_VOTED: 409,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.POLL_NOT_OPEN: 409,
    ErrorCode.POLL_CLOSED: 409,
}
_NO_STORE = {"cache-control": "no-store"}


def _error(code: ErrorCode, message: str) -> JSONResponse:
    return JSONResponse({"code": code.value, "message": message}, status_code=_STATUS.get(code, 400), headers=_NO_STORE)


def _choice(value: object) -> BallotChoice:
    try:
        return BallotChoice(str(value).lower())
    except ValueError as exc:
        raise DomainError("选项无效", code=ErrorCode.INVALID_INPUT, field="choice") from exc


async def cast_ballot_json(request: Request) -> Response:
    if "authorization" in request.headers or "cookie" in request.headers:
        return _error(ErrorCode.ANONYMOUS_ONLY, "投票请求不能携带登录信息或 Cookie，以保证无记名")
    try:
        poll_id = int(request.path_params["poll_id"])
        body = json.loads(await request.body())
        if not isinstance(body, dict):
            raise ValueError("not an object")
    except ValueError:
        return _error(ErrorCode.INVALID_INPUT, "请求体应为 JSON 对象")
    try:
        choice = _choice(body.get("choice"))
        async with request.app.state.session_factory.begin() as session:
            if "code" in body:
                receipt = await casting.cast_paper_ballot(session, poll_id, body["code"], choice)
            else:
                receipt = await casting.cast_ballot(
                    session, poll_id, str(body.get("token", "")), str(body.get("signature", "")), choice
                )
    except DomainError as exc:
        return _error(exc.code, exc.message)
    return JSONResponse({"receipt": receipt}, headers=_NO_STORE)


async def poll_board_json(request: Request) -> Response:
    poll_id = int(request.path_params["poll_id"])
    try:
        async with request.app.state.session_factory() as session:
            await common.public_poll(session, poll_id)
            doc = await results.board_document(session, poll_id)
    except DomainError as exc:
        return _error(exc.code, exc.message)
    return Response(
        json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1),
        media_type="application/json",
        headers={
            "content-disposition": f'attachment; filename="poll-{poll_id}-board.json"',
            "cache-control": "no-cache",
        },
    )
