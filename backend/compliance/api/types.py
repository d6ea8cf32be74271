"""GraphQL types of the compliance report."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from backend.compliance.obligations import Status
from backend.compliance.report import ComplianceReport as Report
from backend.compliance.report import to_markdown


@strawberry.enum(description="自评估结论")
class ComplianceStatus(Enum):
    MET = "MET"
    PARTIAL = "PARTIAL"
    NOT_MET = "NOT_MET"
    OPERATOR = "OPERATOR"


@strawberry.type
class ComplianceFinding:
    key: str
    obligation: str
    status: ComplianceStatus
    status_label: str
    note: str
    evidence: list[str]


@strawberry.type
class ComplianceFunction:
    key: str
    name: str
    users: str
    collects: str


@strawberry.type
class PersonalDataItem:
    table: str
    fields: list[str]
    whose: str
    why: str
    who_sees: str
    kept: str


@strawberry.type
class ComplianceReport:
    county: str
    generated_at: datetime
    findings: list[ComplianceFinding]
    functions: list[ComplianceFunction]
    personal_info: list[PersonalDataItem]
    component_count: int = strawberry.field(description="Third-party components the server runs and the PWA ships.")
    markdown: str = strawberry.field(description="The whole dossier as Markdown (the CLI prints the same).")

    @classmethod
    def of(cls, report: Report) -> ComplianceReport:
        return cls(
            county=report.county,
            generated_at=report.generated_at,
            findings=[
                ComplianceFinding(
                    key=f.key,
                    obligation=f.obligation,
                    status=ComplianceStatus[f.status.name],
                    status_label=f.status.value,
                    note=f.note,
                    evidence=list(f.evidence),
                )
                for f in report.findings
            ],
            functions=[
                ComplianceFunction(key=f.key, name=f.name, users=f.users, collects=f.collects) for f in report.functions
            ],
            personal_info=[
                PersonalDataItem(
                    table=p.table, fields=list(p.fields), whose=p.whose, why=p.why, who_sees=p.who_sees, kept=p.kept
                )
                for p in report.personal_info
            ],
            component_count=len(report.components),
            markdown=to_markdown(report),
        )


assert {s.name for s in Status} == {s.name for s in ComplianceStatus}
