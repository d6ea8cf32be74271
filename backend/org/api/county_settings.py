"""A county's settings (thresholds and rules): read by staff, changed by the county."""

from __future__ import annotations

from dataclasses import fields

import strawberry

from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.org.access import require_role
from backend.org.county_settings import DECIDED_KEYS, CountyRules, rules_for, update_rules
from backend.org.models import Role


@strawberry.type(name="CountySettings", description="县级规则设置: the county's thresholds (defaults unless changed).")
class CountySettingsType:
    geofence_radius_m: int = strawberry.field(description="驻村签到范围半径（米）")
    roll_call_minutes: int = strawberry.field(description="点名应答时限（分钟）")
    roll_calls_per_month: int = strawberry.field(description="每名第一书记每月最多被点名次数（0–4）")
    allowance_yuan_per_day: int = strawberry.field(description="驻村补贴标准（元/天）")
    problem_resolution_age_days: int = strawberry.field(description="计算办结率的问题最短时长（天）")
    pairing_households_required: int = strawberry.field(description="结对帮扶困难户户数")
    satisfaction_incompetent_below_pct: int = strawberry.field(description="满意度低于此值定为不称职档（%）")
    satisfaction_basic_below_pct: int = strawberry.field(description="满意度低于此值定为基本称职档（%）")
    excellent_quota_pct: int = strawberry.field(description="优秀等次比例（%）")
    good_quota_pct: int = strawberry.field(description="良好等次比例（%）")
    security_log_retention_days: int = strawberry.field(description="安全日志保存天数（不少于 183 天）")

    @classmethod
    def from_rules(cls, rules: CountyRules) -> CountySettingsType:
        # townships_see_ranking is read and changed through rankingVisibility / setRankingVisibility.
        return cls(**{f.name: getattr(rules, f.name) for f in fields(rules) if f.name not in DECIDED_KEYS})


@strawberry.type
class CountySettingsQueries:
    @strawberry.field(description="The caller's county rules (county and township users).")
    async def county_settings(self, info: Info) -> CountySettingsType:
        actor = require_role(info.context.actor, Role.COUNTY, Role.TOWNSHIP)
        async with info.context.session() as session:
            rules = await rules_for(session, actor.county_id)
        return CountySettingsType.from_rules(rules)


@strawberry.input(description="Only the fields given are changed; omitted or null fields keep their value.")
class CountySettingsInput:
    geofence_radius_m: int | None = None
    roll_call_minutes: int | None = None
    roll_calls_per_month: int | None = None
    allowance_yuan_per_day: int | None = None
    problem_resolution_age_days: int | None = None
    pairing_households_required: int | None = None
    satisfaction_incompetent_below_pct: int | None = None
    satisfaction_basic_below_pct: int | None = None
    excellent_quota_pct: int | None = None
    good_quota_pct: int | None = None
    security_log_retention_days: int | None = None


@strawberry.type
class CountySettingsPayload:
    settings: CountySettingsType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CountySettingsMutations:
    @strawberry.mutation(description="County: change the county's rules; the next operation uses them.")
    @returns_payload_errors(CountySettingsPayload)
    async def update_county_settings(self, info: Info, input: CountySettingsInput) -> CountySettingsPayload:
        values = {k: v for k, v in vars(input).items() if v is not None}
        async with info.context.transaction() as session:
            rules = await update_rules(session, info.context.actor, values)
        return CountySettingsPayload(settings=CountySettingsType.from_rules(rules))
