"""Per-request DataLoaders. Each batch opens its own short session: GraphQL resolves sibling
fields concurrently and one AsyncSession must not be shared across tasks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.assessment.evidence import filings_by_id
from backend.core.db import SessionFactory
from backend.filings import batches as filing_batches
from backend.org.models import OrgUnit, SecretaryProfile
from backend.org.secretaries import current_secretaries
from backend.org.units import household_counts, village_counts
from backend.problems.ledger import notes_for as problem_notes_for
from backend.problems.ledger import photos_for as problem_photos_for
from backend.problems.models import ProblemNote

K = TypeVar("K")
V = TypeVar("V")


def referenced(row: V | None) -> V:
    """The row at the other end of a NOT NULL foreign key (ON DELETE RESTRICT): the database
    guarantees it exists, though a loader by id answers None for a missing one."""
    if row is None:
        raise LookupError("a row referenced by a foreign key is missing")
    return row


class Loaders:
    def __init__(self, session_factory: SessionFactory, today: date) -> None:
        self._sessions = session_factory
        self._today = today
        self.org_unit = DataLoader(self._batch(self._org_units))
        self.village_count = DataLoader(self._batch(self._village_counts))
        self.household_count: DataLoader[OrgUnit, int] = DataLoader(
            self._batch(self._household_counts), cache_key_fn=lambda unit: unit.id
        )
        self.current_secretary = DataLoader(self._batch(self._current_secretaries))
        self.problem_notes = DataLoader(self._batch(self._problem_notes))
        self.problem_photos = DataLoader(self._batch(self._problem_photos))
        self.household = DataLoader(self._batch(filing_batches.households_by_id))
        self.secretary = DataLoader(self._batch(filing_batches.secretaries_by_id))
        self.filing_photos = DataLoader(self._batch(filing_batches.photos_by_filing))
        self.filing_history = DataLoader(self._batch(filing_batches.history_by_filing))
        self.filing = DataLoader(self._batch(filings_by_id))  # the filings behind assessment scores

    def _batch(
        self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
    ) -> Callable[[list[K]], Awaitable[Sequence[V]]]:
        async def load(keys: list[K]) -> Sequence[V]:
            async with self._sessions() as session:
                return await fetch(session, keys)

        return load

    async def _org_units(self, session: AsyncSession, ids: Sequence[int]) -> list[OrgUnit | None]:
        found = {u.id: u for u in await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
        return [found.get(i) for i in ids]

    async def _village_counts(self, session: AsyncSession, ids: Sequence[int]) -> list[int]:
        counts = await village_counts(session, ids)
        return [counts.get(i, 0) for i in ids]

    async def _household_counts(self, session: AsyncSession, units: Sequence[OrgUnit]) -> list[int]:
        counts = await household_counts(session, units)
        return [counts[u.id] for u in units]

    async def _current_secretaries(
        self, session: AsyncSession, village_ids: Sequence[int]
    ) -> list[SecretaryProfile | None]:
        chosen = await current_secretaries(session, village_ids, self._today)
        return [chosen.get(i) for i in village_ids]

    async def _problem_notes(self, session: AsyncSession, problem_ids: Sequence[str]) -> list[list[ProblemNote]]:
        found = await problem_notes_for(session, problem_ids)
        return [found[i] for i in problem_ids]

    async def _problem_photos(self, session: AsyncSession, problem_ids: Sequence[str]) -> list[list[str]]:
        found = await problem_photos_for(session, problem_ids)
        return [found[i] for i in problem_ids]
