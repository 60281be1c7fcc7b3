"""Writes to evaluation data, each one audited: views, imports and commands call these, never the ORM directly."""

from .audit import record_audit
from .gdpr import erase_learner, purge_expired_identities, subject_access
from .recording import (
    CannotEnrol,
    add_goal,
    end_enrolment,
    enrol,
    rate_goal,
    record_assessment,
    record_outcome,
    record_survey,
    register_and_enrol,
    register_learner,
    schedule_sessions,
    take_register,
)

__all__ = [
    "CannotEnrol",
    "add_goal",
    "end_enrolment",
    "enrol",
    "erase_learner",
    "purge_expired_identities",
    "rate_goal",
    "record_assessment",
    "record_audit",
    "record_outcome",
    "record_survey",
    "register_and_enrol",
    "register_learner",
    "schedule_sessions",
    "subject_access",
    "take_register",
]
