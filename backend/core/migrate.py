"""Run Alembic migrations programmatically (Alembic is the only way the schema is made)."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config

from backend.core.settings import PROJECT_ROOT, Settings


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    if settings.is_sqlite:
        _ensure_sqlite_directory(settings.database_url)
    command.upgrade(alembic_config(settings.database_url), revision)


async def upgrade_async(settings: Settings, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, settings, revision)


def _ensure_sqlite_directory(url: str) -> None:
    from pathlib import Path

    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings.database_url), revision)
