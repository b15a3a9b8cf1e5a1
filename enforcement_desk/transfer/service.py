"""Handing a suspected crime to the police (国务院令第310号《行政执法机关移送涉嫌犯罪案件的规定》).

Art. 5: two or more officers check the facts and report in writing; the principal head (or the head
presiding) approves or refuses within 3 days of the report (the approval and the refusal with its reasons
are procedure actions, see procedure/steps/actions.py; who may, transfer/approvers.py); an approved case goes to
the police within 24 hours. This module records the report and the police's receipt (回执, art. 7) with
the hour it was received, and builds and checks the package of documents and original evidence that goes
with the 涉嫌犯罪案件移送书; transfer/follow_up.py records what follows the police's answer (arts. 8, 9, 12).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.workflow import ACTIONS
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.documents.service import issue_document
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import history, transfer_rows
from enforcement_desk.procedure.cases import load_case
from enforcement_desk.procedure.deadlines import agency_settings, close_deadlines, open_deadline
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.audit import GENESIS_HASH
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import (
    Agency,
    AuditHead,
    Case,
    Deadline,
    DocumentRecord,
    Evidence,
    EvidenceVoid,
    User,
)
from enforcement_desk.store.models_steps import (
    DocumentVoid,
    PoliceAnswer,
    TransferDecision,
    TransferItemHandover,
    TransferPackage,
    TransferReceipt,
    TransferReconsideration,
    TransferReport,
)
from enforcement_desk.transfer import record_transfer_event, signing
from enforcement_desk.transfer.index_pdf import IndexHeading, pdf_page_count, render_index
from enforcement_desk.transfer.package import PackageItem, Trust, VerifyReport, build_package, verify_package
from enforcement_desk.transfer.signing import (
    agency_signing_key,
    fingerprint,
    normalized_fingerprint,
    public_key_pem,
)
from enforcement_desk.transfer.trust import read_public_key_file, trusted_keys

RULE = "《行政执法机关移送涉嫌犯罪案件的规定》第五条"
MIN_REPORTING_OFFICERS = 2
# 涉嫌犯罪案件移送书, the investigation report on the suspected crime, and the list of items involved.
TRANSFER_DOCUMENTS = ("crime_transfer", "investigation_report", "item_list")
DECISIONS = ("transfer_police", "refuse_transfer")


@dataclass(frozen=True)
class TransferReportView:
    """The officers' written report of a suspected crime (国务院令第310号 art. 5): who, findings, when."""

    officers: tuple[str, ...]
    findings: str
    submitted_at: datetime
    submitted_by: str


HANDOVER_HOURS = 24


@dataclass(frozen=True)
class TransferReceiptView:
    """The police's receipt (回执): the unit, who received it, when, its scan, and whether within the 24
    hours after the approval. `received_at` is None on receipts recorded with a date only (before 0015):
    they are counted as received at the end of that day (`counted_at`), so a late hand-over is never hidden."""

    receiving_unit: str
    receiver: str
    received_on: date
    scan_name: str
    scan_sha256: str
    on_time: bool
    received_at: datetime | None = None
    counted_at: datetime | None = None

    @property
    def when(self) -> str:
        """The moment of receipt as recorded, e.g. 2026-11-03 09:30, or the date with how it is counted."""
        if self.received_at is not None:
            return f"{self.received_at:%Y-%m-%d %H:%M}"
        return f"{self.received_on}（只登记了日期，按当日 24 时计）"


@dataclass(frozen=True)
class TransferPeriodView:
    """One of the transfer's periods as the case's deadlines hold it (310号 arts. 5, 8, 9, 12)."""

    key: str
    name: str
    article: str
    due_on: date
    due_at: datetime | None
    status: str  # open | met | …
    closed_on: date | None

    @property
    def due(self) -> str:
        """The due moment (24 hours: with the hour) or day."""
        return f"{self.due_at:%Y-%m-%d %H:%M}" if self.due_at else str(self.due_on)


@dataclass(frozen=True)
class PoliceAnswerView:
    """The police's written notice (art. 8): 立案 or 不予立案, its reasons, the day the agency received it."""

    accepted: bool
    reason: str
    answered_on: date


@dataclass(frozen=True)
class FollowUpView:
    """What the agency did after the police's answer: asked them to reconsider (art. 9) or handed over the
    items (art. 12); when, what, and whether within the 3 days."""

    kind: str  # reconsideration | items
    on: date
    text: str
    on_time: bool


