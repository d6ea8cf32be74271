"""One-time paper ballot codes for people without an account.

A code is 140 random bits written as 28 Crockford base32 characters in 7 groups of 4
(e.g. `7K2M-QX9D-...`): no I, L, O or U, and typing is forgiving (lower case, spaces and
dashes are ignored; O reads as 0, I and L as 1). The database keeps only

    code_hash = hex(SHA-256("zct-paper-code-v1:<poll>:" || code))

with no link to a person: the roster only records that someone received *a* slip. The ballot's
receipt is a different hash of the code (casting.py), so a ballot row cannot be joined to the
code table either. Codes exist in clear only in the PDF returned once to the township.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import ErrorCode, InvalidInput
from backend.core.settings import Settings
from backend.org.models import OrgUnit, SecretaryProfile
from backend.polls import board, readiness
from backend.polls.access import access_poll
from backend.polls.common import lock_poll, poll_error, record_poll_event, require_status
from backend.polls.models import BoardEntry, PaperCode, PollStatus, PollVoter
from backend.polls.slips import SlipSheet, render_slips

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_CHARS = 28  # 140 bits
GROUP = 4
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))


def format_code(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(text: object) -> str:
    if not isinstance(text, str) or len(text) > 100:
        raise poll_error(ErrorCode.INVALID_CODE, "票码格式不正确", "code")
    code = "".join(ch for ch in text.upper() if ch not in " -\t").translate(_TYPO)
    if len(code) != CODE_CHARS or any(ch not in ALPHABET for ch in code):
        raise poll_error(ErrorCode.INVALID_CODE, f"票码应为 {CODE_CHARS} 位字母数字（可带短横线）", "code")
    return code


def code_hash(poll_id: int, code: str) -> str:
    return hashlib.sha256(f"zct-paper-code-v1:{poll_id}:{code}".encode("ascii")).hexdigest()


def receipt(poll_id: int, code: str) -> str:
    return hashlib.sha256(f"zct-paper-receipt-v1:{poll_id}:{code}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class IssuedSlips:
    batch: int
    count: int
    pdf: bytes


async def issue_paper_slips(
    session: AsyncSession, actor: Actor | None, settings: Settings, poll_id: int, voter_ids: Sequence[int]
) -> IssuedSlips:
    """Issue codes for the named roster entries and return the slips' PDF — the only place the
    codes ever exist in clear."""
    batch, sheet = await issue_paper_codes(session, actor, settings, poll_id, voter_ids)
    return IssuedSlips(batch=batch, count=len(sheet.codes), pdf=render_slips(sheet))


async def issue_paper_codes(
    session: AsyncSession, actor: Actor | None, settings: Settings, poll_id: int, voter_ids: Sequence[int]
) -> tuple[int, SlipSheet]:
    """Mark the named roster entries as having received a slip, make as many fresh codes, store
    their hashes, publish the batch's count and commitment; returns the batch number and the
    sheet to print (codes shuffled, formatted)."""
    await access_poll(session, actor, poll_id, to="manage")
    await lock_poll(session, poll_id, exclusive=False)
    poll = await access_poll(session, actor, poll_id, to="manage", for_update=True)
    require_status(poll, PollStatus.ISSUING, "发放纸质票")
    ids = sorted(set(voter_ids))
    # The batch rule (readiness.py), on the counts before this batch, under the poll's row lock.
    readiness.require(readiness.check_paper_batch(await readiness.load_counts(session, poll), len(ids)))
    flipped = list(
        await session.scalars(
            update(PollVoter)
            .where(
                PollVoter.poll_id == poll.id,
                PollVoter.id.in_(ids),
                PollVoter.credential_issued.is_(False),
                PollVoter.paper_issued.is_(False),
            )
            .values(paper_issued=True)
            .returning(PollVoter.id)
        )
    )
    if len(flipped) != len(ids):
        known = set(
            await session.scalars(select(PollVoter.id).where(PollVoter.poll_id == poll.id, PollVoter.id.in_(ids)))
        )
        if known != set(ids):
            raise InvalidInput("所选人员不在本次测评名单中", field="voterIds")
        raise poll_error(ErrorCode.ALREADY_ISSUED, "所选人员中有人已领取投票凭证或纸质票", "voterIds")
    codes = [new_code() for _ in ids]
    hashes = sorted(code_hash(poll.id, c) for c in codes)
    session.add_all([PaperCode(poll_id=poll.id, code_hash=h) for h in hashes])
    batch = 1 + int(
        await session.scalar(
            select(func.count()).where(BoardEntry.poll_id == poll.id, BoardEntry.type == "paper_codes")
        )
        or 0
    )
    await board.append(
        session, poll.id, "paper_codes", {"batch": batch, "count": len(codes), "commitment": board.commitment(hashes)}
    )
    record_poll_event(session, actor, poll, "paper_slips", batch=batch, count=len(codes))
    secretary = await session.get(SecretaryProfile, poll.secretary_id)
    village = await session.get(OrgUnit, poll.village_id)
    assert secretary is not None and village is not None
    secrets.SystemRandom().shuffle(codes)
    sheet = SlipSheet(
        poll_id=poll.id,
        title=poll.title,
        secretary_name=secretary.name,
        village_name=village.name,
        period=poll.period,
        fingerprint=poll.key_fingerprint,
        base_url=settings.public_base_url,
        codes=[format_code(c) for c in codes],
    )
    return batch, sheet
