"""County: change the county's rules (the thresholds DOMAIN.md marks *(setting)*)."""

from __future__ import annotations

import strawberry

from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.queries.county_settings import CountySettingsType
from backend.services.county_settings import update_rules


@strawberry.input(description="Only the fields given are changed; omitted or null fields keep their value.")
class CountySettingsInput:
    geofence_radius_m: int | None = None
    roll_call_minutes: int | None = None
    allowance_yuan_per_day: int | None = None
    household_visit_target_pct: int | None = None
    diary_entries_per_month: int | None = None
    card_coverage_target_pct: int | None = None
    problem_min_count: int | None = None
    problem_resolution_age_days: int | None = None
    research_reports_required: int | None = None
    party_lectures_required: int | None = None
    tech_trainings_required: int | None = None
    startup_projects_required: int | None = None
    pairing_households_required: int | None = None
    satisfaction_incompetent_below_pct: int | None = None
    satisfaction_basic_below_pct: int | None = None
    excellent_quota_pct: int | None = None
    good_quota_pct: int | None = None


@strawberry.type
class CountySettingsPayload:
    settings: CountySettingsType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CountySettingsMutations:
    @strawberry.mutation(description="County: change the county's rules; the next operation uses them.")
    @returns_payload_errors(CountySettingsPayload)
    async def update_county_settings(self, info: strawberry.Info, input: CountySettingsInput) -> CountySettingsPayload:
        values = {k: v for k, v in vars(input).items() if v is not None}
        async with info.context.transaction() as session:
            rules = await update_rules(session, info.context.actor, values)
        return CountySettingsPayload(settings=CountySettingsType.from_rules(rules))
