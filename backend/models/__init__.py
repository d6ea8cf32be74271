"""All mapped tables; importing this package registers them on Base.metadata."""

from backend.models.assessment import (
    Assessment,
    AssessmentItemScore,
    Disqualification,
    DisqualificationKind,
    OrgClass,
    OrgClassRecord,
    RubricVersion,
)
from backend.models.attendance import CheckIn, RollCall, RollCallTarget
from backend.models.audit import AuditEvent
from backend.models.auth import LoginFailure, RefreshToken
from backend.models.base import Base
from backend.models.enums import (
    CadreClass,
    FilingKind,
    FilingStatus,
    Gender,
    OrgKind,
    ProblemSource,
    ProblemStatus,
    Role,
    StationMode,
    UnitType,
)
from backend.models.filing import Filing, FilingPhoto, Media
from backend.models.household import Household
from backend.models.org import OrgUnit
from backend.models.poll import (
    Ballot,
    BallotChoice,
    BoardEntry,
    PaperCode,
    Poll,
    PollStatus,
    PollVoter,
    StagedBallot,
    VoterCategory,
)
from backend.models.problem import Problem, ProblemNote
from backend.models.ranking import Grade, RankingSnapshot, RankingSnapshotRow
from backend.models.secretary import SecretaryProfile
from backend.models.settings import CountySettings, ServiceCard
from backend.models.user import User

__all__ = [
    "Assessment",
    "AssessmentItemScore",
    "Disqualification",
    "DisqualificationKind",
    "Grade",
    "OrgClass",
    "OrgClassRecord",
    "RankingSnapshot",
    "RankingSnapshotRow",
    "RubricVersion",
    "Ballot",
    "BallotChoice",
    "BoardEntry",
    "PaperCode",
    "Poll",
    "PollStatus",
    "PollVoter",
    "StagedBallot",
    "VoterCategory",
    "AuditEvent",
    "Base",
    "CheckIn",
    "CountySettings",
    "Filing",
    "FilingKind",
    "FilingPhoto",
    "FilingStatus",
    "Media",
    "Problem",
    "ProblemNote",
    "ProblemSource",
    "ProblemStatus",
    "RollCall",
    "RollCallTarget",
    "ServiceCard",
    "CadreClass",
    "Gender",
    "Household",
    "LoginFailure",
    "OrgKind",
    "OrgUnit",
    "RefreshToken",
    "Role",
    "SecretaryProfile",
    "StationMode",
    "UnitType",
    "User",
]
