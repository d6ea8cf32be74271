"""A poll's life: draft (roster) → issuing (credentials, paper slips) → voting → closed (tally).

Every transition is the township's, takes the poll's row lock (and on PostgreSQL the poll's
exclusive advisory lock where counts are frozen), appends to the public board and to the audit
trail. Nothing here records anything about a single voter or ballot.
"""

from __future__ import annotations

import base64
from collections import Counter

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import Duplicate, ErrorCode
from backend.core.settings import Settings
from backend.core.validation import clean_text
from backend.crypto import blind_rsa
from backend.org.access import access_secretary, require_role
from backend.org.county_settings import rules_for
from backend.org.models import OrgUnit, Role, SecretaryProfile
from backend.polls import board, keys, readiness
from backend.polls.access import access_poll
from backend.polls.common import lock_poll, poll_error, record_poll_event, require_status
from backend.polls.models import Ballot, BoardEntry, PaperCode, Poll, PollStatus, PollVoter, StagedBallot
from backend.polls.tally import compute_tally

SCHEME = "RSABSSA-SHA384-PSS-Randomized"


def token_prefix(poll_id: int) -> bytes:
    """The message a phone signs blindly: 32 random bytes || b"zct-ballot-v1:<poll id>:" || 32 random bytes."""
    return f"zct-ballot-v1:{poll_id}:".encode("ascii")


async def check_create_poll(session: AsyncSession, actor: Actor | None, secretary_id: int) -> SecretaryProfile:
    """Authorise before the (CPU-heavy) key is made: the township of the secretary's village."""
    require_role(actor, Role.TOWNSHIP)
    return await access_secretary(session, actor, secretary_id)


async def create_poll(
    session: AsyncSession,
    actor: Actor | None,
    settings: Settings,
    *,
    secretary_id: int,
    period: str,
    title: str | None,
    signing_key: rsa.RSAPrivateKey,
) -> Poll:
    secretary = await check_create_poll(session, actor, secretary_id)
    assert actor is not None
    period = clean_text(period, "period", "测评周期", max_length=20)
    taken = await session.scalar(select(Poll.id).where(Poll.secretary_id == secretary.id, Poll.period == period))
    if taken is not None:
        raise Duplicate(f"该第一书记 {period} 的满意度测评已存在", field="period")
    title = clean_text(title or f"{secretary.name}同志{period}年度群众满意度测评", "title", "标题", max_length=100)
    village = await session.get(OrgUnit, secretary.village_id)
    assert village is not None and village.township_id is not None and village.county_id is not None
    public_key = signing_key.public_key()
    fingerprint = blind_rsa.public_key_fingerprint(public_key)
    poll = Poll(
        county_id=village.county_id,
        township_id=village.township_id,
        village_id=village.id,
        secretary_id=secretary.id,
        period=period,
        title=title,
        status=PollStatus.DRAFT,
        key_fingerprint=fingerprint,
        public_key_der=blind_rsa.public_key_to_der(public_key),
        encrypted_private_key=keys.seal(settings.poll_key_secret, signing_key, fingerprint),
        created_by=actor.user_id,
    )
    session.add(poll)
    await session.flush()
    record_poll_event(session, actor, poll, "create", secretary_id=secretary.id, period=period)
    return poll


async def start_issuing(
    session: AsyncSession, actor: Actor | None, poll_id: int, *, accept_warnings: bool = False
) -> Poll:
    """draft → issuing: the roster is locked and published (its size) with the key. Refused as
    `readiness.check_start_issuing` says (a roster under 5 needs `accept_warnings`)."""
    poll = await access_poll(session, actor, poll_id, to="manage", for_update=True)
    if poll.status is not PollStatus.DRAFT:
        raise poll_error(ErrorCode.ROSTER_LOCKED, "名单已锁定，测评已开始发放凭证")
    readiness.require(
        readiness.check_start_issuing(await readiness.load_counts(session, poll)), accept_warnings=accept_warnings
    )
    rows = (
        await session.execute(
            select(PollVoter.category, func.count()).where(PollVoter.poll_id == poll.id).group_by(PollVoter.category)
        )
    ).all()
    by_category = {str(category.value): int(n) for category, n in rows}
    roster_size = sum(by_category.values())
    secretary = await session.get(SecretaryProfile, poll.secretary_id)
    village = await session.get(OrgUnit, poll.village_id)
    assert secretary is not None and village is not None
    await board.append(
        session,
        poll.id,
        "opened",
        {
            "poll_id": poll.id,
            "title": poll.title,
            "period": poll.period,
            "secretary_id": poll.secretary_id,
            "secretary_name": secretary.name,
            "village_id": poll.village_id,
            "village_name": village.name,
            "township_id": poll.township_id,
            "county_id": poll.county_id,
            "roster_size": roster_size,
            "roster_by_category": by_category,
            "scheme": SCHEME,
            "key_bits": blind_rsa.public_key_from_der(poll.public_key_der).key_size,
            "key_fingerprint": poll.key_fingerprint,
            "public_key_spki": base64.b64encode(poll.public_key_der).decode("ascii"),
            "token_format": "base64url(32 random bytes || 'zct-ballot-v1:<poll_id>:' || 32 random bytes)",
            "credential_receipt": "hex(SHA-256(token bytes))",
            "paper_receipt": "hex(SHA-256('zct-paper-receipt-v1:<poll_id>:' || code))",
            "choices": ["very_satisfied", "satisfied", "basic", "dissatisfied"],
        },
    )
    poll.status = PollStatus.ISSUING
    record_poll_event(session, actor, poll, "start_issuing", roster_size=roster_size)
    return poll


