"""Problem reports without an account (扫码反映), from a village's public page — the page the
service card's QR code opens.

Anyone may report, anonymously or with a phone number to be called back on. What holds back
spam (docs/SECURITY.md, "Reports without an account"; the honeypot and the daily cap are shared
with complaints sent without an account: backend/ratelimit/public_intake.py):
  * a honeypot field the form hides from people: filled in, the answer looks like success and
    nothing is stored (`is_bot`);
  * rate limits per client address and per village, shared across processes through Redis,
    checked by the API before this module runs (backend/ratelimit/policies.py);
  * the usual size limits (title 200, description 2,000 characters; one photo of ≤ 1 MB);
  * a cap per village per 24 hours (`PUBLIC_REPORTS_PER_VILLAGE_PER_DAY`): past it, reports are
    refused with RATE_LIMITED and a wait, and the phone keeps them and sends them later;
  * reports made this way are marked (`source = public`, anonymous when no number was left) in
    the secretary's ledger, so they are weighed as what they are.

The call-back number is shown in full to the village's secretary only (the one who dials it),
masked to township and county staff, never to other villagers; it is forgotten
`CONTACT_KEEP_DAYS` after the problem is resolved or closed (`forget_contact_phones`, and
readers stop showing it at that moment even before the command has run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import InvalidInput
from backend.core.orm import utcnow
from backend.org.access import access_org_unit
from backend.org.models import OrgKind
from backend.org.secretaries import current_secretaries
from backend.problems.ledger import NewProblem, _create, check_shape
from backend.problems.models import Problem, ProblemSource, ProblemStatus
from backend.ratelimit.public_intake import check_daily_cap, honeypot_filled

PUBLIC_MAX_PHOTOS = 1
CONTACT_KEEP_DAYS = 30  # after the problem is resolved or closed
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
SETTLED = (ProblemStatus.RESOLVED, ProblemStatus.CLOSED)


@dataclass(frozen=True)
class PublicReport:
    id: str  # a UUID the phone made: a resend is recognised
    village_id: int
    title: str
    description: str = ""
    contact_phone: str | None = None  # None or "": anonymous
    photos: tuple[str, ...] = field(default_factory=tuple)
    honeypot: str = ""  # a field people never see; bots fill it


def is_bot(report: PublicReport) -> bool:
    return honeypot_filled(report.honeypot)


def clean_contact_phone(value: str | None) -> str | None:
    """A mainland mobile number or a landline with its area code; None when left empty."""
    if value is None:
        return None
    phone = re.sub(r"[\s\-()（）]", "", value)
    if not phone:
        return None
    if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        raise InvalidInput("电话号码格式不正确：手机号 11 位，座机请带区号", field="contactPhone")
    return phone


def contact_expired(problem: Problem, now: datetime) -> bool:
    """The number is past its keeping time (readers stop showing it before it is erased)."""
    return problem.status in SETTLED and problem.updated_at <= now - timedelta(days=CONTACT_KEEP_DAYS)


async def report_public_problem(session: AsyncSession, report: PublicReport, today: date, *, daily_cap: int) -> Problem:
    """Store a report made without an account in the village's ledger (the caller checked the
    honeypot and the rate limits). A resend of the same id and content returns the stored one —
    also past the day's cap, so a phone that lost the answer is not told to wait."""
    checked = check_shape(
        NewProblem(id=report.id, title=report.title, description=report.description, photos=report.photos),
        max_photos=PUBLIC_MAX_PHOTOS,
    )
    phone = clean_contact_phone(report.contact_phone)
    village = await access_org_unit(session, None, report.village_id, kind=OrgKind.VILLAGE, to="public")
    if await session.get(Problem, checked.id) is None:
        await _check_daily_cap(session, village.id, daily_cap)
    secretary = (await current_secretaries(session, [village.id], today)).get(village.id)
    return await _create(
        session,
        None,
        NewProblem(id=checked.id, title=checked.title, description=checked.description, photos=checked.photos),
        village=village,
        source=ProblemSource.PUBLIC,
        secretary_id=secretary.id if secretary else None,
        checked=checked,
        contact_phone=phone,
    )


async def _check_daily_cap(session: AsyncSession, village_id: int, cap: int) -> None:
    """At most `cap` reports without an account per village in any 24 hours."""
    await check_daily_cap(
        session,
        Problem.created_at,
        (Problem.village_id == village_id, Problem.source == ProblemSource.PUBLIC),
        cap=cap,
        message="本村今天收到的扫码反映已经很多，请稍后再提交；急事请直接给第一书记打电话",
    )


async def forget_contact_phones(session: AsyncSession, now: datetime | None = None) -> int:
    """Erase the call-back numbers of problems settled more than CONTACT_KEEP_DAYS ago → how many."""
    cutoff = (now or utcnow()) - timedelta(days=CONTACT_KEEP_DAYS)
    result = await session.execute(
        update(Problem)
        .where(Problem.contact_phone.is_not(None), Problem.status.in_(SETTLED), Problem.updated_at <= cutoff)
        .values(contact_phone=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
