"""Issuing the standard documents of a case: number, render (PDF + DOCX), store, register, audit.

The document is rendered (PDF and DOCX: fonts loaded, pages laid out) before the issuing transaction,
from a read of the case and the number that is next; the short issuing transaction then takes the number,
fills the text again and registers the files only if it came out the same — otherwise the document is
rendered again, so numbers stay gap-free and nobody waits on the write lock for a render. The files go to
the content-addressed store, so `audit verify` re-checks them like evidence. Printing again returns the same files; a correction is
a new version under the same number that supersedes the old one, which stays on record.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enforcement_desk.admin.training import training_database
from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import ConcurrentChange, DomainError, NotFound
from enforcement_desk.core.procedure.document_rules import (
    REMINDER_WORKING_DAYS,
    RULES,
    IssueFacts,
    Issuer,
    refusal,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.documents import record_documents_event
from enforcement_desk.documents.case_data import FRONT_MATTER, case_fields, field_label
from enforcement_desk.documents.content import (
    RenderedDocument,
    RenderedTable,
    chinese_date,
    missing_fields,
    render,
)
from enforcement_desk.documents.templates import DocumentTemplate, load_templates
from enforcement_desk.documents.verification import verification_payload, with_verification
from enforcement_desk.paths import user_data_dir
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import (
    case_balance,
    execution_view,
    hearing_record,
    latest,
    reminder_service,
    transfer_rows,
)
from enforcement_desk.procedure.cases import load_case, require_certified
from enforcement_desk.procedure.deadlines import agency_settings, close_deadlines, open_deadline
from enforcement_desk.procedure.numbers import (
    Sequence,
    issue_case_bianhao,
    issue_wenhao,
    peek_sequence,
    take_sequence,
)
from enforcement_desk.procedure.step_log import step_entry
from enforcement_desk.store.blobs import BlobStore, StoredBlob
from enforcement_desk.store.models import Case, Deadline, DocumentRecord, User
from enforcement_desk.store.models_steps import DocumentVoid, HearingNotice
from enforcement_desk.supervision.reporter_privacy import refuse_reporter_identity

ISSUERS = (Role.OFFICER, Role.HEAD, Role.REVIEWER)


@dataclass(frozen=True)
class DocumentKindView:
    """A kind of document offered: its key, title, stage and numbering."""

    key: str
    title: str
    stage: str
    numbering: str


@dataclass(frozen=True)
class DocumentView:
    """An issued document as listed: number, version, who issued it, its files, superseded or voided."""

    id: int
    case_id: int | None
    kind: str
    title: str
    number: str | None
    version: int
    issued_at: datetime
    issued_by: str
    pdf_sha256: str | None
    pdf_pages: int | None
    docx_sha256: str | None
    superseded: bool
    void_reason: str | None = None  # 作废 by the head, with this reason
    warnings: tuple[str, ...] = ()  # what the officer must know of this issue (a 处理决定书 after the 7 days)

    @property
    def voided(self) -> bool:
        """True when the head has voided (作废) the document."""
        return self.void_reason is not None


def agency_templates_dir() -> Path:
    """Where an agency puts its edited copies of the templates (they replace the bundled ones)."""
    return user_data_dir() / "文书模板"


def templates(ctx: AppContext) -> dict[str, DocumentTemplate]:
    """The document templates in use: the shipped ones, overridden by the agency's own."""
    return load_templates(agency_templates_dir())


