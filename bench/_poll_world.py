"""Shared setup for bench/poll_*.py: a throwaway PostgreSQL database (or SQLite file) with one
township, one village, a secretary and N member accounts on one poll's roster."""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import insert, select, update

from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.migrate import upgrade
from backend.core.settings import Settings
from backend.crypto import blind_rsa
from backend.hooks import install_process_hooks
from backend.org.models import CadreClass, Gender, OrgKind, OrgUnit, Role, SecretaryProfile, StationMode, UnitType, User
from backend.polls import lifecycle
from backend.polls.models import PollVoter, VoterCategory

PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
JWT_SECRET = "bench-secret-" + "x" * 40


async def _pg_admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextmanager
def database(kind: str = "postgres", pool_size: int = 20) -> Iterator[Settings]:
    """A migrated throwaway database, dropped afterwards (with the app's process hooks installed:
    the benchmarks write through sessions without an app)."""
    install_process_hooks()
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", jwt_secret=JWT_SECRET)
            upgrade(settings)
            yield settings
        return
    name = f"zct_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    settings = Settings(
        database_url=f"{base}/{name}",
        jwt_secret=JWT_SECRET,
        db_pool_size=pool_size,
        pwa_dist=Path(tempfile.gettempdir()) / "no-pwa",
    )
    try:
        upgrade(settings)
        yield settings
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class PollWorld:
    poll_id: int
    township: Actor
    members: list[Actor]
    key: rsa.RSAPrivateKey


async def build(session_factory: SessionFactory, settings: Settings, voters: int, key: rsa.RSAPrivateKey) -> PollWorld:
    """A poll in `issuing` whose roster is `voters` member accounts."""
    async with session_factory.begin() as session:
        county = OrgUnit(kind=OrgKind.COUNTY, name="基准县", code="BC")
        session.add(county)
        await session.flush()
        county.county_id = county.id
        township = OrgUnit(kind=OrgKind.TOWNSHIP, name="基准镇", code="BT", parent_id=county.id, county_id=county.id)
        session.add(township)
        await session.flush()
        township.township_id = township.id
        village = OrgUnit(
            kind=OrgKind.VILLAGE,
            name="基准村",
            code="BV",
            parent_id=township.id,
            county_id=county.id,
            township_id=township.id,
        )
        session.add(village)
        await session.flush()
        boss = User(phone="13800000000", name="镇干部", password_hash="x", role=Role.TOWNSHIP, org_unit_id=township.id)
        session.add(boss)
        secretary = SecretaryProfile(
            name="基准书记",
            gender=Gender.MALE,
            phone="13800000001",
            dispatch_unit="县局",
            unit_type=UnitType.MUNICIPAL,
            mode=StationMode.RESIDENT,
            cadre_class=CadreClass.SECTION_CHIEF,
            village_id=village.id,
            county_id=county.id,
            term_start=date(2026, 1, 1),
            term_end=date(2026, 12, 31),
        )
        session.add(secretary)
        await session.flush()
        phones = [f"139{i:08d}" for i in range(voters)]
        await session.execute(
            insert(User),
            [
                {
                    "phone": p,
                    "name": f"村民{i}",
                    "password_hash": "x",
                    "role": Role.MEMBER,
                    "org_unit_id": village.id,
                    "active": True,
                }
                for i, p in enumerate(phones)
            ],
        )
        user_ids = list(await session.scalars(select(User.id).where(User.phone.in_(phones)).order_by(User.phone)))
        actor = Actor(
            user_id=boss.id, role=Role.TOWNSHIP, org_unit_id=township.id, county_id=county.id, township_id=township.id
        )
        poll = await lifecycle.create_poll(
            session, actor, settings, secretary_id=secretary.id, period="2026", title=None, signing_key=key
        )
        await session.execute(
            insert(PollVoter),
            [
                {
                    "poll_id": poll.id,
                    "name": f"村民{i}",
                    "category": VoterCategory.PARTY_MEMBER,
                    "phone": p,
                    "user_id": uid,
                    "credential_issued": False,
                    "paper_issued": False,
                }
                for i, (p, uid) in enumerate(zip(phones, user_ids, strict=True))
            ],
        )
    async with session_factory.begin() as session:
        await lifecycle.start_issuing(session, actor, poll.id)
    members = [
        Actor(
            user_id=uid,
            role=Role.MEMBER,
            org_unit_id=village.id,
            county_id=county.id,
            township_id=township.id,
            village_id=village.id,
        )
        for uid in user_ids
    ]
    return PollWorld(poll.id, actor, members, key)


async def mark_all_issued_and_open(session_factory: SessionFactory, world: PollWorld) -> None:
    """For casting benches: every roster entry got a credential (signed outside, see credentials())."""
    async with session_factory.begin() as session:
        await session.execute(
            update(PollVoter).where(PollVoter.poll_id == world.poll_id).values(credential_issued=True)
        )
        await lifecycle.open_voting(session, world.township, world.poll_id)


_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=blind_rsa.SALT_LEN)


def credentials(key: rsa.RSAPrivateKey, poll_id: int, count: int) -> list[tuple[bytes, bytes]]:
    """(token, signature) pairs. A finalized blind signature IS a standard RSASSA-PSS signature
    (RFC 9474), so signing directly gives exactly what phones hold — without the round trips."""
    out = []
    for _ in range(count):
        token = blind_rsa.prepare(f"zct-ballot-v1:{poll_id}:".encode() + os.urandom(32))
        out.append((token, key.sign(token, _PSS, hashes.SHA384())))
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summary(latencies: list[float]) -> str:
    ms = [x * 1000 for x in latencies]
    return (
        f"p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms, "
        f"mean {statistics.fmean(ms):.1f} ms"
    )
