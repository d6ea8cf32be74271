"""The role homes: one root field per role, one request per home."""

from __future__ import annotations

import strawberry

from backend.homes.api.types import CountyOverview, SecretaryHome, TownshipToday
from backend.homes.secretary import secretary_home
from backend.org.access import require_role
from backend.org.models import Role


@strawberry.type
class HomeQueries:
    @strawberry.field(
        description="第一书记首页 (VILLAGE): open roll calls, returned filings, this month's diary against "
        "the rule, the next duty to do."
    )
    async def secretary_home(self, info: strawberry.Info) -> SecretaryHome:
        async with info.context.session() as session:
            home = await secretary_home(session, info.context.actor, today=info.context.today)
        return SecretaryHome.from_home(home)

    @strawberry.field(
        description="镇街今日待办 (TOWNSHIP): filings to review, roll calls running, polls needing a step, "
        "problems open past the county's age line."
    )
    def township_today(self, info: strawberry.Info) -> TownshipToday:
        actor = require_role(info.context.actor, Role.TOWNSHIP)
        return TownshipToday(_actor=actor, _today=info.context.today)

    @strawberry.field(
        description="县委组织部总览 (COUNTY): the duty checklist by township, secretaries behind their term's pace, last "
        "month's attendance notes, polls in progress, unresolved problems, this year's ranking."
    )
    def county_overview(self, info: strawberry.Info) -> CountyOverview:
        actor = require_role(info.context.actor, Role.COUNTY)
        return CountyOverview.of(actor, info.context.today, info.context.session)