@dataclass(frozen=True)
class TransferStatus:
    """Where a transfer to the police stands: report, the head's decision and capacity, recipients,
    packages, receipt, the police's answer and what followed it, and the transfer's periods."""

    case_id: int
    report: TransferReportView | None
    decision: str | None  # None (no report yet) | 待审批 | 已批准移送 | 不批准移送
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    police_unit: str
    procuratorate: str
    packages_built: int
    receipt: TransferReceiptView | None
    capacity: str | None = None  # 正职负责人 | 主持工作的负责人; None on decisions before 0015
    handover_due_at: datetime | None = None  # 24 hours after the approval (art. 5)
    police_answer: PoliceAnswerView | None = None
    follow_ups: tuple[FollowUpView, ...] = ()
    periods: tuple[TransferPeriodView, ...] = ()


def _status(session: Session, case: Case) -> TransferStatus:
    rows = transfer_rows(session, case.id)
    report_row: TransferReport | None = rows["report"]
    report = None
    if report_row is not None:
        report = TransferReportView(
            tuple(o["name"] for o in report_row.officers), report_row.findings, report_row.submitted_at,
            report_row.submitted_by_name,
        )  # fmt: skip
    decisions: list[TransferDecision] = rows["decisions"]
    latest_decision = decisions[-1] if decisions else None
    if latest_decision is not None and (report is None or latest_decision.decided_at >= report.submitted_at):
        decision = "已批准移送" if latest_decision.approved else "不批准移送"
        decided = latest_decision
    else:
        decision, decided = ("待审批" if report else None), None
    approvals = [d for d in decisions if d.approved]
    approval = approvals[-1] if approvals else None
    due_at = approval.decided_at + timedelta(hours=HANDOVER_HOURS) if approval else None
    receipts: list[TransferReceipt] = rows["receipts"]
    receipt = None
    if receipts:
        r = receipts[-1]
        counted_at = r.received_at or datetime.combine(r.received_on, time.max)
        on_time = r.on_time if due_at is None else counted_at <= due_at
        receipt = TransferReceiptView(r.receiving_unit, r.receiver, r.received_on, r.scan_name, r.scan_sha256,
                                      on_time, r.received_at, counted_at)  # fmt: skip
    answers: list[PoliceAnswer] = rows["answers"]
    answer = answers[-1] if answers else None
    return TransferStatus(
        case_id=case.id, report=report, decision=decision, decided_by=decided.decided_by_name if decided else None,
        decided_at=decided.decided_at if decided else None,
        reason=decided.reason if decided else (approval.reason if approval else ""),
        police_unit=approval.police_unit if approval else "", procuratorate=approval.procuratorate if approval else "",
        packages_built=len(rows["packages"]), receipt=receipt, capacity=decided.capacity if decided else None,
        handover_due_at=due_at,
        police_answer=PoliceAnswerView(answer.accepted, answer.reason, answer.answered_on) if answer else None,
        follow_ups=_follow_ups(session, case.id, answer), periods=_periods(session, case.id),
    )  # fmt: skip


TRANSFER_PERIODS = ("transfer_approval", "crime_transfer", "police_review", "transfer_reconsideration", "transfer_items")


def _periods(session: Session, case_id: int) -> tuple[TransferPeriodView, ...]:
    rows = session.scalars(
        select(Deadline).where(Deadline.case_id == case_id, Deadline.key.in_(TRANSFER_PERIODS)).order_by(Deadline.id)
    )
    return tuple(TransferPeriodView(r.key, r.name, r.article, r.due_on, r.due_at, r.status, r.closed_on) for r in rows)


def _follow_ups(session: Session, case_id: int, answer: PoliceAnswer | None) -> tuple[FollowUpView, ...]:
    if answer is None:
        return ()
    due = session.scalar(
        select(Deadline.due_on).where(
            Deadline.case_id == case_id, Deadline.key == ("transfer_items" if answer.accepted else "transfer_reconsideration")
        ).order_by(Deadline.id.desc())
    )  # fmt: skip
    views = [
        FollowUpView("reconsideration", r.requested_on, r.reason, due is None or r.requested_on <= due)
        for r in history(session, TransferReconsideration, case_id) if r.requested_on >= answer.answered_on
    ] + [
        FollowUpView("items", h.handed_on, f"{h.items}（接收人 {h.receiver}）", due is None or h.handed_on <= due)
        for h in history(session, TransferItemHandover, case_id) if h.handed_on >= answer.answered_on
    ]  # fmt: skip
    return tuple(views)


def transfer_status(ctx: AppContext, actor: Actor, case_id: int) -> TransferStatus:
    """Where the case's transfer to the police stands."""
    with ctx.db.read() as session:
        return _status(session, load_case(session, actor, case_id))


