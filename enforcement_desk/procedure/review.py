"""Legal review of major decisions (art. 58): the reviewer's queue, the rounds of a case, the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.periods import urgency
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.cases import load_case
from enforcement_desk.procedure.steps import CHECK_PASSED, CHECK_PROBLEM, REVIEW_CHECKS, advance
from enforcement_desk.store.models import Case, CaseHandler, LegalReview, Party, User

OUTCOME_ACTIONS = {"approved": "approve_review", "returned": "return_review", "rejected": "reject_review"}
OUTCOME_LABELS = {"approved": "同意", "returned": "建议修改（退回）", "rejected": "不同意", None: "待审核"}


@dataclass(frozen=True)
class ReviewCheck:
    """One item of the legal review's checklist: passed or not, with a comment."""

    item: str
    passed: bool
    comment: str = ""

    def to_json(self) -> dict[str, str]:
        """The check as stored with the review."""
        return {
            "item": self.item,
            "result": CHECK_PASSED if self.passed else CHECK_PROBLEM,
            "comment": self.comment,
        }


@dataclass(frozen=True)
class ReviewView:
    """A round of legal review (行政处罚法 art. 58) as shown: the case, who submitted it, due day,
    the reviewer, outcome, checks, opinion and the package reviewed."""

    id: int
    case_id: int
    case_no: str
    party_name: str
    cause: str
    round: int
    submitted_by: str
    submitted_at: datetime
    due_on: date | None
    urgency: str
    reviewer: str | None
    reviewed_at: datetime | None
    outcome: str | None
    checks: tuple[dict[str, Any], ...]
    opinion: str
    package: dict[str, Any]

    @property
    def outcome_label(self) -> str:
        """The review's outcome in Chinese."""
        return OUTCOME_LABELS.get(self.outcome, self.outcome or "")


def _query():
    submitter = aliased(User)
    reviewer = aliased(User)
    return (
        select(
            LegalReview, Case.filing_no, Case.case_no, Party.name, Case.cause, submitter.name, reviewer.name
        )
        .join(Case, Case.id == LegalReview.case_id)
        .join(Party, Party.id == Case.party_id)
        .join(submitter, submitter.id == LegalReview.submitted_by)
        .outerjoin(reviewer, reviewer.id == LegalReview.reviewer_id)
    )


def _view(row, today: date) -> ReviewView:
    review, filing_no, case_no, party, cause, submitted_by, reviewer = row
    pending = review.outcome is None
    return ReviewView(
        id=review.id,
        case_id=review.case_id,
        case_no=filing_no or case_no,
        party_name=party,
        cause=cause,
        round=review.round,
        submitted_by=submitted_by,
        submitted_at=review.submitted_at,
        due_on=review.due_on,
        urgency=urgency(review.due_on, today) if pending and review.due_on else "met",
        reviewer=reviewer,
        reviewed_at=review.reviewed_at,
        outcome=review.outcome,
        checks=tuple(review.checks or ()),
        opinion=review.opinion,
        package=dict(review.package or {}),
    )


@allowed(Role.REVIEWER, action="查看法制审核待办")
def review_queue(ctx: AppContext, actor: Actor) -> list[ReviewView]:
    """Rounds waiting for a verdict that this reviewer may give (not on cases they handle), oldest first."""
    today = ctx.today()
    with ctx.db.read() as session:
        own_cases = select(CaseHandler.case_id).where(CaseHandler.user_id == actor.user_id)
        rows = session.execute(
            _query()
            .where(
                Case.agency_id == actor.agency_id,
                Case.stage == Stage.LEGAL_REVIEW.value,
                LegalReview.outcome.is_(None),
                LegalReview.case_id.not_in(own_cases),
            )
            .order_by(LegalReview.submitted_at, LegalReview.id)
        ).all()
        return [_view(row, today) for row in rows]


def review_history(ctx: AppContext, actor: Actor, case_id: int) -> list[ReviewView]:
    """Every round of a case, first to last: resubmissions keep what was said before."""
    today = ctx.today()
    with ctx.db.read() as session:
        load_case(session, actor, case_id)
        rows = session.execute(
            _query().where(LegalReview.case_id == case_id).order_by(LegalReview.round)
        ).all()
        return [_view(row, today) for row in rows]


def record_review(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    outcome: str,
    checks: Sequence[ReviewCheck],
    opinion: str,
) -> views.CaseDetail:
    """The reviewer's verdict on the pending round; the workflow guards decide who may give it."""
    action = OUTCOME_ACTIONS.get(outcome)
    if action is None:
        raise DomainError(f"未知的审核结论“{outcome}”（应为 同意 / 建议修改 / 不同意）")
    if not opinion.strip():
        raise DomainError("请填写法制审核意见")
    unknown = [c.item for c in checks if c.item not in REVIEW_CHECKS]
    if unknown:
        raise DomainError(f"未知的审核事项：{'、'.join(unknown)}")
    params = {"checks": [c.to_json() for c in checks], "opinion": opinion.strip()}
    if outcome != "approved":
        params["reason"] = opinion.strip()
    return advance(ctx, actor, case_id, action, params)


def all_passed(comments: dict[str, str] | None = None) -> list[ReviewCheck]:
    """The seven checks marked passed, with optional remarks per item."""
    comments = comments or {}
    return [ReviewCheck(item, True, comments.get(item, "")) for item in REVIEW_CHECKS]
