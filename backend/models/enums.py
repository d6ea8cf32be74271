"""Domain vocabularies stored as strings (see DOMAIN.md section 1)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    MEMBER = "member"


class OrgKind(enum.StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class UnitType(enum.StrEnum):
    """派出单位类型: 镇街 or 市直部门/单位."""

    TOWNSHIP = "township"
    MUNICIPAL = "municipal"


class StationMode(enum.StrEnum):
    """脱产驻村 (resident, 1-year term) or 非脱产联村 (liaison, 2-year term)."""

    RESIDENT = "resident"
    LIAISON = "liaison"


class CadreClass(enum.StrEnum):
    PARTY_GOV_CHIEF = "party_gov_chief"  # 党政正职
    OTHER_LEADER = "other_leader"  # 非党政正职领导干部
    SECTION_CHIEF = "section_chief"  # 正股级
    DEPUTY_SECTION_AND_BELOW = "deputy_section_and_below"  # 副股级及以下


class FilingKind(enum.StrEnum):
    """What a first secretary files: the eight duties (八个一) and the related records."""

    HOUSEHOLD_VISIT = "household_visit"  # 走访农户
    WORK_DIARY = "work_diary"  # 工作日志 / 民情日记
    SERVICE_CARD = "service_card"  # 便民服务卡发放 (one household)
    RESEARCH_REPORT = "research_report"  # 调研报告
    PARTY_LECTURE = "party_lecture"  # 主题党课
    TECH_TRAINING = "tech_training"  # 农技培训
    STARTUP_PROJECT = "startup_project"  # 领办创业项目
    TERM_GOALS = "term_goals"  # 任期目标
    PLEDGE = "pledge"  # 履职承诺
    PAIRING = "pairing"  # 结对帮扶 (one hardship household)
    PAIRING_VISIT = "pairing_visit"  # 结对帮扶走访
    COMMITTEE_MEETING = "committee_meeting"  # 村工作例会
    SELF_REPORT = "self_report"  # 年终述职报告
    TALK = "talk"  # 谈心谈话 (two-way talks, scored in the target assessment)


class FilingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class ProblemStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"  # closed as not actionable


class ProblemSource(enum.StrEnum):
    VILLAGER = "villager"  # reported by a member from the public page
    SECRETARY = "secretary"  # found by the secretary (e.g. on a visit)
