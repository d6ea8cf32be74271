"""我的个人信息: what the system holds about the caller (个人信息保护法: the right to see and copy).

Read by the caller for themself only, from their own token's user id: their account, the problem
reports and complaints they sent with the account, the poll rosters they are on, and for a first
secretary their record and how many filings and check-ins it has. Not included, by design: ballots
(unlinkable to anyone: blind-signed credentials), complaints sent anonymously (no account is stored
with them), and reports sent without an account (nothing links them to one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.models import CheckIn
from backend.auth.actor import Actor
from backend.complaints.models import Complaint
from backend.filings.models import Filing
from backend.org.access import access_user, require_actor
from backend.org.models import OrgUnit, Role, SecretaryProfile
from backend.polls.models import Poll, PollVoter
from backend.problems.models import Problem

NOT_HELD = (
    "测评选票与您的身份无法关联（盲签名凭证），系统不知道您投了什么票，因此不在此列。",
    "匿名发送的投诉建议、不登录扫码反映的问题不与任何账号关联，因此不在此列。",
)


@dataclass(frozen=True)
class MyProblem:
    id: str
    title: str
    description: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class MyComplaint:
    tracking_number: str
    kind: str
    topic: str
    text: str
    state: str
    created_at: datetime


@dataclass(frozen=True)
class MyRoster:
    poll_title: str
    period: str
    name: str
    category: str
    credential_issued: bool


@dataclass(frozen=True)
class MySecretaryRecord:
    name: str
    gender: str
    phone: str
    dispatch_unit: str
    term_start: date
    term_end: date
    filings: int
    filings_with_position: int
    check_ins: int


@dataclass(frozen=True)
class MyData:
    name: str
    phone: str
    role: Role
    unit_name: str
    problems: list[MyProblem]
    complaints: list[MyComplaint]
    rosters: list[MyRoster]
    secretary_records: list[MySecretaryRecord]
    not_held: tuple[str, ...]


async def my_personal_data(session: AsyncSession, actor: Actor | None) -> MyData:
    actor = require_actor(actor)
    user = await access_user(session, actor, actor.user_id)
    unit_name = (await session.execute(select(OrgUnit.name).where(OrgUnit.id == actor.org_unit_id))).scalar_one()
    problems = (
        await session.scalars(
            select(Problem).where(Problem.reporter_user_id == actor.user_id).order_by(Problem.created_at.desc())
        )
    ).all()
    complaints = (
        await session.scalars(
            select(Complaint).where(Complaint.sender_user_id == actor.user_id).order_by(Complaint.created_at.desc())
        )
    ).all()
    rosters = (
        await session.execute(
            select(PollVoter, Poll.title, Poll.period)
            .join(Poll, Poll.id == PollVoter.poll_id)
            .where(PollVoter.user_id == actor.user_id)
            .order_by(Poll.id.desc())
        )
    ).all()
    profiles = (
        await session.scalars(
            select(SecretaryProfile).where(SecretaryProfile.user_id == actor.user_id).order_by(SecretaryProfile.id)
        )
    ).all()
    records = []
    for profile in profiles:
        filings, with_position = (
            await session.execute(select(func.count(), func.count(Filing.lat)).where(Filing.secretary_id == profile.id))
        ).one()
        check_ins = await session.scalar(select(func.count()).where(CheckIn.secretary_id == profile.id))
        records.append(
            MySecretaryRecord(
                name=profile.name,
                gender=str(profile.gender),
                phone=profile.phone,
                dispatch_unit=profile.dispatch_unit,
                term_start=profile.term_start,
                term_end=profile.term_end,
                filings=int(filings),
                filings_with_position=int(with_position),
                check_ins=int(check_ins or 0),
            )
        )
    return MyData(
        name=user.name,
        phone=user.phone,
        role=user.role,
        unit_name=unit_name,
        problems=[MyProblem(p.id, p.title, p.description, str(p.status), p.created_at) for p in problems],
        complaints=[
            MyComplaint(c.tracking_number, str(c.kind), str(c.topic), c.text, str(c.state), c.created_at)
            for c in complaints
        ],
        rosters=[
            MyRoster(title, period, voter.name, str(voter.category), voter.credential_issued)
            for voter, title, period in rosters
        ],
        secretary_records=records,
        not_held=NOT_HELD,
    )
