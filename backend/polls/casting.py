"""Casting a ballot: no login, no identity — a spent token (or paper code) and a choice.

The transports (GraphQL `castBallot` / `castPaperBallot`, the lean route `POST /polls/{id}/ballots`)
call one entry point per kind and only translate its answer:

    receive_credential_ballot(session_factory, sender, poll_id, token, signature, choice) -> receipt
    receive_paper_ballot(session_factory, sender, poll_id, code, choice)                  -> receipt

Each runs the casting policy once, in this order: the anonymity refusal (ANONYMOUS_ONLY when the
request carried Authorization or Cookie), the sender's rate limit (RATE_LIMITED), the ballot's
checks (choice, token and signature, or code), then the insert. `BallotSender` holds what the
transport knows about who sends the ballot (whether it carried identifying headers, its client's
rate limits) and admits a request once, however often it is asked.

A ballot row is (poll_id, receipt, choice) and nothing else. The receipt is the primary key,
so one token or code counts once however many times (and from however many servers) it is
sent: `INSERT ... ON CONFLICT DO NOTHING`, and a conflict is ALREADY_VOTED.

    credential receipt = hex(SHA-256(token))                 token = the RFC 9474 prepared message
    paper receipt      = hex(SHA-256("zct-paper-receipt-v1:<poll>:" || code))

Nothing here logs, and nothing here knows who is calling.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import weakref

import asyncpg
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine, event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from backend.core.db import SessionFactory
from backend.core.errors import ErrorCode
from backend.crypto import b64url, blind_rsa
from backend.polls import keys, paper
from backend.polls.common import lock_poll, not_found, poll_error, require_status, shared_lock_sql
from backend.polls.models import BallotChoice, PaperCode, Poll, PollStatus
from backend.ratelimit.policies import ClientRateLimits

RANDOM_LEN = 32  # RFC 9474 randomizer, and the phone's own nonce after the prefix
_TOKEN_BODY = re.compile(rb"^zct-ballot-v1:(\d{1,19}):$")
_MAX_B64 = 2048


class BallotSender:
    """Who sends a ballot, as far as the server may know: whether the request carried identifying
    headers (Authorization of any scheme, Cookie), and its client's rate limits (bound to the
    client address; the counter holds a keyed hash of it and nothing about the ballot)."""

    def __init__(self, limits: ClientRateLimits, *, identified: bool) -> None:
        self._limits = limits
        self._identified = identified
        self._admitted = False

    async def admit(self) -> None:
        """ANONYMOUS_ONLY, then RATE_LIMITED — before any field of the ballot is looked at, and
        counted once per request. The receive_* entry points call it first; a transport may call
        it sooner (the lean route does, so that a refused client costs no body read)."""
        if self._admitted:
            return
        if self._identified:  # the PWA must never attach its login to a ballot
            raise poll_error(
                ErrorCode.ANONYMOUS_ONLY, "投票请求不能携带登录信息或 Cookie，以保证无记名", "authorization"
            )
        await self._limits.cast()
        self._admitted = True


async def receive_credential_ballot(
    session_factory: SessionFactory,
    sender: BallotSender,
    poll_id: int,
    token: str,
    signature: str,
    choice: BallotChoice | str,
) -> str:
    """A ballot cast with a credential (both base64url); returns its receipt."""
    await sender.admit()
    return await cast_ballot(session_factory, poll_id, token, signature, _choice(choice))


async def receive_paper_ballot(
    session_factory: SessionFactory, sender: BallotSender, poll_id: int, code: object, choice: BallotChoice | str
) -> str:
    """A ballot cast with a paper slip's code (as the transport received it: its shape is checked
    here); returns its receipt."""
    await sender.admit()
    checked = _choice(choice)
    async with session_factory.begin() as session:
        return await cast_paper_ballot(session, poll_id, code, checked)


def _choice(value: BallotChoice | str) -> BallotChoice:
    try:
        return BallotChoice(str(value).lower())
    except ValueError as exc:
        raise poll_error(ErrorCode.INVALID_INPUT, "选项无效", "choice") from exc


def _decoded(value: object, field: str) -> bytes:
    if not isinstance(value, str) or len(value) > _MAX_B64:
        raise poll_error(ErrorCode.INVALID_TOKEN, "投票凭证格式不正确", field)
    try:
        return b64url.decode(value)
    except ValueError as exc:
        raise poll_error(ErrorCode.INVALID_TOKEN, "投票凭证格式不正确", field) from exc


def check_token_poll(poll_id: int, token: bytes) -> None:
    """token = 32 random bytes || b"zct-ballot-v1:<poll id>:" || 32 random bytes."""
    body = token[RANDOM_LEN : len(token) - RANDOM_LEN] if len(token) > 2 * RANDOM_LEN else b""
    match = _TOKEN_BODY.match(body)
    if match is None:
        raise poll_error(ErrorCode.INVALID_TOKEN, "投票凭证格式不正确", "token")
    if int(match.group(1)) != poll_id:
        raise poll_error(ErrorCode.WRONG_POLL, "这张投票凭证属于另一次测评", "token")


def credential_receipt(token: bytes) -> str:
    return hashlib.sha256(token).hexdigest()


def _ballot_insert(poll_id: str, receipt: str, choice: str, *, paper_code: str | None = None) -> str:
    """The one statement that stages a ballot: only while its poll is voting (and, for paper, the
    code exists), and once per receipt — a conflict inserts nothing (ALREADY_VOTED). On PostgreSQL
    it runs after the poll's shared lock is held, so it reads the status with a fresh snapshot
    (SQLite: writers take turns). The arguments are SQL: bind parameters, or the literals of the
    one-round-trip batch."""
    code = (
        ""
        if paper_code is None
        else f" AND EXISTS (SELECT 1 FROM poll_paper_codes c WHERE c.poll_id = {poll_id} AND c.code_hash = {paper_code})"
    )
    return (
        "INSERT INTO poll_ballot_staging (poll_id, receipt, choice) "
        f"SELECT id, {receipt}, {choice} FROM polls WHERE id = {poll_id} AND status = 'voting'{code} "
        "ON CONFLICT (poll_id, receipt) DO NOTHING"
    )


_INSERT_CREDENTIAL = text(_ballot_insert(":poll_id", ":receipt", ":choice") + " RETURNING receipt")
_INSERT_PAPER = text(_ballot_insert(":poll_id", ":receipt", ":choice", paper_code=":code_hash") + " RETURNING receipt")
# A poll's public key never changes: cache it by poll id, so the casting path verifies the
# signature before touching the database. A failed verification re-reads the key once (a cache
# must never be the reason a ballot is refused, e.g. after a database was restored or reset).
_poll_keys: keys.LRU[int, rsa.RSAPublicKey] = keys.LRU(1024)


async def _public_key(session_factory: SessionFactory, poll_id: int) -> rsa.RSAPublicKey:
    key = _poll_keys.get(poll_id)
    if key is None:
        async with session_factory() as session:
            row = (
                await session.execute(select(Poll.key_fingerprint, Poll.public_key_der).where(Poll.id == poll_id))
            ).first()
        if row is None:
            raise not_found()
        key = keys.public_key(row.key_fingerprint, row.public_key_der)
        _poll_keys.put(poll_id, key)
    return key


async def _refusal(session: AsyncSession, poll_id: int) -> None:
    """Why nothing was inserted: the poll's phase, else the token or code was spent."""
    status = await session.scalar(select(Poll.status).where(Poll.id == poll_id))
    if status is None:
        raise not_found()
    require_status(PollStatus(status), PollStatus.VOTING, "投票")


