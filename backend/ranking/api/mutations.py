"""Mutations over rankings: publishing (晾晒)."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.ranking import publish as ranking
from backend.ranking import visibility
from backend.ranking.api.types import RankingSnapshot, RankingVisibility


@strawberry.input
class PublishRankingInput:
    period: str


@strawberry.type
class PublishRankingPayload:
    snapshot: RankingSnapshot | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Open or close the ranking to townships, with the decision's basis (10–500 characters).")
class SetRankingVisibilityInput:
    townships_see: bool
    reason: str


@strawberry.type
class RankingVisibilityPayload:
    visibility: RankingVisibility | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RankingMutations:
    @strawberry.mutation(description="County: freeze the live ranking of the whole county as a published snapshot.")
    @returns_payload_errors(PublishRankingPayload)
    async def publish_ranking(self, info: Info, input: PublishRankingInput) -> PublishRankingPayload:
        async with info.context.transaction() as session:
            snapshot = await ranking.publish_ranking(session, info.context.actor, input.period)
            return PublishRankingPayload(snapshot=RankingSnapshot.from_model(snapshot))

    @strawberry.mutation(description="County: whether townships see the ranking (晾晒), with the decision's basis.")
    @returns_payload_errors(RankingVisibilityPayload)
    async def set_ranking_visibility(self, info: Info, input: SetRankingVisibilityInput) -> RankingVisibilityPayload:
        async with info.context.transaction() as session:
            result = await visibility.set_ranking_visibility(
                session, info.context.actor, input.townships_see, input.reason
            )
        return RankingVisibilityPayload(visibility=RankingVisibility.from_visibility(result))
