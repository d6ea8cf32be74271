"""A served app freezes its start-up heap, so that full garbage collections stay cheap."""

from __future__ import annotations

import gc

from backend.app import create_app
from backend.core.settings import Settings


async def test_starting_the_app_freezes_what_start_up_made(settings: Settings) -> None:
    app = create_app(settings)
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 10_000  # the schema, the mappings, the libraries
    finally:
        gc.unfreeze()  # the other tests build apps of their own
