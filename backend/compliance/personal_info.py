"""The personal-information inventory (个人信息清单): which fields, whose, why, who may see them, how
long they are kept. Every table of the schema is either listed here or named in `NOT_PERSONAL`; a
test fails when a table is added without saying which, or when a listed column does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from backend.problems.public_reports import CONTACT_KEEP_DAYS

UNTIL_REMOVED = "账号或记录存续期间；人员调整后由县委组织部停用账号"
TERM_AND_ARCHIVE = "任期内及考核归档期（按干部档案管理规定）"


@dataclass(frozen=True)
class PersonalData:
    table: str
    fields: tuple[str, ...]
    whose: str
    why: str
    who_sees: str
    kept: str


INVENTORY: tuple[PersonalData, ...] = (
    PersonalData(
        "users",
        ("phone", "name", "password_hash"),
        "全部用户",
        "登录与联系；密码只存摘要",
        "本人；县委组织部（管理账号）；手机号对无需拨打的角色打码",
        UNTIL_REMOVED,
    ),
    PersonalData(
        "login_failures",
        ("phone",),
        "登录失败者",
        "防暴力破解",
        "无人查看（仅用于锁定判断）",
        "锁定窗口结束后不再使用",
    ),
    PersonalData(
        "refresh_tokens",
        ("user_id",),
        "全部用户",
        "保持登录（只存令牌摘要）",
        "无人查看",
        "到期或退出登录即失效",
    ),
    PersonalData(
        "external_identities",
        ("subject", "user_id"),
        "通过政务统一身份认证登录的用户",
        "统一身份认证：平台账号标识与本系统账号的对应（首次登录按平台核验的手机号关联，或由县委组织部关联）",
        "县委组织部（管理本县账号的关联）",
        "关联存续期间；解除关联或账号删除即删除",
    ),
    PersonalData(
        "login_tickets",
        ("user_id",),
        "通过政务统一身份认证登录的用户",
        "把平台登录结果一次性交给本应用（只存凭据摘要）",
        "无人查看",
        "一分钟内有效、用后即废，一小时后删除",
    ),
    PersonalData(
        "second_factors",
        ("user_id", "sealed_secret"),
        "县、镇街账号",
        "第二因素登录（动态验证码密钥，加密保存）",
        "无人查看（绑定时只向本人显示一次）",
        "停用、县级重置或账号删除即删除",
    ),
    PersonalData(
        "recovery_codes",
        ("user_id",),
        "启用动态验证码的县、镇街账号",
        "丢失手机时登录（只存带密钥的摘要）",
        "无人查看（生成时只向本人显示一次）",
        "使用即作废；重新生成、停用或重置即删除",
    ),
    PersonalData(
        "login_challenges",
        ("user_id",),
        "启用动态验证码的县、镇街账号",
        "密码正确后等待验证码的登录步骤（只存摘要）",
        "无人查看",
        "5 分钟内有效，使用一次即失效；下次登录时删除",
    ),
    PersonalData(
        "secretary_profiles",
        ("name", "gender", "phone"),
        "第一书记",
        "履职管理与服务卡",
        "本人、所在镇街、县委组织部；姓名和电话印在服务卡上公开",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "households",
        ("head_name", "phone", "address", "is_hardship"),
        "农户（户主）",
        "入户走访与结对帮扶",
        "所在村第一书记、镇街、县委组织部",
        "任期内；花名册重新导入时更新",
    ),
    PersonalData(
        "filings",
        ("body", "lat", "lng", "accuracy_m", "household_id", "review_comment"),
        "第一书记；走访涉及的农户",
        "履职记录与审核；位置仅在填报时取一次，可不提供",
        "本人、所在镇街、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "filing_photos",
        ("media_sha256",),
        "第一书记；照片中的人",
        "履职佐证（可选，不强制上传）",
        "本人、所在镇街、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "media",
        ("sha256", "exif_lat", "exif_lng"),
        "上传照片的人；照片中的人",
        "照片文件；拍摄位置用于核对是否在村",
        "能看到所附记录的人",
        "随所附记录；未随问题反映提交的照片由每日清理任务定期删除",
    ),
    PersonalData(
        "partial_uploads",
        ("user_id", "sha256"),
        "正在上传照片的第一书记、村民",
        "断网后续传照片：记下已收到多少",
        "无人查看",
        "上传完成即删除；一天未续传由每日清理任务删除",
    ),
    PersonalData(
        "partial_upload_parts",
        ("user_id", "data"),
        "正在上传照片的第一书记、村民；照片中的人",
        "断网后续传照片：已收到的部分内容",
        "无人查看",
        "上传完成即删除；一天未续传由每日清理任务删除",
    ),
    PersonalData(
        "checkins",
        ("lat", "lng", "accuracy_m"),
        "第一书记",
        "“我在村”打卡（可选方式之一）",
        "本人、所在镇街、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "roll_call_targets",
        ("secretary_id",),
        "第一书记",
        "点名抽查及应答",
        "本人、所在镇街、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "day_declarations",
        ("secretary_id", "day", "reason", "note", "decision_note"),
        "第一书记",
        "申报会议/培训/公务外出、请假及镇街审批（驻村天数认定）",
        "本人、所在镇街、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "duty_checklist_moves",
        ("secretary_id", "moved_by", "note"),
        "第一书记；作出调整的县级工作人员",
        "县委组织部把某位第一书记的任期改按另一版履职清单计算（自某月起）及其依据",
        "县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "attendance_confirmations",
        ("secretary_id", "stationed_days", "allowance_yuan", "note"),
        "第一书记",
        "镇街每月确认驻村天数及补贴（补贴发放依据）",
        "本人、所在镇街、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "problems",
        ("reporter_user_id", "household_id", "contact_phone", "description"),
        "反映问题的群众（可匿名）",
        "问题办理与回访",
        "所在村第一书记、镇街、县委组织部；回电号码只给办理人",
        f"问题记录长期留存；回电号码在办结后 {CONTACT_KEEP_DAYS} 天由每日清理任务删除",
    ),
    PersonalData(
        "problem_photos",
        ("media_sha256",),
        "反映问题的群众；照片中的人",
        "问题佐证（可选）",
        "所在村第一书记、镇街、县委组织部",
        "随问题记录",
    ),
    PersonalData(
        "problem_notes",
        ("note",),
        "办理人",
        "办理过程留痕",
        "所在村第一书记、镇街、县委组织部",
        "随问题记录",
    ),
    PersonalData(
        "complaints",
        ("sender_user_id", "contact_phone", "text"),
        "提交投诉建议的用户和村民（可匿名）",
        "受理、答复和回访投诉建议",
        "县委组织部；提交人本人（登录提交且未匿名时）；镇街和村看不到，查询编号只显示状态和答复",
        f"投诉建议长期留存以备年度汇总；匿名时不存账号；回电号码在答复后 {CONTACT_KEEP_DAYS} 天由每日清理任务删除",
    ),
    PersonalData(
        "poll_voters",
        ("name", "phone"),
        "参评党员群众",
        "核对投票资格（每人至多一票）；与选票无法关联",
        "组织测评的镇街",
        "测评关闭后名单保留备查；选票无记名",
    ),
    PersonalData(
        "service_cards",
        ("photo_sha256",),
        "第一书记",
        "服务卡照片",
        "公开（印在服务卡和村务公开页上）",
        "任期内",
    ),
    PersonalData(
        "assessment_item_scores",
        ("note",),
        "第一书记",
        "考核评分依据",
        "本人、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "assessments",
        ("secretary_id",),
        "第一书记",
        "年度考核",
        "本人、县委组织部；镇街看本镇",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "disqualifications",
        ("secretary_id", "reason"),
        "第一书记",
        "一票否决事项",
        "本人、县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "org_class_records",
        ("note",),
        "村（组织）",
        "组织分类",
        "县委组织部",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "ranking_snapshot_rows",
        ("name", "village_name"),
        "第一书记",
        "公布的考核结果（定档后冻结）",
        "县委组织部、镇街",
        TERM_AND_ARCHIVE,
    ),
    PersonalData(
        "audit_events",
        ("actor_user_id", "entity_id", "detail"),
        "操作人；安全日志所涉账号（登录失败的手机号只存打码后的号码）",
        "操作留痕（防篡改哈希链）；安全审计：登录、登录失败、锁定、账号与设置变更、导出和批量查看个人信息"
        "（等级保护 2.0 安全审计，《网络安全法》第二十一条）",
        "县委组织部（本县安全日志）",
        "业务留痕长期保存（审计需要）；安全日志按县设置保存（不少于 183 天，默认 365 天），期满由每日清理任务删除，"
        "删除前写入锚点，哈希链仍可核验",
    ),
    PersonalData(
        "audit_anchors",
        (),
        "无（只存被清理的最后一条安全日志的序号和哈希）",
        "安全日志清理后哈希链的核验起点",
        "县委组织部",
        "长期（审计需要）",
    ),
)

# Tables that hold no personal information (ballots are anonymous by construction).
NOT_PERSONAL: frozenset[str] = frozenset(
    {
        "org_units",
        "oidc_login_attempts",  # a login on its way to the platform: random values only, no person yet
        "county_settings",
        "polls",
        "poll_ballots",
        "poll_ballot_staging",
        "poll_board_entries",
        "poll_paper_codes",
        "rubric_versions",
        "duty_checklists",  # the county's checklist versions: items and thresholds only
        "ranking_snapshots",
        "roll_calls",
        "photo_requirements",
    }
)
