"""0010 gives roll calls made before it a carried-over reason: a spot check (督查抽查), its note
prefixed with "（迁移前发起）"; the downgrade takes the reason, the prefix and any phone or video
verifications away again. On both databases, with rows in the tables."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from backend.attendance.models import RollCall, RollCallReason, RollCallTarget
from backend.core.db import SessionFactory
from backend.core.migrate import downgrade, upgrade_async
from backend.core.settings import Settings
from tests.attendance.helpers import start_roll_call
from tests.attendance.test_roll_call_verification import VERIFY
from tests.conftest import GraphQLClient
from tests.world import World


async def test_roll_calls_made_before_0010_become_carried_over_spot_checks(
    gql: GraphQLClient, world: World, settings: Settings, session_factory: SessionFactory
) -> None:
    v11, v12 = str(world.secretaries["V11"].id), str(world.secretaries["V12"].id)
    with_note = (await start_roll_call(gql, [v11, v12], reason="EMERGENCY", note="防汛"))["rollCall"]["id"]
    without_note = (await start_roll_call(gql, [v12], note=""))["rollCall"]["id"]
    verify = {"r": with_note, "s": v12, "m": "PHONE", "n": "电话联系，本人在村"}
    assert (await gql.execute(VERIFY, verify, as_user="township"))["data"]["verifyRollCallTarget"]["errors"] == []

    await asyncio.to_thread(downgrade, settings, "0009_public_reports")
    await upgrade_async(settings)

    async with session_factory() as session:
        rows = (await session.execute(select(RollCall.id, RollCall.reason, RollCall.note))).tuples().all()
        assert sorted(rows) == sorted(
            [
                (with_note, RollCallReason.SPOT_CHECK, "（迁移前发起）防汛"),
                (without_note, RollCallReason.SPOT_CHECK, "（迁移前发起）"),
            ]
        )
        verified = await session.scalars(select(RollCallTarget).where(RollCallTarget.verified_at.is_not(None)))
        assert verified.all() == []
        assert len((await session.scalars(select(RollCallTarget))).all()) == 3

    # Down again: the prefix goes with the reason.
    await asyncio.to_thread(downgrade, settings, "0009_public_reports")
    async with session_factory() as session:
        notes = (await session.execute(select(RollCall.note).order_by(RollCall.note))).scalars().all()
    assert notes == ["", "防汛"]
    await upgrade_async(settings)
