"""Mutations over rankings: publishing (晾晒)."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.ranking import publish as ranking
from backend.ranking.api.types import RankingSnapshot


@strawberry.input
class PublishRankingInput:
    period: str


@strawberry.type
class PublishRankingPayload:
    snapshot: RankingSnapshot | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RankingMutations:
    @strawberry.mutation(description="County: freeze the live ranking of the whole county as a published snapshot.")
    @returns_payload_errors(PublishRankingPayload)
    async def publish_ranking(self, info: Info, input: PublishRankingInput) -> PublishRankingPayload:
        async with info.context.transaction() as session:
            snapshot = await ranking.publish_ranking(session, info.context.actor, input.period)
            return PublishRankingPayload(snapshot=RankingSnapshot.from_model(snapshot))