# The steps of a case in the order it goes through them (卫生健康行政处罚程序规定 arts. 32–68 as this desk's
# workflow runs them: 法制审核 and 集体讨论 follow the party's 陈述申辩 and 听证, arts. 38(二) and 52), then
# the hand-overs that end a case elsewhere. The steps are those the document rules name.
PROCEDURE_STEPS = (
    "受理", "立案", "调查取证", "证据先行登记保存", "调查终结", "合议", "事先告知", "陈述申辩", "听证", "法制审核",
    "集体讨论", "当场处罚", "决定", "送达", "执行", "结案", "移送管辖", "移送司法机关", "归档",
)  # fmt: skip
# The step of an agency's own kind, which has no rule: the one its template's stage belongs to.
STAGE_STEPS = {
    Stage.ACCEPTED: "受理", Stage.NOT_FILED: "立案", Stage.INVESTIGATING: "调查取证",
    Stage.INVESTIGATION_CLOSED: "调查终结", Stage.DELIBERATED: "合议", Stage.PRIOR_NOTICE: "事先告知",
    Stage.HEARING: "听证", Stage.LEGAL_REVIEW: "法制审核", Stage.COLLECTIVE_DISCUSSION: "集体讨论",
    Stage.ONSITE_DECIDED: "当场处罚", Stage.DECIDED: "决定", Stage.SERVED: "送达", Stage.EXECUTING: "执行",
    Stage.CLOSED: "结案", Stage.REVOKED: "结案", Stage.TRANSFERRED_AGENCY: "移送管辖",
    Stage.TRANSFERRED_POLICE: "移送司法机关", Stage.ARCHIVED: "归档",
}  # fmt: skip


def filing_order(all_templates: dict[str, DocumentTemplate]) -> dict[str, int]:
    """Documents sit in the case file in the order of the procedure that produced them: by the step their
    issuing rule names, within a step in the rules' order (听证通知书, 听证笔录, 听证意见书). A template's stage
    alone misplaces kinds (the 送达回执 is made at 'decided', the 立案报告 at 'investigating')."""
    rule_kinds = list(RULES)

    def place(kind: str) -> tuple[int, int, str]:
        rule = RULES.get(kind)
        step = rule.step if rule is not None else STAGE_STEPS.get(all_templates[kind].stage, "")
        rank = PROCEDURE_STEPS.index(step) if step in PROCEDURE_STEPS else len(PROCEDURE_STEPS)
        return rank, rule_kinds.index(kind) if rule is not None else len(rule_kinds), kind

    return {key: index for index, key in enumerate(sorted(all_templates, key=place))}


def document_kinds(ctx: AppContext) -> list[DocumentKindView]:
    """The kinds of document the templates offer."""
    return [DocumentKindView(t.key, t.title, t.stage, t.numbering) for t in templates(ctx).values()]


def _view(record: DocumentRecord, issuer: str, void_reason: str | None = None) -> DocumentView:
    return DocumentView(
        record.id, record.case_id, record.kind, record.title, record.number, record.version, record.issued_at,
        issuer, record.pdf_sha256, record.pdf_pages, record.docx_sha256, record.superseded_by is not None,
        void_reason,
    )  # fmt: skip


def _number(
    session: Session, template: DocumentTemplate, case: Case, agency, year: int, sequence_of: Sequence
) -> str:
    if template.numbering == "case_filing":
        if not case.filing_no:
            raise DomainError(f"案件尚未立案，不能出具{template.title}")
        return case.filing_no
    if template.numbering == "case_decision":
        if not case.decision_no:
            raise DomainError(f"案件尚未作出处罚决定，不能出具{template.title}")
        onsite = template.stage == "onsite_decided"
        if onsite != (case.procedure == "simple"):
            other = "当场行政处罚决定书" if case.procedure == "simple" else "行政处罚决定书"
            raise DomainError(
                f"本案适用{'简易' if case.procedure == 'simple' else '普通'}程序，应出具{other}"
            )
        return case.decision_no
    if template.numbering == "wenhao":
        return issue_wenhao(session, agency, case.category, template.nature, year, sequence_of)
    if template.numbering == "bianhao":
        return issue_case_bianhao(session, agency, case.case_no, case.id, template.series, sequence_of)
    return ""


def _stored(document: RenderedDocument) -> dict:
    data = {
        "kind": document.kind, "title": document.title, "agency_name": document.agency_name,
        "number": document.number, "paragraphs": list(document.paragraphs), "closing": list(document.closing),
        "signature": list(document.signature), "receipt": document.receipt, "table": None,
        **({"training": True} if document.training else {}),
    }  # fmt: skip
    if document.table is not None:
        data["table"] = {
            "headers": list(document.table.headers),
            "rows": [list(r) for r in document.table.rows],
        }
    return data


