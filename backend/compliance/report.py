"""The compliance report: the functions, the personal-information inventory, the components and
the self-assessment of one county's deployment, as data and as the Markdown the dossier carries."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.compliance.components import Component, components
from backend.compliance.functions import FUNCTIONS, Function
from backend.compliance.obligations import Finding, Status, assess
from backend.compliance.personal_info import INVENTORY, PersonalData
from backend.core.settings import Settings
from backend.filings.bodies import KIND_LABELS
from backend.filings.photo_rules import photo_requirements
from backend.org.access import access_org_unit, require_role
from backend.org.county_settings import rules_for
from backend.org.models import OrgKind, OrgUnit, Role
from backend.ranking.visibility import ranking_visibility
from backend.tables import metadata

RULES = "《政务移动互联网应用程序规范化管理办法》（国办函〔2026〕12号）、《个人信息保护法》"


@dataclass(frozen=True)
class ComplianceReport:
    county: str
    generated_at: datetime
    functions: tuple[Function, ...]
    personal_info: tuple[PersonalData, ...]
    components: tuple[Component, ...]
    findings: tuple[Finding, ...]

    @property
    def unmet(self) -> list[Finding]:
        return [f for f in self.findings if f.status in (Status.NOT_MET, Status.PARTIAL)]


async def build_report(session: AsyncSession, settings: Settings, county: OrgUnit, now: datetime) -> ComplianceReport:
    rules = await rules_for(session, county.id)
    photo_rules = [(KIND_LABELS[r.kind], r.reason) for r in await photo_requirements(session, county.id)]
    return ComplianceReport(
        county=county.name,
        generated_at=now,
        functions=FUNCTIONS,
        personal_info=INVENTORY,
        components=tuple(components()),
        findings=tuple(assess(settings, rules, metadata, photo_rules, await ranking_visibility(session, county.id))),
    )


def to_json(report: ComplianceReport) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, Status):
            return value.value
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(asdict(report), default=plain, ensure_ascii=False, indent=2)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows),
    ]


def to_markdown(report: ComplianceReport) -> str:
    counts = {s: sum(1 for f in report.findings if f.status is s) for s in Status}
    lines = [
        f"# 驻村通备案材料与自评估（{report.county}）",
        "",
        f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}。依据：{RULES}。本材料由部署本身生成"
        "（`python -m backend.cli compliance-report`），反映当时的配置和县级设置。",
        "",
        "## 一、自评估",
        "",
        "、".join(f"{s.value} {n} 项" for s, n in counts.items() if n) + "。",
        "",
        *_table(
            ["义务", "结论", "说明", "佐证"],
            [[f.obligation, f.status.value, f.note, "；".join(f.evidence)] for f in report.findings],
        ),
        "",
        "## 二、功能清单",
        "",
        *_table(["功能", "使用者", "采集的数据"], [[f.name, f.users, f.collects] for f in report.functions]),
        "",
        "## 三、个人信息清单",
        "",
        *_table(
            ["数据表", "字段", "涉及谁", "用途", "谁能看到", "保存期限"],
            [[p.table, "、".join(p.fields), p.whose, p.why, p.who_sees, p.kept] for p in report.personal_info],
        ),
        "",
        "## 四、第三方组件",
        "",
        "服务端运行所需（来自 uv.lock）和下发到手机的前端组件（来自 pwa/package-lock.json）；开发和测试工具不在其中。",
        "",
        *_table(
            ["类别", "名称", "版本", "许可证"],
            [
                ["Python" if c.ecosystem == "python" else "前端", c.name, c.version, c.license]
                for c in report.components
            ],
        ),
        "",
    ]
    return "\n".join(lines)


async def county_report(
    session: AsyncSession, settings: Settings, actor: Actor | None, now: datetime
) -> ComplianceReport:
    """The caller's county's report: the county organization department only (it operates the app)."""
    actor = require_role(actor, Role.COUNTY)
    county = await access_org_unit(session, actor, actor.county_id, kind=OrgKind.COUNTY)
    return await build_report(session, settings, county, now)
