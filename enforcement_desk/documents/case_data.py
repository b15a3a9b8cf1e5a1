"""The fields and lists a document template may use, gathered from one case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.money import amount_in_capitals, format_yuan
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import CATEGORY_LABELS, SOURCE_LABELS, CaseSource, Outcome
from enforcement_desk.documents.content import BLANK, chinese_date
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.case_records import (
    HearingRecordView,
    case_balance,
    current_proposal,
    execution_view,
    hearing_notice,
    hearing_record,
    latest,
    transfer_rows,
)
from enforcement_desk.procedure.review import OUTCOME_LABELS
from enforcement_desk.procedure.review_package import build_review_package
from enforcement_desk.store.models import (
    Agency,
    Case,
    CollectiveDiscussion,
    DocumentRecord,
    Evidence,
    EvidenceVoid,
    Payment,
    StageChange,
    User,
)
from enforcement_desk.store.models_steps import DecisionService, DocumentVoid
from enforcement_desk.transfer.signing import agency_fingerprint

NOT_RECORDED = BLANK  # printed as a line to fill in by hand


def _penalty_text(case: Case) -> str:
    outcome = Outcome(case.proposed_outcome) if case.proposed_outcome else None
    if outcome is None:
        return NOT_RECORDED
    if outcome is not Outcome.PENALTY:
        return outcome.label
    parts = []
    for kind in case.penalty_kinds or ():
        if kind == "罚款" and case.fine_amount is not None:
            parts.append(f"罚款{format_yuan(case.fine_amount)}（{amount_in_capitals(case.fine_amount)}）")
        elif kind.startswith("没收违法所得") and case.confiscation_amount is not None:
            parts.append(f"没收违法所得{format_yuan(case.confiscation_amount)}（{amount_in_capitals(case.confiscation_amount)}）")
        else:
            parts.append(kind)
    return "；".join(parts)


def _public_text(public: bool | None) -> str:
    return NOT_RECORDED if public is None else ("公开举行" if public else "不公开举行")


def transfer_status_fields(session: Session, case_id: int, agency_id: int | None = None) -> dict[str, str]:
    """The receiving police unit and procuratorate of the latest approved transfer, and the fingerprint of
    the agency's key that signs the package (printed on the 移送书 so the police can confirm the package's
    signer); the key is read (made on first use) only for a case approved for transfer."""
    approvals = [d for d in transfer_rows(session, case_id)["decisions"] if d.approved]
    latest_approval = approvals[-1] if approvals else None
    key = agency_fingerprint(agency_id) if latest_approval and agency_id is not None else ""
    return {
        "police_unit": latest_approval.police_unit if latest_approval else "",
        "procuratorate": latest_approval.procuratorate if latest_approval else "",
        "agency_key_fingerprint": key,
    }


def _latest_stage_note(session: Session, case_id: int, action: str) -> str:
    row = session.execute(
        select(StageChange.note)
        .where(StageChange.case_id == case_id, StageChange.action == action)
        .order_by(StageChange.id.desc())
    ).first()
    return row[0] if row else ""


def _evidence(session: Session, case_id: int) -> list[dict[str, Any]]:
    voided = set(session.scalars(select(EvidenceVoid.evidence_id)))
    rows = session.execute(
        select(Evidence, User.name).join(User, User.id == Evidence.collected_by).where(Evidence.case_id == case_id)
    )
    items = []
    for index, (item, collector) in enumerate(((e, n) for e, n in rows if e.id not in voided), start=1):
        items.append({
            "index": index, "type": item.evidence_type, "description": item.description or item.original_name,
            "file": item.original_name, "collected_by": collector, "collected_at": f"{item.collected_at:%Y-%m-%d %H:%M}",
            "sha256": item.sha256,
        })  # fmt: skip
    return items


FRONT_MATTER = ("case_file_cover", "case_file_index")


def _documents(session: Session, case_id: int, order: dict[str, int]) -> list[dict[str, Any]]:
    """The 卷内目录: current documents in procedure order; a voided one stays listed, marked 作废, its
    number explained rather than missing."""
    rows = session.execute(
        select(DocumentRecord, DocumentVoid.reason)
        .outerjoin(DocumentVoid, DocumentVoid.document_id == DocumentRecord.id)
        .where(
            DocumentRecord.case_id == case_id,
            DocumentRecord.superseded_by.is_(None),
            DocumentRecord.kind.not_in(FRONT_MATTER),
        )
    ).all()
    rows = sorted(rows, key=lambda r: (order.get(r[0].kind, len(order)), r[0].issued_at, r[0].id))
    return [
        {"index": i, "title": d.title + (f"（作废：{void}）" if void else ""), "number": d.number or "",
         "date": f"{d.issued_at:%Y-%m-%d}", "pages": "" if void else (d.pdf_pages or "")}
        for i, (d, void) in enumerate(rows, start=1)
    ]  # fmt: skip


def _execution_fields(session: Session, case: Case, settings: AgencySettings, today: date) -> dict[str, Any]:
    """The 催告书's service and the party's review or suit, as the 强制执行申请书 states them."""
    execution = execution_view(session, case, settings, today)
    if execution is None:
        return {"reminder_issued_on": NOT_RECORDED, "reminder_served_on": NOT_RECORDED, "challenge_sentence": ""}
    verbs = {"复议": "申请行政复议", "诉讼": "提起行政诉讼"}
    sentences = [
        f"被申请人于{chinese_date(c.filed_on)}向{c.body}{verbs.get(c.kind, c.kind)}"
        + (f"，{c.body}于{chinese_date(c.decided_on)}作出{c.outcome}的决定（{c.document_no}）" if c.outcome else "，尚无结果")
        + "。"
        for c in execution.challenges
    ]
    return {
        "reminder_issued_on": chinese_date(execution.reminder_issued_on),
        "reminder_served_on": chinese_date(execution.reminder_served_on),
        "challenge_sentence": "".join(sentences)
        or "被申请人在法定期限内未申请行政复议、未提起行政诉讼，又不履行义务。",
    }


def service_note(service: DecisionService | None) -> str:
    """What the 送达回执 records of a service beyond its date, as the 2025 rule asks of each method (arts.
    54–58): the signer, the refusal and its witnesses or recording, the receipt, the consent, the notice."""
    if service is None:
        return ""
    evidence = "、".join(f"证据#{i}" for i in service.evidence_ids or ())
    if service.method == "留置送达":
        parts = [f"拒收事由：{service.refusal_reason or NOT_RECORDED}"]
        if service.witnesses:
            parts.append(f"见证人：{'、'.join(service.witnesses)}")
        if evidence:
            parts.append(f"送达过程记录：{evidence}")
        return "；".join(parts) + "；执法文书已留置于受送达人住所（《卫生健康行政处罚程序规定》第五十五条）"
    if service.method in ("邮寄送达", "委托送达"):
        return f"回执：{service.receipt_ref or NOT_RECORDED}，以回执上注明的收件日期为送达日期（第五十六条）"
    if service.method == "电子送达":
        recorded = f"；送达记录：{evidence}" if evidence else ""
        return f"送达确认书：{service.consent_ref or NOT_RECORDED}{recorded}；以送达信息到达之日为送达日期（第五十七条）"
    if service.method == "公告送达":
        return (
            f"公告原因：{service.notice_reason}；{chinese_date(service.published_on)}在{service.publication}发出公告，"
            f"经过三十日，于{chinese_date(service.served_on)}视为送达（《卫生健康行政处罚程序规定》第五十八条）"
        )
    return f"签收人：{service.recipient}" if service.recipient else ""


def _hearing_outcome(hearing: HearingRecordView | None) -> str:
    """听证结果 as the 听证笔录 states it: held, or terminated with its ground (卫生健康行政处罚程序规定 art. 50(2); 行政处罚法 art. 64(六))."""
    if hearing is None:
        return NOT_RECORDED
    if hearing.terminated:
        return (
            f"终止听证。当事人及其代理人{hearing.termination_reason}听证，视为放弃听证权利"
            "（《卫生健康行政处罚程序规定》第五十条第二款；《中华人民共和国行政处罚法》第六十四条第（六）项）"
        )
    return "听证依法举行"


def case_fields(
    session: Session,
    case: Case,
    agency: Agency,
    settings: AgencySettings,
    today: date,
    order: dict[str, int] | None = None,
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The fields and lists a document template fills from the case: party, handlers, proposal, hearing,
    review, discussion, decision, payments, documents and evidence."""
    party = case.party
    person = party.kind == "person"
    handlers = [h.user for h in case.handlers]
    proposal = current_proposal(session, case.id)
    discretion = proposal.as_discretion() if proposal else {}
    hearing = hearing_record(session, case.id)
    notice = hearing_notice(session, case.id)
    transfer = transfer_status_fields(session, case.id, case.agency_id)
    review = views.latest_review(session, case.id)
    reviewer = session.get(User, review.reviewer_id) if review and review.reviewer_id else None
    discussion = session.scalars(
        select(CollectiveDiscussion).where(CollectiveDiscussion.case_id == case.id).order_by(CollectiveDiscussion.id.desc())
    ).first()
    approver = session.get(User, case.filing_approver_id) if case.filing_approver_id else None
    payments = session.scalars(select(Payment).where(Payment.case_id == case.id).order_by(Payment.paid_on)).all()
    has_hearing_right, _ = views.hearing_right(views.proposed_penalty(case), settings)
    owed = case_balance(session, case, today)
    outstanding = owed.fine_due
    penalty_text = _penalty_text(case)
    hearing_words = "、听证" if has_hearing_right else ""
    if case.hearing_held_on:
        defence_result = f"你（单位）要求举行听证，本机关于{chinese_date(case.hearing_held_on)}依法举行了听证。"
    elif hearing is not None and hearing.terminated and case.hearing_requested_on:
        you = "你" if person else "你单位"
        defence_result = (
            f"{you}要求举行听证，因{you}{hearing.termination_reason}听证，视为放弃听证权利，"
            f"本机关于{chinese_date(hearing.held_on)}依法终止听证（《卫生健康行政处罚程序规定》第五十条第二款）。"
        )
    elif case.defence_waived:
        defence_result = "你（单位）书面表示放弃陈述、申辩的权利。"
    else:
        defence_result = "你（单位）在规定期限内未提出陈述、申辩意见。"
    fields: dict[str, Any] = {
        "agency_name": agency.name, "agency_address": agency.address, "agency_phone": agency.phone,
        "reconsideration_body": agency.reconsideration_body, "court": agency.court,
        "bank_name": agency.bank_name, "bank_account": agency.bank_account, "payee": agency.payee or agency.name,
        "party_name": party.name, "party_kind_label": "自然人" if person else "法人或其他组织",
        "party_id_label": "公民身份号码" if person else "统一社会信用代码", "party_id_number": party.id_number or NOT_RECORDED,
        "party_legal_rep": party.legal_representative, "party_address": party.address, "party_phone": party.phone,
        "case_no": case.case_no, "filing_no": case.filing_no, "decision_no": case.decision_no, "cause": case.cause,
        "category_label": CATEGORY_LABELS.get(case.category, case.category),
        "source_label": SOURCE_LABELS[CaseSource(case.source)], "source_detail": case.source_detail,
        "facts": case.facts, "evidence_summary": case.evidence_summary or "现场笔录、询问笔录及相关证据材料",
        "location": case.location,
        "accepted_on": chinese_date(case.accepted_on), "discovered_on": chinese_date(case.discovered_on),
        "filed_on": chinese_date(case.filed_on), "decided_on": chinese_date(case.decided_on),
        "served_on": chinese_date(case.served_on), "closed_on": chinese_date(case.closed_on),
        "archived_on": chinese_date(case.archived_on), "issue_date": chinese_date(today),
        "handlers": "、".join(f"{u.name}（执法证号 {u.cert_no or '无'}）" for u in handlers),
        "filing_approver": approver.name if approver else NOT_RECORDED,
        "penalty_text": penalty_text, "proposal_text": penalty_text or NOT_RECORDED,
        "fine": format_yuan(case.fine_amount),
        "fine_capitals": amount_in_capitals(case.fine_amount) if case.fine_amount is not None else NOT_RECORDED,
        "violated_provision": discretion.get("violated_provision", NOT_RECORDED),
        "legal_basis": discretion.get("legal_basis", NOT_RECORDED),
        "level": discretion.get("level", ""), "discretion_reason": discretion.get("reason", ""),
        "discretion_reason_sentence": f"本机关综合考虑{discretion['reason']}，作出上述裁量。" if discretion.get("reason") else "",
        "prior_notice_served_on": chinese_date(case.prior_notice_served_on),
        "defence_days": settings.defence_working_days, "hearing_request_days": 5,
        "hearing_words": hearing_words, "defence_result": defence_result,
        "hearing_right_text": (
            "依据《卫生健康行政处罚程序规定》第四十三条、第四十四条和《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，"
            "你（单位）有要求举行听证的权利。"
            "如要求听证，请于收到本告知书之日起5个工作日内向本机关提出，逾期视为放弃听证权利。"
        ) if has_hearing_right else "",
        "hearing_requested_on": chinese_date(case.hearing_requested_on),
        "hearing_held_on": chinese_date(hearing.held_on if hearing else case.hearing_held_on),
        "hearing_outcome": _hearing_outcome(hearing),
        "hearing_agents": ("、".join(hearing.agents) or "无") if hearing else NOT_RECORDED,
        "hearing_host": hearing.host if hearing else (notice.host if notice else NOT_RECORDED),
        "hearing_recorder": (hearing.recorder if hearing else (notice.recorder if notice else "")) or NOT_RECORDED,
        "hearing_place": (hearing.place if hearing else (notice.place if notice else "")) or NOT_RECORDED,
        "hearing_time": f"{notice.scheduled_at:%Y年%m月%d日 %H:%M}" if notice else NOT_RECORDED,
        "hearing_public": _public_text(hearing.public if hearing else (notice.public if notice else None)),
        "hearing_notice_served_on": chinese_date(notice.served_on) if notice else NOT_RECORDED,
        "hearing_attendees": "、".join(hearing.attendees) if hearing and hearing.attendees else NOT_RECORDED,
        "hearing_statements": (hearing.party_statements if hearing else "") or NOT_RECORDED,
        "hearing_signature": (hearing.party_signature if hearing else "") or NOT_RECORDED,
        "hearing_record": hearing.record_text if hearing else NOT_RECORDED,
        "hearing_opinion": (hearing.opinion if hearing else "") or NOT_RECORDED,
        "review_submitted_on": f"{review.submitted_at:%Y年%m月%d日}" if review else NOT_RECORDED,
        "review_outcome": OUTCOME_LABELS.get(review.outcome, "") if review else NOT_RECORDED,
        "review_opinion": review.opinion if review and review.opinion else NOT_RECORDED,
        "reviewer": reviewer.name if reviewer else NOT_RECORDED,
        "review_date": f"{review.reviewed_at:%Y年%m月%d日}" if review and review.reviewed_at else NOT_RECORDED,
        "major_reasons": "；".join(build_review_package(session, case, settings, today)["major_reasons"]) or "—",
        "discussion_date": chinese_date(discussion.held_on) if discussion else NOT_RECORDED,
        "discussion_participants": "、".join(discussion.participants) if discussion else NOT_RECORDED,
        "discussion_conclusion": discussion.conclusion if discussion else NOT_RECORDED,
        "service_method": case.service_method or NOT_RECORDED,
        "service_note": service_note(latest(session, DecisionService, case.id)) or NOT_RECORDED,
        "paid_amount": format_yuan(case.paid_amount or Decimal(0)), "outstanding": format_yuan(outstanding),
        "surcharge_due": format_yuan(owed.surcharge_due), "confiscation_due": format_yuan(owed.confiscation_due),
        "owed_text": owed.owed_text() or "无",
        "surcharge_sentence": (
            f"其中加处罚款{format_yuan(owed.surcharge_due)}，系依据《中华人民共和国行政处罚法》第七十二条第一款第（一）项和《卫生健康行政处罚程序规定》第六十六条第一款第（一）项的规定，"
            "自缴款期限届满次日起，每日按逾期未缴罚款数额的百分之三加处，加处罚款的数额不超出罚款的数额。"
        ) if owed.surcharge_due else "",
        "closing_summary": case.closing_summary,
        "police_unit": transfer["police_unit"] or "________________公安局",
        "procuratorate": transfer["procuratorate"] or "________________人民检察院",
        "agency_key_fingerprint": transfer["agency_key_fingerprint"],
        "transfer_reason": _latest_stage_note(session, case.id, "transfer_police")
        or _latest_stage_note(session, case.id, "transfer_agency"),
        **_execution_fields(session, case, settings, today),
    }  # fmt: skip
    lists = {
        "evidence": _evidence(session, case.id),
        "documents": _documents(session, case.id, order or {}),
        "review_checks": list(review.checks or []) if review else [],
        "discussion_opinions": list(discussion.opinions or []) if discussion else [],
        "payments": [
            {"paid_on": str(p.paid_on), "amount": format_yuan(p.amount), "surcharge": format_yuan(p.surcharge),
             "receipt_no": p.receipt_no} for p in payments
        ],  # fmt: skip
    }
    return fields, lists
