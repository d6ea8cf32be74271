"""The default rubric: the Jiaozhou rules of DOMAIN.md section 5, as data.

60 + 40 base points, so a secretary with every BASE item done and nothing else scores 100. A county
starts from these items and edits its own versions (versions.py); docs/ASSESSMENT.md lists them.
"""

from __future__ import annotations

from backend.assessment.rubric.formula import ItemKind
from backend.assessment.rubric.items import EvidenceKey, Part, RubricItem

_Entry = tuple[str, str, ItemKind, int, int, int | None, str, EvidenceKey | None]  # an item of a group


def _base(
    key: str,
    label: str,
    points: int,
    per: int,
    unit: str,
    *,
    cap: int | None = None,
    evidence: EvidenceKey | None = None,
) -> _Entry:
    return (key, label, ItemKind.BASE, points * 100, per * 100, None if cap is None else cap * 100, unit, evidence)


def _bonus(
    key: str, label: str, per: int, unit: str, *, cap: int | None = None, evidence: EvidenceKey | None = None
) -> _Entry:
    return (key, label, ItemKind.BONUS, 0, per * 100, None if cap is None else cap * 100, unit, evidence)


def _deduction(
    key: str, label: str, per: int, unit: str, *, cap: int | None = None, evidence: EvidenceKey | None = None
) -> _Entry:
    return (key, label, ItemKind.DEDUCTION, 0, -per * 100, None if cap is None else cap * 100, unit, evidence)


_NOT_DONE = "未完成"  # the unit of "10; else −10" items: one occurrence = not done

