"""What each step of a poll needs, and what it does: the ONE place for the township's preconditions.

A step is a phase change (start issuing, open voting, close) or a batch of paper slips. For each,
`check_*` turns the poll's counts into a `StepCheck`:

- `blockers`: what is missing, in plain Chinese — the step cannot be taken;
- `warnings`: the step can be taken, but only when the township confirms these in so many
  words (the mutation's `acceptWarnings: true`): it would make the poll invalid, or its result
  unpublishable;
- `consequences`: what taking the step changes, shown before the township confirms.

The manage screen shows exactly these (`Poll.readiness`), and the services refuse with exactly
these (`require`), so the screen can never offer a step the server will refuse, nor the server
refuse without the screen having said why beforehand. The rules:

- **start issuing** (draft): the roster is not empty. Fewer than 5 people: a warning — with fewer
  than `tally.SUPPRESS_BELOW` ballots the breakdown is never published, so such a poll can be
  valid but yields no satisfaction and no tier.
- **a paper batch** of n slips (issuing): n ≥ `MIN_BATCH` (5), or n is everyone still without a
  credential or slip (a roster of 6 is served as 6, or 5 + 1 last). A batch's codes are known to
  belong to its n people; fewer than 5 would tie codes to too few people (docs/SECURITY.md, "What
  this protects against"). The small last batch is allowed because refusing it would leave those
  people without any way to vote; its consequence says to draw it together with other slips.
- **open voting** (issuing): at least one person can vote (a credential or a slip issued).
  Fewer than the 2/3 turnout can vote: a warning — the poll will certainly be invalid.
- **close** (voting): ballots ≤ credentials + slips issued (anything else means minted
  ballots: stop and report). Turnout below 2/3: a warning — the poll is invalid.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import DomainError, ErrorCode, Forbidden, NotFound, Unauthenticated
from backend.polls.access import access_poll
from backend.polls.models import Ballot, PaperCode, Poll, PollStatus, PollVoter, StagedBallot
from backend.polls.tally import SUPPRESS_BELOW, needed_for_valid

MIN_BATCH = 5  # a smaller paper batch would tie its codes to too few people (SECURITY.md)


class Step(enum.Enum):
    START_ISSUING = "start_issuing"
    ISSUE_PAPER_SLIPS = "issue_paper_slips"
    OPEN_VOTING = "open_voting"
    CLOSE_POLL = "close_poll"


@dataclass(frozen=True)
class Blocker:
    """Why a step cannot be taken; the refusal's message, code and field."""

    message: str
    code: ErrorCode = ErrorCode.INVALID_STATE
    field: str | None = None


@dataclass(frozen=True)
class StepCheck:
    step: Step
    blockers: tuple[Blocker, ...] = ()
    warnings: tuple[str, ...] = ()
    consequences: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class Counts:
    """Everything the rules read. `paper` counts the codes issued (what the board publishes);
    `unissued` the roster rows with neither a credential nor a slip."""

    status: PollStatus
    roster: int
    with_account: int
    credentials: int
    paper: int
    unissued: int
    unissued_with_account: int
    ballots: int

    @property
    def can_vote(self) -> int:
        return self.credentials + self.paper

    @property
    def needed(self) -> int:
        """Ballots needed for a valid poll (the 2/3 rule)."""
        return needed_for_valid(self.roster)


@dataclass(frozen=True)
class Readiness:
    counts: Counts
    next_step: StepCheck | None  # the phase change; None once closed
    paper_slips: StepCheck | None  # while issuing: a batch of the asked size


def _two_thirds(c: Counts) -> str:
    return f"应参加 {c.roster} 人的三分之二（{c.needed} 人）"


def check_start_issuing(c: Counts) -> StepCheck:
    if c.roster == 0:
        return StepCheck(
            Step.START_ISSUING, blockers=(Blocker("参评名单还是空的，请先导入名单", ErrorCode.INVALID_INPUT, "pollId"),)
        )
    warnings: tuple[str, ...] = ()
    if c.roster < SUPPRESS_BELOW:
        warnings = (
            f"名单只有 {c.roster} 人，不到 {SUPPRESS_BELOW} 人：为保护无记名，结束后只公布投票人数和测评是否有效，"
            "不公布各项票数和满意率，也不能据此定档。请先确认名单是否完整。",
        )
    paper_people = c.roster - c.with_account
    return StepCheck(
        Step.START_ISSUING,
        warnings=warnings,
        consequences=(
            "名单将锁定：之后不能再增加、删除或修改人员。",
            f"公示榜公布名单人数（{c.roster} 人，按类别）和本次测评的公钥；请把公钥指纹印在公告上。",
            f"有账号的 {c.with_account} 人用自己的手机领取电子凭证；其余 {paper_people} 人需要发放纸质票。",
            f"投票人数不少于{_two_thirds(c)}，测评才有效。",
        ),
    )


