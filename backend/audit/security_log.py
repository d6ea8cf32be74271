"""The security log (安全审计, 等级保护 2.0 level 2): who logged in or failed to, who was locked
out, whose account or rights changed, who exported what and who read personal data in bulk.

One place writes it: every event is an audit event of entity "security" (so it joins the
county's SECURITY chain, `backend.audit.models`), `action` = its Kind, `entity_id` = the account
it concerns ("0" when none matches), the acting user as `actor_user_id`, and a small `detail`.
A phone number is never written in full (`mask_phone`).

A failed login for a phone that matches no account belongs to no county: it goes to the
deployment's own chain, county 0, which no county's screen shows (the operator reads it with
`verify-audit` and the database). It is still a security event (password spraying, account
enumeration), so it is recorded rather than only counted; the login rate limit bounds how fast
anyone can append to it.

The functions only add to the session; the caller's transaction commits them (a read-only
resolver commits its read session after recording)."""

from __future__ import annotations

import enum
import re
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail
from backend.audit.models import SECURITY_ENTITY
from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.privacy import mask_phone
from backend.org.models import OrgUnit, User

T = TypeVar("T")

DEPLOYMENT_COUNTY = 0  # the chain of events that belong to no county


class Kind(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOCKED = "locked"
    LOGOUT = "logout"
    TOKEN_REUSED = "token_reused"
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_ENABLED = "account_enabled"
    ACCOUNT_DISABLED = "account_disabled"
    SETTINGS_CHANGED = "settings_changed"
    EXPORT = "export"
    BULK_READ = "bulk_read"


LABELS: dict[Kind, str] = {
    Kind.LOGIN: "登录",
    Kind.LOGIN_FAILED: "登录失败",
    Kind.LOCKED: "锁定",
    Kind.LOGOUT: "退出登录",
    Kind.TOKEN_REUSED: "登录凭证被重复使用",
    Kind.ACCOUNT_CREATED: "新建账号",
    Kind.ACCOUNT_ENABLED: "启用账号",
    Kind.ACCOUNT_DISABLED: "停用账号",
    Kind.SETTINGS_CHANGED: "设置变更",
    Kind.EXPORT: "导出",
    Kind.BULK_READ: "批量查看",
}
# The outcome 等级保护 asks every record to carry: these kinds are refusals.
FAILURES = frozenset({Kind.LOGIN_FAILED, Kind.LOCKED, Kind.TOKEN_REUSED})

# What each export and each bulk read is called on the screen and in the sheet.
EXPORTS: dict[str, str] = {
    "attendance": "驻村考勤补贴表",
    "ranking": "考评排名定档表",
    "assessment": "目标考评汇总表",
    "import_template": "批量导入模板",
    "complaints": "投诉建议台账",
    "one_table": "一张表（Excel）",
    "one_table_api": "一张表（数据接口）",
    "my_personal_data": "本人个人信息副本",
    "security_events": "安全审计记录",
}
LISTINGS: dict[str, str] = {
    "users": "账号列表",
    "secretaries": "第一书记名册",
    "households": "农户名册",
    "poll_roster": "测评选民名册",
    "complaints": "投诉建议列表（含联系电话）",
    "attendance_summary": "驻村天数统计表",
    "day_declarations": "驻村天数申报",
}
# Chinese names of the scope keys, for the summary line.
SCOPE_LABELS: dict[str, str] = {
    "scope": "范围",
    "townshipId": "乡镇编号",
    "villageId": "村编号",
    "orgUnitId": "组织编号",
    "pollId": "测评编号",
    "month": "月份",
    "period": "年度",
    "year": "年度",
    "groupKey": "分组",
    "snapshotId": "发布版本",
    "role": "角色",
    "state": "状态",
    "search": "搜索",
    "pendingOnly": "仅待确认",
    "from": "起",
    "to": "止",
    "kinds": "类型",
    "userId": "人员编号",
}


_DIGIT_RUN = re.compile(r"\d{7,}")


def _redact(value: Any) -> Any:
    """A search term may be a phone number (the accounts list searches by phone prefix)."""
    return _DIGIT_RUN.sub(lambda m: mask_phone(m.group()), value) if isinstance(value, str) else value


def _clean(scope: dict[str, Any]) -> dict[str, Any]:
    return {key: _redact(value) for key, value in scope.items() if value is not None and value != ""}


def record_security_event(
    session: AsyncSession,
    *,
    county_id: int,
    kind: Kind,
    actor_user_id: int | None,
    subject_user_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    trail.record(
        session,
        None,
        actor_user_id=actor_user_id,
        county_id=county_id,
        entity=SECURITY_ENTITY,
        entity_id=subject_user_id or 0,
        action=kind.value,
        detail=detail,
    )


async def _record_read(sessions: SessionFactory, actor: Actor, kind: Kind, detail: dict[str, Any]) -> None:
    """An export or a bulk read, by the actor about themselves. Both are reads: the record is
    written in a write transaction of its own (`sessions.begin()`, SQLite's writers' turn), never by
    the session that read — on SQLite a transaction that read cannot write once another writer went
    first ("database is locked": two lists in one GraphQL request, two exports at once)."""
    async with sessions.begin() as session:
        record_security_event(
            session,
            county_id=actor.county_id,
            kind=kind,
            actor_user_id=actor.user_id,
            subject_user_id=actor.user_id,
            detail=detail,
        )


async def record_export(
    sessions: SessionFactory, actor: Actor, *, export: str, scope: dict[str, Any], rows: int | None = None
) -> None:
    """One export: which (a key of EXPORTS), for what scope (the request's parameters), how many rows."""
    assert export in EXPORTS, export
    detail: dict[str, Any] = {"export": export, "scope": _clean(scope)}
    if rows is not None:
        detail["rows"] = rows
    await _record_read(sessions, actor, Kind.EXPORT, detail)


async def record_bulk_read(
    sessions: SessionFactory,
    actor: Actor | None,
    *,
    listing: str,
    scope: dict[str, Any],
    rows: int,
    first: int | None = None,
    after: str | None = None,
) -> None:
    """One request for a list of people's personal data (not one event per row): the list, its
    filters, the page asked for and how many rows it returned."""
    assert listing in LISTINGS, listing
    if actor is None:  # the list itself refused an anonymous caller; nothing was read
        return
    page = _clean({"first": first, "after": after})
    detail: dict[str, Any] = {"listing": listing, "scope": _clean(scope), "rows": rows}
    if page:
        detail["page"] = page
    await _record_read(sessions, actor, Kind.BULK_READ, detail)


class RowCounter:
    """Counts the rows an export streams through it (no extra query)."""

    def __init__(self) -> None:
        self.rows = 0

    async def through(self, chunks: AsyncIterable[Sequence[T]]) -> AsyncIterator[Sequence[T]]:
        async for chunk in chunks:
            self.rows += len(chunk)
            yield chunk


# --- logins and accounts ---------------------------------------------------------------------


async def _county_of(session: AsyncSession, org_unit_id: int) -> int:
    unit = await session.get(OrgUnit, org_unit_id)
    assert unit is not None
    return unit.county_id or unit.id


# How a session was started: a password (no second factor), a password and the authenticator (or a
# recovery code), the province's identity platform, or a password change on this device.
LoginMethod = Literal["password", "password_totp", "identity_platform", "password_change"]
# Which step of a login failed: the password, or the second factor's code.
LoginStep = Literal["password", "second_factor"]


async def login_succeeded(session: AsyncSession, user: User, *, method: LoginMethod = "password") -> None:
    record_security_event(
        session,
        county_id=await _county_of(session, user.org_unit_id),
        kind=Kind.LOGIN,
        actor_user_id=user.id,
        subject_user_id=user.id,
        detail={"method": method},
    )


async def login_failed(
    session: AsyncSession,
    phone: str,
    user: User | None,
    *,
    locked_until: datetime | None = None,
    step: LoginStep = "password",
) -> None:
    """A wrong password (or an unknown phone) or second-factor code, or an attempt refused because
    the phone is locked."""
    county_id = DEPLOYMENT_COUNTY if user is None else await _county_of(session, user.org_unit_id)
    detail: dict[str, Any] = {"phone": mask_phone(phone), "step": step}
    if locked_until is not None:
        detail["until"] = locked_until.isoformat(timespec="seconds")
    record_security_event(
        session,
        county_id=county_id,
        kind=Kind.LOCKED if locked_until is not None else Kind.LOGIN_FAILED,
        actor_user_id=None,  # whoever typed the password is not known
        subject_user_id=user.id if user else None,
        detail=detail,
    )


async def locked_out(session: AsyncSession, phone: str, until: datetime) -> None:
    user = (await session.execute(select(User).where(User.phone == phone))).scalar_one_or_none()
    await login_failed(session, phone, user, locked_until=until)


async def _for_user(session: AsyncSession, user_id: int, kind: Kind, detail: dict[str, Any]) -> None:
    user = await session.get(User, user_id)
    if user is None:
        return
    record_security_event(
        session,
        county_id=await _county_of(session, user.org_unit_id),
        kind=kind,
        actor_user_id=user.id,
        subject_user_id=user.id,
        detail=detail,
    )


async def logged_out(session: AsyncSession, user_id: int) -> None:
    await _for_user(session, user_id, Kind.LOGOUT, {})


async def token_reused(session: AsyncSession, user_id: int) -> None:
    """A spent refresh token came back: its whole family was revoked (a stolen token, or a replay)."""
    await _for_user(session, user_id, Kind.TOKEN_REUSED, {"revoked": "family"})


def account_changed(session: AsyncSession, actor: Actor, user: User, kind: Kind) -> None:
    """An account created, enabled or disabled by a county or township administrator."""
    record_security_event(
        session,
        county_id=actor.county_id,
        kind=kind,
        actor_user_id=actor.user_id,
        subject_user_id=user.id,
        detail={"name": user.name, "role": user.role.value, "orgUnitId": user.org_unit_id},
    )


def settings_changed(session: AsyncSession, actor: Actor, changed: dict[str, Any]) -> None:
    """A county rule changed (the business trail keeps the full record for good; the security log
    lists it with the other permission changes)."""
    record_security_event(
        session,
        county_id=actor.county_id,
        kind=Kind.SETTINGS_CHANGED,
        actor_user_id=actor.user_id,
        subject_user_id=actor.user_id,
        detail={"changed": sorted(changed)},
    )
