"""Entry points for the command line (`seed-demo`, `up`): open the database, load, commit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from backend.core.db import make_engine, make_session_factory
from backend.core.settings import Settings
from backend.demo.accounts import COUNTY_ADMIN_PHONE, MEMBER_COUNT, member_phone, township_phone
from backend.demo.assessments import seed_demo_assessments
from backend.demo.county import secretary_phone
from backend.demo.living import seed_demo_activity
from backend.demo.loader import DemoSummary, database_is_empty, load_demo
from backend.demo.polls import seed_demo_polls
from backend.polls.scrub import scrub_closed_polls


async def seed_demo_database(
    settings: Settings, *, seed: int = 2026, only_if_empty: bool = True, now: datetime | None = None
) -> DemoSummary | None:
    """Load the demo county, its term of activity up to `now` (default: the present), its polls and
    assessments in one transaction if the database holds no org units yet (or always, with
    only_if_empty=False); returns None (and changes nothing) when skipped. The schema must already
    be migrated."""
    now = now or datetime.now(UTC)
    engine = make_engine(settings)
    try:
        factory = make_session_factory(engine)
        async with factory.begin() as session:
            if only_if_empty and not await database_is_empty(session):
                return None
            summary = await load_demo(session, seed=seed)
            activity = await seed_demo_activity(session, settings, summary.county_id, seed=seed, now=now)
            polls = await seed_demo_polls(session, settings, summary.county_id, seed=seed)
            await seed_demo_assessments(session, summary.county_id, seed=seed, now=now)
        await scrub_closed_polls(factory)  # as closePoll does after its commit
        return replace(summary, activity=activity, polls=polls, public_base_url=settings.public_base_url)
    finally:
        await engine.dispose()


def describe(summary: DemoSummary) -> str:
    """Chinese lines for the terminal; names the logins, never the household data."""
    lines = [
        (
            f"已载入演示县「{summary.county_name}」：{summary.townships} 个镇街、"
            f"{summary.villages} 个村/社区、{summary.secretaries} 名第一书记、"
            f"{summary.households} 户农户、{summary.accounts} 个账号。"
        ),
        f"演示账号密码均为 {summary.password}（仅供演示）：",
        (f"  县委组织部 {COUNTY_ADMIN_PHONE}；镇街 {township_phone(1)}～{township_phone(summary.townships)}；"),
        (
            f"  第一书记 {secretary_phone(1)}～{secretary_phone(summary.secretaries)}；"
            f"党员群众 {member_phone(1)}～{member_phone(MEMBER_COUNT)}"
        ),
    ]
    if summary.activity is not None:
        rows = summary.activity.rows
        lines.append(
            f"履职记录 {rows.get('filings', 0)} 条（照片 {rows.get('media', 0)} 张）、问题台账 {rows.get('problems', 0)} 条、"
            f"打卡 {rows.get('checkins', 0)} 次、点名 {rows.get('roll_calls', 0)} 次。"
        )
    polls = summary.polls
    if polls is not None and polls.issuing_poll_id is not None:
        lines.append(
            f"体验投票：党员 {member_phone(1)} 在测评 {polls.issuing_poll_id} 中领取投票凭证，"
            f"镇街 {township_phone(1)} 开启投票后即可投票。"
        )
    if polls is not None and polls.voting_poll_id is not None and polls.spare_codes:
        base = summary.public_base_url.rstrip("/")
        lines.append(
            f"纸质票体验：在任意手机打开 {base}/vote/{polls.voting_poll_id} ，输入未用票码之一："
            + "、".join(polls.spare_codes)
        )
    return "\n".join(lines)
