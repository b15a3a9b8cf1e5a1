"""The fields and lists a document template may use, gathered from one case."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.money import amount_in_capitals, format_yuan
from enforcement_desk.core.penalty_kinds import PENALTY_KINDS
from enforcement_desk.core.procedure.workflow import LATE_DECISION_PREFIX
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import CATEGORY_LABELS, SOURCE_LABELS, CaseSource, Outcome
from enforcement_desk.discretion.service import benchmark_provisions
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

NOT_RECORDED = BLANK  # a value the case does not hold: a document needing it is refused (documents.content)
# Days a 卫生监督意见书 gives to report the correction made: the common practice of 卫生监督意见书, which an
# agency changes in its copy of the template.
CORRECTION_DAYS = 15


def _is_order(kind: str) -> bool:
    # 责令改正 and its statutory forms accompany a penalty (行政处罚法 art. 28) but are not one (art. 9).
    return kind.startswith("责令") and kind not in PENALTY_KINDS


def _penalty_text(case: Case) -> str:
    outcome = Outcome(case.proposed_outcome) if case.proposed_outcome else None
    if outcome is None:
        return NOT_RECORDED
    if outcome is not Outcome.PENALTY:
        return outcome.label
    parts = []
    for kind in (k for k in case.penalty_kinds or () if not _is_order(k)):
        if kind == "罚款" and case.fine_amount is not None:
            parts.append(f"罚款{format_yuan(case.fine_amount)}（{amount_in_capitals(case.fine_amount)}）")
        elif kind.startswith("没收违法所得") and case.confiscation_amount is not None:
            parts.append(f"没收违法所得{format_yuan(case.confiscation_amount)}（{amount_in_capitals(case.confiscation_amount)}）")
        else:
            parts.append(kind)
    return "；".join(parts)


def order_to_correct(case: Case, computation: dict, library_kinds: tuple[str, ...], you: str) -> str:
    """The order to correct that every decision carries (行政处罚法 art. 28: 应当责令当事人改正或者限期改正违法行为),
    worded as the penalty article words it (责令限期改进, 责令停止执业活动 …) when the benchmark entry or the
    proposal names it."""
    chosen = [k for k in (*(case.penalty_kinds or ()), *computation.get("kinds", ())) if _is_order(k)]
    # An article lists its heavier measures after the first (责令限期改正 … 情节严重的，责令停止执业活动):
    # unless the handlers chose one, the decision orders what the article orders first.
    orders = list(dict.fromkeys(chosen)) or [k for k in library_kinds if _is_order(k)][:1]
    if not orders:
        return f"责令{you}立即改正上述违法行为"
    worded = [
        f"{order[:2]}{you}{order[2:]}" + ("上述违法行为" if order.endswith(("改正", "改进")) else "")
        for order in orders
    ]  # 责令 + 你单位 + 限期改正
    return "，".join(worded)


def citation(provision: str | None) -> str:
    """An article cited by its number only (《医疗机构管理条例》第二十七条): a provision recorded with its text
    ("…第二十七条：任何单位或者个人…。") is cut at the colon, so a document never quotes a whole statute
    followed by "的规定"."""
    if not provision or provision == NOT_RECORDED:
        return NOT_RECORDED
    cited = [part.split("：", 1)[0].split(":", 1)[0].strip().rstrip("。；，") for part in provision.split("\n")]
    return "、".join(c for c in cited if c) or NOT_RECORDED


def evidence_list(items: list[dict[str, Any]], summary: str) -> str:
    """The case's evidence as the decision lists it (行政处罚法 art. 59(二)): each item with its kind, or the
    handlers' own summary when no item is registered; the blank (refused) when there is neither."""
    if items:
        named = [f"{item['description']}（{item['type']}）" for item in items]
        return "、".join(named)
    return summary.strip() or NOT_RECORDED


