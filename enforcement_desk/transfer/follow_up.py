"""What the agency does after the police answer a transfer (国务院令第310号《行政执法机关移送涉嫌犯罪案件的规定》).

Art. 9: on a 不予立案 notice the agency may, within 3 days of receiving it, ask the police who refused to
reconsider (or suggest that the procuratorate supervise). Art. 12: on a 立案 notice the agency hands the
items involved and the other materials to the police within 3 days of receiving it. The police's answer
itself is a procedure action (police_accepted / police_declined, procedure/steps/actions.py), which opens these
periods; 310号 has no working-day clause, so they are calendar days.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.procedure.case_records import latest
from enforcement_desk.procedure.cases import load_case
from enforcement_desk.procedure.deadlines import close_deadlines
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.models import Deadline
from enforcement_desk.store.models_steps import PoliceAnswer, TransferItemHandover, TransferReconsideration
from enforcement_desk.transfer.service import TransferStatus, _may_handle, _status

RECONSIDERATION_RULE = "《行政执法机关移送涉嫌犯罪案件的规定》第九条第一款"
ITEMS_RULE = "《行政执法机关移送涉嫌犯罪案件的规定》第十二条"


def _due(session: Session, case_id: int, key: str) -> date | None:
    return session.scalar(
        select(Deadline.due_on)
        .where(Deadline.case_id == case_id, Deadline.key == key)
        .order_by(Deadline.id.desc())
    )


def _not_future(ctx: AppContext, day: date, what: str) -> None:
    if not isinstance(day, date):
        raise DomainError(f"请填写{what}")
    if day > ctx.today():
        raise DomainError(f"{what} {day} 晚于今天，不能登记将来发生的事项")


@allowed(Role.OFFICER, Role.HEAD, action="登记提请公安机关复议")
def request_reconsideration(
    ctx: AppContext, actor: Actor, case_id: int, *, requested_on: date, reason: str
) -> TransferStatus:
    """The agency asks the police who refused to open a criminal case to reconsider (art. 9): only after a
    不予立案 notice, within 3 days of receiving it, once."""
    reason = require_text(reason, "提请复议的理由（认为依法应当由公安机关立案的理由）")
    _not_future(ctx, requested_on, "提请复议的日期")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _may_handle(actor, case)
        answer = latest(session, PoliceAnswer, case.id)
        if answer is None or answer.accepted:
            raise DomainError("没有公安机关不予立案的书面通知，无需提请复议", rule=RECONSIDERATION_RULE)
        if requested_on < answer.answered_on:
            raise DomainError(
                f"提请复议的日期 {requested_on} 早于收到不予立案通知书的日期 {answer.answered_on}",
                rule=RECONSIDERATION_RULE,
            )
        earlier = latest(session, TransferReconsideration, case.id)
        if earlier is not None and earlier.notice_received_on == answer.answered_on:
            raise DomainError(
                f"已于 {earlier.requested_on} 提请复议，不能重复登记", rule=RECONSIDERATION_RULE
            )
        due = _due(session, case.id, "transfer_reconsideration")
        if due is not None and requested_on > due:
            raise DomainError(
                f"提请复议应当自接到不予立案通知书之日起 3 日内提出，已于 {due} 届满；"
                "仍有异议的，可以建议人民检察院依法进行立案监督",
                rule=RECONSIDERATION_RULE,
            )
        row = TransferReconsideration(
            case_id=case.id, notice_received_on=answer.answered_on, requested_on=requested_on, reason=reason,
            recorded_by=actor.user_id, recorded_by_name=actor.name, recorded_at=ctx.now(),
        )  # fmt: skip
        close_deadlines(session, case.id, "transfer_reconsideration", on=requested_on)
        record_step(session, actor, case, "transfer_reconsideration_requested", row, payload={"due_on": due})
        return _status(session, case)


@allowed(Role.OFFICER, Role.HEAD, action="登记移交涉案物品")
def record_item_handover(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    handed_on: date,
    items: str,
    receiver: str,
    receipt_ref: str = "",
) -> TransferStatus:
    """The items involved and the other materials handed to the police after their 立案 notice (art. 12),
    with who received them and the 交接 record; a hand-over after the 3 days is recorded and shown as late."""
    items = require_text(items, "移交的涉案物品和其他材料")
    receiver = require_text(receiver, "公安机关接收人")
    _not_future(ctx, handed_on, "移交日期")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _may_handle(actor, case)
        answer = latest(session, PoliceAnswer, case.id)
        if answer is None or not answer.accepted:
            raise DomainError("公安机关尚未书面通知决定立案，不能登记移交涉案物品", rule=ITEMS_RULE)
        if handed_on < answer.answered_on:
            raise DomainError(
                f"移交日期 {handed_on} 早于收到立案通知书的日期 {answer.answered_on}", rule=ITEMS_RULE
            )
        due = _due(session, case.id, "transfer_items")
        row = TransferItemHandover(
            case_id=case.id, handed_on=handed_on, items=items, receiver=receiver, receipt_ref=receipt_ref.strip(),
            recorded_by=actor.user_id, recorded_by_name=actor.name, recorded_at=ctx.now(),
        )  # fmt: skip
        close_deadlines(session, case.id, "transfer_items", on=handed_on)
        record_step(session, actor, case, "transfer_items_handed_over", row,
                    payload={"due_on": due, "on_time": due is None or handed_on <= due})  # fmt: skip
        return _status(session, case)
