"""投诉举报: intake with a protected reporter, an assigned officer and a reply deadline; the complaint
then becomes a case or is closed with a reason.

The complaint is its own record. Its content and the reporter's identity (name, phone, ID number) are
read only by the officer it is assigned to and the heads; everyone else sees that it exists (number,
date, channel, subject, status). A case made from it starts with empty facts and names it only by its
number (投诉举报人身份保密, 《行政处罚法》第五十条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.identifiers import mask_phone
from enforcement_desk.core.procedure.periods import urgency
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CATEGORY_LABELS, CaseSource
from enforcement_desk.core.supervision.reporter_privacy import ReporterIdentity, find_leaks
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.procedure.deadlines import agency_settings
from enforcement_desk.procedure.numbers import issue_bianhao
from enforcement_desk.store.models import User
from enforcement_desk.store.models_supervision import Complaint
from enforcement_desk.supervision import record_supervision_event
from enforcement_desk.supervision.reporter_privacy import leak_message

CHANNELS = ("电话", "来信", "来访", "网络", "12345热线转办", "上级交办", "其他")
STATUS_LABELS = {"open": "办理中", "converted": "已立案", "closed": "已办结"}
PROTECTED = "（举报人信息保密）"
CONTENT_PROTECTED = "（举报内容仅承办人和负责人可见）"
MAX_ID_NUMBER = 30


@dataclass(frozen=True)
class ComplaintDraft:
    """A complaint as received: channel, subject, content, the officer assigned, and the reporter (may be
    anonymous)."""

    channel: str
    subject_name: str
    content: str
    assigned_to: int
    received_on: date
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False
    subject_address: str = ""
    category: str = "医"
    reporter_id_number: str = ""


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as the signed-in user may see it: `restricted` views carry notices instead of the
    content and the reporter."""

    id: int
    number: str
    received_on: date
    channel: str
    reporter: str  # the identity, or a notice that it is protected from this user
    subject_name: str
    subject_address: str
    category: str
    content: str  # the complaint's words, or CONTENT_PROTECTED
    assigned_to: int
    assigned_name: str
    reply_due_on: date
    urgency: str
    status: str
    case_id: int | None
    closed_on: date | None
    close_reason: str
    restricted: bool = False
    reporter_id_number: str = ""  # empty when restricted
    withheld_from_case: str = ""  # text migration 0009 took out of the case; empty when restricted

    @property
    def label(self) -> str:
        """The complaint's status in Chinese."""
        return STATUS_LABELS[self.status]


def may_see_reporter(actor: Actor, complaint: Complaint) -> bool:
    """Only the officer handling the complaint and the heads see who reported (举报人保护)."""
    return actor.role is Role.HEAD or actor.user_id == complaint.assigned_to


def _reporter_text(actor: Actor, complaint: Complaint) -> str:
    if complaint.anonymous:
        return "匿名"
    if not may_see_reporter(actor, complaint):
        return PROTECTED
    phone = complaint.reporter_phone
    return f"{complaint.reporter_name} {phone}".strip() if phone else complaint.reporter_name


def reporter_identity(complaint: Complaint) -> ReporterIdentity:
    """The reporter's identity as the complaint holds it (empty for an anonymous complaint)."""
    return ReporterIdentity(
        complaint.reporter_name or "", complaint.reporter_phone or "", complaint.reporter_id_number or ""
    )


def _view(session: Session, actor: Actor, complaint: Complaint, today: date) -> ComplaintView:
    state = urgency(complaint.reply_due_on, today) if complaint.status == "open" else "met"
    allowed = may_see_reporter(actor, complaint)
    return ComplaintView(
        complaint.id, complaint.number, complaint.received_on, complaint.channel, _reporter_text(actor, complaint),
        complaint.subject_name, complaint.subject_address, complaint.category,
        complaint.content if allowed else CONTENT_PROTECTED,
        complaint.assigned_to, session.get(User, complaint.assigned_to).name, complaint.reply_due_on, state,
        complaint.status, complaint.case_id, complaint.closed_on, complaint.close_reason, restricted=not allowed,
        reporter_id_number=(complaint.reporter_id_number or "") if allowed else "",
        withheld_from_case=(complaint.withheld_from_case or "") if allowed else "",
    )  # fmt: skip