def check_paper_batch(c: Counts, size: int) -> StepCheck:
    """A batch of `size` paper slips, for people with neither a credential nor a slip."""

    def blocked(message: str, code: ErrorCode = ErrorCode.INVALID_INPUT) -> StepCheck:
        return StepCheck(Step.ISSUE_PAPER_SLIPS, blockers=(Blocker(message, code, "voterIds"),))

    if c.unissued == 0:
        return blocked("所有人员都已领取电子凭证或纸质票，不需要再发放纸质票", ErrorCode.ALREADY_ISSUED)
    if size <= 0:
        return blocked("请选择领取纸质票的人员")
    if size > c.unissued:
        return blocked(
            f"只有 {c.unissued} 人还没有领取电子凭证或纸质票，所选人员中有人已经领取", ErrorCode.ALREADY_ISSUED
        )
    if size < MIN_BATCH and size != c.unissued:
        if c.unissued >= MIN_BATCH:
            todo = f"请再选 {MIN_BATCH - size} 人凑满 {MIN_BATCH} 张，或一次选上剩下的全部 {c.unissued} 人"
        else:
            todo = f"请一次选上剩下的全部 {c.unissued} 人"
        if c.unissued - c.unissued_with_account == size and c.unissued_with_account:
            todo += (
                f"；也可以等有账号的 {c.unissued_with_account} 人用手机领取电子凭证后，"
                f"这 {size} 人就是剩下的全部人员，可以一起发放"
            )
        return blocked(
            f"这一批只有 {size} 张，不到 {MIN_BATCH} 张：一批太少，容易对应出谁拿了哪张票。"
            f"还有 {c.unissued} 人没有领取电子凭证或纸质票，{todo}。"
        )
    consequences = [
        f"生成 {size} 张纸质票的 PDF，只能下载这一次：服务器不保存票码，请立即保存并打印，打印后删除文件。",
        "纸质票上没有姓名和编号：请让领票人从盒子里随机抽取，不要记录谁拿了哪一张。",
        "领取纸质票的人不能再用手机领取电子凭证。",
    ]
    if size < MIN_BATCH:
        consequences.append(
            f"这一批只有 {size} 张（剩下的全部人员）：如果之前的纸质票还没有发出，请放在一起抽取，"
            "否则拿到这几张票的人可能被对应出来。"
        )
    return StepCheck(Step.ISSUE_PAPER_SLIPS, consequences=tuple(consequences))


def check_open_voting(c: Counts) -> StepCheck:
    if c.can_vote == 0:
        return StepCheck(
            Step.OPEN_VOTING,
            blockers=(
                Blocker(
                    "还没有人领取电子凭证或纸质票，现在开始投票将没有人能投票。"
                    "请先让有账号的人员用手机领取电子凭证，并为其他人员发放纸质票。"
                ),
            ),
        )
    warnings: tuple[str, ...] = ()
    if c.can_vote < c.needed:
        warnings = (
            f"现在能投票的只有 {c.can_vote} 人（电子凭证 {c.credentials} 人，纸质票 {c.paper} 张），"
            f"不到{_two_thirds(c)}。开始投票后不能再发放，本次测评必然无效。",
        )
    consequences = ["签名密钥将销毁：之后谁都不能再领取电子凭证，也不能再发放纸质票。"]
    if c.unissued:
        still = "现在还可以为他们发放纸质票"
        if c.unissued_with_account:
            still += f"，其中有账号的 {c.unissued_with_account} 人也可以用手机领取电子凭证"
        consequences.append(
            f"还有 {c.unissued} 人既没有领取电子凭证也没有领取纸质票，开始投票后他们不能投票（{still}）。"
        )
    consequences += [
        f"公示榜公布已发放的电子凭证（{c.credentials} 人）和纸质票（{c.paper} 张）数量。",
        f"投票人数不少于{_two_thirds(c)}，测评才有效。",
    ]
    return StepCheck(Step.OPEN_VOTING, warnings=warnings, consequences=tuple(consequences))


