"""A county's staff password login (CountyRules.staff_password_login): on by default; turned off,
county and township accounts log in only through the province's identity platform (the refusal
itself is in backend/auth/sessions.py). Turning it off is refused while no platform is configured,
so a county cannot lock its own staff out; every change is audited (update_rules)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import InvalidState
from backend.core.settings import Settings
from backend.org.access import require_role
from backend.org.county_settings import rules_for, update_rules
from backend.org.models import Role


async def staff_password_login(session: AsyncSession, actor: Actor | None) -> bool:
    actor = require_role(actor, Role.COUNTY)
    return bool((await rules_for(session, actor.county_id)).staff_password_login)


async def set_staff_password_login(
    session: AsyncSession, actor: Actor | None, settings: Settings, enabled: bool
) -> bool:
    actor = require_role(actor, Role.COUNTY)
    if not enabled and not settings.oidc_enabled:
        raise InvalidState("未配置统一身份认证平台，不能关闭工作人员密码登录", field="enabled")
    # audited by update_rules as a change of the county's settings (before → after)
    await update_rules(session, actor, {"staff_password_login": int(enabled)}, decided=True)
    return enabled
