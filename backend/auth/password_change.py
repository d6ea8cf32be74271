"""Changing one's own password: the current one as proof, the password rules for the new one, and
every other session of the account ended (a new one is returned for the device that changed it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth import sessions
from backend.auth.actor import Actor
from backend.auth.passwords import hash_password, verify_password
from backend.core.errors import InvalidInput
from backend.core.settings import Settings
from backend.core.validation import check_password
from backend.org.access import access_user, require_actor


async def change_password(
    session: AsyncSession, settings: Settings, actor: Actor | None, current: str, new: str, now: datetime
) -> sessions.Session:
    actor = require_actor(actor)
    user = await access_user(session, actor, actor.user_id, for_update=True)
    check_password(new, "newPassword", phone=user.phone)
    if new == current:
        raise InvalidInput("新密码不能与当前密码相同", field="newPassword")
    await sessions.refuse_if_locked(session, settings, user.phone, now)
    if not verify_password(user.password_hash, current):
        await sessions.record_failure(session, settings, user.phone, now, user)
        raise InvalidInput("当前密码不正确", field="currentPassword")
    user.password_hash = hash_password(new)
    await sessions.end_other_sessions(session, user.id, now)
    audit.record(session, actor, county_id=actor.county_id, entity="user", entity_id=user.id, action="change_password")
    return await sessions.start_session(session, settings, user, now=now, method="password_change")
