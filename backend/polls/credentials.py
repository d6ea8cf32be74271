"""Voting credentials: a member's phone sends a blinded message; the server checks the roster,
flips the person's `credential_issued` flag (no token, no time, no link) and signs blindly.
The hash of the blinded message is kept while issuing runs: the same person sending the same
blinded message again (their phone never got the answer) gets the same signature again — RSA
signing is deterministic, so that is not a second credential. Another blinded message is refused.

One credential or one paper slip per person per poll: the flag update is a single conditional
UPDATE, so two concurrent requests cannot both be signed. Issuing happens only while the poll is
in `issuing`; the key is erased when voting opens.

The one door is `issue_credential` (GraphQL `requestPollCredential`, what the PWA uses): the
member's credential limit first — before the blinded message is decoded or anything is signed —
then `request_credential` in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.errors import ErrorCode, InvalidInput
from backend.core.settings import Settings
from backend.crypto import b64url, blind_rsa
from backend.org.access import require_role
from backend.org.models import Role
from backend.polls import keys
from backend.polls.access import access_poll
from backend.polls.common import lock_poll, poll_error, require_status
from backend.polls.models import Poll, PollStatus, PollVoter
from backend.ratelimit.policies import ClientRateLimits


async def issue_credential(
    session_factory: SessionFactory,
    limits: ClientRateLimits,
    actor: Actor | None,
    settings: Settings,
    poll_id: int,
    blinded_message: str,
) -> bytes:
    """The blind signature of a member's blinded message (base64url)."""
    if actor is not None:  # anonymous callers are refused by request_credential; nothing to count
        await limits.credential(actor.user_id)  # before the RSA signature
    try:
        blinded = b64url.decode(blinded_message)
    except ValueError as exc:
        raise InvalidInput("base64url 编码不正确", field="blindedMessage") from exc
    async with session_factory.begin() as session:
        return await request_credential(session, actor, settings, poll_id, blinded)


async def request_credential(
    session: AsyncSession, actor: Actor | None, settings: Settings, poll_id: int, blinded: bytes
) -> bytes:
    actor = require_role(actor, Role.MEMBER)
    await lock_poll(session, poll_id, exclusive=False)  # voting cannot open while we sign
    poll = await access_poll(session, actor, poll_id, to="vote")
    require_status(poll, PollStatus.ISSUING, "领取投票凭证")
    assert poll.encrypted_private_key is not None
    key = keys.private_key(settings, poll.key_fingerprint, poll.encrypted_private_key)
    modulus = key.private_numbers().public_numbers.n
    if len(blinded) != (modulus.bit_length() + 7) // 8 or int.from_bytes(blinded, "big") >= modulus:
        raise InvalidInput("盲化消息长度或取值不正确", field="blindedMessage")
    request = hashlib.sha256(blinded).hexdigest()
    flipped = await session.execute(
        update(PollVoter)
        .where(
            PollVoter.poll_id == poll.id,
            PollVoter.user_id == actor.user_id,
            PollVoter.credential_issued.is_(False),
            PollVoter.paper_issued.is_(False),
        )
        .values(credential_issued=True, credential_request=request)
        .returning(PollVoter.id)
    )
    if flipped.first() is None:
        await _refuse_unless_resent(session, poll, actor, request)
    try:
        return await asyncio.to_thread(_sign, key, blinded)
    except blind_rsa.BlindSignatureError as exc:  # rolls the flag back with the transaction
        raise InvalidInput("盲化消息无效", field="blindedMessage") from exc


async def _refuse_unless_resent(session: AsyncSession, poll: Poll, actor: Actor, request: str) -> None:
    """Returns when this person's credential was signed for this very blinded message."""
    voter = (
        await session.execute(
            select(PollVoter.credential_request).where(PollVoter.poll_id == poll.id, PollVoter.user_id == actor.user_id)
        )
    ).first()
    if voter is None:
        raise poll_error(ErrorCode.NOT_ELIGIBLE, "您不在本次测评的参评名单中（名单按手机号关联账号）")
    if voter.credential_request is None or not hmac.compare_digest(voter.credential_request, request):
        raise poll_error(ErrorCode.ALREADY_ISSUED, "您已领取过本次测评的投票凭证或纸质票")


def _sign(key: rsa.RSAPrivateKey, blinded: bytes) -> bytes:
    """In a worker thread, with GMP allowed to release the GIL (gmpy2 contexts are per thread):
    the ~5 ms exponentiation then runs beside the event loop instead of stopping it."""
    if blind_rsa.BACKEND == "gmpy2":
        import gmpy2

        gmpy2.get_context().allow_release_gil = True
    return blind_rsa.blind_sign(key, blinded)
