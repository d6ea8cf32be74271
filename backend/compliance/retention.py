"""Retention (限期保存): the rules the personal-information inventory states, and the one command
that enforces them (`python -m backend.cli retention`, run daily; `prune-public-data` is its old
name and runs the same).

Each rule names the inventory's table and what happens to it. Only what the inventory promises to
delete is deleted; what it keeps (positions on filings and check-ins: for the term and the archive
period of the cadre-file rules, which this product does not decide) is kept, and said so here, so
the command and the inventory's `kept` texts cannot silently disagree (tests/compliance/test_retention.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.prune import prune_security_log
from backend.complaints.service import forget_complaint_phones
from backend.media.prune import prune_unattached_public_photos
from backend.media.resumable import prune_partial_uploads
from backend.media.storage import MediaStorage
from backend.problems.public_reports import CONTACT_KEEP_DAYS, forget_contact_phones


@dataclass(frozen=True)
class Rule:
    table: str
    what: str
    action: str  # "delete" (the command erases it) or "keep" (kept as the inventory states)
    kept_says: str  # a phrase the inventory's `kept` text for the table contains


RULES: tuple[Rule, ...] = (
    Rule("problems", f"回电号码：问题办结 {CONTACT_KEEP_DAYS} 天后删除", "delete", "每日清理任务删除"),
    Rule("complaints", f"回电号码：答复 {CONTACT_KEEP_DAYS} 天后删除", "delete", "每日清理任务删除"),
    Rule("media", "不登录上传、一天内未随问题反映提交的照片：删除（记录和文件）", "delete", "每日清理任务定期删除"),
    Rule("partial_uploads", "未传完、一天没有续传的照片上传：删除", "delete", "每日清理任务删除"),
    Rule("partial_upload_parts", "未传完、一天没有续传的照片上传的已收部分：删除", "delete", "每日清理任务删除"),
    Rule(
        "audit_events",
        "安全日志（登录、锁定、账号与设置变更、导出、批量查看）：超过县设置的保存期限（不少于 183 天）后删除，"
        "删除前写入锚点；业务留痕不删除",
        "delete",
        "期满由每日清理任务删除",
    ),
    Rule("filings", "填报时的位置：随履职记录在任期内及考核归档期保存，不单独删除", "keep", "任期内及考核归档期"),
    Rule("checkins", "“我在村”签到位置：随考勤记录在任期内及考核归档期保存，不单独删除", "keep", "任期内及考核归档期"),
)


@dataclass(frozen=True)
class Pruned:
    problem_phones: int
    complaint_phones: int
    photos: int
    security_events: int = 0
    partial_uploads: int = 0


async def apply_retention(session: AsyncSession, storage: MediaStorage, now: datetime | None = None) -> Pruned:
    """Every "delete" rule of RULES, in one transaction of the caller's."""
    return Pruned(
        problem_phones=await forget_contact_phones(session, now),
        complaint_phones=await forget_complaint_phones(session, now),
        photos=await prune_unattached_public_photos(session, storage, now),
        security_events=sum(chain.events for chain in await prune_security_log(session, now)),
        partial_uploads=await prune_partial_uploads(session, now),
    )
