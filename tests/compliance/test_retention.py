"""Retention: the one daily command enforces what the personal-information inventory states."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.cli import main
from backend.compliance.personal_info import INVENTORY
from backend.compliance.retention import RULES
from backend.core.db import SessionFactory
from backend.core.orm import utcnow
from backend.core.settings import Settings
from backend.filings.models import Filing
from backend.problems.models import Problem, ProblemStatus
from tests.world import FILING_IDS, PROBLEM_IDS, World


def test_every_rule_agrees_with_the_inventory() -> None:
    kept = {entry.table: entry.kept for entry in INVENTORY}
    for rule in RULES:
        assert rule.table in kept, rule.table
        assert rule.kept_says in kept[rule.table], (rule.table, kept[rule.table])
        assert rule.action in {"delete", "keep"}


@pytest.mark.parametrize("command", ["retention", "prune-public-data"])
async def test_the_command_forgets_due_numbers_and_keeps_positions(
    world: World,
    settings: Settings,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    old = utcnow() - timedelta(days=31)
    filing_id = FILING_IDS["V11"]
    async with session_factory.begin() as session:
        await session.execute(
            update(Problem)
            .where(Problem.id == PROBLEM_IDS["V11"])
            .values(contact_phone="13912345678", status=ProblemStatus.RESOLVED, updated_at=old)
        )
        await session.execute(
            update(Problem)
            .where(Problem.id == PROBLEM_IDS["V12"])
            .values(contact_phone="13912345679", status=ProblemStatus.OPEN, updated_at=old)
        )
        await session.execute(
            update(Filing)
            .where(Filing.id == filing_id)
            .values(lat=36.1, lng=120.2, received_at=old - timedelta(days=900))
        )
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    assert await asyncio.to_thread(main, [command]) == 0
    assert "已删除 1 个回电号码" in capsys.readouterr().out
    async with session_factory() as session:
        phones = dict((await session.execute(select(Problem.id, Problem.contact_phone))).tuples().all())
        assert phones[PROBLEM_IDS["V11"]] is None
        assert phones[PROBLEM_IDS["V12"]] == "13912345679"  # still being handled
        filing = await session.scalar(select(Filing).where(Filing.id == filing_id))
        assert filing is not None and (filing.lat, filing.lng) == (36.1, 120.2)
