"""Complaints and suggestions (投诉建议) as the county and their senders see them, and as anyone
with a tracking number follows one."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.complaints.models import Complaint as ComplaintModel
from backend.complaints.models import ComplaintKind as _ComplaintKind
from backend.complaints.models import ComplaintState as _ComplaintState
from backend.complaints.models import ComplaintTopic as _ComplaintTopic
from backend.complaints.service import contact_expired, format_tracking
from backend.core.orm import utcnow
from backend.graphql.context import Info
from backend.graphql.loaders import referenced
from backend.org.api.types import OrgUnit
from backend.org.models import Role

# strawberry.enum marks the domain enum in place (see backend/problems/api/types.py).
ComplaintKind = _ComplaintKind
strawberry.enum(ComplaintKind, name="ComplaintKind", description="投诉 / 建议")
ComplaintTopic = _ComplaintTopic
strawberry.enum(
    ComplaintTopic, name="ComplaintTopic", description="强制打卡 / 重复填报 / 强制上传照片 / 排名通报 / 应用故障 / 其他"
)
ComplaintState = _ComplaintState
strawberry.enum(ComplaintState, name="ComplaintState", description="已受理 / 已答复 / 已办结")


@strawberry.type(
    name="Complaint",
    description="A complaint or suggestion to the county: read by the county, and by its sender when sent with an "
    "account (not anonymously).",
)
class Complaint:
    id: strawberry.ID
    tracking_number: str = strawberry.field(description="XXXX-XXXX-XXXX: to follow it without an account.")
    kind: ComplaintKind
    topic: ComplaintTopic
    text: str
    anonymous: bool = strawberry.field(description="No account and no call-back number is kept with it.")
    via_public_page: bool = strawberry.field(description="Sent without an account from a village's public page.")
    state: ComplaintState
    reply: str | None
    replied_at: datetime | None
    created_at: datetime
    _about_unit_id: strawberry.Private[int | None]
    _sender_name: strawberry.Private[str | None]
    _contact_phone: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: tuple[ComplaintModel, str | None]) -> Complaint:
        complaint, sender = row
        phone = None if contact_expired(complaint, utcnow()) else complaint.contact_phone
        return cls(
            id=strawberry.ID(str(complaint.id)),
            tracking_number=format_tracking(complaint.tracking_number),
            kind=complaint.kind,
            topic=complaint.topic,
            text=complaint.text,
            anonymous=complaint.anonymous,
            via_public_page=complaint.public_village_id is not None,
            state=complaint.state,
            reply=complaint.reply,
            replied_at=complaint.replied_at,
            created_at=complaint.created_at,
            _about_unit_id=complaint.about_unit_id,
            _sender_name=sender,
            _contact_phone=phone,
        )

    @strawberry.field(description="The township or village it concerns, if any.")
    async def about(self, info: Info) -> OrgUnit | None:
        if self._about_unit_id is None:
            return None
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._about_unit_id)))

    @strawberry.field(description="The county only: who sent it; null when anonymous or sent without an account.")
    def sender_name(self, info: Info) -> str | None:
        actor = info.context.actor
        return self._sender_name if actor is not None and actor.role is Role.COUNTY else None

    @strawberry.field(
        description="The county only: the number left to be called back on (without an account); null once "
        "forgotten (30 days after the answer) or when none was left."
    )
    def contact_phone(self, info: Info) -> str | None:
        actor = info.context.actor
        return self._contact_phone if actor is not None and actor.role is Role.COUNTY else None


@strawberry.type(
    name="ComplaintTracking",
    description="A complaint followed by its tracking number: its state and the county's reply — never its sender, "
    "text or the unit it concerns.",
)
class ComplaintTracking:
    tracking_number: str
    kind: ComplaintKind
    topic: ComplaintTopic
    state: ComplaintState
    reply: str | None
    replied_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, complaint: ComplaintModel) -> ComplaintTracking:
        return cls(
            tracking_number=format_tracking(complaint.tracking_number),
            kind=complaint.kind,
            topic=complaint.topic,
            state=complaint.state,
            reply=complaint.reply,
            replied_at=complaint.replied_at,
            created_at=complaint.created_at,
        )
