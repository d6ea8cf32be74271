"""Recording events and tampering with the audit trail behind the append-only triggers' back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit import trail as audit
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory


async def record_events(session_factory: SessionFactory, county_id: int, count: int, *, tag: str = "e") -> None:
    """`count` events for one county, one transaction, flushed one by one and all at once."""
    async with session_factory.begin() as session:
        for n in range(count):
            audit.record(
                session,
                None,
                county_id=county_id,
                entity="test",
                entity_id=f"{tag}{n}",
                action="touch",
                version=n,
                detail={"n": n, "名": tag},
            )
            if n % 2:
                await session.flush()


async def chain(session_factory: SessionFactory, county_id: int) -> list[AuditEvent]:
    async with session_factory() as session:
        query = select(AuditEvent).where(AuditEvent.county_id == county_id).order_by(AuditEvent.seq)
        return list(await session.scalars(query))


async def tamper(engine: AsyncEngine, statement: str) -> None:
    """Run an UPDATE or DELETE on audit_events with the append-only triggers lifted for this one
    transaction only (the PostgreSQL test database is shared by the whole session)."""
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
            await connection.exec_driver_sql(statement)
            await connection.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
        else:
            triggers = dict(
                (
                    await connection.exec_driver_sql(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
                    )
                ).all()
            )
            for name in triggers:
                await connection.exec_driver_sql(f"DROP TRIGGER {name}")
            await connection.exec_driver_sql(statement)
            for sql in triggers.values():
                await connection.exec_driver_sql(sql)
