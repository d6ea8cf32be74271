"""What phones send during a fault, and how each answer is judged: a filing (after its photo), a
read, a photo upload, a ballot, a credential request. Every call comes back as an Answer, never an exception."""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image

from backend.crypto import b64url
from tests.filings.test_filings import diary
from tests.polls.helpers import CREDENTIAL

CLIENT_TIMEOUT = 10.0  # a request that needs longer than this counts as a hang
SUBMIT = "mutation($input: FilingInput!) { submitFiling(input: $input) { filing { id } errors { code message } } }"
READ = "{ myFilings(first: 5) { edges { node { id } } } }"
# Answers that may be sent again later (the PWA outbox keeps the record and retries).
NO_ANSWER = "NO_ANSWER"  # connection refused or cut: the phone cannot know what happened
TIMEOUT = "TIMEOUT"


@dataclass(frozen=True)
class Answer:
    code: str  # "OK", an error code, NO_ANSWER or TIMEOUT
    status: int | None
    seconds: float
    message: str | None = None
    retry_after: str | None = None
    body: Any = None

    @property
    def ok(self) -> bool:
        return self.code == "OK"


def filing_entry(n: int, photo_sha: str | None = None) -> dict[str, Any]:
    return diary(title=f"故障日志 {n}", body={"content": f"第 {n} 条"}, photos=[photo_sha] if photo_sha else [])


def photo_bytes(seed: int) -> bytes:
    """A small, unique JPEG (the phone compresses to well under 300 KB)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (64, 48), rng.randbytes(64 * 48 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


async def _timed(call: Any) -> tuple[httpx.Response | None, str | None, float]:
    started = time.monotonic()
    try:
        response = await call
    except httpx.TimeoutException:
        return None, TIMEOUT, time.monotonic() - started
    except httpx.TransportError:
        return None, NO_ANSWER, time.monotonic() - started
    return response, None, time.monotonic() - started


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


async def submit_filing(http: httpx.AsyncClient, token: str, entry: dict[str, Any]) -> Answer:
    return await graphql(http, token, SUBMIT, {"input": entry}, field="submitFiling")


async def read_filings(http: httpx.AsyncClient, token: str) -> Answer:
    return await graphql(http, token, READ, {}, field="myFilings")


async def graphql(http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any], *, field: str) -> Answer:
    call = http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
        timeout=CLIENT_TIMEOUT,
    )
    response, failure, seconds = await _timed(call)
    if response is None:
        return Answer(failure or NO_ANSWER, None, seconds)
    body = _json(response)
    retry_after = response.headers.get("retry-after")
    if not isinstance(body, dict):
        return Answer(f"HTTP_{response.status_code}", response.status_code, seconds, body=response.text)
    if body.get("errors"):
        error = body["errors"][0]
        code = (error.get("extensions") or {}).get("code", "UNKNOWN")
        return Answer(code, response.status_code, seconds, error.get("message"), retry_after, body)
    payload = (body.get("data") or {}).get(field)
    if isinstance(payload, dict) and payload.get("errors"):
        error = payload["errors"][0]
        return Answer(error["code"], response.status_code, seconds, error.get("message"), retry_after, body)
    return Answer("OK", response.status_code, seconds, body=body)


async def upload_photo(http: httpx.AsyncClient, token: str, data: bytes) -> Answer:
    call = http.post(
        "/media",
        content=data,
        headers={"authorization": f"Bearer {token}", "content-type": "image/jpeg"},
        timeout=CLIENT_TIMEOUT,
    )
    return _plain_answer(*await _timed(call), ok_statuses=(200, 201))


async def cast_ballot(http: httpx.AsyncClient, poll_id: str, ballot: dict[str, str]) -> Answer:
    call = http.post(f"/polls/{poll_id}/ballots", json=ballot, timeout=CLIENT_TIMEOUT)
    return _plain_answer(*await _timed(call), ok_statuses=(200,))


async def request_credential(http: httpx.AsyncClient, token: str, poll_id: str, blinded: bytes) -> Answer:
    variables = {"id": poll_id, "b": b64url.encode(blinded)}
    return await graphql(http, token, CREDENTIAL, variables, field="requestPollCredential")


def _plain_answer(
    response: httpx.Response | None, failure: str | None, seconds: float, *, ok_statuses: tuple[int, ...]
) -> Answer:
    """The lean HTTP routes (media, polls): a refusal is {"errors": [{message, extensions: {code}}]}."""
    if response is None:
        return Answer(failure or NO_ANSWER, None, seconds)
    body = _json(response)
    retry_after = response.headers.get("retry-after")
    if response.status_code in ok_statuses:
        return Answer("OK", response.status_code, seconds, body=body)
    errors = body.get("errors") if isinstance(body, dict) else None
    error = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    code = (error.get("extensions") or {}).get("code") or f"HTTP_{response.status_code}"
    return Answer(code, response.status_code, seconds, error.get("message"), retry_after, body)