def rendered_from_record(content: dict) -> RenderedDocument:
    """The rendered document as a document record keeps it, read back."""
    table = content.get("table")
    return RenderedDocument(
        kind=content["kind"], title=content["title"], agency_name=content["agency_name"], number=content["number"],
        paragraphs=tuple(content["paragraphs"]), closing=tuple(content["closing"]),
        signature=tuple(content["signature"]), receipt=content["receipt"],
        table=RenderedTable(tuple(table["headers"]), tuple(tuple(r) for r in table["rows"])) if table else None,
        training=content.get("training") is True, verification=verification_payload(content),
    )  # fmt: skip


# The case's texts a document prints, by the names officers know them; a reporter's identity found in any
# of them stops the document (行政处罚法 art. 48 and the complaint rules keep a complainant confidential).
PRINTED_TEXTS = {
    "facts": "违法事实", "evidence_summary": "证据摘要", "source_detail": "案件来源说明", "location": "检查地点",
    "cause": "案由", "closing_summary": "结案情况", "hearing_record": "听证笔录", "hearing_statements": "当事人陈述",
    "hearing_opinion": "听证意见", "hearing_attendees": "听证参加人", "discretion_reason": "裁量理由",
    "transfer_reason": "移送理由", "review_opinion": "审核意见", "discussion_conclusion": "集体讨论结论",
}  # fmt: skip


def _refuse_reporter_identity(session: Session, case_id: int, fields: dict) -> None:
    texts = {label: str(fields.get(key) or "") for key, label in PRINTED_TEXTS.items()}
    refuse_reporter_identity(session, case_id, texts, "文书")


def _not_voided():  # a SQL condition
    return DocumentRecord.id.not_in(select(DocumentVoid.document_id))


def _current(session: Session, case_id: int, kind: str) -> DocumentRecord | None:
    return session.scalars(
        select(DocumentRecord)
        .where(
            DocumentRecord.case_id == case_id,
            DocumentRecord.kind == kind,
            DocumentRecord.superseded_by.is_(None),
            _not_voided(),
        )
        .order_by(DocumentRecord.version.desc())
    ).first()


def _first_issued_on(session: Session, record: DocumentRecord) -> date:
    first = session.scalar(
        select(func.min(DocumentRecord.issued_at)).where(
            DocumentRecord.agency_id == record.agency_id, DocumentRecord.kind == record.kind,
            DocumentRecord.number == record.number, DocumentRecord.case_id == record.case_id,
        )
    )  # fmt: skip
    return (first or record.issued_at).date()


def _next_version(session: Session, agency_id: int, kind: str, number: str | None) -> int:
    """A correction, or a new issue under the case's own number after a void, is the next version of that
    number; a fresh number starts at 1."""
    if number is None:
        return 1
    latest = session.scalar(
        select(func.max(DocumentRecord.version)).where(
            DocumentRecord.agency_id == agency_id, DocumentRecord.kind == kind, DocumentRecord.number == number
        )
    )
    return (latest or 0) + 1


PRESERVATION_DECISION, PRESERVATION_HANDLING = "evidence_preservation_decision", "evidence_preservation_handling"
PRESERVATION_PERIOD = "evidence_preservation"


def _preservation_period(
    session: Session, case_id: int, kind: str, settings: AgencySettings, today: date
) -> tuple[str, ...]:
    """证据先行登记保存 (行政处罚法 art. 56; art. 85 makes its 7 days working days): the 决定书 opens the period
    to decide on the items, the 处理决定书 closes it; one issued after the last day is kept, with a warning
    that the preservation had lapsed by law."""
    if kind == PRESERVATION_DECISION:
        open_deadline(session, case_id, PRESERVATION_PERIOD, today, settings, calendar_for(settings))
        return ()
    if kind != PRESERVATION_HANDLING:
        return ()
    due_days = session.scalars(
        select(Deadline.due_on).where(
            Deadline.case_id == case_id, Deadline.key == PRESERVATION_PERIOD, Deadline.status == "open"
        )
    ).all()
    lapsed = [day for day in due_days if today > day]
    close_deadlines(session, case_id, PRESERVATION_PERIOD, on=today, status="late" if lapsed else "met")
    if not lapsed:
        return ()
    return (
        f"证据先行登记保存后应当在七个工作日内作出处理决定（《卫生健康行政处罚程序规定》第三十三条第一款、第六十九条），处理期限已于 "
        f"{min(lapsed)} 届满：登记保存措施已于该日依法失效，本处理决定系逾期作出，请在案卷中说明",
    )


