"""The self-assessment (自评估表): each obligation of 国办函〔2026〕12号 and the personal-information law,
the setting, screen or test that shows it is met — or, honestly, that it is not.

Checks read the deployment as configured (settings, the county's rules) and the schema itself,
so a county whose settings break an obligation sees "未满足" here, not a promise.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import MetaData

from backend.attendance.stationed import work_evidence_counts_without_check_in
from backend.core.settings import Settings
from backend.org.county_settings import CountyRules
from backend.ranking.visibility import Visibility


class Status(enum.Enum):
    MET = "已满足"
    PARTIAL = "部分满足"
    NOT_MET = "未满足"
    OPERATOR = "由运营单位落实"


@dataclass(frozen=True)
class Finding:
    key: str
    obligation: str
    status: Status
    note: str
    evidence: tuple[str, ...]


# Column names that would mean the product measures its users' usage (logins, online time, views).
USAGE_TELEMETRY_WORDS: tuple[str, ...] = (
    "last_login",
    "login_count",
    "logins",
    "online",
    "session_seconds",
    "active_seconds",
    "page_view",
    "pageview",
    "view_count",
    "study_minutes",
    "study_time",
    "like_count",
    "likes",
    "share_count",
    "usage",
    "jifen",  # 积分
    "install",
)

LONGEST_FORCED_LOGIN_DAYS = 7  # a session shorter than this would make staff log in again and again


def usage_telemetry_columns(metadata: MetaData) -> list[str]:
    """Every `table.column` whose name says it counts usage; the product has none."""
    return sorted(
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if any(word in column.name for word in USAGE_TELEMETRY_WORDS)
    )


MAX_ROLL_CALLS_PER_MONTH = 4  # a spot check, not a routine: the county setting's upper bound


def assess(
    settings: Settings,
    rules: CountyRules,
    metadata: MetaData,
    photo_rules: Sequence[tuple[str, str]] = (),
    ranking: Visibility | None = None,
) -> list[Finding]:
    """`photo_rules`: the county's (kind label, reason) decisions that a kind must carry a photo;
    `ranking`: the county's recorded decision whether townships see the ranking (None: none read)."""
    return list(_findings(settings, rules, metadata, photo_rules, ranking))


def _ranking_visibility(rules: CountyRules, ranking: Visibility | None) -> Finding:
    opened = rules.townships_see_ranking == 1
    decided = ranking is not None and bool(ranking.reason)
    if ranking is not None and ranking.reason:
        when = f"，{ranking.decided_at:%Y-%m-%d}" if ranking.decided_at else ""
        decision = f"县里的决定：“{ranking.reason}”（{ranking.decided_by or '县委组织部'}{when}记录）。"
    else:
        decision = "县里未作过决定，按默认不向镇街公开。"
    return Finding(
        "ranking_visibility",
        "排名是考核结果不是使用排行；是否向镇街晾晒由县里决定并留痕",
        Status.NOT_MET if opened and not decided else Status.MET,
        (
            "镇街目前可以看全县排名和已发布的排名（晾晒）。"
            if opened
            else "镇街目前看不到排名（不晾晒），只有县委组织部看全县排名，第一书记只看本人一行。"
        )
        + decision
        + "排名只由县里的考核规则得出（目标考核得分×群众满意度，分组定档），不计登录、在线时长和点赞；"
        "开放或关闭都须填写决定依据，连同决定人、时间记入审计日志。"
        + ("" if decided or not opened else "当前已开放却查不到决定记录：须由县里重新作出并记录决定。"),
        (
            "backend/ranking/access.py",
            "backend/ranking/visibility.py",
            "tests/ranking/test_visibility.py",
            "docs/ASSESSMENT.md",
            "县委组织部 → 县级考核设置 → 镇街可见排名（晾晒）",
        ),
    )


def _unified_identity(settings: Settings, rules: CountyRules) -> Finding:
    evidence = ("backend/identity/", "tests/identity/", "docs/OPERATIONS.md", "pwa/e2e/oidc.test.mjs")
    if not settings.oidc_enabled:
        status = Status.NOT_MET
        note = (
            "本系统支持通过省统一身份认证平台登录，但本部署尚未配置接入参数（见运维手册“统一身份认证”），"
            "目前用本系统的手机号和密码登录。"
        )
    elif rules.staff_password_login:
        status = Status.PARTIAL
        note = (
            "已接入省统一身份认证平台，登录页提供“使用政务统一身份认证登录”；县、镇街工作人员仍可用密码登录，"
            "全部关联后可在“统一身份认证”页关闭密码登录。"
        )
    else:
        status = Status.MET
        note = "已接入省统一身份认证平台；本县县、镇街工作人员只能通过统一身份认证登录，不另设密码。"
    return Finding("unified_identity", "统一入口、统一身份认证（省级一网通办平台）", status, note, evidence)


