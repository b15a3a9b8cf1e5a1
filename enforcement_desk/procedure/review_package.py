"""The 法制审核 package (art. 58): what the reviewer needs, frozen at the moment of submission.

The package is stored with the review round, so a later edit of the case cannot change what the
reviewer saw and approved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.money import amount_in_capitals, format_yuan
from enforcement_desk.core.procedure.limitation import check_limitation
from enforcement_desk.core.procedure.major import assess_major, hearing_right
from enforcement_desk.core.procedure.workflow import LATE_DECISION_PREFIX
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.case_records import current_proposal
from enforcement_desk.store.models import Case, Deadline, Evidence, EvidenceVoid, User


def _evidence_list(session: Session, case_id: int) -> list[dict[str, Any]]:
    voided = set(
        session.scalars(
            select(EvidenceVoid.evidence_id)
            .join(Evidence, Evidence.id == EvidenceVoid.evidence_id)
            .where(Evidence.case_id == case_id)
        )
    )
    rows = session.execute(
        select(Evidence, User.name)
        .join(User, User.id == Evidence.collected_by)
        .where(Evidence.case_id == case_id)
        .order_by(Evidence.id)
    )
    return [
        {
            "id": item.id,
            "type": item.evidence_type,
            "description": item.description,
            "file": item.original_name,
            "sha256": item.sha256,
            "size": item.size,
            "collected_by": collector,
            "collected_at": item.collected_at.isoformat(timespec="minutes"),
            "voided": item.id in voided,
        }
        for item, collector in rows
    ]


def _check(item: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"item": item, "ok": ok, "detail": detail}


def procedure_checklist(
    session: Session, case: Case, settings: AgencySettings, today: date
) -> list[dict[str, Any]]:
    """The procedural facts the reviewer verifies under 程序, each marked as met or not."""
    checks = []
    handlers = [h.user for h in case.handlers]
    valid = [u for u in handlers if u.cert_no and u.cert_valid_until and u.cert_valid_until >= today]
    names = "、".join(f"{u.name}（{u.cert_no or '无执法证'}）" for u in handlers)
    checks.append(_check("两名以上持有效执法证件的执法人员", len(valid) >= 2, names))
    checks.append(
        _check("立案经负责人批准", case.filed_on is not None and case.filing_approver_id is not None,
               f"立案日期 {case.filed_on}" if case.filed_on else "未立案")
    )  # fmt: skip
    notice = case.prior_notice_served_on
    checks.append(
        _check("已送达行政处罚事先告知书", notice is not None, f"送达日期 {notice}" if notice else "未送达")
    )
    defence_due = views.open_deadline_due(session, case.id, "defence")
    defence_over = case.defence_waived or (defence_due is not None and today > defence_due)
    checks.append(
        _check("陈述申辩期已届满或当事人书面放弃", defence_over,
               "当事人书面放弃" if case.defence_waived else f"陈述申辩期至 {defence_due}")
    )  # fmt: skip
    has_right, reasons = hearing_right(views.proposed_penalty(case), settings)
    if has_right:
        terminated_on = views.hearing_terminated_on(session, case)  # art. 64(六): the party gave it up
        if case.hearing_requested_on and terminated_on:
            checks.append(_check("当事人申请听证的已举行听证", True, f"申请 {case.hearing_requested_on}，"
                                 f"{terminated_on} 终止听证（视为放弃听证权利，《行政处罚法》第六十四条第（六）项）"))  # fmt: skip
        elif case.hearing_requested_on:
            checks.append(
                _check("当事人申请听证的已举行听证", case.hearing_held_on is not None,
                       f"申请 {case.hearing_requested_on}，举行 {case.hearing_held_on or '尚未举行'}")
            )  # fmt: skip
        else:
            request_due = views.open_deadline_due(session, case.id, "hearing_request")
            checks.append(
                _check(
                    "已告知听证权利，当事人未在期限内申请",
                    True,
                    f"听证申请期至 {request_due}（{'、'.join(reasons)}）",
                )
            )
    checks.append(_decision_period_check(session, case, today))
    if case.act_date:
        limitation = check_limitation(
            case.act_date,
            case.discovered_on,
            act_ended_on=case.act_ended_on,
            life_health_harm=case.life_health_harm,
        )
        checks.append(_check("未超过追责时效（第三十六条）", not limitation.barred, limitation.explanation))
    else:
        checks.append(_check("未超过追责时效（第三十六条）", False, "未记录违法行为发生日期，无法核对时效"))
    return checks


def _decision_period_check(session: Session, case: Case, today: date) -> dict[str, Any]:
    """在法定期限内作出决定 (卫生健康行政处罚程序规定 art. 42): the last day with its extensions and the time not
    counted; a decision made after it shows the head's reason (超过办案期限作出决定：…)."""
    decision_due = views.open_deadline_due(session, case.id, "decision")
    pauses = views.pause_views(session, case.id)
    counted = sum(p.days for p in pauses)
    detail = f"决定期限至 {decision_due}" + (f"（已扣除不计入期间 {counted} 日）" if counted else "")
    running = next((p for p in pauses if p.ended_on is None), None)
    late = views.late_decision_reason(session, case.id) if case.decided_on else None
    if late:
        return _check("在法定期限内作出决定", False, f"{LATE_DECISION_PREFIX}{late}（{detail}）")
    if running is not None:
        return _check("在法定期限内作出决定", True, f"办案期限暂停计算：{running.text}")
    met = decision_due is None or (case.decided_on or today) <= decision_due
    if not met and not case.decided_on:
        detail += "，已届满：须由负责人写明超过办案期限的理由后作出决定"
    return _check("在法定期限内作出决定", met, detail)


def build_review_package(
    session: Session, case: Case, settings: AgencySettings, today: date
) -> dict[str, Any]:
    """What the legal reviewer is given (行政处罚法 art. 58): the case, proposal, why it is major, open
    deadlines and the automatic checks, fixed at submission."""
    penalty = views.proposed_penalty(case)
    major = assess_major(
        penalty,
        settings,
        hearing_held=case.hearing_held_on is not None,
        flags=frozenset(case.major_flags or ()),
    )
    fine = case.fine_amount
    outcome = Outcome(case.proposed_outcome) if case.proposed_outcome else None
    proposal = current_proposal(session, case.id)
    open_deadlines = session.scalars(
        select(Deadline.name).where(Deadline.case_id == case.id, Deadline.status == "open")
    ).all()
    return {
        "case_no": case.filing_no or case.case_no,
        "party": {"name": case.party.name, "kind": case.party.kind, "id_number": case.party.id_number},
        "cause": case.cause,
        "violation_code": case.violation_code,
        "facts": case.facts,
        "evidence_summary": case.evidence_summary,
        "evidence": _evidence_list(session, case.id),
        "legal_basis": proposal.legal_basis if proposal else "",
        "violated_provision": proposal.violated_provision if proposal else "",
        "discretion": proposal.as_discretion() if proposal else {},
        "major_reasons": list(major.reasons),
        "discussion_grounds": list(views.discussion_assessment(session, case, settings).grounds),  # art. 40
        "procedure": procedure_checklist(session, case, settings, today),
        "open_deadlines": list(open_deadlines),
        "draft_decision": {
            "outcome": outcome.label if outcome else "",
            "penalty_kinds": list(case.penalty_kinds or ()),
            "fine": format_yuan(fine),
            "fine_in_capitals": amount_in_capitals(fine) if fine is not None else "",
            "confiscation": format_yuan(case.confiscation_amount),
            "mitigated": case.mitigated,
        },
    }