@allowed(Role.OFFICER, action="提出移送涉嫌犯罪案件的书面报告")
def submit_transfer_report(
    ctx: AppContext, actor: Actor, case_id: int, officer_ids: Sequence[int], findings: str
) -> TransferStatus:
    """The written report of two or more officers that a violation is a suspected crime (art. 5);
    starts the head's 3-day period to approve or refuse."""
    findings = require_text(findings, "涉嫌犯罪的事实和理由")
    ids = list(dict.fromkeys(officer_ids))
    if actor.user_id not in ids:
        raise DomainError("报告人须包括提交报告的执法人员本人", rule=RULE)
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        if Stage(case.stage) not in ACTIONS["transfer_police"].from_stages:
            raise DomainError(
                f"案件处于“{Stage(case.stage).label}”阶段，不能提出移送涉嫌犯罪案件的报告", rule=RULE
            )
        _may_handle(actor, case)
        if _status(session, case).decision == "待审批":
            raise DomainError("本案已有待负责人审批的移送报告，请等待批准或不批准的决定", rule=RULE)
        users = session.scalars(select(User).where(User.id.in_(ids), User.agency_id == actor.agency_id)).all()
        if len(users) != len(ids):
            raise DomainError("报告人中有不存在或不属于本机关的用户", rule=RULE)
        qualified = [
            u for u in users
            if u.active and u.role == Role.OFFICER.value and u.cert_no
            and (u.cert_valid_until is None or u.cert_valid_until >= today)
        ]  # fmt: skip
        unqualified = sorted({u.name for u in users} - {u.name for u in qualified})
        if len(qualified) < MIN_REPORTING_OFFICERS or unqualified:
            details = [f"{name}不是持有效执法证件的执法人员" for name in unqualified]
            raise DomainError(
                f"移送涉嫌犯罪案件的报告须由 {MIN_REPORTING_OFFICERS} 名以上持有效执法证件的执法人员提出",
                rule=RULE, details=details,
            )  # fmt: skip
        now = ctx.now()
        officers = [
            {"id": u.id, "name": u.name, "cert_no": u.cert_no}
            for u in sorted(qualified, key=lambda u: ids.index(u.id))
        ]
        report = TransferReport(
            case_id=case.id, officers=officers, findings=findings, submitted_by=actor.user_id,
            submitted_by_name=actor.name, submitted_at=now,
        )  # fmt: skip
        # A report after a refusal starts a new period; the earlier one was answered by the refusal.
        close_deadlines(session, case.id, "transfer_approval", on=today)
        _, settings = agency_settings(session, actor.agency_id)
        row = open_deadline(session, case.id, "transfer_approval", today, settings, calendar_for(settings))
        record_step(session, actor, case, "transfer_report_submitted", report,
                    payload={"officers": [o["name"] for o in officers], "decide_by": row.due_on})  # fmt: skip
        return _status(session, case)


@allowed(Role.OFFICER, Role.HEAD, action="登记移送回执")
def record_transfer_receipt(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    scan: Path,
    *,
    received_at: datetime,
    receiver: str,
    receiving_unit: str | None = None,
) -> TransferStatus:
    """The police unit's signed receipt (回执, art. 7), scanned back: stored with the case with the moment
    the police received the case, compared by the hour with the 24 hours after the approval (art. 5); the
    24-hour period closes and the police's 3 days to review and answer begin (art. 8)."""
    receiver = require_text(receiver, "接收人")
    if not isinstance(received_at, datetime):
        raise DomainError("请填写公安机关接收的日期和时间（年-月-日 时:分）", rule=RULE)
    received_at = received_at.replace(second=0, microsecond=0, tzinfo=None)
    if received_at > ctx.now():
        raise DomainError(f"接收时间 {received_at:%Y-%m-%d %H:%M} 晚于现在，不能登记将来发生的事项")
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        _may_handle(actor, case)
        status = _status(session, case)
    if status.decision != "已批准移送" or status.decided_at is None:
        raise DomainError("案件未经负责人批准移送公安机关，没有可登记的移送回执", rule=RULE)
    approved_at = status.decided_at.replace(second=0, microsecond=0)
    if received_at < approved_at:
        raise DomainError(
            f"接收时间 {received_at:%Y-%m-%d %H:%M} 早于负责人批准移送的时间 {status.decided_at:%Y-%m-%d %H:%M}"
        )
    unit = (receiving_unit or "").strip() or status.police_unit
    if not unit:
        raise DomainError("请填写接收移送的公安机关")
    stored = BlobStore(ctx.evidence_dir).put_file(Path(scan))
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        earlier = _status(session, case).receipt
        if earlier is not None and earlier.received_on >= status.decided_at.date():
            raise DomainError(
                f"本案的移送回执已经登记（{earlier.receiving_unit}，{earlier.when}），不能重复登记"
            )
        assert status.handover_due_at is not None
        on_time = received_at <= status.handover_due_at
        receipt = TransferReceipt(
            case_id=case.id, receiving_unit=unit, receiver=receiver, received_on=received_at.date(),
            received_at=received_at, scan_name=Path(scan).name, scan_sha256=stored.sha256, scan_size=stored.size,
            on_time=on_time, recorded_by_name=actor.name, recorded_at=ctx.now(),
        )  # fmt: skip
        close_deadlines(session, case.id, "crime_transfer", on=received_at.date())
        _, settings = agency_settings(session, actor.agency_id)
        review = open_deadline(session, case.id, "police_review", received_at.date(), settings, calendar_for(settings))
        record_step(session, actor, case, "transfer_receipt_recorded", receipt,
                    payload={"due_at": status.handover_due_at, "police_answer_by": review.due_on})  # fmt: skip
        return _status(session, case)