def _findings(
    settings: Settings,
    rules: CountyRules,
    metadata: MetaData,
    photo_rules: Sequence[tuple[str, str]],
    ranking: Visibility | None,
) -> Iterable[Finding]:
    yield Finding(
        "operating_unit",
        "由县级以上主办单位建设、使用和保障安全，镇村只使用",
        Status.MET,
        "组织树的根是县：只有县委组织部能建镇街和村、导入花名册、建账号；镇街和村只在自己的范围内使用。",
        ("backend/org/access.py", "tests/test_access_doors.py", "tests/test_permissions.py"),
    )
    yield Finding(
        "dossier",
        "备案：功能清单、采集的数据、组件、各项义务的佐证",
        Status.MET,
        "本报告即由部署本身生成：功能清单对应接口的每个入口，个人信息清单对应数据库的每张表，组件来自锁定文件。",
        ("python -m backend.cli compliance-report", "县委组织部 → 备案材料", "tests/compliance/test_report.py"),
    )
    evidence_counts = work_evidence_counts_without_check_in()
    capped = rules.roll_calls_per_month <= MAX_ROLL_CALLS_PER_MONTH
    yield Finding(
        "no_forced_checkin",
        "除安全、应急外，不搞强制打卡签到",
        Status.MET if evidence_counts and capped else Status.NOT_MET,
        (
            "驻村天数按本人履职记录认定（以事管人）：在村驻地范围内定位的走访、会议等记录、点名核实、申报的镇街会议/培训/公务外出"
            "都计驻村；“我在村”签到只是可选方式之一，从不要求每天打卡；仅有村外定位的日期列为待核实，不自动扣减；"
            "镇街每月确认后以确认数计补贴。"
            if evidence_counts
            else "驻村补贴表仍只按打卡天数计：须改为以履职记录认定驻村天数，打卡只作可选方式之一。"
        )
        + (
            f"点名限为注明事由（督查抽查/应急/安全/其他）的抽查，每人每月最多 {rules.roll_calls_per_month} 次，"
            f"须在 {rules.roll_call_minutes} 分钟内应答或由镇街电话/视频核实。"
            if capped
            else f"点名次数上限 {rules.roll_calls_per_month} 次/月，超过抽查的限度。"
        ),
        (
            "backend/attendance/stationed.py",
            "backend/attendance/allowance.py",
            "backend/attendance/roll_calls.py",
            "tests/attendance/test_stationed_days.py",
            "docs/ATTENDANCE.md",
        ),
    )
    telemetry = usage_telemetry_columns(metadata)
    yield Finding(
        "no_usage_ranking",
        "不搞积分排名、在线时长统计，不把应用变成日常考核、线上督查的主要载体",
        Status.NOT_MET if telemetry else Status.MET,
        (f"数据库中有统计使用情况的字段：{'、'.join(telemetry)}" if telemetry else "")
        + "不记录登录次数、在线时长、页面浏览；监控指标只有全局汇总。排名是年度考核（目标考核×群众满意度）的结果，"
        "不是使用积分榜；进度页只看履职记录，不看手机使用情况。",
        ("tests/compliance/test_no_usage_telemetry.py", "docs/ASSESSMENT.md", "backend/observability/"),
    )
    yield _ranking_visibility(rules, ranking)
    exceptions = "；".join(f"“{kind}”须附照片——理由：{reason}" for kind, reason in photo_rules)
    yield Finding(
        "no_forced_uploads",
        "非必要不强制上传工作照片、视频、轨迹",
        Status.MET,
        (
            "默认所有履职记录都可以不带照片、不带位置提交。"
            if not photo_rules
            else f"县里写明必要性的例外：{exceptions}。其余记录都可以不带照片提交。"
        )
        + "位置只在填报时取一次，由浏览器先征得同意，从不在后台跟踪；"
        "要求某类记录必须附照片，须写明为什么必要，否则系统拒绝。",
        (
            "backend/filings/photo_rules.py",
            "县委组织部 → 县级考核设置 → 必须附照片的记录",
            "pwa/src/outbox/geo.js",
            "tests/filings/test_photo_rules.py",
        ),
    )
    yield Finding(
        "assessment_criteria",
        "点赞、网络投票数、转发、学习时长不作为考核依据",
        Status.MET,
        "考核只用县里的评分细则（依据是履职记录）和按名单无记名的满意度测评（2/3 参评、纸质票与手机票同等）；"
        "测评不是公开网络投票，票数不因转发、点赞增加。",
        ("docs/ASSESSMENT.md", "docs/BOARD.md", "tests/assessment/", "tests/polls/"),
    )
    session_days = settings.refresh_token_ttl // 86400
    yield Finding(
        "no_forced_logins",
        "不强制安装、不考核安装率和登录频次",
        Status.MET if session_days >= LONGEST_FORCED_LOGIN_DAYS else Status.NOT_MET,
        f"登录保持 {session_days} 天（每次使用顺延），不要求定期重新登录"
        + (
            ""
            if session_days >= LONGEST_FORCED_LOGIN_DAYS
            else f"——少于 {LONGEST_FORCED_LOGIN_DAYS} 天会迫使频繁登录，请调大 REFRESH_TOKEN_TTL"
        )
        + "；网页即可使用，不要求安装，不统计安装率。",
        ("REFRESH_TOKEN_TTL", "backend/auth/sessions.py"),
    )
    yield Finding(
        "one_table",
        "不重复填报：一个平台、一张表报送",
        Status.MET,
        "履职记录在系统内只填一次、处处复用。县里向上级报送用“一张表”：每位第一书记一行，八个一完成情况、驻村天数和补贴、"
        "群众满意度测评结果、考评得分和等次，全部取自系统里已有的记录（工作记录、镇街的考勤确认、测评计票、县里的考评），"
        "不要求任何人再填；可导出表格文件，也可由省级平台通过数据接口读取（有版本号和字段说明）。"
        "每一列从哪里来、由谁填报，列在同一份清单里，表格、接口和说明都按这份清单生成。",
        (
            "backend/reporting/",
            "docs/ONE_TABLE.md",
            "docs/one-table.schema.json",
            "tests/reporting/",
            "pwa/src/screens/OneTable.jsx",
        ),
    )
    yield _unified_identity(settings, rules)
    yield Finding(
        "complaints",
        "提供投诉建议功能",
        Status.MET,
        "每个登录用户，以及村务公开页上没有账号的村民，都可以向运营单位（县委组织部）提交对应用及其使用方式的投诉建议"
        "（如“要求每天打卡”“重复填报”），可以匿名；每件有查询编号，可查办理状态和答复。只有县委组织部能看到和答复，"
        "涉及的镇街和村看不到，也看不到提交人；县里可导出年度汇总表。",
        (
            "backend/complaints/",
            "tests/complaints/",
            "pwa/src/screens/complaints/",
        ),
    )
    yield Finding(
        "personal_information",
        "保护个人信息和工作秘密（个人信息保护法：告知、最小必要、限期保存、查阅）",
        Status.MET,
        "个人信息清单见本报告。告知：群众和党员首次提供信息处（扫码反映、登录反映问题、投诉建议、领取投票凭证）"
        "都有“个人信息说明”（收什么、做什么用、谁能看、存多久、怎么查看下载）。查阅：每个登录用户可在"
        "“我的个人信息”查看并下载系统保存的关于本人的信息（选票与身份不可关联，不在其中）。最小必要："
        "手机号只对需要拨打的角色完整显示，其他角色打码。限期保存：每日清理任务按清单删除"
        "回电号码和未提交的照片，位置随履职记录按任期及归档期保存。",
        (
            "pwa/src/privacyNotice.jsx",
            "pwa/src/screens/MyData.jsx",
            "backend/compliance/my_data.py",
            "backend/core/privacy.py",
            "backend/compliance/retention.py",
            "python -m backend.cli retention",
            "docs/SECURITY.md",
        ),
    )
    production = settings.is_production
    yield Finding(
        "security_baseline",
        "定期安全检测和自评估（网络安全等级保护 2.0 第二级及以上）",
        Status.OPERATOR,
        ("生产模式：拒绝弱密钥；" if production else "当前不是生产模式，上线前须按部署说明切换为生产模式；")
        + "接口限制查询深度、别名、令牌数、请求体与解压大小，内部错误不外泄，上传文件按内容识别，日志不记手机号。"
        "等级测评和定期检测由运营单位组织。",
        ("APP_ENV=production", "docs/SECURITY.md", "backend/core/settings.py", "tests/abuse/"),
    )
