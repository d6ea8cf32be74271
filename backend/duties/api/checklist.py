"""GraphQL of the county's duty checklist (履职清单): its versions, what an item may count, saving
an edit and moving terms onto a version."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.core.errors import DomainError, StaleVersion
from backend.duties import checklist as service
from backend.duties.checklist import Checklist, ChecklistRule
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id

strawberry.enum(
    ChecklistRule,
    name="ChecklistRule",
    description="How an item is judged; `threshold` means: ROSTER_COVERAGE target % (1–100), MONTHLY_COUNT "
    "entries per full month (1–31), APPROVED_COUNT approved filings (1–100), SERVICE_CARD target % (1–100), "
    "LEDGER minimum problems (1–1000).",
)


@strawberry.type
class ChecklistItem:
    key: str
    label: str
    kinds: list[str] = strawberry.field(description='Evidence kinds, e.g. ["household_visit"], ["problem"].')
    kind_labels: list[str] = strawberry.field(description="Their Chinese names, same order.")
    rule: ChecklistRule
    threshold: int
    rule_text: str = strawberry.field(description='e.g. "覆盖全村 100% 农户", "每个完整月份至少 4 篇".')


@strawberry.type(description="A county's duty checklist version (履职清单).")
class DutyChecklist:
    version: int = strawberry.field(description="Name it as basedOnVersion when editing.")
    saved: bool = strawberry.field(description="False: the built-in 八个一, not saved yet.")
    name: str
    effective_from: date
    created_at: datetime | None
    items: list[ChecklistItem]
    terms_using: int = strawberry.field(description="Current secretaries whose term uses this version.")

    @classmethod
    def of(cls, checklist: Checklist, terms_using: dict[int, int]) -> DutyChecklist:
        return cls(
            version=checklist.version,
            saved=checklist.saved,
            name=checklist.name,
            effective_from=checklist.effective_from,
            created_at=checklist.created_at,
            items=[
                ChecklistItem(
                    key=i.key,
                    label=i.label,
                    kinds=list(i.kinds),
                    kind_labels=i.kind_labels,
                    rule=i.rule,
                    threshold=i.threshold,
                    rule_text=i.rule_text,
                )
                for i in checklist.items
            ],
            terms_using=terms_using.get(checklist.version, 0),
        )


@strawberry.type(description="An evidence kind an item may count, and the rules that can count it.")
class EvidenceKindOption:
    kind: str
    label: str
    rules: list[ChecklistRule]


@strawberry.input(description="One item; key null for a new item, else the key it had.")
class ChecklistItemInput:
    key: str | None = None
    label: str
    kinds: list[str]
    rule: ChecklistRule
    threshold: int

    def to_draft(self) -> service.ChecklistItemDraft:
        return service.ChecklistItemDraft(self.key, self.label, list(self.kinds), self.rule, self.threshold)


@strawberry.input
class SaveDutyChecklistInput:
    based_on_version: int = strawberry.field(description="The version edited (DutyChecklist.version).")
    name: str
    effective_from: date = strawberry.field(description="Terms starting on or after it use the new version.")
    items: list[ChecklistItemInput]


@strawberry.type
class SaveDutyChecklistPayload:
    checklist: DutyChecklist | None = None
    current_version: int | None = strawberry.field(default=None, description="Set when basedOnVersion was stale.")
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def failed(cls, exc: DomainError) -> SaveDutyChecklistPayload:
        version = exc.current_version if isinstance(exc, StaleVersion) else None
        return cls(errors=[UserError.from_exception(exc)], current_version=version)


@strawberry.input
class MoveTermsInput:
    version: int
    from_month: date = strawberry.field(description="The first day of a month no earlier than this one.")
    secretary_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Null: every current secretary of the county."
    )
    note: str


@strawberry.type
class MoveTermsPayload:
    moved: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChecklistQueries:
    @strawberry.field(description="Staff and village: the caller's county's newest checklist version.")
    async def duty_checklist(self, info: Info) -> DutyChecklist:
        async with info.context.session() as session:
            checklist = await service.checklist_for(session, info.context.actor)
            using = await service.terms_using(session, checklist.county_id, info.context.today)
        return DutyChecklist.of(checklist, using)

    @strawberry.field(description="County: every checklist version, newest first.")
    async def duty_checklist_versions(self, info: Info) -> list[DutyChecklist]:
        async with info.context.session() as session:
            versions = await service.checklist_versions(session, info.context.actor)
            using = await service.terms_using(session, versions[0].county_id, info.context.today)
        return [DutyChecklist.of(v, using) for v in versions]

    @strawberry.field(description="County: the evidence kinds an item may count, with the rules for each.")
    async def checklist_evidence_kinds(self, info: Info) -> list[EvidenceKindOption]:
        options = service.evidence_kind_options(info.context.actor)
        return [EvidenceKindOption(kind=kind, label=label, rules=rules) for kind, label, rules in options]


@strawberry.type
class ChecklistMutations:
    @strawberry.mutation(description="County: save an edited checklist as a new version from a chosen date.")
    @returns_payload_errors(SaveDutyChecklistPayload)
    async def save_duty_checklist(self, info: Info, input: SaveDutyChecklistInput) -> SaveDutyChecklistPayload:
        drafts = [i.to_draft() for i in input.items]
        async with info.context.transaction() as session:
            saved = await service.save_checklist(
                session,
                info.context.actor,
                based_on_version=input.based_on_version,
                name=input.name,
                effective_from=input.effective_from,
                drafts=drafts,
                today=info.context.today,
            )
            using = await service.terms_using(session, saved.county_id, info.context.today)
        return SaveDutyChecklistPayload(checklist=DutyChecklist.of(saved, using), current_version=saved.version)

    @strawberry.mutation(description="County: from a month on, the terms named use another checklist version.")
    @returns_payload_errors(MoveTermsPayload)
    async def move_terms_to_checklist(self, info: Info, input: MoveTermsInput) -> MoveTermsPayload:
        ids = None if input.secretary_ids is None else [parse_id(i, "secretaryIds") for i in input.secretary_ids]
        async with info.context.transaction() as session:
            moved = await service.move_terms(
                session,
                info.context.actor,
                version=input.version,
                from_month=input.from_month,
                secretary_ids=ids,
                note=input.note,
                today=info.context.today,
            )
        return MoveTermsPayload(moved=moved)
