"""Alembic owns the schema: migrations match the models and run down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.core.migrate import downgrade, upgrade
from backend.core.settings import Settings
from backend.tables import metadata


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return compare_metadata(context, metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


def test_downgrade_to_base_and_upgrade_again(settings: Settings) -> None:
    downgrade(settings, "base")
    upgrade(settings)
