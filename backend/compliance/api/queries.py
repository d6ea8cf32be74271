"""The compliance report query."""

from __future__ import annotations

import strawberry

from backend.audit.security_log import record_export
from backend.compliance.api.types import ComplianceReport, MyPersonalData
from backend.compliance.my_data import my_personal_data
from backend.compliance.report import county_report
from backend.core.orm import utcnow
from backend.graphql.context import Info


@strawberry.type
class ComplianceQueries:
    @strawberry.field(
        description="县委组织部 (COUNTY): the filing dossier (备案材料) and self-assessment of this deployment under "
        "国办函〔2026〕12号 — the functions, the personal-information inventory, the components and each obligation "
        "with its evidence, marked 未满足 where it is not met."
    )
    async def compliance_report(self, info: Info) -> ComplianceReport:
        async with info.context.session() as session:
            report = await county_report(session, info.context.settings, info.context.actor, utcnow())
        return ComplianceReport.of(report)

    @strawberry.field(
        description="我的个人信息 (any signed-in user): what the system holds about the caller — account, problem "
        "reports and complaints sent with the account, poll rosters (never ballots: unlinkable by design), and for a "
        "first secretary their record with counts of filings and check-ins."
    )
    async def my_personal_data(self, info: Info) -> MyPersonalData:
        async with info.context.session() as session:
            data = await my_personal_data(session, info.context.actor)
            actor = info.context.actor
            assert actor is not None  # my_personal_data refuses anonymous callers
            await record_export(info.context.session_factory, actor, export="my_personal_data", scope={})
        return MyPersonalData.of(data)