def _issuer(actor: Actor, case: Case) -> Issuer | None:
    if actor.role is Role.OFFICER:
        return Issuer.HANDLER if actor.user_id in {h.user_id for h in case.handlers} else None
    return {Role.HEAD: Issuer.HEAD, Role.REVIEWER: Issuer.REVIEWER}.get(actor.role)


def issue_facts(session: Session, case: Case, settings: AgencySettings, today: date) -> IssueFacts:
    """The case's records as the document rules read them."""
    current = session.execute(
        select(DocumentRecord.kind, DocumentRecord.issued_at)
        .where(DocumentRecord.case_id == case.id, DocumentRecord.superseded_by.is_(None), _not_voided())
        .order_by(DocumentRecord.id)
    ).all()
    reminders = [at.date() for kind, at in current if kind == "payment_reminder"]
    _, reminder_served = reminder_service(session, case.id)  # the ten working days run from its service
    execution = execution_view(session, case, settings, today)
    review = views.latest_review(session, case.id)
    hearing = hearing_record(session, case.id)
    decisions = transfer_rows(session, case.id)["decisions"]
    penalty_decided = case.decided_outcome == Outcome.PENALTY.value
    owed = case_balance(session, case, today)
    payment_due = views.open_deadline_due(session, case.id, "payment")
    return IssueFacts(
        stage=Stage(case.stage), procedure=case.procedure, today=today, filed=case.filed_on is not None,
        proposed_outcome=Outcome(case.proposed_outcome) if case.proposed_outcome else None,
        penalty_kinds=tuple(case.penalty_kinds or ()),
        hearing_right=views.hearing_right(views.proposed_penalty(case), settings)[0],
        prior_notice_served=case.prior_notice_served_on is not None,
        hearing_requested=case.hearing_requested_on is not None, hearing_recorded=hearing is not None,
        hearing_arranged=latest(session, HearingNotice, case.id) is not None,
        hearing_opinion=bool(hearing and hearing.opinion.strip()),
        review_decided=review is not None and review.outcome is not None,
        discussion_recorded=views.discussion_recorded(session, case.id),
        decided_outcome=Outcome(case.decided_outcome) if case.decided_outcome else None,
        decision_numbered=bool(case.decision_no),
        amount_owed=(owed.fine_due + owed.surcharge_due + owed.confiscation_due) if penalty_decided else Decimal(0),
        amount_overdue=(owed.fine_overdue + owed.surcharge_due + (owed.confiscation_due if payment_due and today > payment_due
                        else Decimal(0))) if penalty_decided else Decimal(0),  # fmt: skip
        payment_due_on=payment_due,
        reminder_issued_on=reminders[-1] if reminders else None,
        reminder_ready_on=calendar_for(settings).add_working_days(reminder_served.served_on, REMINDER_WORKING_DAYS)
        if reminder_served else None,
        reminder_served_on=reminder_served.served_on if reminder_served else None,
        application_refusal=(execution.application_refusal or None) if execution else None,
        enforcement_applied=case.enforcement_applied_on is not None,
        transfer_approved=bool(decisions and decisions[-1].approved),
        issued_kinds=frozenset(kind for kind, _ in current),
    )  # fmt: skip


def _refusal(session: Session, actor: Actor, case: Case, template: DocumentTemplate, settings, today: date) -> str | None:
    rule = RULES.get(template.key)
    if rule is None:
        return f"“{template.title}”没有规定出具环节和出具人，不能出具（请检查本机关的文书模板）"
    return refusal(rule, issue_facts(session, case, settings, today), _issuer(actor, case), template.title)


@dataclass(frozen=True)
class _Draft:
    """A document ready to be issued: its text filled from the case and the number it gets."""

    existing: DocumentRecord | None  # the version a correction supersedes
    number: str
    document: RenderedDocument


@dataclass(frozen=True)
class _Files:
    pdf: StoredBlob
    docx: StoredBlob
    pdf_pages: int


