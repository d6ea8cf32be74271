"""Complaints and suggestions (投诉建议) to the county organization department, the operating unit
of the app (国办函〔2026〕12号): about the app or how it is used — "要求每天打卡", "重复填报".

* Anyone logged in sends one (`send_complaint`), optionally anonymous: then no account is kept
  with it, and it is followed by its tracking number only. A villager without an account sends
  one from a village's public page (`send_public_complaint`), anonymously or with a number to be
  called back on; the spam defences of reports without an account apply (the honeypot and the
  daily cap of backend/ratelimit/public_intake.py, the per-window limits checked by the API).
* Every one gets a tracking number (`XXXX-XXXX-XXXX`, from `secrets`) to follow its state and
  reply without an account (`track`): never its sender, text or the unit it concerns.
* The county reads them all and answers (`answer_complaint`: 已答复, or 已办结 when nothing more
  will follow), audited; nobody else reads them (backend/complaints/access.py).
* A call-back number is forgotten CONTACT_KEEP_DAYS after the answer (`forget_complaint_phones`,
  run by `prune-public-data` with the problems' numbers).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.attendance.common import SHANGHAI
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.complaints.access import access_complaint, scope_complaints, track_complaint
from backend.complaints.models import Complaint, ComplaintKind, ComplaintState, ComplaintTopic
from backend.core.errors import InvalidInput, InvalidState, NotFound
from backend.core.orm import utcnow
from backend.core.pagination import Page, decode_cursor, encode_cursor, page_size
from backend.core.validation import clean_text
from backend.org.access import access_org_unit, require_actor, require_role
from backend.org.models import OrgKind, OrgUnit, Role, User
from backend.problems.public_reports import CONTACT_KEEP_DAYS, clean_contact_phone
from backend.ratelimit.public_intake import check_daily_cap, honeypot_filled

TEXT_MAX = 1000
REPLY_MAX = 2000
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the telephone
TRACKING_LENGTH = 12
KIND_LABELS = {ComplaintKind.COMPLAINT: "投诉", ComplaintKind.SUGGESTION: "建议"}
TOPIC_LABELS = {
    ComplaintTopic.FORCED_CHECK_IN: "强制打卡",
    ComplaintTopic.DUPLICATE_REPORTING: "重复填报",
    ComplaintTopic.FORCED_PHOTOS: "强制上传照片",
    ComplaintTopic.RANKING_NOTICES: "排名通报",
    ComplaintTopic.APP_FAULT: "应用故障",
    ComplaintTopic.OTHER: "其他",
}
STATE_LABELS = {
    ComplaintState.RECEIVED: "已受理",
    ComplaintState.ANSWERED: "已答复",
    ComplaintState.CLOSED: "已办结",
}
ANSWERED = (ComplaintState.ANSWERED, ComplaintState.CLOSED)
PUBLIC_CAP_MESSAGE = "今天从本村公开页提交的投诉建议已经很多，请明天再提交"


@dataclass(frozen=True)
class NewComplaint:
    kind: ComplaintKind
    topic: ComplaintTopic
    text: str
    about_unit_id: int | None = None  # a township or village it concerns
    anonymous: bool = False


@dataclass(frozen=True)
class PublicComplaint:
    village_id: int  # the public page it is sent from
    kind: ComplaintKind
    topic: ComplaintTopic
    text: str
    about_unit_id: int | None = None  # that village or its township
    contact_phone: str | None = None  # None or "": anonymous
    honeypot: str = ""


@dataclass(frozen=True)
class Answer:
    complaint_id: int
    reply: str
    state: ComplaintState = ComplaintState.ANSWERED


def is_bot(complaint: PublicComplaint) -> bool:
    return honeypot_filled(complaint.honeypot)


def check_text(text: str) -> str:
    return clean_text(text, "text", "投诉建议内容", max_length=TEXT_MAX)


def new_tracking_number() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def format_tracking(number: str) -> str:
    """ABCD-EFGH-JKMN: groups of four, to read out and type."""
    return "-".join(number[i : i + 4] for i in range(0, len(number), 4))


def clean_tracking(value: str) -> str:
    """What was typed (any case, spaces and dashes) → the stored form."""
    number = re.sub(r"[\s\-—_]", "", value).upper()
    if len(number) != TRACKING_LENGTH or any(c not in TRACKING_ALPHABET for c in number):
        raise InvalidInput("查询编号是 12 位字母和数字，例如 AB3D-EF4H-JK5M", field="trackingNumber")
    return number


async def send_complaint(session: AsyncSession, actor: Actor | None, new: NewComplaint) -> Complaint:
    """Anyone logged in. Anonymous: no account is stored with it, nor in its audit record."""
    actor = require_actor(actor)
    text = check_text(new.text)
    if new.about_unit_id is not None:
        await _check_about(session, actor, new.about_unit_id)
    complaint = await _insert(
        session,
        county_id=actor.county_id,
        kind=new.kind,
        topic=new.topic,
        text=text,
        about_unit_id=new.about_unit_id,
        anonymous=new.anonymous,
        sender_user_id=None if new.anonymous else actor.user_id,
    )
    audit.record(
        session,
        None if new.anonymous else actor,
        county_id=complaint.county_id,
        entity="complaint",
        entity_id=complaint.id,
        action="send",
        detail={"kind": new.kind.value, "topic": new.topic.value, "anonymous": new.anonymous},
    )
    await session.flush()
    return complaint


async def send_public_complaint(session: AsyncSession, complaint: PublicComplaint, *, daily_cap: int) -> Complaint:
    """Without an account, from a village's public page (the caller checked the honeypot and the
    rate limits): to that village's county; it may concern that village or its township."""
    text = check_text(complaint.text)
    phone = clean_contact_phone(complaint.contact_phone)
    village = await access_org_unit(session, None, complaint.village_id, kind=OrgKind.VILLAGE, to="public")
    if complaint.about_unit_id is not None and complaint.about_unit_id not in (village.id, village.township_id):
        raise InvalidInput("只能选择本村或本村所在的镇（街道）", field="aboutUnitId")
    await check_daily_cap(
        session,
        Complaint.created_at,
        (Complaint.public_village_id == village.id,),
        cap=daily_cap,
        message=PUBLIC_CAP_MESSAGE,
    )
    created = await _insert(
        session,
        county_id=village.county_id,
        kind=complaint.kind,
        topic=complaint.topic,
        text=text,
        about_unit_id=complaint.about_unit_id,
        anonymous=phone is None,
        sender_user_id=None,
        contact_phone=phone,
        public_village_id=village.id,
    )
    audit.record(
        session,
        None,
        county_id=created.county_id,
        entity="complaint",
        entity_id=created.id,
        action="send_public",
        # never the number: the trail keeps it for ever
        detail={"kind": complaint.kind.value, "topic": complaint.topic.value, "anonymous": phone is None},
    )
    await session.flush()
    return created