def discretion_sentences(computation: dict, level: str, reason: str, you: str) -> str:
    """The discretion's reasons as sentences from the recorded circumstances: the circumstances the benchmark
    found, the range they lead to, and the handlers' own words."""
    sentences = []
    for rule in computation.get("explanation", ()):
        text = str(rule.get("text", ""))
        if text.startswith("具有") and "情形：" in text:
            kind, found = text[2:].split("情形：", 1)
            sentences.append(f"经查，{you}存在{found}的情形，属于裁量基准规定的{kind}情形")
        elif "裁量幅度" in text and "建议" in text:
            sentences.append(f"依照本机关适用的{computation.get('library') or '裁量基准'}，{text.split('，建议')[0]}")
    own = reason.strip().rstrip("。")
    if own and sentences:
        sentences.append(f"此外，{own}")
    elif own:
        weighed = f"鉴于{own}，本机关"
        sentences.append(weighed + (f"依法予以{level}处罚" if level in ("从轻", "减轻", "从重") else
                                    f"在{level or '法定'}裁量幅度内处罚"))  # fmt: skip
    return "；".join(sentences) + "。" if sentences else ""


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


def stage_dates(session: Session, case_id: int) -> dict[str, date]:
    """The day the case last entered each stage: the date a document of that stage bears, so a document
    printed again later still carries the date of its event."""
    rows = session.execute(
        select(StageChange.to_stage, StageChange.at).where(StageChange.case_id == case_id).order_by(StageChange.id)
    )
    return {stage: at.date() for stage, at in rows}


def _decision_note(session: Session, case_id: int) -> str:
    note = _latest_stage_note(session, case_id, "decide")
    return "" if note.startswith(LATE_DECISION_PREFIX) else note


def _current_document(session: Session, case_id: int, kind: str) -> DocumentRecord | None:
    return session.scalars(
        select(DocumentRecord)
        .where(DocumentRecord.case_id == case_id, DocumentRecord.kind == kind,
               DocumentRecord.superseded_by.is_(None), DocumentRecord.id.not_in(select(DocumentVoid.document_id)))
        .order_by(DocumentRecord.id.desc())
    ).first()  # fmt: skip


def _prior_notice_number(session: Session, case_id: int) -> str:
    notice = _current_document(session, case_id, "prior_notice")
    return (notice.number or "") if notice else ""


def _hearing_sentence(hearing: HearingRecordView | None, held_on: date | None, adoption: str, you: str) -> str:
    """What the party argued at the hearing and whether the agency adopted it, for the decision (2025 rule
    art. 51: the decision is made on the hearing record)."""
    if hearing is None or hearing.terminated or held_on is None:
        return ""
    argued = hearing.party_statements.strip().rstrip("。") or "未提出新的事实、理由和证据"
    finding = (adoption or hearing.opinion).strip().rstrip("。") or NOT_RECORDED
    return (
        f"{you}要求举行听证，本机关于{chinese_date(held_on)}依法举行了听证。{you}在听证中提出：{argued}。"
        f"经复核，本机关认为：{finding}。"
    )


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


# The case file's own pages (built by documents.case_file, never filed inside it).
FRONT_MATTER = ("case_file_cover", "case_file_index")
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日$")


def case_file_records(
    session: Session, case_id: int, order: dict[str, int]
) -> list[tuple[DocumentRecord, str | None, bool]]:
    """What the case file lists, in procedure order, then by date: each current version with the reason it
    was voided (a voided one is listed, not filed) and whether it is a correction of an earlier version."""
    rows = session.execute(
        select(DocumentRecord, DocumentVoid.reason)
        .outerjoin(DocumentVoid, DocumentVoid.document_id == DocumentRecord.id)
        .where(
            DocumentRecord.case_id == case_id,
            DocumentRecord.superseded_by.is_(None),
            DocumentRecord.kind.not_in(FRONT_MATTER),
        )
    ).all()
    corrections = set(session.scalars(
        select(DocumentRecord.superseded_by).where(DocumentRecord.case_id == case_id,
                                                   DocumentRecord.superseded_by.is_not(None))
    ))  # fmt: skip
    rows = sorted(rows, key=lambda r: (order.get(r[0].kind, len(order)), r[0].issued_at, r[0].id))
    return [(record, void, record.id in corrections) for record, void in rows]


