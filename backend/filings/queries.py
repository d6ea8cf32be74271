"""Reading filings: the secretary's own, the inbox of returned ones, the township's review queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.pagination import Page, paginate
from backend.filings.access import scope_filings
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.access import STAFF_ROLES, access_org_unit, access_secretary, require_role, require_secretary
from backend.org.models import OrgKind, Role, SecretaryProfile


async def my_filings(
    session: AsyncSession,
    actor: Actor | None,
    *,
    kind: FilingKind | None,
    status: FilingStatus | None,
    first: int | None,
    after: str | None,
) -> Page[Filing]:
    secretary = await require_secretary(session, actor)
    return await filings_of(session, secretary, kind=kind, status=status, first=first, after=after)


async def filings_of(
    session: AsyncSession,
    secretary: SecretaryProfile,
    *,
    kind: FilingKind | None,
    status: FilingStatus | None,
    first: int | None,
    after: str | None,
) -> Page[Filing]:
    """`my_filings` for a secretary record the caller already holds (their own), newest first."""
    stmt = select(Filing).where(Filing.secretary_id == secretary.id)
    if kind is not None:
        stmt = stmt.where(Filing.kind == kind)
    if status is not None:
        stmt = stmt.where(Filing.status == status)
    return await paginate(session, stmt, (Filing.received_at, Filing.id), first=first, after=after, descending=True)


async def my_inbox(session: AsyncSession, actor: Actor | None, *, first: int | None, after: str | None) -> Page[Filing]:
    return await my_filings(session, actor, kind=None, status=FilingStatus.RETURNED, first=first, after=after)


async def list_filings(
    session: AsyncSession,
    actor: Actor | None,
    *,
    secretary_id: int | None,
    kind: FilingKind | None,
    status: FilingStatus | None,
    first: int | None,
    after: str | None,
) -> Page[Filing]:
    actor = require_role(actor, *STAFF_ROLES)
    stmt = select(Filing).where(scope_filings(actor))
    if secretary_id is not None:
        await access_secretary(session, actor, secretary_id)
        stmt = stmt.where(Filing.secretary_id == secretary_id)
    if kind is not None:
        stmt = stmt.where(Filing.kind == kind)
    if status is not None:
        stmt = stmt.where(Filing.status == status)
    return await paginate(session, stmt, (Filing.received_at, Filing.id), first=first, after=after, descending=True)


async def review_queue(
    session: AsyncSession,
    actor: Actor | None,
    *,
    village_id: int | None,
    kind: FilingKind | None,
    first: int | None,
    after: str | None,
) -> Page[Filing]:
    """Submitted filings of the township's villages, oldest first."""
    actor = require_role(actor, Role.TOWNSHIP)
    stmt = select(Filing).where(Filing.township_id == actor.township_id, Filing.status == FilingStatus.SUBMITTED)
    if village_id is not None:
        await access_org_unit(session, actor, village_id, kind=OrgKind.VILLAGE)
        stmt = stmt.where(Filing.village_id == village_id)
    if kind is not None:
        stmt = stmt.where(Filing.kind == kind)
    return await paginate(session, stmt, (Filing.submitted_at, Filing.id), first=first, after=after)