_DEFAULT: list[tuple[Part, str, str, list[_Entry]]] = [
    (
        Part.BASIC,
        "team_building",
        "班子建设",
        [
            _base("team_building.study", "组织学习干部作风纪律规定（未组织学习扣5分）", 10, -5, _NOT_DONE, cap=5),
            _deduction("team_building.unity", "班子团结，存在严重矛盾未解决的视情况扣1–5分", 1, "分", cap=5),
            _base("team_building.training", "年内组织党员干部集中培训一次（未开展扣10分）", 10, -10, _NOT_DONE),
            _bonus("team_building.study_tour", "组织外出考察学习或技能培训（每次加5分）", 5, "次"),
            _bonus(
                "team_building.new_secretary", "为软弱涣散村引进群众认可的新任村党组织书记（加20分）", 20, "人", cap=20
            ),
        ],
    ),
    (
        Part.BASIC,
        "development_plan",
        "发展规划",
        [
            _base("development_plan.income", "制定村集体增收和农民增收发展规划（未制定扣10分）", 10, -10, _NOT_DONE),
            _base("development_plan.annual", "制定具体的年度工作计划（未制定扣5分）", 5, -5, _NOT_DONE),
        ],
    ),
    (
        Part.BASIC,
        "rule_keeping",
        "规范运行",
        [
            _base(
                "rule_keeping.procedure",
                "重大事项按“四议一审两公开”决策、发展党员程序记录完整（每违规一次扣5分）",
                15,
                -5,
                "次",
            ),
            _base("rule_keeping.democracy_day", "每月开展“民主日”活动（每缺一个月扣1分）", 10, -1, "个月"),
            _bonus("rule_keeping.member_review", "建立党员年度评议制度（加3分）", 3, "项", cap=3),
            _bonus("rule_keeping.member_credit", "建立党员信用评级制度（加3分）", 3, "项", cap=3),
        ],
    ),
    (
        Part.BASIC,
        "venue",
        "阵地建设",
        [
            _bonus("venue.equipment", "新购置办公设备（加6分）", 6, "项", cap=6),
            _bonus("venue.investment", "投入村级阵地建设（每1万元加5分）", 5, "万元"),
        ],
    ),
    (
        Part.BASIC,
        "service",
        "便民服务",
        [_bonus("service.agency_point", "设立便民代办服务点（加3分）", 3, "个", cap=3)],
    ),
    (
        Part.DISCIPLINE,
        "research",
        "驻村调研",
        [
            _base(
                "research.diary",
                "坚持记民情日记，每月达到规定篇数（每缺一个月扣1分）",
                4,
                -1,
                "个月",
                evidence=EvidenceKey.DIARY,
            ),
            _base(
                "research.report",
                "每年形成一篇高质量调研报告（未形成扣4分）",
                4,
                -4,
                _NOT_DONE,
                evidence=EvidenceKey.RESEARCH_REPORT,
            ),
        ],
    ),
    (
        Part.DISCIPLINE,
        "meetings",
        "工作例会",
        [
            _base(
                "meetings.committee",
                "按要求召开村工作例会（脱产驻村每周一次、非脱产联村每月一次；每缺一次扣1分）",
                8,
                -1,
                "次",
                evidence=EvidenceKey.COMMITTEE_MEETINGS,
            )
        ],
    ),
    (
        Part.DISCIPLINE,
        "village_meetings",
        "参加村级会议",
        [_base("village_meetings.attendance", "按要求参加村级会议（每缺一次扣2分）", 8, -2, "次")],
    ),
    (
        Part.DISCIPLINE,
        "talks",
        "谈心谈话",
        [
            _base(
                "talks.coverage",
                "与村干部、党员、入党积极分子普遍谈心谈话（每缺一类扣2分）",
                5,
                -2,
                "类",
                evidence=EvidenceKey.TALKS,
            ),
            _base(
                "talks.requests",
                "主动接受党员群众约谈（未做到扣3分）",
                3,
                -3,
                _NOT_DONE,
                evidence=EvidenceKey.TALK_REQUESTS,
            ),
        ],
    ),
    (
        Part.DISCIPLINE,
        "pairing",
        "结对帮扶",
        [
            _base("pairing.paired", "结对帮扶困难户（每少一户扣3分）", 8, -3, "户", evidence=EvidenceKey.PAIRING),
            _deduction(
                "pairing.visited", "走访结对帮扶户（每户未走访扣2分）", 2, "户", evidence=EvidenceKey.PAIRING_VISITS
            ),
            _bonus("pairing.student_aid", "帮助困难学生获得助学（加4分）", 4, "项", cap=4),
            _bonus("pairing.jobs", "帮助困难群众就业（每人加5分）", 5, "人"),
            _bonus("pairing.income_projects", "为结对户引进增收项目（每个加8分）", 8, "个"),
            _bonus("pairing.relief", "帮助申请救助（每次加3分）", 3, "次"),
        ],
    ),
    (
        Part.DISCIPLINE,
        "discipline",
        "纪律要求",
        [
            _deduction("discipline.prohibitions", "违反“六个严禁”（每次扣5分）", 5, "次"),
            _deduction("discipline.prohibitions_serious", "违反“六个严禁”情节严重（每次扣10分）", 10, "次"),
            _deduction("discipline.complaints", "因工作方法不当被群众投诉并查实（每次扣5分）", 5, "次"),
            _deduction(
                "discipline.complaints_serious", "因工作方法不当被群众投诉并查实、情节严重（每次扣10分）", 10, "次"
            ),
        ],
    ),
    (
        Part.RESULTS,
        "funding",
        "争取资金物资",
        [
            _bonus("results.materials", "争取物资、资金用于村级建设（每1万元加5分）", 5, "万元"),
            _bonus("results.policy_funds", "争取政策性资金（每1万元加2分）", 2, "万元"),
        ],
    ),
    (
        Part.RESULTS,
        "projects",
        "引进项目",
        [
            _bonus("results.project_class1", "引进一类工业或农业项目（每个加40分）", 40, "个"),
            _bonus("results.project_class2", "引进二类工业或农业项目（每个加30分）", 30, "个"),
            _bonus("results.project_class3", "引进三类工业或农业项目（每个加20分）", 20, "个"),
            _bonus("results.project_class4", "引进四类工业或农业项目（每个加10分）", 10, "个"),
        ],
    ),
    (
        Part.RESULTS,
        "demo_bases",
        "示范基地",
        [_bonus("results.demo_base", "建立示范基地（每个加10分）", 10, "个")],
    ),
    (
        Part.ORG_UPGRADE,
        "org_class",
        "组织晋位升级",
        [
            _bonus(
                "org_upgrade.gained",
                "村党组织晋升等次（由B、C、D级晋升，每升一级加10分）",
                10,
                "级",
                evidence=EvidenceKey.ORG_GAINED,
            ),
            _deduction(
                "org_upgrade.lost",
                "村党组织降低等次（由A、B、C级下降，每降一级扣10分）",
                10,
                "级",
                evidence=EvidenceKey.ORG_LOST,
            ),
        ],
    ),
]

DEFAULT_ITEMS: tuple[RubricItem, ...] = tuple(
    RubricItem(
        key=key,
        part=part,
        group=group,
        group_label=group_label,
        label=label,
        kind=kind,
        base_centi=base,
        per_centi=per,
        cap_centi=cap,
        unit=unit,
        evidence=evidence,
    )
    for part, group, group_label, entries in _DEFAULT
    for key, label, kind, base, per, cap, unit, evidence in entries
)