def _already_voted() -> Exception:
    return poll_error(ErrorCode.ALREADY_VOTED, "这张凭证已经投过票，每人只能投一次")


async def _verify(session_factory: SessionFactory, poll_id: int, token_b64: str, signature_b64: str) -> str:
    """The credential's receipt, once it names this poll and its signature checks against the
    poll's key."""
    token = _decoded(token_b64, "token")
    signature = _decoded(signature_b64, "signature")
    check_token_poll(poll_id, token)
    if not blind_rsa.verify(await _public_key(session_factory, poll_id), token, signature):
        _poll_keys.drop(poll_id)  # never trust a cached key to refuse: check against the stored one
        if not blind_rsa.verify(await _public_key(session_factory, poll_id), token, signature):
            raise poll_error(ErrorCode.INVALID_TOKEN, "投票凭证的签名无效", "signature")
    return credential_receipt(token)


async def cast_ballot(
    session_factory: SessionFactory, poll_id: int, token_b64: str, signature_b64: str, choice: BallotChoice
) -> str:
    """The checks and the insert of a credential ballot, without the policy of
    `receive_credential_ballot` (whose second half this is). It opens its own sessions: the hot
    path of a poll runs without an ORM session where it can.

    PostgreSQL: the shared poll lock and the insert go to the server as ONE simple-protocol
    message on a pooled connection — one round trip, one implicit transaction. They stay two
    statements on purpose: in READ COMMITTED each statement takes its own snapshot, so the
    insert reads the poll's status after the lock is granted. (A CTE taking the lock inside the
    INSERT would read the status with a snapshot taken BEFORE waiting for the lock, and could
    add a ballot to a poll that `close_poll` has just counted.) The values are spliced in as
    literals, which is safe only because every one is made here: an int, a SHA-256 hex digest
    and an enum value (checked again by `_one_round_trip`).
    SQLite: the usual serialized write session (SQLite takes writers one at a time anyway).
    """
    receipt = await _verify(session_factory, poll_id, token_b64, signature_b64)
    if not await _stage_credential_ballot(session_factory, poll_id, receipt, BallotChoice(choice)):
        async with session_factory() as session:
            await _refusal(session, poll_id)
        raise _already_voted()
    return receipt


