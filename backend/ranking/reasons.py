"""Stable reason codes on ranking rows and their Chinese wording.

Not rankable (listed after the ranked rows, outside the quota count):
- `no_poll`: no satisfaction poll for the period.
- `poll_not_closed`: the poll is still being prepared or voted on.
- `turnout_low`: fewer than 2/3 of the roster voted, so the poll is invalid.
- `suppressed`: a valid poll with fewer than 5 ballots. The tally suppresses the satisfaction
  figure (it would tell who voted what), so there is no satisfaction to multiply by: the
  secretary is not rankable rather than ranked on a number nobody may see.
- `not_assessed`: no target assessment for the period.

Overrides (DOMAIN.md section 6):
- `disqualified` (1) → 不称职, with the recorded event's reason;
- `satisfaction_incompetent` / `satisfaction_basic` (2) → 不称职 / 基本称职, quoting the line
  that applied: the poll's tier and the county's lines are frozen together when the poll closes,
  so a county that moves its lines later changes neither the tier nor the line its reason quotes;
- `barred_core_score` / `barred_org_lost` (3) → may not be excellent.
"""

from __future__ import annotations

NOT_RANKABLE = {
    "no_poll": "未开展本年度群众满意度测评，不参与排名",
    "poll_not_closed": "满意度测评尚未结束，不参与排名",
    "turnout_low": "参评人数不足应参评人数的三分之二，测评无效，不参与排名",
    "suppressed": "有效票少于 5 张，满意度不予公布，不参与排名",
    "not_assessed": "尚未进行目标考评，不参与排名",
}

BARRED_CORE = "基本工作目标与工作规范纪律得分合计低于 80 分，不得评为优秀"
BARRED_ORG = "村党组织较上一年度降档，不得评为优秀"


def _below(pct: int | None) -> str:
    # A closed poll always carries its frozen lines (migration 0007 backfilled the older ones);
    # never fall back to the county's current lines, which may not be the ones that applied.
    return f"{pct}%" if pct is not None else "测评结束时的定档线"


def reason_text(
    code: str | None,
    *,
    tier_below_pct: int | None = None,
    disqualification: str | None = None,
    org_lost: bool = False,
) -> str | None:
    """The Chinese reason for a live row's code (snapshots keep the text they were published with).
    `tier_below_pct`: the satisfaction line that fixed the tier, as frozen on the poll at close."""
    if code is None:
        return None
    if code in NOT_RANKABLE:
        return NOT_RANKABLE[code]
    match code:
        case "disqualified":
            return f"一票否决，定为不称职：{disqualification or ''}"
        case "satisfaction_incompetent":
            return f"群众满意度低于 {_below(tier_below_pct)}，定为不称职"
        case "satisfaction_basic":
            return f"群众满意度低于 {_below(tier_below_pct)}，定为基本称职"
        case "barred_core_score":
            return BARRED_CORE + ("；" + BARRED_ORG if org_lost else "")
        case "barred_org_lost":
            return BARRED_ORG
    raise ValueError(f"unknown ranking reason code {code!r}")
