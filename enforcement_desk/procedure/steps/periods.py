"""The decision and filing periods moved by law: extensions approved by the head or the collective
discussion (卫生健康行政处罚程序规定 arts. 32, 42), and the periods not counted (art. 42(3))."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.periods import (
    DECISION_EXTENSION_DAYS,
    DECISION_EXTENSION_RULE,
    DECISION_PAUSE_RULE,
    FILING_EXTENSION_RULE,
    PausePeriod,
    decision_extension_limit,
    decision_extension_refusal,
    decision_pause_refusal,
    extended_decision_due,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import PRE_DECISION_STAGES, Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import (
    history,
)
from enforcement_desk.procedure.cases import (
    _detail,
    audit,
    load_case,
    require_certified,
)
from enforcement_desk.procedure.deadlines import (
    agency_settings,
    close_deadlines,
    extend_deadline,
    resume_deadline,
)
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.procedure.steps.hearing import heads_among
from enforcement_desk.store.models import (
    Case,
    Deadline,
    DecisionExtension,
)
from enforcement_desk.store.models_steps import (
    DecisionPause,
    FilingExtension,
)


@dataclass(frozen=True)
class ExtensionTerms:
    """What an extension shows before it is saved: the period's current last day, which extension this would
    be and what the rule allows for it, and the new last day for a given length."""

    key: str  # decision (calendar days, 卫生健康行政处罚程序规定 art. 42(2)) | filing (working days, art. 32)
    current_due: date | None
    today: date
    max_days: int  # decision: the most days this extension may add (60, 30; 0 when both are used); filing: fixed
    extensions_so_far: int
    rule: str
    calendar: WorkingDayCalendar = field(compare=False, repr=False)
    paused_since: date | None = None  # decision: a period not counted (art. 42(3)) is running since this day

    @property
    def expired(self) -> bool:
        """True when the period has already run out: it can no longer be extended."""
        return self.current_due is not None and self.today > self.current_due

    @property
    def exhausted(self) -> bool:
        """True when no further extension is possible: the filing period's one, the decision period's two."""
        return self.extensions_so_far >= (len(DECISION_EXTENSION_DAYS) if self.key == "decision" else 1)

    @property
    def needs_discussion(self) -> bool:
        """True when this decision extension is the second: only for a case 案情重大或者特别复杂, decided by the
        collective discussion (art. 42(2))."""
        return self.key == "decision" and self.extensions_so_far == 1

    def new_due(self, days: int) -> date | None:
        """The last day after extending by `days` (decision) or by the fixed working days (filing)."""
        if self.current_due is None or days < 1:
            return None
        if self.key == "filing":
            return self.calendar.add_working_days(self.current_due, self.max_days)
        return extended_decision_due(self.current_due, days, self.calendar)

    def which_text(self) -> str:
        """Which extension this would be, in words."""
        if self.key == "filing":
            return "立案期限的延长（案情复杂的，经负责人批准，一次）"
        return {0: "第一次延长：经负责人批准", 1: "第二次延长：案情重大或者特别复杂，经集体讨论决定"}.get(
            self.extensions_so_far, f"已延长 {self.extensions_so_far} 次"
        )

    def allowed_text(self) -> str:
        """What the rule allows now, in words."""
        if self.paused_since is not None:
            return f"办案期限自 {self.paused_since} 起暂停计算（不计入期间尚未结束），结束后再批准延期"
        if self.current_due is None:
            return "本案没有进行中的期限，不能延长"
        if self.exhausted:
            if self.key == "filing":
                return "立案期限已延长过一次，不能再次延长"
            return "已延长六十日并经集体讨论再延长三十日，不能再次延长"
        if self.expired:
            return f"期限已于 {self.current_due} 届满，届满后不能补批延期"
        if self.key == "filing":
            return f"经负责人批准可延长一次，延长 {self.max_days} 个工作日"
        if self.needs_discussion:
            return (
                f"本案已经负责人批准延长一次；案情重大或者特别复杂的，经集体讨论决定可再延长，最多 {self.max_days} 日"
                "（须登记集体讨论的日期、参加的负责人和结论）；此后不能再延长"
            )
        return f"因案情复杂或者其他原因，经负责人批准可延长，最多 {self.max_days} 日（不得由本案承办人批准）"


@dataclass(frozen=True)
class ExtensionDiscussion:
    """The collective discussion that decided the second extension (art. 42(2)): its day, the heads taking
    part (by name, at least two) and its conclusion."""

    held_on: date
    participants: tuple[str, ...]
    conclusion: str


def _open_deadline_row(session: Session, case_id: int, key: str) -> Deadline | None:
    return session.scalars(
        select(Deadline).where(Deadline.case_id == case_id, Deadline.key == key, Deadline.status == "open")
        .order_by(Deadline.id.desc())
    ).first()  # fmt: skip


def _extension_terms(session: Session, case: Case, key: str, settings: AgencySettings, today: date) -> ExtensionTerms:
    row = _open_deadline_row(session, case.id, key)
    if key == "filing":
        done = len(history(session, FilingExtension, case.id))
        return ExtensionTerms(key, row.due_on if row else None, today, settings.filing_extension_working_days, done,
                              FILING_EXTENSION_RULE, calendar_for(settings))  # fmt: skip
    done = len(session.scalars(select(DecisionExtension.id).where(DecisionExtension.case_id == case.id)).all())
    running = next((p for p in views.current_pauses(session, case.id) if p.ended_on is None), None)
    return ExtensionTerms(key, row.due_on if row else None, today, decision_extension_limit(done), done,
                          DECISION_EXTENSION_RULE, calendar_for(settings),
                          paused_since=running.started_on if running else None)  # fmt: skip


def extension_terms(ctx: AppContext, actor: Actor, case_id: int, key: str = "decision") -> ExtensionTerms:
    """The terms an extension of the case's decision (or filing) period is under today, for the dialog that
    shows them before saving."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        _, settings = agency_settings(session, actor.agency_id)
        return _extension_terms(session, case, key, settings, ctx.today())


