"""Demo satisfaction polls for the assessment period, run through the real poll services: each
township creates its secretaries' polls, imports a roster, hands out paper slips, opens voting,
the villagers cast their slips and the township closes the poll (board, tally and outcome as in
production).

Two shortcuts, both for speed and both only here: one RSA key serves every demo poll (real polls
get a fresh key each), and the cast codes come from the slip sheet instead of a printed PDF.
The outcomes are deterministic for a seed and cover what a ranking must show: most polls valid
and satisfied, a few in the 基本称职 / 不称职 tiers, a few below 2/3 turnout, some still voting and
a few secretaries without a poll.

Two polls are there for trying the vote out. A member can only get a voting credential while the
poll is issuing (the signing key is erased when voting opens), so the first village with member
accounts has its poll still issuing, its members on the roster (matched by phone) and paper slips
handed to part of the others: a member gets the credential in the PWA, the township opens voting,
the member votes. The second village with member accounts has its poll open for voting, its
members among those who received paper slips; a few slips are left unused and their codes are
returned (seed-demo prints them) so that anyone can vote with one at /vote/<poll>.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from cryptography.hazmat.primitives.asymmetric import rsa
from faker import Faker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.settings import Settings
from backend.demo.actors import township_actors
from backend.org.models import OrgUnit, Role, SecretaryProfile, User
from backend.polls import casting, keys, lifecycle, paper, roster
from backend.polls.models import BallotChoice, VoterCategory

DEMO_PERIOD = "2026"
_CATEGORY_WEIGHTS = [
    (VoterCategory.COMMITTEE, 6),
    (VoterCategory.PARTY_MEMBER, 20),
    (VoterCategory.REPRESENTATIVE, 12),
    (VoterCategory.RETIRED_CADRE, 3),
    (VoterCategory.PARTY_APPLICANT, 3),
]


@dataclass(frozen=True, slots=True)
class _Plan:
    """What happens to one secretary's poll."""

    create: bool = True
    close: bool = True
    turnout: float = 0.88
    satisfied_share: float = 0.9  # very satisfied + satisfied
    stop_issuing: bool = False  # left issuing, with part of the paper slips handed out
    members: list[User] = field(default_factory=list)  # member accounts on the roster
    spare_codes: int = 0  # paper codes left unused, returned for trying the vote


@dataclass(frozen=True, slots=True)
class DemoPolls:
    closed: int
    issuing_poll_id: int | None = None  # members of its village can get a credential
    voting_poll_id: int | None = None  # open for voting; `spare_codes` are unused slips of it
    spare_codes: tuple[str, ...] = ()


def _plan(index: int, rng: random.Random) -> _Plan:
    """Every 40th secretary has no poll, every 37th is still voting, every 29th misses 2/3
    turnout, every 23rd falls in the 基本称职 tier and every 31st in 不称职; the rest vary."""
    if index % 40 == 39:
        return _Plan(create=False)
    if index % 37 == 36:
        return _Plan(close=False)
    if index % 29 == 28:
        return _Plan(turnout=0.55)
    if index % 31 == 30:
        return _Plan(satisfied_share=0.5)
    if index % 23 == 22:
        return _Plan(satisfied_share=0.66)
    return _Plan(turnout=rng.uniform(0.75, 0.97), satisfied_share=rng.uniform(0.78, 1.0))