def _may_handle(actor: Actor, case: Case) -> None:
    if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError("只有本案承办人或负责人可以办理移送事项")


def public_key(ctx: AppContext, actor: Actor) -> tuple[bytes, str]:
    """The agency's public key (PEM) and its fingerprint, to give to the receiving units."""
    pem = public_key_pem(agency_signing_key(actor.agency_id))
    return pem, fingerprint(pem)


def _audit_key(ctx: AppContext, actor: Actor, action: str, pem: bytes) -> None:
    with ctx.db.write() as session:
        record_transfer_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action=action, entity="agency",
            entity_id=actor.agency_id, payload={"fingerprint": fingerprint(pem)},
        )  # fmt: skip


@allowed(Role.HEAD, Role.ADMIN, action="导出移送签名私钥")
def export_signing_key(ctx: AppContext, actor: Actor, passphrase: str) -> bytes:
    """The agency's private key, encrypted with `passphrase`, for the agency's other PCs (audited)."""
    exported = signing.export_signing_key(actor.agency_id, passphrase)
    _audit_key(ctx, actor, "transfer_key_exported", public_key_pem(agency_signing_key(actor.agency_id)))
    return exported


@allowed(Role.HEAD, Role.ADMIN, action="导入移送签名私钥")
def import_signing_key(
    ctx: AppContext, actor: Actor, exported: bytes, passphrase: str, *, replace: bool = False
) -> str:
    """Store on this PC the key exported on another; returns its fingerprint (audited)."""
    pem = signing.import_signing_key(actor.agency_id, exported, passphrase, replace=replace)
    _audit_key(ctx, actor, "transfer_key_imported", pem)
    return fingerprint(pem)


def _evidence_items(session: Session, store: BlobStore, case_id: int) -> list[PackageItem]:
    voided = set(session.scalars(select(EvidenceVoid.evidence_id)))
    rows = session.execute(
        select(Evidence, User.name)
        .join(User, User.id == Evidence.collected_by)
        .where(Evidence.case_id == case_id)
        .order_by(Evidence.collected_at, Evidence.id)
    ).all()
    items = []
    for evidence, collector in rows:
        if evidence.id in voided:
            continue
        path = store.path_for(evidence.sha256)
        is_pdf = evidence.mime == "application/pdf" or evidence.original_name.lower().endswith(".pdf")
        details = {
            "evidence_type": evidence.evidence_type, "description": evidence.description,
            "collected_by": collector, "collected_at": evidence.collected_at.isoformat(timespec="minutes"),
            "collected_place": evidence.collected_place,
            "captured_at": evidence.captured_at.isoformat(timespec="seconds") if evidence.captured_at else None,
            "device": evidence.device, "pages": pdf_page_count(path) if is_pdf and path.is_file() else None,
        }  # fmt: skip
        items.append(
            PackageItem(path, evidence.original_name, "证据", evidence.sha256, evidence.size, details)
        )
    return items


def _document_items(session: Session, store: BlobStore, case_id: int) -> list[PackageItem]:
    documents = session.scalars(
        select(DocumentRecord)
        .where(DocumentRecord.case_id == case_id, DocumentRecord.superseded_by.is_(None))
        .where(DocumentRecord.id.not_in(select(DocumentVoid.document_id)))
        .order_by(DocumentRecord.issued_at, DocumentRecord.id)
    ).all()
    return [
        PackageItem(store.path_for(d.pdf_sha256), f"{d.title}{'_' + d.number if d.number else ''}.pdf", "文书",
                    d.pdf_sha256, d.pdf_size or 0, {"pages": d.pdf_pages, "number": d.number})
        for d in documents if d.pdf_sha256
    ]  # fmt: skip