async def _check_about(session: AsyncSession, actor: Actor, unit_id: int) -> None:
    """The caller's own township or village, or a township or village they may see (the county:
    any of its county's)."""
    if unit_id in (actor.township_id, actor.village_id):
        return
    try:
        unit: OrgUnit | None = await access_org_unit(session, actor, unit_id)
    except NotFound:
        unit = None
    if unit is None or unit.kind not in (OrgKind.TOWNSHIP, OrgKind.VILLAGE):
        raise InvalidInput("所涉单位应为本县的镇（街道）或村", field="aboutUnitId")


async def _insert(session: AsyncSession, **values: Any) -> Complaint:
    now = utcnow()
    for _ in range(5):  # 32^12 = 2^60 numbers: a collision is all but impossible, and then another is drawn
        complaint = Complaint(
            tracking_number=new_tracking_number(),
            state=ComplaintState.RECEIVED,
            created_at=now,
            updated_at=now,
            **values,
        )
        try:
            async with session.begin_nested():
                session.add(complaint)
                await session.flush()
        except IntegrityError:
            continue
        return complaint
    raise RuntimeError("could not draw a free tracking number")


async def answer_complaint(session: AsyncSession, actor: Actor | None, answer: Answer) -> Complaint:
    """The county: a reply (a new reply replaces the previous one, until it is closed) and the
    state it leaves: 已答复, or 已办结 when nothing more will follow."""
    actor = require_role(actor, Role.COUNTY)
    reply = clean_text(answer.reply, "reply", "答复内容", max_length=REPLY_MAX)
    if answer.state not in ANSWERED:
        raise InvalidInput("答复后的状态应为“已答复”或“已办结”", field="state")
    complaint = await access_complaint(session, actor, answer.complaint_id, to="answer", for_update=True)
    if complaint.state is ComplaintState.CLOSED:
        raise InvalidState("该投诉建议已办结，不能再答复")
    now = utcnow()
    previous = complaint.state
    complaint.reply = reply
    complaint.state = answer.state
    complaint.replied_at = now
    complaint.replied_by = actor.user_id
    complaint.updated_at = now
    audit.record(
        session,
        actor,
        county_id=complaint.county_id,
        entity="complaint",
        entity_id=complaint.id,
        action="answer",
        detail={"from": previous.value, "to": answer.state.value, "reply": reply},
    )
    await session.flush()
    return complaint


async def get_complaint(session: AsyncSession, actor: Actor | None, complaint_id: int) -> Complaint:
    return await access_complaint(session, actor, complaint_id)


