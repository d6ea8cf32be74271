"""晾晒: whether townships see the ranking is a county decision with a recorded basis."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.compliance.obligations import Status, assess
from backend.core.db import SessionFactory
from backend.core.errors import InvalidInput
from backend.core.settings import Settings
from backend.org.county_settings import DEFAULT_RULES, update_rules
from backend.ranking.visibility import MAX_REASON, Visibility
from backend.tables import metadata
from tests.conftest import GraphQLClient
from tests.world import World

READ = "{ rankingVisibility { townshipsSee reason decidedByName decidedAt } }"
SET = """mutation($see: Boolean!, $reason: String!) {
  setRankingVisibility(input: {townshipsSee: $see, reason: $reason}) {
    visibility { townshipsSee reason decidedByName decidedAt } errors { code field }
  }
}"""
BASIS = "县委组织部部务会 2026-12-01 决定向镇街通报"
LIVE = '{ ranking(period: "2026") { period } }'


async def _set(gql: GraphQLClient, see: bool, reason: str, user: str = "county") -> dict:  # type: ignore[type-arg]
    body = await gql.execute(SET, {"see": see, "reason": reason}, as_user=user)
    return body["data"]["setRankingVisibility"]  # type: ignore[no-any-return,index]


async def test_closed_by_default_and_townships_read_the_decision(gql: GraphQLClient, world: World) -> None:
    for user in ("county", "township"):
        body = await gql.execute(READ, as_user=user)
        assert body["data"]["rankingVisibility"] == {
            "townshipsSee": False,
            "reason": None,
            "decidedByName": None,
            "decidedAt": None,
        }
    for user in ("village", "member"):
        body = await gql.execute(READ, as_user=user)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    closed = await gql.execute(LIVE, as_user="township")
    assert closed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "尚未向镇街开放" in closed["errors"][0]["message"]


@pytest.mark.parametrize("reason", ["", "部务会决定", " " * 30, "决" * (MAX_REASON + 1)])
async def test_a_change_without_a_basis_is_refused(gql: GraphQLClient, world: World, reason: str) -> None:
    refused = await _set(gql, True, reason)
    assert refused["visibility"] is None
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": "reason"}]
    body = await gql.execute(READ, as_user="county")
    assert body["data"]["rankingVisibility"]["townshipsSee"] is False


async def test_only_the_county_decides(gql: GraphQLClient, world: World) -> None:
    for user in ("township", "village", "member"):
        refused = await _set(gql, True, BASIS, user)
        assert refused["errors"][0]["code"] == "FORBIDDEN"


async def test_the_generic_settings_refuse_the_key(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        with pytest.raises(InvalidInput) as refused:
            await update_rules(session, world.actor("county"), {"townships_see_ranking": 1})
    assert refused.value.field == "reason"


async def test_opening_and_closing_are_recorded(
    gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    opened = await _set(gql, True, f"  {BASIS} ")
    assert opened["errors"] == []
    decision = opened["visibility"]
    assert (decision["townshipsSee"], decision["reason"]) == (True, BASIS)
    assert decision["decidedByName"] and decision["decidedAt"]
    assert (await gql.execute(READ, as_user="township"))["data"]["rankingVisibility"] == decision
    assert "errors" not in await gql.execute(LIVE, as_user="township")

    closing = "县委组织部部务会 2026-12-20 决定年度考核结束后不再通报"
    closed = await _set(gql, False, closing)
    assert (closed["visibility"]["townshipsSee"], closed["visibility"]["reason"]) == (False, closing)
    assert (await gql.execute(LIVE, as_user="township"))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with session_factory() as session:
        events = list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.entity == "ranking_visibility").order_by(AuditEvent.seq)
            )
        )
    assert [(e.action, e.detail["reason"], e.actor_user_id) for e in events] == [
        ("open", BASIS, int(world.user_id("county"))),
        ("close", closing, int(world.user_id("county"))),
    ]


def test_the_compliance_finding_states_the_decision() -> None:
    def finding(opened: int, ranking: Visibility | None):  # type: ignore[no-untyped-def]
        rules = DEFAULT_RULES.with_values({"townships_see_ranking": opened})
        return next(f for f in assess(Settings(), rules, metadata, (), ranking) if f.key == "ranking_visibility")

    closed = finding(0, None)
    assert closed.status is Status.MET and "看不到排名" in closed.note and "未作过决定" in closed.note
    opened = finding(1, Visibility(True, BASIS, "县委组织部", None))
    assert opened.status is Status.MET and BASIS in opened.note and "可以看全县排名" in opened.note
    assert finding(1, None).status is Status.NOT_MET  # opened without a recorded decision
