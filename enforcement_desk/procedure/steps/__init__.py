"""The procedure's step services, one module per part of the case: the workflow actions (actions.py), the
hearing and the collective discussion (hearing.py), the periods moved by law (periods.py) and execution
beside the workflow (execution.py). Callers import the services from here."""

from enforcement_desk.procedure.steps.actions import (
    CHECK_PASSED,
    CHECK_PROBLEM,
    REVIEW_CHECKS,
    SERVICE_METHODS,
    advance,
)
from enforcement_desk.procedure.steps.execution import (
    approve_payment_plan,
    record_challenge,
    record_challenge_outcome,
    record_court_reply,
    record_execution_waiver,
    record_reminder_service,
)
from enforcement_desk.procedure.steps.hearing import (
    DISCUSSION_GROUND_WORDS,
    PARTY_SIGNATURES,
    HearingMinutes,
    arrange_hearing,
    earliest_hearing_day,
    mark_discussion_grounds,
    record_discussion,
    record_hearing,
    waive_defence,
)
from enforcement_desk.procedure.steps.periods import (
    ExtensionDiscussion,
    ExtensionTerms,
    end_decision_pause,
    extend_decision_deadline,
    extend_filing_deadline,
    extension_terms,
    record_decision_pause,
)

__all__ = [
    "CHECK_PASSED", "CHECK_PROBLEM", "DISCUSSION_GROUND_WORDS", "PARTY_SIGNATURES", "REVIEW_CHECKS",
    "SERVICE_METHODS", "ExtensionDiscussion", "ExtensionTerms", "HearingMinutes", "advance",
    "approve_payment_plan", "arrange_hearing", "earliest_hearing_day", "end_decision_pause",
    "extend_decision_deadline", "extend_filing_deadline", "extension_terms", "mark_discussion_grounds",
    "record_challenge", "record_challenge_outcome", "record_court_reply", "record_decision_pause",
    "record_discussion", "record_execution_waiver", "record_hearing", "record_reminder_service",
    "waive_defence",
]  # fmt: skip
