"""Reading the security log (安全审计): a county user reads its county's SECURITY chain, newest
first, filtered by kind, date range (China time) and person; the screen pages it, the sheet
exports it. Each event is shown with its time, its kind (Chinese label), who acted, whom it
concerns, its outcome and a one-line summary of its detail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.common import SHANGHAI
from backend.audit.models import SECURITY, AuditEvent
from backend.audit.security_log import EXPORTS, FAILURES, LABELS, LISTINGS, SCOPE_LABELS, Kind
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.core.pagination import Page, encode_cursor, paginate
from backend.org.access import require_role
from backend.org.models import Role, User

MAX_RANGE_DAYS = 366
ROLE_LABELS = {"county": "县级", "township": "乡镇", "village": "第一书记", "member": "村干部"}


@dataclass(frozen=True)
class EventFilter:
    kinds: frozenset[Kind] = frozenset()
    since: date | None = None
    until: date | None = None  # inclusive
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.since and self.until:
            if self.until < self.since:
                raise InvalidInput("结束日期不能早于开始日期", field="to")
            if (self.until - self.since).days > MAX_RANGE_DAYS:
                raise InvalidInput(f"日期范围不能超过 {MAX_RANGE_DAYS} 天", field="from")

    def where(self, county_id: int) -> ColumnElement[bool]:
        conditions = [AuditEvent.county_id == county_id, AuditEvent.chain == SECURITY]
        if self.kinds:
            conditions.append(AuditEvent.action.in_(sorted(self.kinds)))
        if self.since:
            conditions.append(AuditEvent.at >= _day_start(self.since))
        if self.until:
            conditions.append(AuditEvent.at < _day_start(self.until + timedelta(days=1)))
        if self.user_id:
            conditions.append(or_(AuditEvent.actor_user_id == self.user_id, AuditEvent.entity_id == str(self.user_id)))
        return and_(*conditions)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def parse_kinds(values: Sequence[str]) -> frozenset[Kind]:
    try:
        return frozenset(Kind(value) for value in values)
    except ValueError as exc:
        raise InvalidInput("事件类型不正确", field="kinds") from exc


def parse_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("日期格式应为 2026-01-31", field=field) from exc


@dataclass(frozen=True)
class SecurityEventView:
    id: int
    seq: int
    at: datetime
    kind: Kind
    actor_user_id: int | None
    actor_name: str | None
    subject_user_id: int | None
    subject_name: str | None
    succeeded: bool
    summary: str

    @property
    def kind_label(self) -> str:
        return LABELS[self.kind]

    @property
    def outcome_label(self) -> str:
        return "成功" if self.succeeded else "失败"


def _scope_text(scope: dict[str, Any]) -> str:
    parts = []
    for key, value in scope.items():
        if key not in SCOPE_LABELS:
            continue
        shown = "是" if value is True else "、".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{SCOPE_LABELS[key]}：{shown}")
    return "，".join(parts)


def _until_text(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


_LOGIN_METHODS = {
    "password": "手机号和密码登录",
    "password_totp": "手机号、密码和动态验证码登录",
    "identity_platform": "政务统一身份认证登录",
    "password_change": "修改密码后在本设备继续登录",
}


def summary(kind: Kind, detail: dict[str, Any]) -> str:
    """One line of Chinese, from the detail (which never holds a full phone number)."""
    phone = detail.get("phone", "")
    scope = _scope_text(detail.get("scope") or {})
    scoped = f"（{scope}）" if scope else ""
    match kind:
        case Kind.LOGIN:
            return _LOGIN_METHODS.get(str(detail.get("method")), "登录")
        case Kind.LOGIN_FAILED:
            if detail.get("step") == "second_factor":
                return f"手机号 {phone} 动态验证码或恢复码错误"
            return f"手机号 {phone} 密码错误或账号不存在"
        case Kind.LOCKED:
            return f"手机号 {phone} 连续登录失败，锁定至 {_until_text(str(detail.get('until', '')))}"
        case Kind.LOGOUT:
            return "退出登录"
        case Kind.TOKEN_REUSED:
            return "已使用过的登录凭证再次出现，该账号的会话已全部强制下线"
        case Kind.ACCOUNT_CREATED | Kind.ACCOUNT_ENABLED | Kind.ACCOUNT_DISABLED:
            role = ROLE_LABELS.get(str(detail.get("role")), "")
            return f"{detail.get('name', '')}（{role}账号）"
        case Kind.SETTINGS_CHANGED:
            return f"变更了 {len(detail.get('changed') or [])} 项县级规则设置"
        case Kind.EXPORT:
            rows = f"，共 {detail['rows']} 行" if "rows" in detail else ""
            return f"{EXPORTS.get(detail.get('export', ''), '导出')}{scoped}{rows}"
        case Kind.BULK_READ:
            page = "，翻页" if (detail.get("page") or {}).get("after") else ""
            return f"{LISTINGS.get(detail.get('listing', ''), '列表')}{scoped}{page}，返回 {detail.get('rows', 0)} 条"
    return ""


async def _views(session: AsyncSession, events: Sequence[AuditEvent]) -> list[SecurityEventView]:
    """The page's events with the names of the people in them: one query for all the names."""
    subjects = {event.id: int(event.entity_id) if event.entity_id.isdigit() else 0 for event in events}
    ids = {event.actor_user_id for event in events if event.actor_user_id} | {i for i in subjects.values() if i}
    names = (
        dict((await session.execute(select(User.id, User.name).where(User.id.in_(ids)))).tuples().all()) if ids else {}
    )
    views = []
    for event in events:
        kind = Kind(event.action)
        subject = subjects[event.id] or None
        views.append(
            SecurityEventView(
                id=event.id,
                seq=event.seq,
                at=event.at,
                kind=kind,
                actor_user_id=event.actor_user_id,
                actor_name=names.get(event.actor_user_id) if event.actor_user_id else None,
                subject_user_id=subject,
                subject_name=names.get(subject) if subject else None,
                succeeded=kind not in FAILURES,
                summary=summary(kind, event.detail),
            )
        )
    return views


def _query(actor: Actor, flt: EventFilter) -> Select[tuple[AuditEvent]]:
    return select(AuditEvent).where(flt.where(actor.county_id))


async def list_security_events(
    session: AsyncSession, actor: Actor | None, flt: EventFilter, *, first: int | None, after: str | None
) -> Page[SecurityEventView]:
    """County users only: their county's security log, newest first."""
    actor = require_role(actor, Role.COUNTY)
    page = await paginate(session, _query(actor, flt), (AuditEvent.seq,), first=first, after=after, descending=True)
    views = await _views(session, page.items)
    return Page(items=views, cursors=[encode_cursor([v.seq]) for v in views], has_next=page.has_next, total=page.total)


async def security_event_chunks(
    session: AsyncSession, actor: Actor, flt: EventFilter, *, chunk_rows: int = 1000
) -> AsyncIterator[list[SecurityEventView]]:
    """Every matching event, newest first, in keyset chunks (for the sheet)."""
    actor = require_role(actor, Role.COUNTY)
    last: int | None = None
    while True:
        query = _query(actor, flt).order_by(AuditEvent.seq.desc()).limit(chunk_rows)
        if last is not None:
            query = query.where(AuditEvent.seq < last)
        batch = (await session.scalars(query)).all()
        if not batch:
            return
        yield await _views(session, batch)
        if len(batch) < chunk_rows:
            return
        last = batch[-1].seq
