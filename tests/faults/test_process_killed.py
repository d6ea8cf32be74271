"""An app process killed with SIGKILL in the middle of filings, photo uploads, ballots and
credential requests (issue #6 "Survive faults").

Against a real `serve` process on a private PostgreSQL server: phones upload photos and file
with them, voters cast ballots on the lean route, members ask for voting credentials; once some
answers have come back the process gets SIGKILL (no shutdown code runs). A new process on the
same port then receives every request whose answer never arrived, plus what was still queued.
Proves:
- every filing is stored exactly once, with its audit event and photo link; every photo row has
  both files, each file under a real key holds exactly the bytes its name promises (nothing
  partial) and is named by a row (no orphans);
- every ballot counts exactly once per token: a re-sent cast is answered with its receipt or, when
  the lost answer had been a success, ALREADY_VOTED (which the PWA shows as cast);
- every member gets their credential exactly once: a re-sent request (the same blinded message,
  as the PWA keeps it) whose first attempt committed before the kill gets the same signature
  again, and the roster's flags match the members who asked.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from backend.app import create_app
from backend.audit.models import AuditEvent
from backend.auth.tokens import issue_access_token
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.crypto import blind_rsa
from backend.filings.models import Filing, FilingPhoto
from backend.media.models import Media
from backend.polls.models import PollVoter, StagedBallot
from tests.conftest import TEST_DB, GraphQLClient
from tests.faults.app_process import AppProcess
from tests.faults.phone import (
    CLIENT_TIMEOUT,
    NO_ANSWER,
    Answer,
    cast_ballot,
    filing_entry,
    photo_bytes,
    request_credential,
    submit_filing,
    upload_photo,
)
from tests.faults.private_postgres import PrivatePostgres
from tests.polls.helpers import OPEN, Credential, b64u, make_message, obtain_credential, ok, setup_poll
from tests.world import build_world

pytestmark = pytest.mark.skipif(TEST_DB != "postgres", reason="needs the private PostgreSQL server")

FILINGS = 24
VOTERS = 16  # credentials made before voting opens, cast during the run
ASKERS = 16  # members asking for a credential during the run (another poll, still issuing)
WORKERS = 8  # concurrent phones per kind
KILL_AFTER_ANSWERS = 12
KINDS = ("filing", "ballot", "credential")


@dataclass
class Op:
    """One thing a phone wants done, sent until it has an answer (the outbox)."""

    kind: str
    key: int
    attempts: list[Answer] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].code != NO_ANSWER


@dataclass
class Scene:
    token: str
    entries: list[dict]
    photos: list[bytes]
    voting_poll: str
    credentials: list[Credential]
    issuing_poll: dict
    asker_tokens: list[str]
    blinded: list[bytes]  # one blinded message per asking member


async def test_sigkill_mid_load_then_retries_land_exactly_once(
    private_pg: PrivatePostgres, private_pg_settings: Settings, private_pg_sessions: SessionFactory
) -> None:
    app = AppProcess(private_pg_settings)
    starting = asyncio.create_task(asyncio.to_thread(app.start))
    try:
        scene = await _build_scene(private_pg_settings, private_pg_sessions)
        await starting
        ops = (
            [Op("filing", i) for i in range(FILINGS)]
            + [Op("ballot", i) for i in range(VOTERS)]
            + [Op("credential", i) for i in range(ASKERS)]
        )
        async with httpx.AsyncClient(base_url=app.base_url, limits=httpx.Limits(max_connections=64)) as http:
            send = _sender(http, scene)
            killed = await _run_until_killed(app, ops, send)
            app.start()  # the same port: phones know one address
            for op in ops:  # the outbox re-sends what had no answer, and sends what was still queued
                if not op.answered:
                    op.attempts.append(await send(op))
        answers_before_kill, in_flight = killed
    except BaseException:
        print(f"--- app log ---\n{app.log_tail()}")
        raise
    finally:
        if not starting.done():
            await asyncio.gather(starting, return_exceptions=True)
        app.close()

    assert in_flight > 0, "the kill caught no request in flight: the test proved nothing"
    cut = {kind: sum(1 for op in ops if op.kind == kind and op.attempts[0].code == NO_ANSWER) for kind in KINDS}
    print(f"\nSIGKILL after {answers_before_kill} answers with {in_flight} requests in flight; cut per kind: {cut}")
    for op in ops:
        assert op.answered, op
        assert all(a.seconds < CLIENT_TIMEOUT for a in op.attempts), op
    await _check_filings(private_pg_sessions, private_pg_settings.media_dir, scene, ops)
    await _check_ballots(private_pg_sessions, scene, ops)
    await _check_credentials(private_pg_sessions, scene, ops)


async def _build_scene(settings: Settings, sessions: SessionFactory) -> Scene:
    """World, a poll voting (credentials in hand) and one still issuing, made in this process."""
    async with sessions.begin() as session:
        world = await build_world(session)
    app = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://setup") as http:
            gql = GraphQLClient(http, world, settings)
            voting = await setup_poll(gql, world, sessions, members=VOTERS, paper_people=0)
            credentials = [await obtain_credential(gql, voting.poll, member) for member in voting.members]
            ok(await gql.execute(OPEN, {"id": voting.id}, as_user="township"), "openPollVoting")
            issuing = await setup_poll(gql, world, sessions, members=ASKERS, paper_people=0, village="V12")
    finally:
        await app.state.engine.dispose()
    photos = [photo_bytes(1000 + i) for i in range(FILINGS)]
    issuing_key = blind_rsa.public_key_from_der(base64.b64decode(issuing.poll["publicKeySpki"]))
    return Scene(
        token=issue_access_token(settings, world.actor("village")),
        photos=photos,
        entries=[filing_entry(i, hashlib.sha256(photo).hexdigest()) for i, photo in enumerate(photos)],
        voting_poll=voting.id,
        credentials=credentials,
        issuing_poll=issuing.poll,
        asker_tokens=[issue_access_token(settings, world.actor(key)) for key in issuing.members],
        blinded=[blind_rsa.blind(issuing_key, blind_rsa.prepare(make_message(issuing.id)))[0] for _ in range(ASKERS)],
    )


def _sender(http: httpx.AsyncClient, scene: Scene) -> Callable[[Op], Awaitable[Answer]]:
    async def send(op: Op) -> Answer:
        if op.kind == "filing":  # the photo first, then the filing naming it (the outbox's order)
            uploaded = await upload_photo(http, scene.token, scene.photos[op.key])
            if not uploaded.ok:
                return uploaded
            return await submit_filing(http, scene.token, scene.entries[op.key])
        if op.kind == "ballot":
            credential = scene.credentials[op.key]
            body = {"token": b64u(credential.token), "signature": b64u(credential.signature), "choice": "satisfied"}
            return await cast_ballot(http, scene.voting_poll, body)
        return await request_credential(
            http, scene.asker_tokens[op.key], scene.issuing_poll["id"], scene.blinded[op.key]
        )

    return send


async def _run_until_killed(app: AppProcess, ops: list[Op], send: Callable[[Op], Awaitable[Answer]]) -> tuple[int, int]:
    """Phones send concurrently; SIGKILL once KILL_AFTER_ANSWERS answers came back. Returns the
    answers received before the kill and the requests that were in flight."""
    queue: asyncio.Queue[Op] = asyncio.Queue()
    # Interleave the kinds so that every kind is in flight when the process dies.
    for group in zip(*(iter([o for o in ops if o.kind == k]) for k in KINDS), strict=False):
        for op in group:
            queue.put_nowait(op)
    answered = 0
    killed = asyncio.Event()
    in_flight: set[int] = set()
    caught: list[int] = []

    async def phone() -> None:
        nonlocal answered
        while not killed.is_set() and not queue.empty():
            op = queue.get_nowait()
            in_flight.add(id(op))
            answer = await send(op)
            in_flight.discard(id(op))
            op.attempts.append(answer)
            if answer.code != NO_ANSWER and not killed.is_set():
                answered += 1
                if answered >= KILL_AFTER_ANSWERS:
                    caught.append(len(in_flight))
                    killed.set()
                    app.kill()

    await asyncio.gather(*[phone() for _ in range(WORKERS * 3)])
    assert killed.is_set(), "everything finished before the kill: raise the load"
    return answered, caught[0]


async def _check_filings(sessions: SessionFactory, media_dir: Path, scene: Scene, ops: list[Op]) -> None:
    ids = [entry["id"] for entry in scene.entries]
    for op in ops:
        if op.kind == "filing":
            assert op.attempts[-1].ok, op
    async with sessions() as session:
        filings = await session.scalar(select(func.count()).select_from(Filing).where(Filing.id.in_(ids)))
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity_id.in_(ids), AuditEvent.action == "submitted")
        )
        links = await session.scalar(
            select(func.count()).select_from(FilingPhoto).where(FilingPhoto.filing_id.in_(ids))
        )
        media = (await session.scalars(select(Media))).all()
        uploads = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "media", AuditEvent.action == "upload")
        )
    assert filings == events == links == FILINGS
    assert len(media) == uploads == FILINGS  # one row and one upload event per photo, however often sent
    keys = {m.stored_key for m in media} | {m.thumb_key for m in media}
    files = {str(p.relative_to(media_dir)) for p in media_dir.rglob("*") if p.is_file()}
    real = {name for name in files if not Path(name).name.startswith(".tmp-")}
    assert real == keys, "a file without its row, or a row without its file"
    print(f"media: {len(media)} photos, {len(files - real)} temporary files left by the kill")
    for name in real:  # content-addressed: the name is the SHA-256 of the bytes
        digest = Path(name).name.split(".", 1)[0]
        assert hashlib.sha256((media_dir / name).read_bytes()).hexdigest() == digest, name


async def _check_ballots(sessions: SessionFactory, scene: Scene, ops: list[Op]) -> None:
    for op in ops:
        if op.kind != "ballot":
            continue
        final = op.attempts[-1]
        receipt = scene.credentials[op.key].receipt
        if final.ok:
            assert final.body["receipt"] == receipt, op
        else:  # only a re-send whose lost first answer had counted the ballot
            assert final.code == "ALREADY_VOTED" and op.attempts[0].code == NO_ANSWER, op
    async with sessions() as session:
        staged = (
            await session.scalars(select(StagedBallot.receipt).where(StagedBallot.poll_id == int(scene.voting_poll)))
        ).all()
    assert sorted(staged) == sorted(c.receipt for c in scene.credentials)  # each token once


async def _check_credentials(sessions: SessionFactory, scene: Scene, ops: list[Op]) -> None:
    signed = resent = 0
    for op in ops:
        if op.kind != "credential":
            continue
        codes = [a.code for a in op.attempts]
        assert codes[-1] == "OK" and codes.count("OK") == 1, op  # answered once, in the end
        signed += 1
        resent += len(codes) > 1
    async with sessions() as session:
        flags = await session.scalar(
            select(func.count())
            .select_from(PollVoter)
            .where(PollVoter.poll_id == int(scene.issuing_poll["id"]), PollVoter.credential_issued.is_(True))
        )
    assert flags == signed == ASKERS
    print(f"credentials: {signed} signed, {resent} of them fetched again after the kill")
