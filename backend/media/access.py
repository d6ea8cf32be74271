"""The door to a photo (see backend/org/access.py for what a door is)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import NotFound
from backend.filings.access import scope_filings
from backend.filings.models import Filing, FilingPhoto
from backend.media.models import Media
from backend.media.service import is_sha256
from backend.org.access import STAFF_ROLES, one_in_scope
from backend.problems.access import scope_problems
from backend.problems.models import Problem, ProblemPhoto
from backend.service_card.models import ServiceCard

MediaAccess = Literal["read", "attach"]
_MISSING = "照片不存在"


def scope_media(actor: Actor | None) -> ColumnElement[bool]:
    """Anyone (no login): the photo of a service card — the card is public. Its uploader. Staff
    whose jurisdiction covers a filing that shows it. Whoever may read a problem that shows it
    (staff in jurisdiction, the member who reported it). A photo uploaded without an account has
    no uploader to see it: it is visible only once a report shows it, and then only to that
    report's readers — never to the public, not even to whoever uploaded it."""
    on_a_card = exists().where(ServiceCard.photo_sha256 == Media.sha256)
    if actor is None:
        return on_a_card
    on_a_problem = exists().where(
        ProblemPhoto.media_sha256 == Media.sha256, Problem.id == ProblemPhoto.problem_id, scope_problems(actor)
    )
    visible = [on_a_card, Media.uploaded_by == actor.user_id, on_a_problem]
    if actor.role in STAFF_ROLES:
        visible.append(
            exists().where(
                FilingPhoto.media_sha256 == Media.sha256, Filing.id == FilingPhoto.filing_id, scope_filings(actor)
            )
        )
    return or_(*visible)


async def access_media(
    session: AsyncSession, actor: Actor | None, sha256: str, *, to: MediaAccess = "read", for_update: bool = False
) -> Media:
    """`to="read"`: see `scope_media` — anonymous callers included, who learn nothing about private
    photos (not found, rather than "log in"). `"attach"`: the uploader only (a secretary puts only
    their own photo on their card, a villager only their own photo on their report); without an
    account, only a photo uploaded without one (the caller checks it was for the same county)."""
    if to == "attach":
        scope = Media.uploaded_by.is_(None) if actor is None else Media.uploaded_by == actor.user_id
    else:
        scope = scope_media(actor)
    if not is_sha256(sha256):
        raise NotFound(_MISSING)
    return await one_in_scope(
        session, select(Media).where(Media.sha256 == sha256, scope), _MISSING, for_update=for_update
    )
