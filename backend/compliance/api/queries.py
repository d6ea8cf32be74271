"""The compliance report query."""

from __future__ import annotations

import strawberry

from backend.compliance.api.types import ComplianceReport
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
