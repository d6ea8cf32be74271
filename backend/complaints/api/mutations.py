"""Sending complaints and suggestions, and the county's answer."""

from __future__ import annotations

import strawberry

from backend.complaints import service
from backend.complaints.api.types import Complaint, ComplaintKind, ComplaintState, ComplaintTopic
from backend.complaints.service import format_tracking, new_tracking_number
from backend.core.errors import DomainError
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id, parse_optional_id
from backend.ratelimit.limiter import RateLimited


@strawberry.input
class SendComplaintInput:
    kind: ComplaintKind
    topic: ComplaintTopic
    text: str = strawberry.field(description="At most 1,000 characters.")
    about_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The township or village it concerns (the caller's own, or one they may see)."
    )
    anonymous: bool = strawberry.field(
        default=False, description="Keep no account with it: followed by its tracking number only, no call-back."
    )


@strawberry.input(description="A complaint or suggestion without an account, from a village's public page.")
class PublicComplaintInput:
    village_id: strawberry.ID = strawberry.field(description="The village whose public page it is sent from.")
    kind: ComplaintKind
    topic: ComplaintTopic
    text: str = strawberry.field(description="At most 1,000 characters.")
    about_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="That village or its township, if it concerns one."
    )
    contact_phone: str | None = strawberry.field(
        default=None, description="A number to be called back on; empty: anonymous."
    )
    website: str = strawberry.field(
        default="", description="Leave empty: a field the form hides from people (what fills it is dropped)."
    )


@strawberry.input
class AnswerComplaintInput:
    id: strawberry.ID
    reply: str = strawberry.field(description="At most 2,000 characters; replaces an earlier reply.")
    state: ComplaintState = strawberry.field(
        default=ComplaintState.ANSWERED, description="ANSWERED, or CLOSED when nothing more will follow."
    )


@strawberry.type
class ComplaintPayload:
    complaint: Complaint | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PublicComplaintPayload:
    tracking_number: str | None = strawberry.field(
        default=None, description="XXXX-XXXX-XXXX: to follow it with complaintByTracking."
    )
    retry_after: int | None = strawberry.field(
        default=None, description="RATE_LIMITED: seconds to wait before sending it again."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def failed(cls, exc: DomainError) -> PublicComplaintPayload:
        retry = exc.retry_after if isinstance(exc, RateLimited) else None
        return cls(retry_after=retry, errors=[UserError.from_exception(exc)])


@strawberry.type
class ComplaintMutations:
    @strawberry.mutation(
        description="Anyone logged in: a complaint or suggestion to the county about the app or how it is used; "
        "anonymous: no account is kept with it."
    )
    @returns_payload_errors(ComplaintPayload)
    async def send_complaint(self, info: Info, input: SendComplaintInput) -> ComplaintPayload:
        new = service.NewComplaint(
            kind=input.kind,
            topic=input.topic,
            text=input.text,
            about_unit_id=parse_optional_id(input.about_unit_id, "aboutUnitId"),
            anonymous=input.anonymous,
        )
        async with info.context.transaction() as session:
            complaint = await service.send_complaint(session, info.context.actor, new)
            name = await service.sender_name(session, complaint)
        return ComplaintPayload(complaint=Complaint.from_row((complaint, name)))

    @strawberry.mutation(
        description="Anyone, without an account: a complaint or suggestion to the county from a village's public "
        "page, anonymously or with a number to be called back on. Rate-limited and "
        "capped per village per day like problem reports (RATE_LIMITED with retryAfter). Any Authorization header "
        "is ignored."
    )
    @returns_payload_errors(PublicComplaintPayload)
    async def send_public_complaint(self, info: strawberry.Info, input: PublicComplaintInput) -> PublicComplaintPayload:
        complaint = service.PublicComplaint(
            village_id=parse_id(input.village_id, "villageId"),
            kind=input.kind,
            topic=input.topic,
            text=input.text,
            about_unit_id=parse_optional_id(input.about_unit_id, "aboutUnitId"),
            contact_phone=input.contact_phone,
            honeypot=input.website,
        )
        if service.is_bot(complaint):  # looks like success; nothing is stored or counted
            return PublicComplaintPayload(tracking_number=format_tracking(new_tracking_number()))
        service.check_text(complaint.text)  # the shape first: a malformed one spends no rate-limit budget
        await info.context.rate_limits.public_report(complaint.village_id)  # before any database work
        daily_cap = info.context.settings.public_reports_per_village_per_day
        async with info.context.transaction() as session:
            created = await service.send_public_complaint(session, complaint, daily_cap=daily_cap)
        return PublicComplaintPayload(tracking_number=format_tracking(created.tracking_number))

    @strawberry.mutation(
        description="The county: answer a complaint or suggestion (the reply and the state it leaves); audited."
    )
    @returns_payload_errors(ComplaintPayload)
    async def answer_complaint(self, info: Info, input: AnswerComplaintInput) -> ComplaintPayload:
        answer = service.Answer(complaint_id=parse_id(input.id, "id"), reply=input.reply, state=input.state)
        async with info.context.transaction() as session:
            complaint = await service.answer_complaint(session, info.context.actor, answer)
            name = await service.sender_name(session, complaint)
        return ComplaintPayload(complaint=Complaint.from_row((complaint, name)))