def document_date(record: DocumentRecord) -> date:
    """The date a document bears: the last line of its signature when that is a date (a 送达回执 bears the day
    of service), else the day it was issued."""
    signature = (record.content or {}).get("signature") or []
    found = _CHINESE_DATE.search(signature[-1].strip()) if signature else None
    if found:
        try:
            return date(*map(int, found.groups()))
        except ValueError:
            pass
    return record.issued_at.date()


def _documents(session: Session, case_id: int, order: dict[str, int]) -> list[dict[str, Any]]:
    """The 卷内目录 (GB/T 9705-2008: 序号, 文号, 责任者, 题名, 日期, 页号, 备注): the filed documents with their
    页号 on the file's continuous numbering, "起-止" when a document has several pages; a voided one stays
    listed with no 页号, its number explained in 备注 rather than missing."""
    rows, page = [], 0
    for index, (record, void, corrected) in enumerate(case_file_records(session, case_id, order), start=1):
        pages = record.pdf_pages or 0
        page_no = ""
        if not void and pages:
            page_no = str(page + 1) if pages == 1 else f"{page + 1}-{page + pages}"
            page += pages
        note = f"作废：{void}" if void else (f"更正，第{record.version}版" if corrected else "")
        rows.append({
            "index": index, "number": record.number or "", "author": (record.content or {}).get("agency_name", ""),
            "title": record.title, "date": f"{document_date(record):%Y%m%d}", "page_no": page_no, "note": note,
            "pages": "" if void else (pages or ""),
        })  # fmt: skip
    return rows


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
    you = "你" if person else "你单位"
    if case.hearing_held_on:
        defence_result = _hearing_sentence(hearing, case.hearing_held_on, _decision_note(session, case.id), you)
    elif hearing is not None and hearing.terminated and case.hearing_requested_on:
        defence_result = (
            f"{you}要求举行听证，因{you}{hearing.termination_reason}听证，视为放弃听证权利，"
            f"本机关于{chinese_date(hearing.held_on)}依法终止听证（《卫生健康行政处罚程序规定》第五十条第二款）。"
        )
    elif case.defence_waived:
        defence_result = f"{you}书面表示放弃陈述、申辩的权利。"
    else:
        defence_result = f"{you}在规定期限内未提出陈述、申辩意见。"
    computation = proposal.computation if proposal else {}
    benchmark = benchmark_provisions(
        session, case.agency_id, case.violation_code, case.act_date or case.discovered_on or today
    )
    library_kinds = () if computation.get("kinds") else benchmark.kinds
    evidence_items = _evidence(session, case.id)
    entered = stage_dates(session, case.id)
    prior_notice_no = _prior_notice_number(session, case.id)
    preservation = _current_document(session, case.id, "evidence_preservation_decision")
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
        "you": you, "case_summary": case.facts or case.source_detail,
        "facts": case.facts, "evidence_summary": evidence_list(evidence_items, case.evidence_summary or ""),
        "location": case.location,
        "accepted_on": chinese_date(case.accepted_on), "discovered_on": chinese_date(case.discovered_on),
        "filed_on": chinese_date(case.filed_on), "decided_on": chinese_date(case.decided_on),
        "served_on": chinese_date(case.served_on), "closed_on": chinese_date(case.closed_on),
        "archived_on": chinese_date(case.archived_on), "issue_date": chinese_date(today),
        **{f"entered_{stage}_on": chinese_date(day) for stage, day in entered.items()},
        "handlers": "、".join(f"{u.name}（执法证号 {u.cert_no or '无'}）" for u in handlers),
        "filing_approver": approver.name if approver else NOT_RECORDED,
        "penalty_text": penalty_text, "proposal_text": penalty_text or NOT_RECORDED,
        "fine": format_yuan(case.fine_amount),
        "fine_capitals": amount_in_capitals(case.fine_amount) if case.fine_amount is not None else NOT_RECORDED,
        # Before a proposal (a 卫生监督意见书 on inspection) the case's benchmark entry names the articles.
        "violated_provision": citation(discretion.get("violated_provision") or benchmark.violated),
        "legal_basis": citation(discretion.get("legal_basis") or benchmark.penalty_basis),
        "level": discretion.get("level", ""), "discretion_reason": discretion.get("reason", ""),
        "discretion_reason_sentence": discretion_sentences(
            computation, str(discretion.get("level") or ""), str(discretion.get("reason") or ""), you),
        "order_to_correct": order_to_correct(case, computation, library_kinds, you),
        "prior_notice_no": prior_notice_no or NOT_RECORDED,
        "preservation_decided_on": chinese_date(preservation.issued_at.date()) if preservation else NOT_RECORDED,
        "preservation_decision_cited": f"《证据先行登记保存决定书》（{preservation.number}）" if preservation else NOT_RECORDED,
        "prior_notice_cited": f"《行政处罚事先告知书》（{prior_notice_no}）" if prior_notice_no else NOT_RECORDED,
        "prior_notice_served_on": chinese_date(case.prior_notice_served_on),
        "defence_days": settings.defence_working_days, "hearing_request_days": 5,
        "hearing_words": hearing_words, "defence_result": defence_result, "correction_days": CORRECTION_DAYS,
        "hearing_right_text": (
            "依据《卫生健康行政处罚程序规定》第四十三条、第四十四条和《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，"
            f"{you}有要求举行听证的权利。"
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
        "hearing_notice_arranged_on": chinese_date(notice.arranged_on) if notice else NOT_RECORDED,
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
        # A 送达回执 goes out with the decision before it is served: the server writes the method and date in.
        "service_method_or_space": case.service_method or "直接送达 / 留置送达 / 邮寄送达 / 委托送达 / 电子送达（划选）",
        "served_on_or_space": chinese_date(case.served_on) if case.served_on else "　　　年　　月　　日",
        "service_note": service_note(latest(session, DecisionService, case.id)) or NOT_RECORDED,
        "paid_amount": format_yuan(case.paid_amount or Decimal(0)), "outstanding": format_yuan(outstanding),
        "surcharge_due": format_yuan(owed.surcharge_due), "confiscation_due": format_yuan(owed.confiscation_due),
        "owed_text": owed.owed_text() or "无",
        "surcharge_sentence": (
            f"其中加处罚款{format_yuan(owed.surcharge_due)}，系依据《中华人民共和国行政处罚法》第七十二条第一款第（一）项和《卫生健康行政处罚程序规定》第六十六条第一款第（一）项的规定，"
            "自缴款期限届满次日起，每日按逾期未缴罚款数额的百分之三加处，加处罚款的数额不超出罚款的数额。"
        ) if owed.surcharge_due else "",
        "closing_summary": case.closing_summary,
        "police_unit": transfer["police_unit"] or NOT_RECORDED,
        "procuratorate": transfer["procuratorate"] or NOT_RECORDED,
        "agency_key_fingerprint": transfer["agency_key_fingerprint"],
        "transfer_reason": _latest_stage_note(session, case.id, "transfer_police")
        or _latest_stage_note(session, case.id, "transfer_agency"),
        **_execution_fields(session, case, settings, today),
    }  # fmt: skip
    documents = _documents(session, case.id, order or {})
    fields["document_count"] = (len(documents) + len(evidence_items)) or None  # none on record: refused
    lists = {
        "evidence": evidence_items,
        "documents": documents,
        "review_checks": list(review.checks or []) if review else [],
        "discussion_opinions": list(discussion.opinions or []) if discussion else [],
        "payments": [
            {"paid_on": str(p.paid_on), "amount": format_yuan(p.amount), "surcharge": format_yuan(p.surcharge),
             "receipt_no": p.receipt_no} for p in payments
        ],  # fmt: skip
    }
    return fields, lists


