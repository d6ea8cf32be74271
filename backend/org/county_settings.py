"""County rules: every number DOMAIN.md marks *(setting)*, with the defaults it gives. The duty
checklist's thresholds (visits %, diaries a month, …) are not settings: they are items of the
county's checklist (backend/duties/checklist/), versioned per term."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import security_log
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import require_role
from backend.org.models import CountySettings, Role


@dataclass(frozen=True)
class CountyRules:
    geofence_radius_m: int = 2000
    roll_call_minutes: int = 60
    roll_calls_per_month: int = 2  # per secretary, a calendar month (国办函〔2026〕12号: spot checks only)
    allowance_yuan_per_day: int = 40
    problem_resolution_age_days: int = 30
    pairing_households_required: int = 2
    satisfaction_incompetent_below_pct: int = 60
    satisfaction_basic_below_pct: int = 70
    excellent_quota_pct: int = 30
    good_quota_pct: int = 30
    # 晾晒: do townships see the county's ranking? 0 = no (the default), 1 = yes. Changed only by
    # backend/ranking/visibility.py with a recorded decision (a reason, audited), never by update_rules.
    townships_see_ranking: int = 0
    # May county and township accounts log in with a password? 1 = yes (the default), 0 = only through
    # the province's identity platform (统一身份认证). Changed only by backend/identity/password_policy.py,
    # which refuses 0 while no platform is configured.
    staff_password_login: int = 1
    # Must county accounts log in with a second factor (TOTP)? 0 = no, 1 = yes. Unsaved, the
    # deployment decides (1 in production): read it only through backend/auth/second_factor/policy.py.
    # Changed only by its own mutation (setTotpRequiredForCounty), never by update_rules.
    totp_required_for_county: int = 0
    # 安全审计: days the security log (logins, exports, bulk reads...) is kept before the daily
    # retention task prunes it; never below SECURITY_LOG_MIN_DAYS (《网络安全法》第二十一条: six months).
    security_log_retention_days: int = 365

    def with_values(self, values: dict[str, Any]) -> CountyRules:
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise InvalidInput(f"未知的设置项：{', '.join(sorted(unknown))}", field="values")
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 1_000_000:
                raise InvalidInput(f"设置项 {name} 须为非负整数", field=name)
        return replace(self, **values)


DEFAULT_RULES = CountyRules()

SECURITY_LOG_MIN_DAYS = 183  # the database's DELETE trigger holds the same floor (migration 0016)

# Bounds beyond "a non-negative integer" (which CountyRules itself enforces).
_BOUNDS: dict[str, tuple[int, int]] = {
    "geofence_radius_m": (50, 50_000),
    "roll_call_minutes": (5, 24 * 60),
    "roll_calls_per_month": (0, 4),
    "allowance_yuan_per_day": (0, 10_000),
    "problem_resolution_age_days": (1, 365),
    "townships_see_ranking": (0, 1),
    "staff_password_login": (0, 1),
    "totp_required_for_county": (0, 1),
    "security_log_retention_days": (SECURITY_LOG_MIN_DAYS, 3650),
}
# Keys update_rules refuses: they change only through their own door (a decision with a reason, a
# check of the deployment), each with what to do instead.
DECIDED_KEYS = {
    "townships_see_ranking": "镇街可见排名须经决定并填写依据后单独设置",
    "staff_password_login": "工作人员密码登录须在统一身份认证设置中单独开关",
    "totp_required_for_county": "县级账号是否必须启用动态验证码须在“账号安全”中单独设置",
}
# Keys whose default is the deployment's (see their reader): once a county sets one it stays in the
# saved overrides, even when it equals CountyRules' constant default.
DEPLOYMENT_DEFAULTED = {"totp_required_for_county"}
_PERCENT = {
    "satisfaction_incompetent_below_pct",
    "satisfaction_basic_below_pct",
    "excellent_quota_pct",
    "good_quota_pct",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _check_bounds(values: dict[str, Any]) -> None:
    kept = values.get("security_log_retention_days")
    if isinstance(kept, int) and kept < SECURITY_LOG_MIN_DAYS:
        raise InvalidInput(
            f"安全日志至少保存 {SECURITY_LOG_MIN_DAYS} 天（六个月，《网络安全法》第二十一条），不能设为 {kept} 天",
            field="securityLogRetentionDays",
        )
    for name, value in values.items():
        low, high = _BOUNDS.get(name, (0, 100) if name in _PERCENT else (0, 1000))
        if isinstance(value, int) and not low <= value <= high:
            raise InvalidInput(f"设置项取值应在 {low} 到 {high} 之间", field=_camel(name))


def _check_consistency(rules: CountyRules) -> None:
    if rules.satisfaction_incompetent_below_pct > rules.satisfaction_basic_below_pct:
        raise InvalidInput("不称职档满意度线不能高于基本称职档", field="satisfactionIncompetentBelowPct")
    if rules.excellent_quota_pct + rules.good_quota_pct > 100:
        raise InvalidInput("优秀与良好比例之和不能超过 100%", field="excellentQuotaPct")


async def rules_for(session: AsyncSession, county_id: int) -> CountyRules:
    row = await session.get(CountySettings, county_id)
    return DEFAULT_RULES.with_values(row.values) if row else DEFAULT_RULES


async def update_rules(
    session: AsyncSession, actor: Actor | None, values: dict[str, Any], *, decided: bool = False
) -> CountyRules:
    """County only; checked, saved as overrides of the defaults, and audited with what changed.

    The DECIDED_KEYS are refused unless `decided` (their own door recorded the decision's reason)."""
    actor = require_role(actor, Role.COUNTY)
    refused = sorted(DECIDED_KEYS.keys() & set(values))
    if not decided and refused:
        raise InvalidInput(DECIDED_KEYS[refused[0]], field="reason")
    before = await rules_for(session, actor.county_id)
    rules = before.with_values(values)
    _check_bounds(values)
    _check_consistency(rules)
    row = await session.get(CountySettings, actor.county_id)
    kept = (set(values) | set(row.values if row else {})) & DEPLOYMENT_DEFAULTED
    overrides = {k: v for k, v in asdict(rules).items() if getattr(DEFAULT_RULES, k) != v or k in kept}
    if row is None:
        session.add(CountySettings(county_id=actor.county_id, values=overrides, updated_by=actor.user_id))
    else:
        row.values = overrides
        row.updated_by = actor.user_id
    changed = {k: [v, getattr(rules, k)] for k, v in asdict(before).items() if getattr(rules, k) != v}
    if changed:
        audit.record(
            session,
            actor,
            county_id=actor.county_id,
            entity="county_settings",
            entity_id=actor.county_id,
            action="update",
            detail={"changed": changed},
        )
        security_log.settings_changed(session, actor, changed)
    await session.flush()
    return rules
