"""The list of functions (功能清单) for the filing dossier: what each does, for whom, what it collects.

Every root field of the GraphQL API belongs to exactly one function (`FIELDS`); a test fails when a
field is added without saying which, so the list cannot drift from what the server offers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Function:
    key: str
    name: str
    users: str
    collects: str


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "accounts",
        "登录与账号（含政务统一身份认证）",
        "全部角色；动态验证码仅县、镇街账号",
        "手机号、姓名、密码摘要、登录失败记录（用于防暴力破解，按窗口清除）；统一身份认证平台的账号标识及其与本系统账号的关联；"
        "县、镇街账号的动态验证码密钥（加密保存）与恢复码摘要",
    ),
    Function(
        "org",
        "组织架构与花名册导入",
        "县委组织部、镇街",
        "镇街、村、第一书记和农户花名册（户主姓名、电话、住址、是否困难户）",
    ),
    Function(
        "filings",
        "履职记录（八个一或本县履职清单）与审核",
        "第一书记填报，镇街审核，县查看",
        "履职内容、照片（可选）、填报时的位置（可选）、审核意见",
    ),
    Function("progress", "履职进度", "县委组织部、镇街", "不采集新数据：由履职记录按本县履职清单计算"),
    Function(
        "checklist",
        "履职清单设置（N个一）",
        "县委组织部设置；镇街、第一书记查看",
        "履职清单各版本（事项、佐证材料类型、完成标准、生效日期）；调整某位第一书记任期所用清单的记录及依据（留痕）",
    ),
    Function(
        "attendance",
        "驻村考勤（以事管人）与点名",
        "第一书记、镇街、县委组织部",
        "不另采集位置：由履职记录认定驻村天数；“我在村”签到位置与时间（可选方式之一）、点名及应答、"
        "申报的会议/培训/公务外出与请假事由、镇街每月确认及更正说明",
    ),
    Function("settings", "县级规则设置", "县委组织部", "县级参数（留痕：谁在何时改了什么）"),
    Function(
        "problems",
        "群众反映问题台账",
        "党员群众、村民（可不登录、可匿名）、第一书记、镇街",
        "问题描述、照片（可选）、回电号码（可选，办结后限期删除）",
    ),
    Function(
        "service_card", "服务卡与村务公开页", "第一书记生成，任何人扫码查看", "第一书记姓名、派出单位、电话、照片"
    ),
    Function(
        "polls",
        "群众满意度测评（无记名）",
        "镇街组织，党员群众投票",
        "参评名单（姓名、电话）；选票与身份不可关联（盲签名凭证）",
    ),
    Function("assessment", "年度考核评分", "县委组织部", "评分与依据、组织分类、一票否决事项"),
    Function("ranking", "考核结果排名与定档", "县委组织部、镇街", "不采集新数据：由考核结果计算"),
    Function("homes", "各角色首页待办", "全部角色", "不采集新数据：汇总上述功能"),
    Function(
        "reporting",
        "向上级报送（一张表）",
        "县委组织部",
        "不采集新数据：由履职记录、考勤确认、测评计票和考核结果汇总，不要求重复填报",
    ),
    Function("compliance", "备案材料与自评估", "县委组织部", "不采集新数据：描述本部署"),
    Function(
        "security_audit",
        "安全审计（登录、权限变更、导出和批量查看留痕）",
        "县委组织部查看和导出本县记录",
        "登录与退出、登录失败和锁定（手机号只存打码后的号码）、账号和县级设置变更、导出和批量查看个人信息的"
        "人员、时间与范围（防篡改哈希链，按县设置保存，不少于六个月）",
    ),
    Function(
        "complaints",
        "投诉建议（对应用及其使用方式）",
        "全部角色、村民（可不登录、可匿名）提交，县委组织部受理答复",
        "投诉建议内容、所涉镇街或村（可选）、提交人账号（匿名时不存）、回电号码（可选，答复后限期删除）",
    ),
)

# Every root field of the API → the function it serves.
FIELDS: dict[str, str] = {
    # accounts
    "me": "accounts",
    "myPersonalData": "accounts",
    "login": "accounts",
    "logout": "accounts",
    "refreshToken": "accounts",
    "identityProvider": "accounts",
    "completeExternalLogin": "accounts",
    "externalIdentities": "accounts",
    "bindExternalIdentity": "accounts",
    "unbindExternalIdentity": "accounts",
    "identitySettings": "accounts",
    "setStaffPasswordLogin": "accounts",
    "verifySecondFactor": "accounts",
    "changePassword": "accounts",
    "mySecondFactor": "accounts",
    "beginTotpEnrolment": "accounts",
    "confirmTotpEnrolment": "accounts",
    "disableTotp": "accounts",
    "regenerateRecoveryCodes": "accounts",
    "resetSecondFactor": "accounts",
    "setTotpRequiredForCounty": "settings",
    "users": "accounts",
    "createUser": "accounts",
    "setUserActive": "accounts",
    # org
    "orgUnit": "org",
    "townships": "org",
    "villages": "org",
    "secretaries": "org",
    "mySecretaryProfile": "org",
    "households": "org",
    "createOrgUnit": "org",
    "createSecretary": "org",
    "importWorkbook": "org",
    # filings
    "filing": "filings",
    "filings": "filings",
    "myFilings": "filings",
    "myInbox": "filings",
    "reviewQueue": "filings",
    "submitFiling": "filings",
    "editFiling": "filings",
    "reviewFiling": "filings",
    "photoRequirements": "settings",
    "setPhotoRequirement": "settings",
    # progress
    "dutyProgress": "progress",
    "dutyChecklist": "checklist",
    "dutyChecklistVersions": "checklist",
    "checklistEvidenceKinds": "checklist",
    "saveDutyChecklist": "checklist",
    "moveTermsToChecklist": "checklist",
    "townshipProgress": "progress",
    # attendance
    "checkIns": "attendance",
    "myCheckIns": "attendance",
    "checkIn": "attendance",
    "rollCalls": "attendance",
    "myOpenRollCalls": "attendance",
    "startRollCall": "attendance",
    "verifyRollCallTarget": "attendance",
    "rollCallAllowance": "attendance",
    "attendanceSummary": "attendance",
    "myAttendanceMonth": "attendance",
    "attendanceMonth": "attendance",
    "dayDeclarations": "attendance",
    "declareDay": "attendance",
    "withdrawDayDeclaration": "attendance",
    "decideLeave": "attendance",
    "confirmAttendanceMonth": "attendance",
    "correctAttendanceMonth": "attendance",
    # settings
    "countySettings": "settings",
    "updateCountySettings": "settings",
    # reporting
    "oneTableColumns": "reporting",
    # complaints
    "complaints": "complaints",
    "myComplaints": "complaints",
    "complaintByTracking": "complaints",
    "sendComplaint": "complaints",
    "sendPublicComplaint": "complaints",
    "answerComplaint": "complaints",
    # problems
    "problem": "problems",
    "problems": "problems",
    "myReportedProblems": "problems",
    "ledgerSummary": "problems",
    "reportProblem": "problems",
    "reportPublicProblem": "problems",
    "fileProblem": "problems",
    "updateProblemStatus": "problems",
    # service card and the public page
    "serviceCard": "service_card",
    "generateServiceCard": "service_card",
    "publicVillagePage": "service_card",
    "villagePublicPage": "service_card",
    # polls
    "poll": "polls",
    "polls": "polls",
    "publicPoll": "polls",
    "pollProgress": "polls",
    "pollRoster": "polls",
    "pollBoard": "polls",
    "pollRecount": "polls",
    "verifyPollBoard": "polls",
    "createPoll": "polls",
    "importPollRoster": "polls",
    "updatePollVoter": "polls",
    "removePollVoter": "polls",
    "startPollIssuing": "polls",
    "issuePaperSlips": "polls",
    "openPollVoting": "polls",
    "closePoll": "polls",
    "requestPollCredential": "polls",
    "castBallot": "polls",
    "castPaperBallot": "polls",
    # assessment
    "rubric": "assessment",
    "rubricVersions": "assessment",
    "assessment": "assessment",
    "assessments": "assessment",
    "orgClasses": "assessment",
    "disqualifications": "assessment",
    "updateRubric": "assessment",
    "scoreAssessment": "assessment",
    "recordOrgClass": "assessment",
    "recordDisqualification": "assessment",
    "withdrawDisqualification": "assessment",
    # ranking
    "ranking": "ranking",
    "rankingGroup": "ranking",
    "rankingSnapshot": "ranking",
    "rankingSnapshots": "ranking",
    "rankingDistribution": "ranking",
    "rankingTrend": "ranking",
    "townshipComparison": "ranking",
    "publishRanking": "ranking",
    "rankingVisibility": "ranking",
    "setRankingVisibility": "ranking",
    # homes
    "secretaryHome": "homes",
    "townshipToday": "homes",
    "countyOverview": "homes",
    # compliance
    "complianceReport": "compliance",
    # security_audit
    "securityEvents": "security_audit",
}