def check_close(c: Counts) -> StepCheck:
    if c.ballots > c.can_vote:
        # Only possible with the signing key or the code list in someone's hands: stop, keep the evidence.
        return StepCheck(
            Step.CLOSE_POLL,
            blockers=(Blocker(f"票数 {c.ballots} 超过已发放凭证与纸质票之和 {c.can_vote}，请上报县委组织部"),),
        )
    warnings: tuple[str, ...] = ()
    consequences = ["结束后不能再投票；计票结果和每张选票的回执在公示榜公布（不公布谁投了什么）。"]
    if c.ballots < c.needed:
        warnings = (f"目前只有 {c.ballots} 人投票，不到{_two_thirds(c)}。现在结束，本次测评无效，也不能再补投。",)
    else:
        consequences.append(f"已有 {c.ballots} 人投票，达到{_two_thirds(c)}，测评有效。")
    if c.ballots < c.can_vote:
        consequences.append(f"已发放的电子凭证和纸质票还有 {c.can_vote - c.ballots} 张没有投出，结束后作废。")
    if c.ballots < SUPPRESS_BELOW:
        consequences.append(
            f"投票不到 {SUPPRESS_BELOW} 张：为保护无记名，只公布投票人数和测评是否有效，不公布各项票数和满意率。"
        )
    return StepCheck(Step.CLOSE_POLL, warnings=warnings, consequences=tuple(consequences))


_NEXT = {
    PollStatus.DRAFT: check_start_issuing,
    PollStatus.ISSUING: check_open_voting,
    PollStatus.VOTING: check_close,
}


def readiness(c: Counts, paper_batch: int = 0) -> Readiness:
    step = _NEXT.get(c.status)
    paper = check_paper_batch(c, paper_batch) if c.status is PollStatus.ISSUING else None
    return Readiness(counts=c, next_step=step(c) if step else None, paper_slips=paper)


def require(check: StepCheck, *, accept_warnings: bool = False) -> None:
    """Refuse a step exactly as its check says: its first blocker, else its warnings unless the
    caller confirmed them (`acceptWarnings`)."""
    if check.blockers:
        first = check.blockers[0]
        raise DomainError(first.message, code=first.code, field=first.field)
    if check.warnings and not accept_warnings:
        raise DomainError(" ".join(check.warnings), code=ErrorCode.INVALID_STATE, field="acceptWarnings")


async def load_counts(session: AsyncSession, poll: Poll) -> Counts:
    """One poll's counts; call under the poll's lock when the answer decides a write."""
    return (await counts_of(session, [poll]))[poll.id]


async def counts_of(session: AsyncSession, polls: Sequence[Poll]) -> dict[int, Counts]:
    """The counts of many polls in at most four statements (the roster, the paper codes, and the
    ballots: staged while a poll runs, counted once it is closed), however many polls."""
    if not polls:
        return {}
    ids = [poll.id for poll in polls]
    unissued = PollVoter.credential_issued.is_(False) & PollVoter.paper_issued.is_(False)
    rosters = {
        poll_id: row
        for poll_id, *row in (
            await session.execute(
                select(
                    PollVoter.poll_id,
                    func.count(),
                    func.count(PollVoter.user_id),
                    func.count().filter(PollVoter.credential_issued.is_(True)),
                    func.count().filter(unissued),
                    func.count(PollVoter.user_id).filter(unissued),
                )
                .where(PollVoter.poll_id.in_(ids))
                .group_by(PollVoter.poll_id)
            )
        ).tuples()
    }
    paper = await _count_by_poll(session, PaperCode.poll_id, ids)
    closed = [poll.id for poll in polls if poll.status is PollStatus.CLOSED]
    running = [poll.id for poll in polls if poll.status is not PollStatus.CLOSED]
    ballots = {
        **(await _count_by_poll(session, StagedBallot.poll_id, running) if running else {}),
        **(await _count_by_poll(session, Ballot.poll_id, closed) if closed else {}),
    }
    counts = {}
    for poll in polls:
        roster, with_account, credentials, left, left_with_account = rosters.get(poll.id, (0, 0, 0, 0, 0))
        counts[poll.id] = Counts(
            status=poll.status,
            roster=int(roster),
            with_account=int(with_account),
            credentials=int(credentials),
            paper=paper.get(poll.id, 0),
            unissued=int(left),
            unissued_with_account=int(left_with_account),
            ballots=ballots.get(poll.id, 0),
        )
    return counts


async def _count_by_poll(session: AsyncSession, poll_column: Any, ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(select(poll_column, func.count()).where(poll_column.in_(ids)).group_by(poll_column))
    return {int(poll_id): int(n) for poll_id, n in rows.tuples()}


async def poll_readiness(
    session: AsyncSession, actor: Actor | None, poll_id: int, *, paper_batch: int = 0
) -> Readiness | None:
    """For the township and the county (it reads running counts); None for anyone else."""
    try:
        poll = await access_poll(session, actor, poll_id, to="supervise")
    except (Unauthenticated, Forbidden, NotFound):
        return None
    return readiness(await load_counts(session, poll), paper_batch)
