"""Two edits naming the same base version at once (a phone's retry racing its own first attempt,
or two phones): exactly one applies; the other is answered STALE_VERSION with the current version,
or — when it carries the content that was stored — the answer a safe retry gets. Never INTERNAL.

The first edit holds its transaction open until the second is waiting on the row, so the race is
forced rather than hoped for (PostgreSQL waits on the row lock; SQLite on the write turn)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from backend.core.db import SessionFactory
from backend.core.errors import StaleVersion
from backend.filings.models import Filing, FilingKind
from backend.filings.review import ReviewDecision, review_filing
from backend.filings.submit import FilingDraft, edit_filing, submit_filing
from tests.world import World

FILING_ID = "7d3a1c2e-51b0-4f7c-9a51-2f0e8c1d4b66"


def _draft(content: str) -> FilingDraft:
    return FilingDraft(
        id=FILING_ID,
        kind=FilingKind.WORK_DIARY,
        occurred_on=date(2026, 11, 20),
        recorded_at=datetime(2026, 11, 20, 10, 30, tzinfo=UTC),
        title="民情日记",
        body={"content": content},
    )


async def _returned_filing(session_factory: SessionFactory, world: World) -> int:
    async with session_factory.begin() as session:
        await submit_filing(session, world.actor("village"), _draft("第一稿"))
    async with session_factory.begin() as session:
        filing = await review_filing(session, world.actor("township"), FILING_ID, ReviewDecision.RETURN, "请补充")
        return filing.version


async def _race(
    session_factory: SessionFactory, world: World, first: FilingDraft, second: FilingDraft, base: int
) -> Filing | Exception:
    """Runs `first` in a transaction that stays open until `second` has started and is waiting;
    returns what `second` ends with."""
    first_applied = asyncio.Event()
    release_first = asyncio.Event()

    async def first_edit() -> None:
        async with session_factory.begin() as session:
            await edit_filing(session, world.actor("village"), first, base)
            first_applied.set()
            await release_first.wait()

    async def second_edit() -> Filing | Exception:
        await first_applied.wait()
        try:
            async with session_factory.begin() as session:
                return await edit_filing(session, world.actor("village"), second, base)
        except Exception as exc:  # the test inspects which error it was
            return exc

    first_task = asyncio.create_task(first_edit())
    second_task = asyncio.create_task(second_edit())
    await first_applied.wait()
    await asyncio.sleep(0.3)
    assert not second_task.done(), "the second edit must wait for the first one's transaction"
    release_first.set()
    await first_task
    return await second_task


async def _stored(session_factory: SessionFactory) -> Filing:
    async with session_factory() as session:
        filing = await session.get(Filing, FILING_ID)
        assert filing is not None
        return filing


@pytest.mark.parametrize("submit", [True, False], ids=["resubmit", "save-draft"])
async def test_a_racing_edit_with_other_content_is_stale_with_the_current_version(
    session_factory: SessionFactory, world: World, submit: bool
) -> None:
    base = await _returned_filing(session_factory, world)
    first = FilingDraft(**{**_draft("第二稿：补充了灌溉问题").__dict__, "submit": submit})
    second = FilingDraft(**{**_draft("另一部手机上的第二稿").__dict__, "submit": submit})
    outcome = await _race(session_factory, world, first, second, base)
    assert isinstance(outcome, StaleVersion), repr(outcome)
    stored = await _stored(session_factory)
    assert outcome.current_version == stored.version == base + 1
    assert stored.body == {"content": "第二稿：补充了灌溉问题"}


async def test_a_racing_retry_of_the_same_edit_gets_the_safe_retry_answer(
    session_factory: SessionFactory, world: World
) -> None:
    base = await _returned_filing(session_factory, world)
    edit = _draft("第二稿：补充了灌溉问题")
    outcome = await _race(session_factory, world, edit, edit, base)
    assert isinstance(outcome, Filing), repr(outcome)
    stored = await _stored(session_factory)
    assert outcome.version == stored.version == base + 1
    assert stored.body == {"content": "第二稿：补充了灌溉问题"}
