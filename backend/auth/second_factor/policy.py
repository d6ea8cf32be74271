"""Who must have a second factor, and the one rule of the county setting `totp_required_for_county`.

Its default is the deployment's, not a constant: 1 with APP_ENV=production, 0 otherwise. A county
that saved a value (0 or 1) keeps it; one that never did follows the deployment. That is why the key
is one of county_settings.DEPLOYMENT_DEFAULTED (kept in the saved overrides even when it equals the
constant default) and is read here, never from CountyRules' static default."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.settings import Settings
from backend.org.models import CountySettings, Role

KEY = "totp_required_for_county"
# The accounts that can change everyone's data may enrol; secretaries and members do not.
ENROLLING_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP})


def effective(settings: Settings, saved: dict[str, object] | None) -> bool:
    value = (saved or {}).get(KEY)
    return bool(value) if isinstance(value, int) else settings.is_production


async def totp_required_for_county(session: AsyncSession, settings: Settings, county_id: int) -> bool:
    row = await session.get(CountySettings, county_id)
    return effective(settings, row.values if row else None)


def may_enrol(role: Role) -> bool:
    return role in ENROLLING_ROLES