class _StaleRender(Exception):
    """The render cannot be registered as it is: the case or the next number changed since it was read,
    or `evidence gc` cleared the files just stored (an old unreferenced copy they re-used). Render again."""


# Renders tried before the officer is asked to try again; each retry means another user changed the
# case or took the same kind of number within the moment one render takes.
RENDER_ATTEMPTS = 3


def _draft(
    session: Session, actor: Actor, case: Case, template: DocumentTemplate, *, correction: str | None,
    another: bool, today: date, order: dict[str, int], sequence_of: Sequence,
) -> _Draft | DocumentView:  # fmt: skip
    """Check the document may be issued and fill its text; an issued one printed again is returned as it is."""
    agency, settings = agency_settings(session, actor.agency_id)
    existing = None if another else _current(session, case.id, template.key)
    if existing is not None and correction is None:
        return _view(existing, session.get(User, existing.issued_by).name)
    if correction is not None and not correction.strip():
        raise DomainError("更正文书须写明更正理由")
    # Checked before a number is taken: a refused document consumes nothing.
    require_certified(session, actor, today)  # an officer issues documents only with a valid 执法证
    reason = _refusal(session, actor, case, template, settings, today)
    if reason:
        rule = RULES.get(template.key)
        article = rule.article if rule and rule.article and rule.article not in reason else None
        raise DomainError(reason, rule=article)
    fields, lists = case_fields(session, case, agency, settings, today, order)
    if existing is not None:  # a correction bears the date the document was first made, not the reprint's
        fields["issue_date"] = chinese_date(_first_issued_on(session, existing))
    _refuse_reporter_identity(session, case.id, fields)
    missing = missing_fields(template, fields)
    if template.table is not None and template.table.required and not lists.get(template.table.source):
        missing.append(f"list:{template.table.source}")
    if missing:
        names = "、".join(dict.fromkeys(field_label(name) for name in missing))
        raise DomainError(f"本案尚未记录{template.title}必须载明的内容：{names}；请先补录，文书未出具，未占用文号")
    number = (
        existing.number
        if existing is not None
        else _number(session, template, case, agency, today.year, sequence_of)
    )
    shown = f"编号：{number}" if template.numbering == "bianhao" and number else (number or "")
    document = render(template, fields, lists, shown, training=training_database(session))
    document = with_verification(document, _stored(document))  # the code printed is that of the record kept
    return _Draft(existing, number, document)


def _render_files(store: BlobStore, document: RenderedDocument) -> _Files:
    from enforcement_desk.documents.docx import render_docx  # rendering libraries load on first use
    from enforcement_desk.documents.pdf import render_pdf_counted

    pdf, pages = render_pdf_counted(document)
    # Stored before the issuing transaction: a file whose issue then fails is an unreferenced blob in the
    # content-addressed store, never a record without its file.
    return _Files(store.put_bytes(pdf), store.put_bytes(render_docx(document)), pages)


@allowed(*ISSUERS, action="出具文书")
def issue_document(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    kind: str,
    *,
    correction: str | None = None,
    another: bool = False,
) -> DocumentView:
    """Issue (or print again) a document of `kind` for the case; `correction` issues a corrected version;
    `another` issues one more of the kind (a second 询问笔录 for another witness)."""
    all_templates = templates(ctx)
    template = all_templates.get(kind)
    if template is None:
        raise DomainError(
            f"没有“{kind}”这种文书（可用：{'、'.join(t.title for t in all_templates.values())}）"
        )
    store = BlobStore(ctx.evidence_dir)
    today = ctx.today()
    drafting = dict(correction=correction, another=another, today=today, order=filing_order(all_templates))
    for _attempt in range(RENDER_ATTEMPTS):
        with ctx.db.read() as session:
            case = load_case(session, actor, case_id)
            planned = _draft(session, actor, case, template, sequence_of=peek_sequence, **drafting)
        if isinstance(planned, DocumentView):
            return planned
        files = _render_files(store, planned.document)
        try:
            with ctx.db.write() as session:
                case = load_case(session, actor, case_id, lock=True)
                final = _draft(session, actor, case, template, sequence_of=take_sequence, **drafting)
                if isinstance(final, DocumentView):
                    return final  # issued by someone else meanwhile: the same document printed again
                if final.document != planned.document:
                    raise _StaleRender  # rolls the number back: it stays the next one
                return _register(ctx, session, actor, case, template, final, files, correction)
        except _StaleRender:
            continue
    raise ConcurrentChange(f"{template.title}出具时本案或文号正被其他用户改动，文书未出具，请重试")