async def track(session: AsyncSession, tracking_number: str) -> Complaint:
    return await track_complaint(session, clean_tracking(tracking_number))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in China time, as UTC instants [start, end)."""
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份不正确", field="year")
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    return start, datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


Row = tuple[Complaint, str | None]  # the complaint and its sender's name (None: anonymous or no account)


def _with_sender(stmt: Select[Any]) -> Select[Any]:
    return stmt.outerjoin(User, User.id == Complaint.sender_user_id).add_columns(User.name)


async def list_complaints(
    session: AsyncSession,
    actor: Actor | None,
    *,
    state: ComplaintState | None = None,
    year: int | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[Row]:
    """The county: every complaint sent to it, newest first."""
    actor = require_role(actor, Role.COUNTY)
    stmt = select(Complaint).where(scope_complaints(actor))
    if state is not None:
        stmt = stmt.where(Complaint.state == state)
    if year is not None:
        start, end = year_bounds(year)
        stmt = stmt.where(Complaint.created_at >= start, Complaint.created_at < end)
    return await _newest_first(session, _with_sender(stmt), first=first, after=after)


async def my_complaints(
    session: AsyncSession, actor: Actor | None, *, first: int | None = None, after: str | None = None
) -> Page[Row]:
    """What the caller sent with their account (anonymous ones are followed by their number)."""
    actor = require_actor(actor)
    stmt = select(Complaint).where(Complaint.sender_user_id == actor.user_id)
    return await _newest_first(session, _with_sender(stmt), first=first, after=after)


async def sender_name(session: AsyncSession, complaint: Complaint) -> str | None:
    if complaint.sender_user_id is None:
        return None
    name: str | None = await session.scalar(
        select(User.name).join(Complaint, Complaint.sender_user_id == User.id).where(Complaint.id == complaint.id)
    )
    return name


async def _newest_first(session: AsyncSession, stmt: Select[Any], *, first: int | None, after: str | None) -> Page[Row]:
    """Keyset pages on (created_at, id) descending; the cursor carries the time as ISO text."""
    size = page_size(first)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if after:
        at_text, last_id = decode_cursor(after, 2)
        try:
            at = datetime.fromisoformat(str(at_text))
        except ValueError as exc:
            raise InvalidInput("分页游标无效", field="after") from exc
        if at.tzinfo is None or not isinstance(last_id, int):
            raise InvalidInput("分页游标无效", field="after")
        stmt = stmt.where(tuple_(Complaint.created_at, Complaint.id) < tuple_(literal(at), literal(last_id)))
    result = await session.execute(stmt.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(size + 1))
    rows: list[Row] = [(complaint, name) for complaint, name in result.tuples()]
    items = rows[:size]
    cursors = [encode_cursor([c.created_at.isoformat(), c.id]) for c, _ in items]
    return Page(items=items, cursors=cursors, has_next=len(rows) > size, total=int(total or 0))


@dataclass(frozen=True)
class YearRow:
    complaint: Complaint
    sender_name: str | None  # None: anonymous or sent without an account
    about_name: str | None


async def year_rows(session: AsyncSession, actor: Actor | None, year: int) -> list[YearRow]:
    """The county's complaints of one year (China time), oldest first: the yearly summary."""
    actor = require_role(actor, Role.COUNTY)
    start, end = year_bounds(year)
    about = aliased(OrgUnit)
    stmt = (
        select(Complaint, User.name, about.name)
        .outerjoin(User, User.id == Complaint.sender_user_id)
        .outerjoin(about, about.id == Complaint.about_unit_id)
        .where(scope_complaints(actor), Complaint.created_at >= start, Complaint.created_at < end)
        .order_by(Complaint.created_at, Complaint.id)
    )
    return [YearRow(c, sender, about_name) for c, sender, about_name in (await session.execute(stmt)).tuples()]


async def forget_complaint_phones(session: AsyncSession, now: datetime | None = None) -> int:
    """Erase the call-back numbers of complaints answered more than CONTACT_KEEP_DAYS ago → how many."""
    cutoff = (now or utcnow()) - timedelta(days=CONTACT_KEEP_DAYS)
    result = await session.execute(
        update(Complaint)
        .where(
            and_(
                Complaint.contact_phone.is_not(None),
                Complaint.state.in_(ANSWERED),
                Complaint.updated_at <= cutoff,
            )
        )
        .values(contact_phone=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def contact_expired(complaint: Complaint, now: datetime) -> bool:
    """Past its keeping time (readers stop showing it before it is erased)."""
    return complaint.state in ANSWERED and complaint.updated_at <= now - timedelta(days=CONTACT_KEEP_DAYS)
