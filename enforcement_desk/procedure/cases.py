"""Cases: opening them from a source, finding them, and editing what the officer records."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import ConcurrentChange, DomainError, NotFound
from enforcement_desk.core.money import checked_amount
from enforcement_desk.core.penalty_kinds import checked_kinds
from enforcement_desk.core.procedure.major import (
    DISCUSSION_FLAG_LABELS,
    FLAG_LABELS,
    ProposedPenalty,
    hearing_right,
    within_simple_procedure,
)
from enforcement_desk.core.procedure.workflow import ActorInfo, available_actions, certificate_refusal
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CATEGORY_LABELS, PRE_DECISION_STAGES, CaseSource, Outcome, Stage
from enforcement_desk.core.text_limits import (
    CODE,
    FREE_TEXT,
    LEVEL,
    PROVISION,
    SHORT_TEXT,
    checked_date,
    checked_text,
)
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure import record_procedure_event
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import current_proposal, execution_view
from enforcement_desk.procedure.deadlines import (
    agency_settings,
    case_deadlines,
    open_deadline,
    open_execution_periods,
)
from enforcement_desk.procedure.numbers import issue_bianhao
from enforcement_desk.procedure.parties import party_view
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.models import Case, CaseHandler, Party, Payment, StageChange, User
from enforcement_desk.store.models_steps import CaseProposal
from enforcement_desk.supervision.reporter_privacy import refuse_reporter_identity

MIN_HANDLERS = 2


@dataclass(frozen=True)
class CaseDraft:
    """A new case as entered at acceptance: source, party, cause, handlers, discovery and the act."""

    source: CaseSource
    party_id: int
    cause: str
    handler_ids: tuple[int, ...]
    discovered_on: date
    category: str = "医"
    violation_code: str | None = None
    source_detail: str = ""
    act_date: date | None = None
    location: str = ""
    facts: str = ""


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to: stages, handler, party, number, acceptance dates, text."""

    stage: Stage | None = None
    stages: tuple[Stage, ...] = ()
    handler_id: int | None = None
    party: str = ""
    number: str = ""
    accepted_from: date | None = None
    accepted_to: date | None = None
    text: str = ""


# Between submission and the outcome of legal review or collective discussion, what was submitted stands.
UNDER_REVIEW_STAGES = frozenset({Stage.LEGAL_REVIEW, Stage.COLLECTIVE_DISCUSSION})

SORT_COLUMNS = {
    "case_no": Case.case_no,
    "accepted_on": Case.accepted_on,
    "stage": Case.stage,
    "party": Party.name,
    "cause": Case.cause,
    "updated_at": Case.updated_at,
}

EDITABLE_CASE_FIELDS = {
    "cause": "案由",
    "facts": "违法事实",
    "evidence_summary": "证据摘要",
    "location": "检查地点",
    "act_date": "违法行为发生日期",
    "act_ended_on": "违法行为终了日期",
    "life_health_harm": "涉及公民生命健康安全且有危害后果",
    "source_detail": "案件来源说明",
    "violation_code": "违法行为（裁量基准编码）",
    "category": "执法类别",
}


def actor_info(session: Session, actor: Actor) -> ActorInfo:
    """The actor as the workflow rules see them, an officer with the 执法证 as the store holds it now."""
    cert_no, valid_until = _certificate(session, actor) if actor.role is Role.OFFICER else (None, None)
    return ActorInfo(actor.user_id, actor.name, actor.role, actor.legal_qualified, cert_no, valid_until)


def _certificate(session: Session, actor: Actor) -> tuple[str | None, date | None]:
    user = session.get(User, actor.user_id)
    return (user.cert_no, user.cert_valid_until) if user is not None else (None, None)


def require_certified(session: Session, actor: Actor, today: date) -> None:
    """执法人员持证办案 (卫生健康行政处罚程序规定 art. 17; 行政处罚法 art. 42): an officer whose 执法证 is not
    registered or has run out on `today` takes no enforcement step. Heads, reviewers and the administrator
    act in their own capacity and are not asked for one. Every officer's step calls this inside its
    transaction, before it writes."""
    if actor.role is not Role.OFFICER:
        return
    cert_no, valid_until = _certificate(session, actor)
    refusal = certificate_refusal(actor.name, cert_no, valid_until, today)
    if refusal:
        raise DomainError(str(refusal), rule=refusal.rule)