def _register(
    ctx: AppContext, session: Session, actor: Actor, case: Case, template: DocumentTemplate, draft: _Draft,
    files: _Files, correction: str | None,
) -> DocumentView:  # fmt: skip
    """Record the rendered document in the issuing transaction, with its audit event."""
    kind, existing, number, today = template.key, draft.existing, draft.number, ctx.today()
    agency, settings = agency_settings(session, actor.agency_id)
    record = DocumentRecord(
        agency_id=agency.id, case_id=case.id, kind=kind, title=template.title, number=number or None,
        version=_next_version(session, agency.id, kind, number or None), stage=case.stage, issued_at=ctx.now(),
        issued_by=actor.user_id, pdf_sha256=files.pdf.sha256, pdf_size=files.pdf.size,
        pdf_pages=files.pdf_pages, docx_sha256=files.docx.sha256, content=_stored(draft.document),
    )  # fmt: skip
    session.add(record)
    session.flush()
    if existing is not None:
        existing.superseded_by = record.id
    warnings, period = (() if existing else _preservation_period(session, case.id, kind, settings, today)), {}
    if kind == PRESERVATION_DECISION and existing is None:
        period = {"deadline_due": views.open_deadline_due(session, case.id, PRESERVATION_PERIOD)}
    record_documents_event(
        session, actor_id=actor.user_id, actor_login=actor.login,
        action="document_corrected" if existing else "document_issued", entity="document", entity_id=record.id,
        case_id=case.id,
        payload={"kind": kind, "title": template.title, "number": record.number, "version": record.version,
                 "pdf_sha256": files.pdf.sha256, "correction": correction or "", **period,
                 **({"warnings": list(warnings)} if warnings else {})},
    )  # fmt: skip
    # The event above took the chain's head, which `evidence gc` holds while it decides: files here now
    # stay until this commits.
    store = BlobStore(ctx.evidence_dir)
    if not (store.exists(files.pdf.sha256) and store.exists(files.docx.sha256)):
        raise _StaleRender
    return replace(_view(record, actor.name), warnings=warnings)


@dataclass(frozen=True)
class CaseDocumentKind:
    """A kind as the 文书 tab lists it for one case: whether this user may issue it now, and why not."""

    key: str
    title: str
    step: str
    numbering: str
    issuable: bool
    reason: str  # why not, when not issuable
    issued_number: str | None  # the current issued one, if any (printing it again takes no number)


def document_kinds_for_case(ctx: AppContext, actor: Actor, case_id: int) -> list[CaseDocumentKind]:
    """Every kind in procedure order, issuable ones first, each with the reason it cannot be issued now."""
    all_templates = templates(ctx)
    order = filing_order(all_templates)
    today = ctx.today()
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        _, settings = agency_settings(session, actor.agency_id)
        facts = issue_facts(session, case, settings, today)
        issuer = _issuer(actor, case)
        rows = []
        for key, template in all_templates.items():
            if key in FRONT_MATTER:
                continue
            rule = RULES.get(key)
            reason = (
                refusal(rule, facts, issuer, template.title)
                if rule
                else f"“{template.title}”没有规定出具环节和出具人"
            )
            current = _current(session, case.id, key)
            rows.append(CaseDocumentKind(
                key, template.title, rule.step if rule else "", template.numbering, reason is None, reason or "",
                current.number if current is not None else None,
            ))  # fmt: skip
    return sorted(rows, key=lambda k: (not k.issuable, order.get(k.key, len(order))))


