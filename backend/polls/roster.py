"""The eligible roster (参评人员名单): five categories; editable only while the poll is a draft.

A roster row may carry the person's account (user_id), matched by phone among the member
accounts of the poll's village at import/edit; the phone is kept only for that match and is
never returned by the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import ErrorCode, InvalidInput
from backend.core.validation import clean_phone, clean_text
from backend.org.models import Role, User
from backend.polls.access import access_poll, access_poll_voter
from backend.polls.common import poll_error, record_poll_event
from backend.polls.models import Poll, PollStatus, PollVoter, VoterCategory

MAX_ROSTER = 5000


@dataclass(frozen=True)
class VoterInput:
    name: str
    category: VoterCategory
    phone: str | None = None


def _check_draft(poll: Poll) -> None:
    if poll.status is not PollStatus.DRAFT:
        raise poll_error(ErrorCode.ROSTER_LOCKED, "测评已开始发放凭证，名单已锁定，不能再修改")


def _clean(voter: VoterInput, index: int | None = None) -> VoterInput:
    where = "" if index is None else f"第 {index + 1} 人："
    try:
        name = clean_text(voter.name, "name", "姓名")
        phone = clean_phone(voter.phone) if voter.phone and voter.phone.strip() else None
    except InvalidInput as exc:
        raise InvalidInput(where + exc.message, field=exc.field) from exc
    return VoterInput(name=name, category=VoterCategory(voter.category), phone=phone)


async def _accounts_by_phone(session: AsyncSession, poll: Poll, phones: Sequence[str]) -> dict[str, int]:
    if not phones:
        return {}
    rows = await session.execute(
        select(User.phone, User.id).where(
            User.phone.in_(phones), User.role == Role.MEMBER, User.org_unit_id == poll.village_id, User.active.is_(True)
        )
    )
    return {phone: user_id for phone, user_id in rows}


async def import_roster(
    session: AsyncSession, actor: Actor | None, poll_id: int, voters: Sequence[VoterInput], *, replace: bool
) -> list[PollVoter]:
    poll = await access_poll(session, actor, poll_id, to="manage", for_update=True)
    _check_draft(poll)
    cleaned = [_clean(v, i) for i, v in enumerate(voters)]
    if replace:
        await session.execute(delete(PollVoter).where(PollVoter.poll_id == poll.id))
        existing_phones: set[str] = set()
        existing = 0
    else:
        existing_phones = set(
            p for p in await session.scalars(select(PollVoter.phone).where(PollVoter.poll_id == poll.id)) if p
        )
        existing = int(await session.scalar(select(func.count()).where(PollVoter.poll_id == poll.id)) or 0)
    if existing + len(cleaned) > MAX_ROSTER:
        raise InvalidInput(f"参评名单不能超过 {MAX_ROSTER} 人", field="voters")
    seen: set[str] = set(existing_phones)
    for i, voter in enumerate(cleaned):
        if voter.phone:
            if voter.phone in seen:
                raise InvalidInput(f"第 {i + 1} 人：手机号 {voter.phone} 在名单中重复", field="phone")
            seen.add(voter.phone)
    accounts = await _accounts_by_phone(session, poll, [v.phone for v in cleaned if v.phone])
    rows = [
        PollVoter(
            poll_id=poll.id,
            name=v.name,
            category=v.category,
            phone=v.phone,
            user_id=accounts.get(v.phone) if v.phone else None,
            credential_issued=False,
            paper_issued=False,
        )
        for v in cleaned
    ]
    session.add_all(rows)
    await session.flush()
    record_poll_event(session, actor, poll, "roster_replace" if replace else "roster_add", count=len(rows))
    return rows


async def _voter_of_managed_poll(session: AsyncSession, actor: Actor | None, voter_id: int) -> tuple[Poll, PollVoter]:
    voter = await access_poll_voter(session, actor, voter_id)
    poll = await access_poll(session, actor, voter.poll_id, to="manage", for_update=True)
    _check_draft(poll)
    return poll, voter


async def update_voter(session: AsyncSession, actor: Actor | None, voter_id: int, change: VoterInput) -> PollVoter:
    poll, voter = await _voter_of_managed_poll(session, actor, voter_id)
    cleaned = _clean(change)
    if cleaned.phone and cleaned.phone != voter.phone:
        clash = await session.scalar(
            select(PollVoter.id).where(PollVoter.poll_id == poll.id, PollVoter.phone == cleaned.phone)
        )
        if clash is not None:
            raise InvalidInput(f"手机号 {cleaned.phone} 在名单中重复", field="phone")
    accounts = await _accounts_by_phone(session, poll, [cleaned.phone] if cleaned.phone else [])
    voter.name, voter.category, voter.phone = cleaned.name, cleaned.category, cleaned.phone
    voter.user_id = accounts.get(cleaned.phone) if cleaned.phone else None
    await session.flush()
    record_poll_event(session, actor, poll, "roster_edit", voter_id=voter.id)
    return voter


async def remove_voter(session: AsyncSession, actor: Actor | None, voter_id: int) -> Poll:
    poll, voter = await _voter_of_managed_poll(session, actor, voter_id)
    await session.delete(voter)
    await session.flush()
    record_poll_event(session, actor, poll, "roster_remove", voter_id=voter_id)
    return poll


async def list_roster(session: AsyncSession, actor: Actor | None, poll_id: int) -> tuple[Poll, list[PollVoter]]:
    poll = await access_poll(session, actor, poll_id, to="supervise")
    voters = list(await session.scalars(select(PollVoter).where(PollVoter.poll_id == poll.id).order_by(PollVoter.id)))
    return poll, voters
