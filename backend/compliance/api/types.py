"""GraphQL types of the compliance report."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from backend.compliance.my_data import MyData
from backend.compliance.obligations import Status
from backend.compliance.report import ComplianceReport as Report
from backend.compliance.report import to_markdown
from backend.org.api.types import Role


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


@strawberry.type(name="MyProblemReport")
class MyProblemReport:
    id: strawberry.ID
    title: str
    description: str
    status: str = strawberry.field(description="open / in_progress / resolved / closed")
    created_at: datetime


@strawberry.type(name="MyComplaintRecord")
class MyComplaintRecord:
    tracking_number: str
    kind: str = strawberry.field(description="complaint / suggestion")
    topic: str
    text: str
    state: str = strawberry.field(description="received / answered / closed")
    created_at: datetime


@strawberry.type(name="MyRosterEntry", description="A poll roster the caller is on — never their ballot.")
class MyRosterEntry:
    poll_title: str
    period: str
    name: str
    category: str
    credential_issued: bool


@strawberry.type(name="MySecretaryRecord")
class MySecretaryRecordType:
    name: str
    gender: str
    phone: str
    dispatch_unit: str
    term_start: date
    term_end: date
    filings: int = strawberry.field(description="Filings made under this record.")
    filings_with_position: int = strawberry.field(description="Of those, how many carry a position.")
    check_ins: int


@strawberry.type(
    name="MyPersonalData",
    description="我的个人信息: what the system holds about the caller, to see and download (个人信息保护法).",
)
class MyPersonalData:
    name: str
    phone: str
    role: Role
    unit_name: str
    problems: list[MyProblemReport] = strawberry.field(description="Problem reports sent with this account.")
    complaints: list[MyComplaintRecord] = strawberry.field(
        description="Complaints sent with this account, not anonymously."
    )
    rosters: list[MyRosterEntry]
    secretary_records: list[MySecretaryRecordType]
    not_held: list[str] = strawberry.field(description="What is not listed and why (ballots are unlinkable).")

    @classmethod
    def of(cls, data: MyData) -> MyPersonalData:
        return cls(
            name=data.name,
            phone=data.phone,
            role=data.role,
            unit_name=data.unit_name,
            problems=[
                MyProblemReport(
                    id=strawberry.ID(p.id),
                    title=p.title,
                    description=p.description,
                    status=p.status,
                    created_at=p.created_at,
                )
                for p in data.problems
            ],
            complaints=[
                MyComplaintRecord(
                    tracking_number=c.tracking_number,
                    kind=c.kind,
                    topic=c.topic,
                    text=c.text,
                    state=c.state,
                    created_at=c.created_at,
                )
                for c in data.complaints
            ],
            rosters=[
                MyRosterEntry(
                    poll_title=r.poll_title,
                    period=r.period,
                    name=r.name,
                    category=r.category,
                    credential_issued=r.credential_issued,
                )
                for r in data.rosters
            ],
            secretary_records=[
                MySecretaryRecordType(
                    name=s.name,
                    gender=s.gender,
                    phone=s.phone,
                    dispatch_unit=s.dispatch_unit,
                    term_start=s.term_start,
                    term_end=s.term_end,
                    filings=s.filings,
                    filings_with_position=s.filings_with_position,
                    check_ins=s.check_ins,
                )
                for s in data.secretary_records
            ],
            not_held=list(data.not_held),
        )