def _discussion_record(session: Session, case: Case, discussion: ExtensionDiscussion, today: date) -> dict[str, Any]:
    """The collective discussion as the extension keeps it, after checking it: dated between filing and
    today, at least two of the agency's heads taking part by name, a conclusion."""
    if discussion.held_on > today:
        raise DomainError("集体讨论的日期不能晚于今天", rule=DECISION_EXTENSION_RULE)
    if case.filed_on and discussion.held_on < case.filed_on:
        raise DomainError(f"集体讨论的日期早于立案日期 {case.filed_on}", rule=DECISION_EXTENSION_RULE)
    participants = tuple(dict.fromkeys(p.strip() for p in discussion.participants if p.strip()))
    taking_part = heads_among(session, case.agency_id, participants)
    if len(taking_part) < 2:
        named = "、".join(participants) or "无"
        raise DomainError(
            f"再次延长须经集体讨论决定，参加讨论的本机关负责人应不少于两人（登记的参加人：{named}；"
            f"其中负责人 {len(taking_part)} 人）", rule=DECISION_EXTENSION_RULE,
        )  # fmt: skip
    conclusion = discussion.conclusion.strip()
    if not conclusion:
        raise DomainError("请填写集体讨论的结论（案情重大或者特别复杂、同意再延长的理由）", rule=DECISION_EXTENSION_RULE)
    return {"held_on": discussion.held_on.isoformat(), "participants": list(participants), "heads": taking_part,
            "conclusion": conclusion}  # fmt: skip