async def seed_demo_polls(session: AsyncSession, settings: Settings, county_id: int, *, seed: int = 2026) -> DemoPolls:
    """Runs the polls of `DEMO_PERIOD` for the county's secretaries."""
    rng = random.Random(seed)
    faker = Faker("zh_CN")
    faker.seed_instance(seed + 7)
    signing_key = keys.new_signing_key()
    townships = await township_actors(session, county_id)
    secretaries = (
        await session.execute(
            select(SecretaryProfile.id, OrgUnit.township_id, OrgUnit.id)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(SecretaryProfile.county_id == county_id)
            .order_by(SecretaryProfile.id)
        )
    ).all()
    members = await _members_by_village(session, county_id)
    trial = [village_id for _, _, village_id in secretaries if members.get(village_id)][:2]
    result = DemoPolls(closed=0)
    runs: list[tuple[int, int, _Plan]] = []
    tries: list[tuple[int, int, _Plan]] = []  # run last: the newest polls, first in the lists
    for index, (secretary_id, township_id, village_id) in enumerate(secretaries):
        plan = _plan(index, rng)
        if village_id in trial:
            issuing = village_id == trial[0]
            plan = _Plan(
                close=False,
                turnout=0.6,
                stop_issuing=issuing,
                members=members[village_id],
                spare_codes=0 if issuing else 3,
            )
            tries.insert(0, (secretary_id, township_id, plan))  # the issuing one on top
        elif plan.create:
            runs.append((secretary_id, township_id, plan))
    for secretary_id, township_id, plan in runs + tries:
        poll_id, spare = await _run_poll(
            session, settings, townships[township_id], secretary_id, plan, rng, faker, signing_key
        )
        if plan.stop_issuing:
            result = replace(result, issuing_poll_id=poll_id)
        elif plan.spare_codes:
            result = replace(result, voting_poll_id=poll_id, spare_codes=tuple(spare))
        elif plan.close:
            result = replace(result, closed=result.closed + 1)
    return result


async def _members_by_village(session: AsyncSession, county_id: int) -> dict[int, list[User]]:
    rows = await session.scalars(
        select(User)
        .join(OrgUnit, OrgUnit.id == User.org_unit_id)
        .where(OrgUnit.county_id == county_id, User.role == Role.MEMBER, User.active.is_(True))
        .order_by(User.phone)
    )
    found: dict[int, list[User]] = {}
    for user in rows:
        found.setdefault(user.org_unit_id, []).append(user)
    return found


async def _run_poll(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    secretary_id: int,
    plan: _Plan,
    rng: random.Random,
    faker: Faker,
    signing_key: rsa.RSAPrivateKey,
) -> tuple[int, list[str]]:
    """Returns the poll's id and the codes of the slips left unused for trying the vote."""
    poll = await lifecycle.create_poll(
        session, actor, settings, secretary_id=secretary_id, period=DEMO_PERIOD, title=None, signing_key=signing_key
    )
    categories = [c for c, _ in _CATEGORY_WEIGHTS]
    weights = [w for _, w in _CATEGORY_WEIGHTS]
    voters = [
        roster.VoterInput(name=member.name, category=VoterCategory.PARTY_MEMBER, phone=member.phone)
        for member in plan.members
    ]
    voters += [
        roster.VoterInput(name=faker.name(), category=rng.choices(categories, weights)[0])
        for _ in range(rng.randint(30, 60))
    ]
    rows = await roster.import_roster(session, actor, poll.id, voters, replace=True)
    await lifecycle.start_issuing(session, actor, poll.id)
    if plan.stop_issuing:  # two batches of slips so far; the members and the rest are still to come
        paper_only = [r.id for r in rows if r.user_id is None]
        handed = paper_only[: len(paper_only) // 2]
        for batch in (handed[: len(handed) // 2], handed[len(handed) // 2 :]):
            await paper.issue_paper_codes(session, actor, settings, poll.id, batch)
        return poll.id, []
    _, sheet = await paper.issue_paper_codes(session, actor, settings, poll.id, [r.id for r in rows])
    await lifecycle.open_voting(session, actor, poll.id)
    await session.flush()  # casting is a raw statement: it must see the codes and the status
    usable = sheet.codes[: len(sheet.codes) - plan.spare_codes]
    voting = usable[: round(len(sheet.codes) * plan.turnout)]
    for code in voting:
        await casting.cast_paper_ballot(session, poll.id, code, _choice(rng, plan.satisfied_share))
    if plan.close:
        await lifecycle.close_poll(session, actor, poll.id, accept_warnings=True)  # some plans miss 2/3 on purpose
    return poll.id, sheet.codes[len(sheet.codes) - plan.spare_codes :]


def _choice(rng: random.Random, satisfied_share: float) -> BallotChoice:
    if rng.random() < satisfied_share:
        return BallotChoice.VERY_SATISFIED if rng.random() < 0.6 else BallotChoice.SATISFIED
    return BallotChoice.BASIC if rng.random() < 0.7 else BallotChoice.DISSATISFIED