async def open_voting(
    session: AsyncSession, actor: Actor | None, poll_id: int, *, accept_warnings: bool = False
) -> Poll:
    """issuing → voting: issuing stops, the issued counts are published and the signing key is
    erased (no credential can be minted after this, by anyone). Refused as
    `readiness.check_open_voting` says: nobody able to vote, or (unless `accept_warnings`) fewer
    than the 2/3 turnout."""
    await access_poll(session, actor, poll_id, to="manage")
    await lock_poll(session, poll_id, exclusive=True)
    poll = await access_poll(session, actor, poll_id, to="manage", for_update=True)
    require_status(poll, PollStatus.ISSUING, "开始投票")
    counts = await readiness.load_counts(session, poll)
    readiness.require(readiness.check_open_voting(counts), accept_warnings=accept_warnings)
    credentials, paper = counts.credentials, counts.paper
    code_hashes = list(await session.scalars(select(PaperCode.code_hash).where(PaperCode.poll_id == poll.id)))
    batches = await session.scalar(
        select(func.count()).select_from(
            select(BoardEntry.seq).where(BoardEntry.poll_id == poll.id, BoardEntry.type == "paper_codes").subquery()
        )
    )
    await board.append(
        session,
        poll.id,
        "issuing_closed",
        {
            "roster_size": counts.roster,
            "credentials_issued": credentials,
            "paper_codes_issued": paper,
            "paper_batches": int(batches or 0),
            "paper_commitment": board.commitment(code_hashes),
        },
    )
    poll.status = PollStatus.VOTING
    poll.encrypted_private_key = None
    await session.execute(
        update(PollVoter).where(PollVoter.poll_id == poll.id).values(credential_request=None)
    )  # nothing left to resend once the key is gone
    keys.private_keys.drop(poll.key_fingerprint)
    record_poll_event(session, actor, poll, "open_voting", credentials_issued=credentials, paper_codes_issued=paper)
    return poll


async def close_poll(
    session: AsyncSession, actor: Actor | None, poll_id: int, *, accept_warnings: bool = False
) -> Poll:
    """voting → closed: count, move the ballots into receipt order, publish receipts and tally.
    Refused as `readiness.check_close` says: more ballots than issued (report it), or (unless
    `accept_warnings`) a turnout below 2/3."""
    await access_poll(session, actor, poll_id, to="manage")
    await lock_poll(session, poll_id, exclusive=True)
    poll = await access_poll(session, actor, poll_id, to="manage", for_update=True)
    require_status(poll, PollStatus.VOTING, "结束投票")
    before = await readiness.load_counts(session, poll)
    readiness.require(readiness.check_close(before), accept_warnings=accept_warnings)
    staged = (
        await session.execute(
            select(StagedBallot.choice, func.count())
            .where(StagedBallot.poll_id == poll.id)
            .group_by(StagedBallot.choice)
        )
    ).all()
    counts = Counter({str(choice.value): int(n) for choice, n in staged})
    ballots = sum(counts.values())
    # Receipt order replaces arrival order: copy in one statement, then drop the staging rows.
    await session.execute(
        insert(Ballot).from_select(
            ["poll_id", "receipt", "choice"],
            select(StagedBallot.poll_id, StagedBallot.receipt, StagedBallot.choice)
            .where(StagedBallot.poll_id == poll.id)
            .order_by(StagedBallot.receipt),
        )
    )
    # The deleted rows stay in the table's pages until scrub.scrub_closed_polls rewrites it after commit.
    await session.execute(delete(StagedBallot).where(StagedBallot.poll_id == poll.id))
    receipts = list(
        await session.scalars(select(Ballot.receipt).where(Ballot.poll_id == poll.id).order_by(Ballot.receipt))
    )
    rules = await rules_for(session, poll.county_id)
    tally = compute_tally(
        dict(counts),
        before.roster,
        incompetent_below_pct=rules.satisfaction_incompetent_below_pct,
        basic_below_pct=rules.satisfaction_basic_below_pct,
    )
    await board.append(session, poll.id, "voting_closed", {"ballots_received": ballots})
    await board.append(session, poll.id, "receipts", {"count": len(receipts), "receipts": receipts})
    await board.append(session, poll.id, "tally", tally)
    poll.status = PollStatus.CLOSED
    poll.result = tally
    poll.valid = tally["valid"]
    if tally["valid"] and tally["satisfaction"] is not None:
        poll.satisfaction_num = tally["satisfaction"]["numerator"]
        poll.satisfaction_den = tally["satisfaction"]["denominator"]
    poll.tier = tally["tier"]
    poll.incompetent_below_pct = tally["thresholds"]["incompetent_below_pct"]
    poll.basic_below_pct = tally["thresholds"]["basic_below_pct"]
    record_poll_event(session, actor, poll, "close", ballots=ballots, valid=tally["valid"])
    return poll