@allowed(Role.HEAD, action="批准延期")
def extend_decision_deadline(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    days: int,
    reason: str,
    discussion: ExtensionDiscussion | None = None,
) -> views.CaseDetail:
    """延期审批 of the decision period under 卫生健康行政处罚程序规定 art. 42(2): the first extension, because the
    case is complex or for another reason, at most 60 days on the approval of a head who does not handle the
    case; one further extension, at most 30 days, only for a case 案情重大或者特别复杂 and decided by the collective
    discussion (`discussion`: its day, the heads by name, the conclusion, kept with the extension); no third.
    Each is approved before the current last day has passed; the new last day is the current one plus `days`,
    moved off a holiday like every calendar-day period. Not while a period not counted (art. 42(3)) runs."""
    reason = require_text(reason, "延期的理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if case.decided_on or case.filed_on is None or Stage(case.stage).is_terminal:
            raise DomainError("只有已立案、尚未作出决定的案件可以延长办案期限")
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的延期", rule=DECISION_EXTENSION_RULE)
        terms = _extension_terms(session, case, "decision", settings, today)
        if terms.paused_since is not None:
            raise DomainError(terms.allowed_text(), rule=DECISION_PAUSE_RULE)
        if terms.current_due is None:
            raise DomainError("本案没有进行中的作出处理决定期限，不能延长")
        refused = decision_extension_refusal(
            days=days, today=today, current_due=terms.current_due, extensions_so_far=terms.extensions_so_far,
            discussed=discussion is not None,
        )  # fmt: skip
        if refused:
            raise DomainError(refused, rule=DECISION_EXTENSION_RULE)
        record = _discussion_record(session, case, discussion, today) if terms.needs_discussion and discussion else None
        new_due = extended_decision_due(terms.current_due, days, terms.calendar)
        number = terms.extensions_so_far + 1
        session.add(DecisionExtension(
            case_id=case.id, days=days, reason=reason, approved_by=actor.user_id, approved_at=ctx.now(),
            previous_due=terms.current_due, new_due=new_due, discussion_record=record,
        ))  # fmt: skip
        how = "经负责人批准" if number == 1 else "经集体讨论决定再"
        extend_deadline(session, case.id, "decision", new_due, terms.calendar, on=today, note=f"{how}延长 {days} 日",
                        basis=DECISION_EXTENSION_RULE)  # fmt: skip
        case.updated_at = datetime.now()
        session.flush()
        audit(session, actor, "decision_extended", case, {
            "days": days, "reason": reason, "previous_due": terms.current_due, "new_due": new_due,
            "extension_no": number, "discussion": record, "rule": DECISION_EXTENSION_RULE,
        })  # fmt: skip
        return _detail(session, case, actor, settings, today)


@allowed(Role.HEAD, action="批准延长立案期限")
def extend_filing_deadline(ctx: AppContext, actor: Actor, case_id: int, *, reason: str) -> views.CaseDetail:
    """立案期限延长 (卫生健康行政处罚程序规定 art. 32(1): 七日内立案，案情复杂的，经负责人批准，可以延长七日; art. 69(2):
    working days): a head who does not handle the case approves, before the filing period runs out, its one
    extension by `filing_extension_working_days` working days."""
    reason = require_text(reason, "延长立案期限的理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if Stage(case.stage) is not Stage.ACCEPTED or case.filed_on is not None:
            raise DomainError("只有已受理、尚未决定是否立案的案件可以延长立案期限", rule=FILING_EXTENSION_RULE)
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的立案期限延长", rule=FILING_EXTENSION_RULE)
        terms = _extension_terms(session, case, "filing", settings, today)
        if terms.current_due is None:
            raise DomainError("本案没有进行中的立案期限，不能延长", rule=FILING_EXTENSION_RULE)
        if terms.expired:
            raise DomainError(f"立案期限已于 {terms.current_due} 届满，延长须在期限届满前批准", rule=FILING_EXTENSION_RULE)
        if terms.exhausted:
            raise DomainError("立案期限已延长过一次，不能再次延长", rule=FILING_EXTENSION_RULE)
        if terms.max_days < 1:
            raise DomainError("本机关未设立案期限的延长（立案延长期限为 0 个工作日）", rule=FILING_EXTENSION_RULE)
        new_due = terms.calendar.add_working_days(terms.current_due, terms.max_days)
        row = FilingExtension(
            case_id=case.id, working_days=terms.max_days, previous_due=terms.current_due, new_due=new_due,
            reason=reason, approved_by=actor.user_id, approved_at=ctx.now(),
        )  # fmt: skip
        extend_deadline(session, case.id, "filing", new_due, terms.calendar, on=today,
                        note=f"经负责人批准延长 {terms.max_days} 个工作日", basis=FILING_EXTENSION_RULE)  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "filing_extended", row)
        return _detail(session, case, actor, settings, today)


# ---- time not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3)) ------------------------------

DECISION_PERIOD_STAGES = PRE_DECISION_STAGES - {Stage.ACCEPTED}


def _pause_case(session: Session, actor: Actor, case_id: int, what: str, today: date) -> Case:
    case = load_case(session, actor, case_id, lock=True)
    if case.filed_on is None or case.decided_on or Stage(case.stage) not in DECISION_PERIOD_STAGES:
        raise DomainError(f"只有已立案、尚未作出决定的案件可以{what}", rule=DECISION_PAUSE_RULE)
    if actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError(f"只有本案承办人可以{what}")
    require_certified(session, actor, today)
    return case


def _as_period(row: DecisionPause) -> PausePeriod:
    return PausePeriod(row.kind, row.started_on, row.ended_on)


@allowed(Role.OFFICER, action="登记不计入办案期限的期间")
def record_decision_pause(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    note: str = "",
) -> views.CaseDetail:
    """A period not counted in the decision period (art. 42(3): 听证、招标、拍卖、公示、公告和检测、检验、检疫、鉴定、
    专家评审、协助调查等所需时间不计入案件办理期限), recorded by a handler: with its last day, the decision period's last
    day moves by its days (first and last day included, then off a holiday); still running, the period stops
    (its deadline shown as 暂停计算) until `end_decision_pause` records the end."""
    kind = kind.strip()
    today = ctx.today()
    with ctx.db.write() as session:
        case = _pause_case(session, actor, case_id, "登记不计入办案期限的期间", today)
        _, settings = agency_settings(session, actor.agency_id)
        calendar = calendar_for(settings)
        period = _open_deadline_row(session, case.id, "decision")
        pause = PausePeriod(kind, started_on, ended_on)
        pauses = views.current_pauses(session, case.id)
        running = next((p for p in pauses if p.ended_on is None), None)
        if running is not None:
            raise DomainError(
                f"尚有未结束的不计入期间（{running.kind}，自 {running.started_on} 起），请先登记其结束日期，再登记其他期间",
                rule=DECISION_PAUSE_RULE,
            )
        others = tuple(_as_period(p) for p in pauses)
        assert case.filed_on is not None
        refused = decision_pause_refusal(pause, today=today, filed_on=case.filed_on,
                                         current_due=period.due_on if period else None, others=others)  # fmt: skip
        if refused:
            raise DomainError(refused, rule=DECISION_PAUSE_RULE)
        if period is None:
            raise DomainError("本案没有进行中的作出处理决定期限", rule=DECISION_PAUSE_RULE)
        previous_due, new_due = period.due_on, None
        close_deadlines(session, case.id, "decision", on=today, status="paused")
        if ended_on is not None:  # over already: the period runs again at once, later by the pause's days
            new_due = extended_decision_due(previous_due, pause.days(), calendar)
            resume_deadline(session, case.id, "decision", new_due, calendar, on=today,
                            note=f"{kind}{pause.days()}日不计入", basis=DECISION_PAUSE_RULE)  # fmt: skip
        row = DecisionPause(
            case_id=case.id, kind=kind, started_on=started_on, ended_on=ended_on, ends_id=None, days=pause.days(),
            previous_due=previous_due, new_due=new_due, note=note.strip(), recorded_by=actor.user_id,
            recorded_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "decision_paused", row, payload={"rule": DECISION_PAUSE_RULE})
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, action="登记不计入期间的结束")
def end_decision_pause(
    ctx: AppContext, actor: Actor, case_id: int, *, ended_on: date, note: str = ""
) -> views.CaseDetail:
    """The end of the running period not counted (art. 42(3)): the decision period runs again, its last day
    the one it had when the pause began plus the pause's days (first and last day included), off a holiday."""
    today = ctx.today()
    with ctx.db.write() as session:
        case = _pause_case(session, actor, case_id, "登记不计入期间的结束", today)
        _, settings = agency_settings(session, actor.agency_id)
        calendar = calendar_for(settings)
        pauses = views.current_pauses(session, case.id)
        running = next((p for p in pauses if p.ended_on is None), None)
        if running is None:
            raise DomainError("本案没有尚未结束的不计入期间", rule=DECISION_PAUSE_RULE)
        pause = PausePeriod(running.kind, running.started_on, ended_on)
        others = tuple(_as_period(p) for p in pauses if p.id != running.id)
        assert case.filed_on is not None
        refused = decision_pause_refusal(pause, today=today, filed_on=case.filed_on, current_due=None, others=others)
        if refused:
            raise DomainError(refused, rule=DECISION_PAUSE_RULE)
        previous_due = running.previous_due  # the last day when the pause began; the period stood still since
        assert previous_due is not None
        new_due = extended_decision_due(previous_due, pause.days(), calendar)
        resume_deadline(session, case.id, "decision", new_due, calendar, on=today,
                        note=f"{running.kind}{pause.days()}日不计入", basis=DECISION_PAUSE_RULE)  # fmt: skip
        row = DecisionPause(
            case_id=case.id, kind=running.kind, started_on=running.started_on, ended_on=ended_on, ends_id=running.id,
            days=pause.days(), previous_due=previous_due, new_due=new_due, note=note.strip() or running.note,
            recorded_by=actor.user_id, recorded_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "decision_pause_ended", row, payload={"rule": DECISION_PAUSE_RULE})
        return _detail(session, case, actor, settings, today)