def record_stage_change(
    session: Session,
    case: Case,
    actor: Actor,
    action: str,
    to_stage: Stage,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """Move the case to `to_stage` and add the StageChange row recording who did it and why."""
    from_stage = case.stage
    case.stage = to_stage.value
    case.updated_at = datetime.now()
    session.add(
        StageChange(
            case_id=case.id,
            action=action,
            from_stage=from_stage,
            to_stage=to_stage.value,
            actor_id=actor.user_id,
            at=at or datetime.now(),
            note=note,
        )
    )


def audit(session: Session, actor: Actor, action: str, case: Case, payload: dict[str, Any]) -> None:
    """Append a procedure event about `case` to the audit trail, in the caller's transaction."""
    record_procedure_event(
        session,
        actor_id=actor.user_id,
        actor_login=actor.login,
        action=action,
        entity="case",
        entity_id=case.id,
        case_id=case.id,
        payload=payload,
    )


def refresh_search_text(case: Case, party: Party) -> None:
    """Rebuild the text the case list searches: numbers, party name and id, cause, place and facts."""
    parts = [
        case.case_no,
        case.filing_no or "",
        case.decision_no or "",
        party.name,
        party.id_number or "",
        case.cause,
        case.location,
        case.facts,
    ]
    case.search_text = " ".join(p for p in parts if p)


def load_case(session: Session, actor: Actor, case_id: int, *, lock: bool = False) -> Case:
    """The case by id if it belongs to the actor's agency (optionally locked for update); else NotFound."""
    query = select(Case).where(Case.id == case_id)
    if lock:
        query = query.with_for_update(of=Case)
    case = session.execute(query).unique().scalar_one_or_none()
    if case is None or case.agency_id != actor.agency_id:
        raise NotFound(f"案件 #{case_id} 不存在")
    return case


def _validate_handlers(session: Session, actor: Actor, handler_ids: tuple[int, ...], today: date) -> list[User]:
    unique_ids = list(dict.fromkeys(handler_ids))
    if len(unique_ids) < MIN_HANDLERS:
        raise DomainError("执法人员不得少于两人（《行政处罚法》第四十二条），请指定至少两名承办人")
    users = []
    for user_id in unique_ids:
        user = session.get(User, user_id)
        if user is None or user.agency_id != actor.agency_id or not user.active:
            raise DomainError(f"承办人 #{user_id} 不存在或已停用")
        if user.role != Role.OFFICER.value:
            raise DomainError(f"{user.name}不是执法人员，不能担任承办人")
        refusal = certificate_refusal(user.name, user.cert_no, user.cert_valid_until, today, as_handler=True)
        if refusal:
            raise DomainError(str(refusal), rule=refusal.rule)
        users.append(user)
    return users


def _checked_draft(ctx: AppContext, draft: CaseDraft) -> str:
    """The checks every new case passes, on whichever path it comes; returns the cause."""
    cause = checked_text(draft.cause, "案由", SHORT_TEXT, required=True)
    for value, label, kind in (
        (draft.facts, "违法事实", FREE_TEXT), (draft.location, "检查地点", SHORT_TEXT),
        (draft.source_detail, "案件来源说明", FREE_TEXT), (draft.violation_code, "违法行为（裁量基准编码）", CODE),
    ):  # fmt: skip
        checked_text(value, label, kind)
    if draft.category not in CATEGORY_LABELS:
        raise DomainError(f"未知的执法类别“{draft.category}”，可选：{'、'.join(CATEGORY_LABELS)}")
    if draft.discovered_on > ctx.today():
        raise DomainError("发现日期不能晚于今天")
    if draft.act_date and draft.act_date > draft.discovered_on:
        raise DomainError("违法行为发生日期不能晚于发现日期")
    return cause


def _new_case(
    session: Session, ctx: AppContext, actor: Actor, draft: CaseDraft, cause: str, *, stage: Stage, action: str,
    note: str, **decided: Any,
) -> tuple[Case, Party, list, Any]:  # fmt: skip
    """The case row with its 受理编号, handlers and first stage change; `decided` adds the columns of a
    case decided on the spot. Returns the case, its party, the handlers and the agency's settings."""
    agency, settings = agency_settings(session, actor.agency_id)
    party = session.get(Party, draft.party_id)
    if party is None or party.agency_id != actor.agency_id:
        raise NotFound(f"当事人 #{draft.party_id} 不存在")
    require_certified(session, actor, ctx.today())
    handlers = _validate_handlers(session, actor, draft.handler_ids, ctx.today())
    now = ctx.now()
    case = Case(
        agency_id=actor.agency_id,
        case_no=issue_bianhao(session, agency, "案件受理", ctx.today().year, width=4),
        source=CaseSource(draft.source).value,
        source_detail=draft.source_detail.strip(),
        category=draft.category,
        cause=cause,
        violation_code=draft.violation_code,
        party_id=party.id,
        stage=stage.value,
        location=draft.location.strip(),
        discovered_on=draft.discovered_on,
        act_date=draft.act_date,
        accepted_on=ctx.today(),
        facts=draft.facts.strip(),
        major_flags=[],
        paid_amount=Decimal(0),
        created_at=now,
        updated_at=now,
        **{"procedure": "ordinary", "penalty_kinds": [], **decided},
    )
    case.party = party
    for position, user in enumerate(handlers):
        case.handlers.append(CaseHandler(user_id=user.id, position=position, user=user))
    refresh_search_text(case, party)
    session.add(case)
    session.flush()
    session.add(StageChange(case_id=case.id, action=action, from_stage=None, to_stage=stage.value,
                            actor_id=actor.user_id, at=now, note=note))  # fmt: skip
    return case, party, handlers, settings


@allowed(Role.OFFICER, Role.HEAD, action="受理案件")
def create_case(ctx: AppContext, actor: Actor, draft: CaseDraft) -> views.CaseDetail:
    """受理: record the source, party and summary; the filing deadline starts at discovery."""
    cause = _checked_draft(ctx, draft)
    with ctx.db.write() as session:
        case, party, handlers, settings = _new_case(
            session, ctx, actor, draft, cause, stage=Stage.ACCEPTED, action="accept",
            note=f"案件来源：{CaseSource(draft.source).label}",
        )  # fmt: skip
        open_deadline(session, case.id, "filing", draft.discovered_on, settings, calendar_for(settings))
        audit(
            session,
            actor,
            "case_accepted",
            case,
            {
                "case_no": case.case_no,
                "source": case.source,
                "party_id": party.id,
                "cause": cause,
                "handlers": [u.id for u in handlers],
                "discovered_on": draft.discovered_on,
            },
        )
        return _detail(session, case, actor, settings, ctx.today())


def _within_statutory_fine(code: str | None, fine: Decimal, party_kind: str, settings, on: date) -> None:
    """An on-the-spot fine stays inside the article's fixed range, and the article's floor inside the
    simple-procedure limit (行政处罚法 art. 51): a violation fined from 500 元 cannot be decided on the spot
    for a citizen, whose limit is 200 元."""
    from enforcement_desk.discretion.library import load_library
    from enforcement_desk.paths import resources_dir

    violation = load_library(resources_dir() / "benchmarks").violations.get(code or "")
    version = violation.version_on(on) if violation else None
    fixed = [band.fine for band in (version.bands if version else ()) if band.fine.basis == "fixed"]
    if not fixed:
        return
    floor, ceiling = min(f.minimum for f in fixed), max(f.maximum for f in fixed)
    limit = settings.simple_fine_person_max if party_kind == "person" else settings.simple_fine_organisation_max
    who = "公民" if party_kind == "person" else "法人或其他组织"
    if floor > limit:
        raise DomainError(
            f"{version.penalty.reference}规定的罚款最低为 {floor} 元，超过简易程序对{who}罚款 {limit} 元的限额，"
            "应适用普通程序", rule="《行政处罚法》第五十一条")  # fmt: skip
    if fine and not floor <= fine <= ceiling:
        raise DomainError(f"罚款 {fine} 元不在{version.penalty.reference}规定的 {floor}–{ceiling} 元幅度内")


@allowed(Role.OFFICER, action="当场处罚")
def create_onsite_case(
    ctx: AppContext,
    actor: Actor,
    draft: CaseDraft,
    *,
    penalty_kinds: tuple[str, ...],
    fine: Decimal,
    legal_basis: str,
    collected_on_spot: bool = False,
    receipt_no: str = "",
    collection_reason: str = "",
    violated_provision: str = "",
) -> views.CaseDetail:
    """简易程序 (art. 51–53): decided on the spot within the warning / small-fine limits, the decision handed
    over on the spot (art. 52). A fine collected on the spot (art. 68: 100 yuan or less, or hard to collect
    later; art. 70: the official receipt) is paid; otherwise its 15 days to pay run from today (art. 67) and
    it goes through the same execution as any decision (art. 53)."""
    legal_basis = checked_text(legal_basis, "处罚依据", PROVISION, required=True)
    violated_provision = checked_text(violated_provision, "违反的条款", PROVISION, required=True)
    require_text(draft.facts, "违法事实")
    cause = _checked_draft(ctx, draft)
    penalty_kinds = checked_kinds(penalty_kinds)
    fine = _amount(fine, "罚款金额")
    if collected_on_spot:
        _check_onsite_collection(fine, receipt_no, collection_reason)
    with ctx.db.read() as session:
        party = session.get(Party, draft.party_id)
        if party is None or party.agency_id != actor.agency_id:
            raise NotFound(f"当事人 #{draft.party_id} 不存在")
        party_kind = party.kind
        _, settings = agency_settings(session, actor.agency_id)
    permitted, reason = within_simple_procedure(
        ProposedPenalty(party_kind=party_kind, fine=fine, kinds=penalty_kinds), settings
    )
    if not permitted:
        raise DomainError(reason, rule="《行政处罚法》第五十一条")
    _within_statutory_fine(draft.violation_code, fine, party_kind, settings, ctx.today())
    if actor.user_id not in draft.handler_ids:
        raise DomainError("当场处罚须由在场执法人员本人办理，请将自己列为承办人")
    today = ctx.today()
    with ctx.db.write() as session:
        agency, _ = agency_settings(session, actor.agency_id)
        case, _, _, settings = _new_case(
            session, ctx, actor, draft, cause, stage=Stage.ONSITE_DECIDED, action="onsite_decide",
            note=f"当场处罚：{'、'.join(penalty_kinds)} {fine} 元",
            decision_no=issue_bianhao(session, agency, "当场处罚", today.year), procedure="simple",
            proposed_outcome=Outcome.PENALTY.value, decided_outcome=Outcome.PENALTY.value, decided_on=today,
            penalty_kinds=list(penalty_kinds), fine_amount=fine, served_on=today, service_method="当场交付",
        )  # fmt: skip
        now = case.created_at
        calendar = calendar_for(settings)
        if fine > 0 and collected_on_spot:
            session.add(Payment(case_id=case.id, kind="fine", amount=fine, surcharge=Decimal(0), paid_on=today,
                                receipt_no=receipt_no.strip()[:60], recorded_by=actor.user_id, recorded_at=now))  # fmt: skip
            case.paid_amount = fine
        elif fine > 0:
            open_deadline(session, case.id, "payment", today, settings, calendar)
        open_execution_periods(session, case.id, today, settings, calendar, money_owed=fine > 0 and not collected_on_spot)
        decision = CaseProposal(
            case_id=case.id, version=1, outcome=Outcome.PENALTY.value, penalty_kinds=list(penalty_kinds), fine=fine,
            confiscation=None, mitigated=False, level="", reason="", violated_provision=violated_provision,
            legal_basis=legal_basis.strip(), computation={}, changed_fields=[], proposed_by=actor.user_id,
            proposed_at=now,
        )  # fmt: skip
        record_step(
            session, actor, case, "case_onsite_decided", decision,
            payload={"decision_no": case.decision_no, "kinds": list(penalty_kinds), "fine": fine, "basis": legal_basis,
                     "collected_on_spot": collected_on_spot, "receipt_no": receipt_no.strip(),
                     "collection_reason": collection_reason.strip()},
        )  # fmt: skip
        return _detail(session, case, actor, settings, today)


ONSITE_COLLECTION_LIMIT = Decimal("100")


def _check_onsite_collection(fine: Decimal, receipt_no: str, reason: str) -> None:
    """当场收缴 (行政处罚法 arts. 68, 69): a fine of 100 yuan or less, or, with the reason, one that would be hard
    to collect later or where paying at a bank is hard in a remote area; always against the official receipt
    (art. 70)."""
    if fine <= 0:
        raise DomainError("没有罚款，无须当场收缴")
    if fine > ONSITE_COLLECTION_LIMIT and not reason.strip():
        raise DomainError(
            f"当场收缴限于一百元以下的罚款、不当场收缴事后难以执行的，或者边远、水上、交通不便地区当事人提出的；"
            f"罚款 {fine:,.2f} 元，请写明当场收缴的理由", rule="《行政处罚法》第六十八条、第六十九条",
        )  # fmt: skip
    if not receipt_no.strip():
        raise DomainError("当场收缴罚款须向当事人出具财政部门统一制发的专用票据，请填写票据号", rule="《行政处罚法》第七十条")


def _detail(session: Session, case: Case, actor: Actor, settings, today: date) -> views.CaseDetail:
    state = views.build_state(session, case, settings, today)
    source_label, category_label = views.labels_for(case)
    has_hearing_right, _ = hearing_right(views.proposed_penalty(case), settings)
    return views.CaseDetail(
        id=case.id,
        case_no=case.case_no,
        filing_no=case.filing_no,
        decision_no=case.decision_no,
        procedure=case.procedure,
        source=case.source,
        source_label=source_label,
        source_detail=case.source_detail,
        category=case.category,
        category_label=category_label,
        cause=case.cause,
        violation_code=case.violation_code,
        party=party_view(case.party),
        handlers=tuple(
            views.HandlerView(h.user.id, h.user.name, h.user.cert_no, h.user.cert_valid_until)
            for h in case.handlers
        ),
        stage=Stage(case.stage),
        location=case.location,
        discovered_on=case.discovered_on,
        act_date=case.act_date,
        act_ended_on=case.act_ended_on,
        accepted_on=case.accepted_on,
        filed_on=case.filed_on,
        decided_on=case.decided_on,
        served_on=case.served_on,
        closed_on=case.closed_on,
        archived_on=case.archived_on,
        facts=case.facts,
        evidence_summary=case.evidence_summary,
        proposed_outcome=state.proposed_outcome,
        decided_outcome=state.decided_outcome,
        penalty_kinds=tuple(case.penalty_kinds or ()),
        fine_amount=case.fine_amount,
        confiscation_amount=case.confiscation_amount,
        paid_amount=case.paid_amount or Decimal(0),
        fine_due=state.fine_outstanding,
        surcharge_due=state.surcharge_due,
        confiscation_due=state.confiscation_due,
        mitigated=case.mitigated,
        proposal=current_proposal(session, case.id),
        major=state.major,
        hearing_right=has_hearing_right,
        hearing_requested_on=case.hearing_requested_on,
        hearing_held_on=case.hearing_held_on,
        prior_notice_served_on=case.prior_notice_served_on,
        review_passed=state.review_passed,
        discussion_recorded=state.discussion_recorded,
        decision_deadline=state.decision_deadline,
        actions=tuple(available_actions(state, actor_info(session, actor))),
        history=views.history_of(session, case.id),
        deadlines=case_deadlines(session, case.id, case.filing_no or case.case_no, case.party.name, today),
        version=case.version,
        execution=execution_view(session, case, settings, today),
        hearing_terminated_on=state.hearing_terminated_on,
        decision_pauses=views.pause_views(session, case.id),
        discussion=state.discussion,
        flags=tuple(case.major_flags or ()),
        late_decision_reason=views.late_decision_reason(session, case.id) if case.decided_on else None,
    )


def get_case(ctx: AppContext, actor: Actor, case_id: int) -> views.CaseDetail:
    """The case in full, with the actions open to the actor."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        _, settings = agency_settings(session, actor.agency_id)
        return _detail(session, case, actor, settings, ctx.today())


def find_case_id(ctx: AppContext, actor: Actor, number: str) -> int:
    """A case by its 受理编号, 立案文号 or 决定书文号, or by '#id'."""
    number = number.strip()
    with ctx.db.read() as session:
        if number.lstrip("#").isdigit() and (number.startswith("#") or len(number) < 6):
            case = session.get(Case, int(number.lstrip("#")))
            if case is not None and case.agency_id == actor.agency_id:
                return case.id
        row = session.execute(
            select(Case.id).where(
                Case.agency_id == actor.agency_id,
                or_(Case.case_no == number, Case.filing_no == number, Case.decision_no == number),
            )
        ).first()
        if row is None:
            raise NotFound(f"未找到编号为“{number}”的案件")
        return row[0]


def _text_condition(session: Session, text_query: str):
    pattern = f"%{text_query}%"
    if session.get_bind().dialect.name == "sqlite" and len(text_query) >= 3:
        quoted = '"' + text_query.replace('"', '""') + '"'
        return Case.id.in_(text("SELECT rowid FROM cases_fts WHERE cases_fts MATCH :q").bindparams(q=quoted))
    return Case.search_text.like(pattern)


def _filtered(session: Session, actor: Actor, flt: CaseFilter) -> Select:
    query = select(Case.id).where(Case.agency_id == actor.agency_id)
    stages = [s.value for s in ((flt.stage,) if flt.stage else ()) + tuple(flt.stages)]
    if stages:
        query = query.where(Case.stage.in_(stages))
    if flt.handler_id:
        query = query.where(
            Case.id.in_(select(CaseHandler.case_id).where(CaseHandler.user_id == flt.handler_id))
        )
    if flt.party.strip():
        # Parties are far fewer than cases: match them first, then use the cases' party index.
        pattern = f"%{flt.party.strip()}%"
        matching = select(Party.id).where(
            Party.agency_id == actor.agency_id, or_(Party.name.like(pattern), Party.id_number.like(pattern))
        )
        query = query.where(Case.party_id.in_(matching))
    if flt.number.strip():
        number = flt.number.strip()
        pattern = f"%{number}%"
        query = query.where(
            or_(Case.case_no.like(pattern), Case.filing_no.like(pattern), Case.decision_no.like(pattern))
        )
        if len(number) >= 3:  # the trigram index narrows the scan; the LIKE above keeps it to number fields
            query = query.where(_text_condition(session, number))
    if flt.accepted_from:
        query = query.where(Case.accepted_on >= flt.accepted_from)
    if flt.accepted_to:
        query = query.where(Case.accepted_on <= flt.accepted_to)
    if flt.text.strip():
        query = query.where(_text_condition(session, flt.text.strip()))
    return query


def list_cases(
    ctx: AppContext,
    actor: Actor,
    flt: CaseFilter | None = None,
    *,
    sort: str = "accepted_on",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> list[views.CaseSummary]:
    """The agency's cases matching the filter, sorted and paged."""
    flt = flt or CaseFilter()
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise DomainError(f"不能按“{sort}”排序")
    with ctx.db.read() as session:
        query = (
            _filtered(session, actor, flt)
            .with_only_columns(*SUMMARY_COLUMNS)
            .join(Party, Party.id == Case.party_id)
        )
        order = column.desc() if descending else column.asc()
        tie = Case.id.desc() if descending else Case.id.asc()
        rows = session.execute(query.order_by(order, tie).offset(offset).limit(limit)).all()
        # One query for the page's handlers instead of one per case: the list must stay fast at 100k.
        names: dict[int, list[str]] = {}
        if rows:
            handler_rows = session.execute(
                select(CaseHandler.case_id, User.name)
                .join(User, User.id == CaseHandler.user_id)
                .where(CaseHandler.case_id.in_([r.id for r in rows]))
                .order_by(CaseHandler.case_id, CaseHandler.position)
            )
            for case_id, name in handler_rows:
                names.setdefault(case_id, []).append(name)
        return [
            views.CaseSummary(
                id=r.id,
                case_no=r.case_no,
                filing_no=r.filing_no,
                decision_no=r.decision_no,
                party_name=r.party_name,
                cause=r.cause,
                stage=Stage(r.stage),
                procedure=r.procedure,
                accepted_on=r.accepted_on,
                handlers="、".join(names.get(r.id, ())),
                fine_amount=r.fine_amount,
                version=r.version,
            )
            for r in rows
        ]


SUMMARY_COLUMNS = (
    Case.id,
    Case.case_no,
    Case.filing_no,
    Case.decision_no,
    Party.name.label("party_name"),
    Case.cause,
    Case.stage,
    Case.procedure,
    Case.accepted_on,
    Case.fine_amount,
    Case.version,
)


COUNT_LIMIT = 10_000


def count_cases(ctx: AppContext, actor: Actor, flt: CaseFilter | None = None, *, limit: int | None = None) -> int:
    """How many cases match; with `limit`, counting stops there (the list shows "10,000+"), which keeps
    a one-character search over 100,000 cases as fast as the page itself."""
    with ctx.db.read() as session:
        query = _filtered(session, actor, flt or CaseFilter())
        if limit is not None:
            query = query.limit(limit + 1)
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _check_version(case: Case, expected_version: int, session: Session) -> None:
    if case.version != expected_version:
        changes = session.execute(
            select(StageChange.action, StageChange.at)
            .where(StageChange.case_id == case.id)
            .order_by(StageChange.id.desc())
            .limit(1)
        ).first()
        latest = f"；最近一次操作：{changes[0]}（{changes[1]:%Y-%m-%d %H:%M}）" if changes else ""
        raise ConcurrentChange(
            f"案件 {case.filing_no or case.case_no} 已被他人修改（版本 {expected_version} → {case.version}{latest}），"
            "您的修改未保存，请刷新查看最新内容后再编辑"
        )


CASE_TEXT_KINDS = {
    "cause": SHORT_TEXT, "facts": FREE_TEXT, "evidence_summary": FREE_TEXT, "location": SHORT_TEXT,
    "source_detail": FREE_TEXT, "violation_code": CODE,
}  # fmt: skip
CASE_DATE_FIELDS = ("act_date", "act_ended_on")


def checked_case_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Case fields as typed (text, dates as 年-月-日, yes/no), each refused with its own name."""
    checked = dict(changes)
    for key, kind in CASE_TEXT_KINDS.items():
        if key in checked:
            checked[key] = checked_text(checked[key], EDITABLE_CASE_FIELDS[key], kind) or (
                None if key == "violation_code" else ""
            )
    for key in CASE_DATE_FIELDS:
        if key in checked:
            checked[key] = checked_date(checked[key], EDITABLE_CASE_FIELDS[key])
    if isinstance(checked.get("life_health_harm"), str):
        checked["life_health_harm"] = checked["life_health_harm"].strip().lower() in ("1", "true", "是", "yes")
    return checked


def update_case(
    ctx: AppContext, actor: Actor, case_id: int, expected_version: int, **changes: Any
) -> views.CaseDetail:
    """Edit what the handler records; refused after the decision and when someone saved first."""
    unknown = set(changes) - set(EDITABLE_CASE_FIELDS)
    if unknown:
        raise DomainError(f"不能直接修改：{'、'.join(sorted(unknown))}；可修改：{'、'.join(EDITABLE_CASE_FIELDS)}")
    changes = checked_case_fields(changes)
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        _require_handler(session, case, actor, "修改案件信息", ctx.today())
        if Stage(case.stage) not in PRE_DECISION_STAGES:
            raise DomainError("案件已作出决定，案情信息不能再修改（如需更正请走撤销或变更程序）")
        if Stage(case.stage) in UNDER_REVIEW_STAGES:
            # The reviewer and the meeting judge the facts as submitted; a change waits for a return.
            raise DomainError(
                f"案件处于“{Stage(case.stage).label}”阶段，案情信息以送审时为准；如需修改，请待退回后再改"
            )
        _check_version(case, expected_version, session)
        if "cause" in changes:
            changes["cause"] = require_text(changes["cause"], "案由")
        if "category" in changes and changes["category"] not in CATEGORY_LABELS:
            raise DomainError(f"未知的执法类别“{changes['category']}”")
        before = {k: getattr(case, k) for k in changes}
        changed = {k: v for k, v in changes.items() if before[k] != v}
        if not changed:
            return _detail(session, case, actor, settings, ctx.today())
        refuse_reporter_identity(
            session, case.id, {EDITABLE_CASE_FIELDS[k]: str(v) for k, v in changed.items() if isinstance(v, str)}, "案件信息"
        )
        for key, value in changed.items():
            setattr(case, key, value)
        if case.act_date and case.act_date > case.discovered_on:
            raise DomainError("违法行为发生日期不能晚于发现日期")
        refresh_search_text(case, case.party)
        case.updated_at = datetime.now()
        session.flush()
        audit(
            session,
            actor,
            "case_updated",
            case,
            {"before": {k: before[k] for k in changed}, "after": changed},
        )
        return _detail(session, case, actor, settings, ctx.today())


def _require_handler(session: Session, case: Case, actor: Actor, action: str, today: date) -> None:
    if actor.role is not Role.OFFICER or actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError(f"只有本案承办人可以{action}")
    require_certified(session, actor, today)


@dataclass(frozen=True)
class Proposal:
    """The handlers' proposal after investigation: outcome, penalty, discretion and articles relied on."""

    outcome: Outcome
    penalty_kinds: tuple[str, ...] = ()
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    mitigated: bool = False
    level: str = ""
    reason: str = ""
    discretion: dict[str, Any] = field(default_factory=dict)  # the benchmark computation adopted, if any
    violated_provision: str = ""  # 违反的条款, quoted in the notices and the decision
    legal_basis: str = ""  # 处罚依据


PROPOSAL_FIELDS = (
    "outcome", "penalty_kinds", "fine", "confiscation", "mitigated", "level", "reason",
    "violated_provision", "legal_basis", "computation",
)  # fmt: skip


def _proposal_row(case: Case, proposal: Proposal, previous: CaseProposal | None, actor: Actor, now: datetime) -> CaseProposal:
    """The next version of the proposal. Articles left blank keep those of the version before: a new
    level or amount does not erase the legal basis recorded earlier."""
    is_penalty = proposal.outcome is Outcome.PENALTY
    row = CaseProposal(
        case_id=case.id, version=(previous.version + 1) if previous else 1, outcome=proposal.outcome.value,
        penalty_kinds=list(proposal.penalty_kinds) if is_penalty else [],
        fine=proposal.fine if is_penalty else None, confiscation=proposal.confiscation if is_penalty else None,
        mitigated=proposal.mitigated and is_penalty, level=proposal.level.strip(), reason=proposal.reason.strip(),
        violated_provision=proposal.violated_provision.strip() or (previous.violated_provision if previous else ""),
        legal_basis=proposal.legal_basis.strip() or (previous.legal_basis if previous else ""),
        computation=dict(proposal.discretion) if proposal.discretion else (dict(previous.computation) if previous else {}),
        proposed_by=actor.user_id, proposed_at=now,
    )  # fmt: skip
    row.changed_fields = [
        name for name in PROPOSAL_FIELDS
        if previous is None or comparable_value(getattr(previous, name)) != comparable_value(getattr(row, name))
    ]  # fmt: skip
    return row


def comparable_value(value: Any) -> Any:
    """Amounts compare by value whatever their scale (5000 and 5000.00 are the same proposal)."""
    return value.normalize() if isinstance(value, Decimal) else value


def _amount(value: Any, label: str) -> Decimal | None:
    """A valid amount as given (a Decimal keeps its scale: 5000 stays 5000 in the record), else refused."""
    if value is None:
        return None
    checked = checked_amount(value, label)
    return value if isinstance(value, Decimal) else checked


def checked_proposal(proposal: Proposal) -> Proposal:
    """The proposal as typed, refused field by field: lawful penalty kinds, amounts that are amounts,
    texts within their limits."""
    return replace(
        proposal,
        penalty_kinds=checked_kinds(proposal.penalty_kinds),
        fine=_amount(proposal.fine, "罚款金额"),
        confiscation=_amount(proposal.confiscation, "没收金额"),
        level=checked_text(proposal.level, "裁量阶次", LEVEL),
        reason=checked_text(proposal.reason, "裁量理由", FREE_TEXT),
        violated_provision=checked_text(proposal.violated_provision, "违反条款", PROVISION),
        legal_basis=checked_text(proposal.legal_basis, "处罚依据", PROVISION),
    )


def set_proposal(
    ctx: AppContext, actor: Actor, case_id: int, expected_version: int, proposal: Proposal
) -> views.CaseDetail:
    """The handlers' proposed handling (拟处理意见) with the discretion behind it, saved as a new version
    of the proposal; nothing else of the case's record is touched."""
    proposal = checked_proposal(proposal)
    if proposal.outcome is Outcome.PENALTY:
        if not proposal.penalty_kinds:
            raise DomainError("拟给予行政处罚须至少选择一种处罚种类")
        if "罚款" in proposal.penalty_kinds and not proposal.fine:
            raise DomainError("选择了罚款，请填写罚款金额")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        _require_handler(session, case, actor, "提出处理意见", ctx.today())
        if Stage(case.stage) not in PRE_DECISION_STAGES - UNDER_REVIEW_STAGES:
            raise DomainError(f"案件处于“{Stage(case.stage).label}”阶段，不能修改处理意见")
        _check_version(case, expected_version, session)
        previous = session.scalars(
            select(CaseProposal).where(CaseProposal.case_id == case.id).order_by(CaseProposal.version.desc()).limit(1)
        ).first()
        row = _proposal_row(case, proposal, previous, actor, ctx.now())
        # The case row carries the current proposal's amounts for the lists, the stage rules and the search.
        case.proposed_outcome = row.outcome
        case.penalty_kinds = list(row.penalty_kinds)
        case.fine_amount = row.fine
        case.confiscation_amount = row.confiscation
        case.mitigated = row.mitigated
        case.updated_at = datetime.now()
        changed = list(row.changed_fields)
        record_step(session, actor, case, "proposal_set", row, payload={
            "version": row.version, "changed": changed,
            "before": {name: getattr(previous, name) for name in changed} if previous else {},
            "after": {name: getattr(row, name) for name in changed},
        })  # fmt: skip
        return _detail(session, case, actor, settings, ctx.today())


def set_major_flags(
    ctx: AppContext, actor: Actor, case_id: int, flags: set[str], note: str = ""
) -> views.CaseDetail:
    """Flags that make a decision major (重大公共利益, 疑难复杂 …): set by a handler or the head."""
    unknown = set(flags) - set(FLAG_LABELS)
    if unknown:
        raise DomainError(f"未知的重大案件标记：{'、'.join(sorted(unknown))}")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if actor.role is not Role.HEAD:
            _require_handler(session, case, actor, "标记重大案件", ctx.today())
        if Stage(case.stage) not in PRE_DECISION_STAGES:
            raise DomainError("案件已作出决定，不能再修改重大案件标记")
        before = list(case.major_flags or [])
        # The collective discussion's own grounds (卫生健康行政处罚程序规定 art. 40(三)(五)) are set apart and kept.
        case.major_flags = sorted(set(flags) | (set(before) & DISCUSSION_FLAG_LABELS.keys()))
        case.updated_at = datetime.now()
        session.flush()
        audit(
            session,
            actor,
            "major_flags_set",
            case,
            {"before": before, "after": case.major_flags, "note": note},
        )
        return _detail(session, case, actor, settings, ctx.today())
