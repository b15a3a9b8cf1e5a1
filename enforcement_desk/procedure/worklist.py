"""What waits for the signed-in user: the morning's to-do list on the today view, and the reminder of their
own 执法证 running out."""

from __future__ import annotations

from dataclasses import dataclass

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.procedure.workflow import CertificateNotice, certificate_notice
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import TERMINAL_STAGES, Stage
from enforcement_desk.procedure.cases import CaseFilter, list_cases
from enforcement_desk.procedure.review import review_queue
from enforcement_desk.store.models import User

# Stages at which the next step belongs to a head (负责人): approvals and decisions.
HEAD_WAITS = {
    Stage.ACCEPTED: "立案审批",
    Stage.COLLECTIVE_DISCUSSION: "集体讨论并决定",
    Stage.TRANSFERRED_POLICE: "跟踪公安机关立案情况",
}
ACTIVE_STAGES = tuple(s for s in Stage if s not in TERMINAL_STAGES)


@dataclass(frozen=True)
class WorkItem:
    """A case waiting for the user, and what it waits for."""

    case_id: int
    case_no: str
    party_name: str
    cause: str
    what: str


def waiting_for_me(ctx: AppContext, actor: Actor, limit: int = 200) -> list[WorkItem]:
    """The cases waiting for the actor: reviews for a reviewer, approvals for a head, own cases for an
    officer."""
    if actor.role is Role.REVIEWER:
        return [
            WorkItem(
                r.case_id, r.case_no, r.party_name, r.cause, f"法制审核（第{r.round}轮，期限 {r.due_on}）"
            )
            for r in review_queue(ctx, actor)
        ]
    if actor.role is Role.HEAD:
        cases = list_cases(ctx, actor, CaseFilter(stages=tuple(HEAD_WAITS)), limit=limit)
        return [WorkItem(c.id, c.display_no, c.party_name, c.cause, HEAD_WAITS[c.stage]) for c in cases]
    if actor.role is Role.OFFICER:
        cases = list_cases(
            ctx, actor, CaseFilter(handler_id=actor.user_id, stages=ACTIVE_STAGES), limit=limit
        )
        return [
            WorkItem(c.id, c.display_no, c.party_name, c.cause, f"承办中：{c.stage.label}") for c in cases
        ]
    return []


def my_certificate_notice(ctx: AppContext, actor: Actor) -> CertificateNotice | None:
    """For a signed-in officer: their 执法证 has run out or is not registered (no enforcement step can be
    taken), or it runs out within 30 days (a reminder to renew it). None for other roles and for a
    certificate that runs longer. Read against the business date."""
    if actor.role is not Role.OFFICER:
        return None
    with ctx.db.read() as session:
        user = session.get(User, actor.user_id)
        if user is None:
            return None
        return certificate_notice(user.cert_no, user.cert_valid_until, ctx.today())