@allowed(*ISSUERS, action="预览文书草稿")
def preview_document(ctx: AppContext, actor: Actor, case_id: int, kind: str) -> bytes:
    """A draft of any kind for the case, rendered from its current records: no number, "草稿" across every
    page, nothing stored or registered (a draft is never an issued document)."""
    all_templates = templates(ctx)
    template = all_templates.get(kind)
    if template is None:
        raise DomainError(f"没有“{kind}”这种文书（可用：{'、'.join(t.title for t in all_templates.values())}）")
    from enforcement_desk.documents.pdf import render_pdf

    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        agency, settings = agency_settings(session, actor.agency_id)
        fields, lists = case_fields(session, case, agency, settings, ctx.today(), filing_order(all_templates))
        _refuse_reporter_identity(session, case.id, fields)
        training = training_database(session)
    document = render(template, fields, lists, "（草稿，未编号）", training=training)
    return render_pdf(document, draft=True)


@allowed(Role.HEAD, action="作废文书")
def void_document(ctx: AppContext, actor: Actor, document_id: int, reason: str) -> DocumentView:
    """作废: the head voids an issued document with a reason. Its number stays taken and shows as void in the
    register and the case file; the kind can then be issued again under a new number."""
    reason = require_text(reason, "作废理由")
    with ctx.db.write() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None or record.agency_id != actor.agency_id:
            raise NotFound(f"文书 #{document_id} 不存在")
        if record.case_id is not None:  # one void at a time per case, and never in an archived file
            case = load_case(session, actor, record.case_id, lock=True)
            if Stage(case.stage) is Stage.ARCHIVED:
                raise DomainError("案件已归档，卷内文书不能再作废")
        if record.superseded_by is not None:
            raise DomainError(f"{record.title}（{record.number or record.id}）第 {record.version} 版已被更正，请作废现行版本")
        if session.scalar(select(DocumentVoid.id).where(DocumentVoid.document_id == record.id)) is not None:
            raise DomainError(f"{record.title}（{record.number or record.id}）已经作废")
        void = DocumentVoid(document_id=record.id, reason=reason, voided_by=actor.user_id, voided_at=ctx.now())
        session.add(void)
        session.flush()
        if record.kind == PRESERVATION_DECISION and record.case_id and _current(session, record.case_id, record.kind) is None:
            close_deadlines(session, record.case_id, PRESERVATION_PERIOD, on=ctx.today(), status="cancelled")
        record_documents_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="document_voided", entity="document",
            entity_id=record.id, case_id=record.case_id,
            payload={"kind": record.kind, "number": record.number, "version": record.version, "reason": reason,
                     "records": [step_entry(void)]},
        )  # fmt: skip
        return _view(record, session.get(User, record.issued_by).name, void_reason=reason)


def list_documents(
    ctx: AppContext, actor: Actor, case_id: int, *, include_superseded: bool = True
) -> list[DocumentView]:
    """The documents issued in a case, in order of issue; superseded versions optionally left out."""
    with ctx.db.read() as session:
        load_case(session, actor, case_id)
        query = (
            select(DocumentRecord, User.name, DocumentVoid.reason)
            .join(User, User.id == DocumentRecord.issued_by)
            .outerjoin(DocumentVoid, DocumentVoid.document_id == DocumentRecord.id)
            .where(DocumentRecord.case_id == case_id)
            .order_by(DocumentRecord.issued_at, DocumentRecord.id)
        )
        if not include_superseded:
            query = query.where(DocumentRecord.superseded_by.is_(None))
        return [_view(record, name, void) for record, name, void in session.execute(query)]


_UNSAFE_IN_FILE_NAMES = str.maketrans({ch: "_" for ch in '/\\:*?"<>|'})


def _export_path(folder: Path, stem: str, fmt: str, sha: str) -> tuple[Path, bool]:
    """Where a copy goes in `folder`, and whether the same file is already there. A different file under
    the name (another version of the document, a copy the user edited) is kept: this one becomes `… (2)`."""
    from enforcement_desk.store.blobs import sha256_of

    stem = "".join(ch for ch in stem.translate(_UNSAFE_IN_FILE_NAMES) if ch.isprintable()).strip(" .")
    for attempt in range(1, 1000):
        path = folder / (f"{stem}.{fmt}" if attempt == 1 else f"{stem} ({attempt}).{fmt}")
        if not path.exists():
            return path, False
        if path.is_file() and sha256_of(path) == sha:
            return path, True
    raise DomainError(f"文件夹“{folder}”中已有太多同名文件“{stem}”，请清理后重试")


