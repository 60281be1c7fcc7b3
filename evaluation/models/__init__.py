"""The pilot evaluation's data: pilots, cohorts, sessions, pseudonymous learners and their outcomes."""

# The vocabularies the evaluation records with; defined once in finder.vocabularies.
from finder.vocabularies import EsolLevel, Skill

from .exports import PilotExport
from .invitations import ComparisonMember, SurveyInvitation
from .learners import (
    AgeBand,
    ConsentRecord,
    EmploymentStatus,
    Gender,
    Learner,
    LearnerIdentity,
    TimeInUK,
    uln_validator,
)
from .learning import (
    Assessment,
    Attendance,
    CompletionStatus,
    Enrolment,
    Goal,
    Outcome,
    ProgressionOutcome,
    WithdrawalReason,
)
from .pilots import Cohort, Pilot, PilotEvaluator, ResearchBasis, Session, StaffAssignment
from .records import AuditEntry, ExportRecord
from .releases import ResultsRelease
from .surveys import SurveyAnswer, SurveyInstrument, SurveyItem, SurveyResponse

__all__ = [
    "AgeBand",
    "Assessment",
    "Attendance",
    "AuditEntry",
    "Cohort",
    "ComparisonMember",
    "CompletionStatus",
    "ConsentRecord",
    "EmploymentStatus",
    "Enrolment",
    "EsolLevel",
    "ExportRecord",
    "Gender",
    "Goal",
    "Learner",
    "LearnerIdentity",
    "Outcome",
    "Pilot",
    "PilotEvaluator",
    "PilotExport",
    "ProgressionOutcome",
    "ResearchBasis",
    "ResultsRelease",
    "Session",
    "Skill",
    "StaffAssignment",
    "SurveyAnswer",
    "SurveyInstrument",
    "SurveyInvitation",
    "SurveyItem",
    "SurveyResponse",
    "TimeInUK",
    "WithdrawalReason",
    "uln_validator",
]
