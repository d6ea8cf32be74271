"""What waits for the township (镇街党委) today: filings to review (the oldest first), roll calls
running, polls that need a step, and problems open past the county's age line in its villages.
Each part is read by its own resolver (a part not asked for costs nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.filings.models import Filing
from backend.filings.queries import review_queue
from backend.org.access import require_role, scope_secretaries
from backend.org.models import OrgUnit, Role, SecretaryProfile

OLDEST_SHOWN = 3  # filings and problems listed on the home; one tap opens the whole list


@dataclass(frozen=True)
class ReviewItem:
    filing: Filing
    secretary_name: str
    village_name: str


@dataclass(frozen=True)
class ReviewHead:
    total: int
    oldest: list[ReviewItem]


async def review_head(session: AsyncSession, actor: Actor | None, *, first: int = OLDEST_SHOWN) -> ReviewHead:
    """TOWNSHIP: how many filings wait for review, and the oldest `first` with whose and where."""
    actor = require_role(actor, Role.TOWNSHIP)
    page = await review_queue(session, actor, village_id=None, kind=None, first=first, after=None)
    names: dict[int, tuple[str, str]] = {}
    if page.items:
        found = await session.execute(
            select(SecretaryProfile.id, SecretaryProfile.name, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(SecretaryProfile.id.in_({f.secretary_id for f in page.items}), scope_secretaries(actor))
        )
        names = {sid: (name, village) for sid, name, village in found.tuples()}
    return ReviewHead(
        total=page.total,
        oldest=[ReviewItem(f, *names.get(f.secretary_id, ("", ""))) for f in page.items],
    )