def export_document(ctx: AppContext, actor: Actor, document_id: int, target: Path, fmt: str = "pdf") -> Path:
    """Copy an issued document's file out of the store (to print, send or open). A `target` folder (one that
    exists, or a name without .pdf/.docx: created) gets `<文号>-<文书>.<fmt>` (`<文书>-<id>` when the
    document has no number) and never loses a different file of that name; a `target` file is written as
    named (the user chose it)."""
    if fmt not in ("pdf", "docx"):
        raise DomainError(f"不支持的格式“{fmt}”（应为 pdf 或 docx）")
    with ctx.db.read() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None or record.agency_id != actor.agency_id:
            raise NotFound(f"文书 #{document_id} 不存在")
        title, number, case_id = record.title, record.number, record.case_id
        sha = record.pdf_sha256 if fmt == "pdf" else record.docx_sha256
    store = BlobStore(ctx.evidence_dir)
    if not sha or not store.exists(sha):
        raise DomainError(f"文书“{title}”的{fmt.upper()}文件缺失，请运行 audit verify 检查")
    target, already_there = Path(target), False
    try:
        if target.is_dir() or target.suffix.lower() not in (".pdf", ".docx"):
            target.mkdir(parents=True, exist_ok=True)
            stem = f"{number}-{title}" if number else f"{title}-{document_id}"
            target, already_there = _export_path(target, stem, fmt, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not already_there:
            # Copied outside the write transaction (an issued file never changes); the audit event follows.
            # Written beside and renamed: an interrupted copy never takes the document's name.
            partial = target.with_name(target.name + ".part")
            with store.open(sha) as source, partial.open("wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
            partial.replace(target)
    except OSError as exc:
        raise DomainError(f"无法把“{title}”写到“{target}”：{exc.strerror or exc}") from exc
    with ctx.db.write() as session:
        record_documents_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="document_exported",
            entity="document", entity_id=document_id, case_id=case_id, payload={"format": fmt, "to": str(target)},
        )  # fmt: skip
    return target


def _print_refusal(session: Session, record: DocumentRecord) -> str | None:
    """Why a document may not be printed: only the current, unvoided version is an official document."""
    if session.scalar(select(DocumentVoid.id).where(DocumentVoid.document_id == record.id)) is not None:
        return f"{record.title}（{record.number or record.id}）已作废，不能打印"
    if record.superseded_by is not None:
        return f"{record.title}（{record.number or record.id}）第 {record.version} 版已被更正，请打印现行版本"
    return None


def issued_pdf(ctx: AppContext, actor: Actor, document_id: int, *, to_print: bool = False) -> bytes:
    """An issued document's PDF as stored, for the desk to preview or print (reading records nothing);
    `to_print` refuses a voided or corrected version."""
    with ctx.db.read() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None or record.agency_id != actor.agency_id:
            raise NotFound(f"文书 #{document_id} 不存在")
        if to_print and (refused := _print_refusal(session, record)):
            raise DomainError(refused)
        title, sha = record.title, record.pdf_sha256
    store = BlobStore(ctx.evidence_dir)
    if not sha or not store.exists(sha):
        raise DomainError(f"文书“{title}”的PDF文件缺失，请运行 audit verify 检查")
    with store.open(sha) as handle:
        return handle.read()


@allowed(*ISSUERS, action="打印文书")
def record_print(ctx: AppContext, actor: Actor, document_id: int, copies: int, *, printer: str = "") -> None:
    """Record in the audit trail that an issued document was printed: paper copies of an official document
    leave the office, so who printed which version, how many and where stays on record."""
    if copies < 1:
        raise DomainError("打印份数应至少为 1")
    with ctx.db.write() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None or record.agency_id != actor.agency_id:
            raise NotFound(f"文书 #{document_id} 不存在")
        if refused := _print_refusal(session, record):
            raise DomainError(refused)
        record_documents_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="document_printed",
            entity="document", entity_id=record.id, case_id=record.case_id,
            payload={"kind": record.kind, "number": record.number, "version": record.version,
                     "pdf_sha256": record.pdf_sha256, "copies": copies, "printer": printer},
        )  # fmt: skip