def _assignee(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.agency_id != actor.agency_id or not user.active:
        raise NotFound(f"承办人 #{user_id} 不存在或已停用")
    if user.role != Role.OFFICER.value:
        raise DomainError(f"{user.name}不是执法人员，不能承办投诉举报")
    return user


@allowed(Role.OFFICER, Role.HEAD, action="登记投诉举报")
def add_complaint(ctx: AppContext, actor: Actor, draft: ComplaintDraft) -> ComplaintView:
    """Records a complaint; the reply falls due after the agency's reply period (working days)."""
    if draft.channel not in CHANNELS:
        raise DomainError(f"未知的投诉举报渠道“{draft.channel}”，可选：{'、'.join(CHANNELS)}")
    if draft.category not in CATEGORY_LABELS:
        raise DomainError(f"未知的执法类别“{draft.category}”，可选：{'、'.join(CATEGORY_LABELS)}")
    subject = require_text(draft.subject_name, "被投诉举报对象")
    content = require_text(draft.content, "投诉举报内容")
    if draft.received_on > ctx.today():
        raise DomainError("收到日期不能晚于今天")
    if not draft.anonymous:
        require_text(draft.reporter_name, "投诉举报人姓名（匿名举报请选择“匿名”）")
    id_number = "" if draft.anonymous else "".join(draft.reporter_id_number.split()).upper()
    if len(id_number) > MAX_ID_NUMBER:
        raise DomainError(f"投诉举报人证件号码过长（不超过 {MAX_ID_NUMBER} 个字符）")
    with ctx.db.write() as session:
        agency, settings = agency_settings(session, actor.agency_id)
        _assignee(session, actor, draft.assigned_to)
        due = deadline("complaint_reply", draft.received_on, settings, calendar_for(settings)).due
        complaint = Complaint(
            agency_id=actor.agency_id, number=issue_bianhao(session, agency, "投诉举报", draft.received_on.year),
            received_on=draft.received_on, channel=draft.channel,
            reporter_name="" if draft.anonymous else draft.reporter_name.strip(),
            reporter_phone="" if draft.anonymous else draft.reporter_phone.strip(), reporter_id_number=id_number,
            anonymous=draft.anonymous,
            subject_name=subject, subject_address=draft.subject_address.strip(), category=draft.category,
            content=content, assigned_to=draft.assigned_to, reply_due_on=due, status="open",
            recorded_by=actor.user_id, created_at=ctx.now(),
        )  # fmt: skip
        session.add(complaint)
        session.flush()
        # The audit chain is readable by every auditor: the reporter's identity stays out of it.
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="complaint_received",
            entity="complaint", entity_id=complaint.id,
            payload={"number": complaint.number, "channel": draft.channel, "subject": subject,
                     "assigned_to": draft.assigned_to, "reply_due_on": due, "anonymous": draft.anonymous,
                     "reporter_phone": mask_phone(draft.reporter_phone) if draft.reporter_phone else ""},
        )  # fmt: skip
        return _view(session, actor, complaint, ctx.today())


def _load(session: Session, actor: Actor, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.agency_id != actor.agency_id:
        raise NotFound(f"投诉举报 #{complaint_id} 不存在")
    return complaint


def get_complaint(ctx: AppContext, actor: Actor, complaint_id: int) -> ComplaintView:
    """One complaint; its content and reporter only for the assigned officer and the heads."""
    with ctx.db.read() as session:
        return _view(session, actor, _load(session, actor, complaint_id), ctx.today())


def list_complaints(ctx: AppContext, actor: Actor, *, open_only: bool = False) -> list[ComplaintView]:
    """The agency's complaints by reply deadline; each shows its content and reporter only to the officer
    it is assigned to and the heads."""
    with ctx.db.read() as session:
        query = select(Complaint).where(Complaint.agency_id == actor.agency_id)
        if open_only:
            query = query.where(Complaint.status == "open")
        rows = session.scalars(query.order_by(Complaint.reply_due_on, Complaint.id))
        return [_view(session, actor, c, ctx.today()) for c in rows]


def _require_open(complaint: Complaint) -> None:
    if complaint.status != "open":
        raise DomainError(f"投诉举报 {complaint.number} 已{STATUS_LABELS[complaint.status]}，不能再处理")


def _require_handler(actor: Actor, complaint: Complaint, action: str) -> None:
    # the role is checked by @allowed on the service; officers only on complaints assigned to them
    if actor.role is Role.OFFICER and actor.user_id != complaint.assigned_to:
        raise DomainError(f"只有承办人或负责人可以{action}")


@allowed(Role.OFFICER, Role.HEAD, action="将投诉举报转为案件")
def convert_to_case(
    ctx: AppContext,
    actor: Actor,
    complaint_id: int,
    *,
    party_id: int,
    cause: str,
    handler_ids: tuple[int, ...],
) -> int:
    """The complaint becomes a case (source 投诉举报); the complaint is then done and keeps the link.

    The case starts with empty facts — the officers write what they find — and names the complaint only
    by its number: the complaint's words and the reporter stay in the complaint record. A cause or place
    that names the reporter is refused."""
    from enforcement_desk.procedure.cases import CaseDraft, create_case

    with ctx.db.read() as session:
        complaint = _load(session, actor, complaint_id)
        _require_open(complaint)
        _require_handler(actor, complaint, "将投诉举报转为案件")
        number, category, address = complaint.number, complaint.category, complaint.subject_address
        received_on, identity = complaint.received_on, reporter_identity(complaint)
    leaks = find_leaks([identity], {"案由": cause, "检查地点": address})
    if leaks:
        raise leak_message(leaks, "案件信息")
    detail = create_case(
        ctx,
        actor,
        CaseDraft(
            source=CaseSource.COMPLAINT,
            party_id=party_id,
            cause=cause,
            handler_ids=handler_ids,
            discovered_on=received_on,
            category=category,
            source_detail=f"投诉举报（登记号 {number}）",
            location=address,
            facts="",
        ),  # fmt: skip
    )
    with ctx.db.write() as session:
        complaint = _load(session, actor, complaint_id)
        _require_open(complaint)
        complaint.status, complaint.case_id, complaint.closed_on = "converted", detail.id, ctx.today()
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="complaint_converted",
            entity="complaint", entity_id=complaint.id, case_id=detail.id, payload={"cause": cause},
        )  # fmt: skip
    return detail.id


@allowed(Role.OFFICER, Role.HEAD, action="办结投诉举报")
def close_complaint(ctx: AppContext, actor: Actor, complaint_id: int, reason: str) -> ComplaintView:
    """办结 without a case (e.g. not within our remit, not substantiated), with the reason given."""
    reason = require_text(reason, "办结理由")
    with ctx.db.write() as session:
        complaint = _load(session, actor, complaint_id)
        _require_open(complaint)
        _require_handler(actor, complaint, "办结投诉举报")
        complaint.status, complaint.closed_on, complaint.close_reason = "closed", ctx.today(), reason
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="complaint_closed",
            entity="complaint", entity_id=complaint.id, payload={"reason": reason},
        )  # fmt: skip
        return _view(session, actor, complaint, ctx.today())