# How a refusal names a field the case does not hold, and where the officer records it.
FIELD_LABELS = {
    "agency_name": "本机关名称（管理员：机构设置）", "agency_address": "本机关地址（机构设置）",
    "agency_phone": "本机关联系电话（机构设置）", "reconsideration_body": "行政复议机关（机构设置）",
    "court": "管辖人民法院（机构设置）", "bank_name": "罚款缴纳银行（机构设置）", "bank_account": "缴款账号（机构设置）",
    "payee": "收款户名（机构设置）", "party_name": "当事人名称", "party_id_number": "当事人证件号码",
    "party_address": "当事人地址", "case_no": "受理编号", "filing_no": "立案文号", "decision_no": "决定书文号",
    "cause": "案由", "facts": "违法事实", "case_summary": "案情摘要（违法事实或案件来源说明）", "evidence_summary": "证据（登记证据或填写证据摘要）",
    "location": "检查地点", "accepted_on": "受理日期", "discovered_on": "发现日期", "filed_on": "立案日期",
    "decided_on": "决定日期", "served_on": "送达日期", "closed_on": "结案日期", "archived_on": "归档日期",
    "handlers": "承办人", "filing_approver": "立案审批负责人", "penalty_text": "处罚内容（处理意见）",
    "proposal_text": "拟处理意见", "fine": "罚款金额", "fine_capitals": "罚款金额",
    "violated_provision": "违反的条款（处理意见）", "legal_basis": "处罚依据（处理意见）",
    "order_to_correct": "责令改正的内容", "prior_notice_served_on": "事先告知书送达日期",
    "prior_notice_no": "事先告知书文号（先出具事先告知书）", "prior_notice_cited": "事先告知书文号（先出具事先告知书）",
    "defence_result": "陈述申辩或听证情况", "hearing_requested_on": "要求听证日期", "hearing_held_on": "听证日期",
    "hearing_outcome": "听证结果", "hearing_agents": "委托代理人", "hearing_host": "听证主持人",
    "hearing_recorder": "听证记录员", "hearing_place": "听证地点", "hearing_time": "听证时间",
    "hearing_public": "是否公开听证", "hearing_notice_served_on": "听证通知书送达日期",
    "hearing_notice_arranged_on": "听证通知日期（先安排听证）", "hearing_attendees": "听证参加人",
    "hearing_statements": "当事人在听证中的陈述", "hearing_signature": "当事人对听证笔录的签字",
    "hearing_record": "听证记录", "hearing_opinion": "听证意见", "review_submitted_on": "送审日期",
    "review_outcome": "法制审核结论", "review_opinion": "法制审核意见", "reviewer": "法制审核人员",
    "review_date": "审核日期", "major_reasons": "重大执法决定理由", "discussion_date": "集体讨论日期",
    "discussion_participants": "集体讨论参加人员", "discussion_conclusion": "集体讨论结论",
    "service_method": "送达方式", "service_note": "送达情况", "transfer_reason": "移送理由",
    "reminder_issued_on": "催告书出具日期", "reminder_served_on": "催告书送达日期",
    "police_unit": "接收移送的公安机关", "procuratorate": "抄送的人民检察院",
    "document_count": "随案移送的材料（先出具本案文书或登记证据）",
    "list:evidence": "登记的证据或物品（先在证据中登记）",
    "preservation_decided_on": "证据先行登记保存决定书（先出具）",
    "preservation_decision_cited": "证据先行登记保存决定书（先出具）",
}  # fmt: skip


def field_label(name: str) -> str:
    """The field as the refusal names it; a stage date names its step."""
    if name.startswith("entered_") and name.endswith("_on"):
        from enforcement_desk.core.stages import Stage

        stage = name.removeprefix("entered_").removesuffix("_on")
        label = Stage(stage).label if stage in {s.value for s in Stage} else stage
        return f"进入“{label}”环节的日期"
    return FIELD_LABELS.get(name, name)