@allowed(Role.OFFICER, Role.HEAD, action="制作移送材料包")
def build_transfer_package(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    target: Path,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict:
    """The signed package for the police: issues the 涉嫌犯罪案件移送书 and its companions if not yet
    issued, then streams every current document and every evidence file (voided ones left out) into
    `target`. Returns the manifest."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        if Stage(case.stage) is not Stage.TRANSFERRED_POLICE:
            raise DomainError("案件须经负责人批准移送公安机关后才能制作移送材料包", rule=RULE)
        _may_handle(actor, case)
    key = agency_signing_key(actor.agency_id)  # first: the 移送书 prints its fingerprint
    pem = public_key_pem(key)
    for kind in TRANSFER_DOCUMENTS:
        issue_document(ctx, actor, case_id, kind)
    store = BlobStore(ctx.evidence_dir)
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        agency = session.get(Agency, actor.agency_id)
        status = _status(session, case)
        items = _document_items(session, store, case_id) + _evidence_items(session, store, case_id)
        number = case.filing_no or case.case_no
        transfer = {
            "police_unit": status.police_unit, "procuratorate": status.procuratorate, "reason": status.reason,
            "approved_by": status.decided_by,
            "approved_at": status.decided_at.isoformat(timespec="seconds") if status.decided_at else None,
            "reported_by": list(status.report.officers) if status.report else [],
            "report_findings": status.report.findings if status.report else "",
            "reported_at": status.report.submitted_at.isoformat(timespec="seconds") if status.report else None,
        }  # fmt: skip
        case_info = {
            "agency": {"name": agency.name, "uscc": agency.uscc},
            "case": {"case_no": case.case_no, "filing_no": case.filing_no, "cause": case.cause,
                     "party": case.party.name, "party_id_number": case.party.id_number},
            "transfer": transfer, "built_by": actor.name, "built_at": ctx.now().isoformat(timespec="seconds"),
            "audit_head": _audit_head(session),
        }  # fmt: skip
        heading = IndexHeading(
            agency.name,
            (
                f"案件编号：{number}（受理编号 {case.case_no}）",
                f"当事人：{case.party.name}　　案由：{case.cause}",
                f"移送理由：{status.reason or '—'}",
                f"接收单位：{status.police_unit or '—'}　　抄送：{status.procuratorate or '—'}",
                f"签名公钥指纹：{fingerprint(pem)}",
                "核对：enforcement-desk transfer verify〈材料包〉，或解压后运行 sha256sum -c SHA256SUMS",
            ),
        )
    missing = [i.name for i in items if not i.source.is_file()]
    if missing:
        raise DomainError(
            f"以下材料的文件缺失，无法制作材料包：{'、'.join(missing)}；请运行 audit verify 检查"
        )
    built = build_package(
        Path(target), f"移送材料_{number}", items, case_info, key.sign, pem,
        lambda entries, manifest_sha256: render_index(heading, entries, manifest_sha256),
        progress=progress, cancelled=cancelled,
    )  # fmt: skip
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        package = TransferPackage(
            case_id=case.id, built_at=datetime.fromisoformat(case_info["built_at"]), built_by_name=actor.name,
            manifest_sha256=built.manifest_sha256, files=len(items), bytes=built.size,
            key_fingerprint=built.manifest["public_key_fingerprint"],
        )  # fmt: skip
        record_step(session, actor, case, "transfer_package_built", package, payload={"to": str(target)})
    return built.manifest


def _audit_head(session: Session) -> dict:
    """The audit chain's head as the package is built (read only): the receiver keeps it with the package,
    so the agency's record cannot later be cut back past this event unnoticed."""
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    return {"seq": head[0], "hash": head[1]} if head else {"seq": 0, "hash": GENESIS_HASH}


def verify_transfer_package(
    path: Path, public_key_file: Path | None = None, key_fingerprint: str | None = None
) -> VerifyReport:
    """Check a package as the receiver does, with no database: from the file and what vouches for the
    agency's key, the key file or fingerprint it was given, or the keys it imported earlier
    (transfer/trust.py). A package signed with any other key is not `ok`, however well it checks."""
    public_pem = read_public_key_file(Path(public_key_file)) if public_key_file else None
    expected = normalized_fingerprint(key_fingerprint) if key_fingerprint else None
    # What the receiver gave for this package decides; the trust store is consulted only without it.
    known = () if public_pem or expected else tuple((k.name, k.pem.encode()) for k in trusted_keys())
    return verify_package(Path(path), Trust(public_pem, expected, known))
