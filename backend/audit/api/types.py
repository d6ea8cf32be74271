"""The security log's GraphQL types."""

from __future__ import annotations

import datetime

import strawberry

from backend.audit.security_events import SecurityEventView
from backend.audit.security_log import Kind

SecurityEventKind = strawberry.enum(
    Kind,
    name="SecurityEventKind",
    description="安全事件类型：登录、登录失败、锁定、退出登录、凭证重复使用、账号新建/启用/停用、设置变更、导出、批量查看",
)


@strawberry.input(description="All given conditions must hold; an empty filter lists everything.")
class SecurityEventFilter:
    kinds: list[SecurityEventKind] | None = None  # type: ignore[valid-type]
    from_: datetime.date | None = strawberry.field(default=None, name="from", description="起始日期（含，北京时间）")
    to: datetime.date | None = strawberry.field(default=None, description="截止日期（含，北京时间）")
    user_id: strawberry.ID | None = strawberry.field(default=None, description="只看此人操作或涉及此人的事件")


@strawberry.type(description="安全审计记录：一次登录、锁定、权限变更、导出或批量查看个人信息。")
class SecurityEvent:
    id: strawberry.ID
    seq: int = strawberry.field(description="在本县安全日志哈希链中的序号")
    at: datetime.datetime
    kind: SecurityEventKind  # type: ignore[valid-type]
    kind_label: str
    actor_user_id: strawberry.ID | None
    actor_name: str | None = strawberry.field(description="操作人（登录失败时不可知：为空）")
    subject_user_id: strawberry.ID | None
    subject_name: str | None = strawberry.field(description="涉及的账号")
    succeeded: bool = strawberry.field(description="结果：成功，或被拒绝（登录失败、锁定、凭证重复使用）")
    summary: str

    @classmethod
    def from_view(cls, view: SecurityEventView) -> SecurityEvent:
        return cls(
            id=strawberry.ID(str(view.id)),
            seq=view.seq,
            at=view.at,
            kind=view.kind,
            kind_label=view.kind_label,
            actor_user_id=strawberry.ID(str(view.actor_user_id)) if view.actor_user_id else None,
            actor_name=view.actor_name,
            subject_user_id=strawberry.ID(str(view.subject_user_id)) if view.subject_user_id else None,
            subject_name=view.subject_name,
            succeeded=view.succeeded,
            summary=view.summary,
        )
