"""`python -m backend.cli create-county`: the first step of an install (docs/OPERATIONS.md), then
a county account, then the workbook import."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from backend.cli import main as cli_main
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.org.models import OrgKind, OrgUnit


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)


async def _counties(session_factory: SessionFactory) -> list[OrgUnit]:
    async with session_factory() as session:
        return list(
            await session.scalars(select(OrgUnit).where(OrgUnit.kind == OrgKind.COUNTY, OrgUnit.code == "510999"))
        )


async def _cli(*args: str) -> int:
    return await asyncio.to_thread(cli_main, list(args))  # the CLI runs its own event loop


async def test_creates_a_county_that_points_at_itself_and_refuses_its_code_twice(
    cli_env: None, session_factory: SessionFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["create-county", "--name", "某某县", "--code", "510999", "--lat", "30.6", "--lng", "104.0"]
    assert await _cli(*args) == 0
    assert "已创建县" in capsys.readouterr().out
    (county,) = await _counties(session_factory)
    assert (county.name, county.county_id, county.parent_id) == ("某某县", county.id, None)
    assert (county.center_lat, county.center_lng) == (30.6, 104.0)

    assert await _cli("create-county", "--name", "另一个县", "--code", "510999") == 1
    assert "已有代码为 510999 的县" in capsys.readouterr().err
    assert len(await _counties(session_factory)) == 1


async def test_bad_input_is_refused_with_a_message(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("create-county", "--name", "  ", "--code", "510998") == 1
    assert "名称" in capsys.readouterr().err
    assert await _cli("create-county", "--name", "某县", "--code", "510998", "--lat", "95", "--lng", "104") == 1
    assert capsys.readouterr().err.startswith("错误：")
