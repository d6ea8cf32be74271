"""Which township an export covers, checked against the caller's county."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.errors import Forbidden, NotFound
from backend.models import OrgKind, OrgUnit


async def township_in_county(session: AsyncSession, actor: Actor, township_id: int | None) -> OrgUnit | None:
    """The township asked for (None: the whole county), refused outside the caller's county."""
    if township_id is None:
        return None
    township = await session.get(OrgUnit, township_id)
    if township is None or township.kind is not OrgKind.TOWNSHIP:
        raise NotFound("镇（街道）不存在")
    if township.county_id != actor.county_id:
        raise Forbidden()
    return township