async def _stage_credential_ballot(
    session_factory: SessionFactory, poll_id: int, receipt: str, choice: BallotChoice
) -> bool:
    """True when the ballot was inserted."""
    engine = session_factory.kw["bind"]
    if engine.dialect.name == "postgresql":
        return await _one_round_trip(engine, poll_id, receipt, choice)
    async with session_factory.begin() as session:  # SQLite: the write session is the lock
        params = {"poll_id": poll_id, "receipt": receipt, "choice": choice.value}
        return (await session.execute(_INSERT_CREDENTIAL, params)).first() is not None


class _BallotPool:
    """Connections for the one-round-trip insert, beside the app's pool (same database, same
    size). The app's pool pings each connection it hands out — asyncpg's ping is `BEGIN; ;
    ROLLBACK`, three round trips before every ballot — and opens and closes overflow connections
    under a burst; SQLAlchemy's checkout also costs ~0.1 ms of CPU. A plain asyncpg pool does
    neither, and skips asyncpg's reset query on release: a casting batch leaves no session state
    (its advisory lock is transaction-scoped; it never LISTENs, SETs or opens cursors). A
    connection that fails or is interrupted mid-batch is terminated, never reused. Closed when the
    app's engine is disposed."""

    def __init__(self, engine: AsyncEngine) -> None:
        _, params = engine.dialect.create_connect_args(engine.url)
        for sqlalchemy_only in ("prepared_statement_cache_size", "prepared_statement_name_func", "async_fallback"):
            params.pop(sqlalchemy_only, None)
        self._params = params
        self._size = engine.sync_engine.pool.size()  # type: ignore[attr-defined]
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def execute(self, sql: str) -> str:
        pool = self._pool or await self._open()
        async with pool.acquire() as connection:
            try:
                return await connection.execute(sql)  # the last command's tag
            except BaseException:
                connection.terminate()
                raise

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    **self._params, min_size=0, max_size=self._size, reset=_leave_as_is
                )
        return self._pool

    def terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


async def _leave_as_is(_connection: asyncpg.Connection) -> None:
    return None


_ballot_pools: weakref.WeakKeyDictionary[Engine, _BallotPool] = weakref.WeakKeyDictionary()


def _ballot_pool(engine: AsyncEngine) -> _BallotPool:
    pool = _ballot_pools.get(engine.sync_engine)
    if pool is None:
        pool = _ballot_pools[engine.sync_engine] = _BallotPool(engine)
        event.listen(engine.sync_engine, "engine_disposed", lambda _: pool.terminate())
    return pool


_HEX_RECEIPT = re.compile(r"^[0-9a-f]{64}$")


async def _one_round_trip(engine: AsyncEngine, poll_id: int, receipt: str, choice: BallotChoice) -> bool:
    """True when the ballot was inserted (PostgreSQL)."""
    if type(poll_id) is not int or not _HEX_RECEIPT.match(receipt) or not isinstance(choice, BallotChoice):
        raise ValueError("ballot values must be made by the casting service")
    sql = f"SELECT {shared_lock_sql(poll_id)}; " + _ballot_insert(str(poll_id), f"'{receipt}'", f"'{choice.value}'")
    status = await _ballot_pool(engine).execute(sql)
    return status == "INSERT 0 1"


async def cast_paper_ballot(session: AsyncSession, poll_id: int, code: object, choice: BallotChoice) -> str:
    """The checks and the insert of a paper ballot in the caller's transaction, without the policy
    of `receive_paper_ballot` (whose second half this is; the demo seeder calls it directly)."""
    normalized = paper.normalize_code(code)
    receipt = paper.receipt(poll_id, normalized)
    code_hash = paper.code_hash(poll_id, normalized)
    await lock_poll(session, poll_id, exclusive=False)
    params = {"poll_id": poll_id, "receipt": receipt, "choice": BallotChoice(choice).value, "code_hash": code_hash}
    if (await session.execute(_INSERT_PAPER, params)).first() is None:
        await _refusal(session, poll_id)
        known = await session.scalar(
            select(PaperCode.code_hash).where(PaperCode.poll_id == poll_id, PaperCode.code_hash == code_hash)
        )
        if known is None:
            raise poll_error(ErrorCode.INVALID_CODE, "票码无效：请核对纸质票上的票码", "code")
        raise _already_voted()
    return receipt
