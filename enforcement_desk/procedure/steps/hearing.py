"""Steps beside the workflow before the decision: the hearing's arrangement and record (卫生健康行政处罚程序规定
arts. 43–52), a waived defence, and the heads' collective discussion with its grounds (art. 40)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.major import DISCUSSION_FLAG_LABELS, DISCUSSION_RULE
from enforcement_desk.core.procedure.workflow import (
    HEARING_HELD,
    HEARING_TERMINATED,
    discussion_refusal,
    hearing_record_refusal,
    termination_reason,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import PRE_DECISION_STAGES, Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import (
    latest,
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
)
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.procedure.steps.actions import _locked_handler_case
from enforcement_desk.store.models import (
    CollectiveDiscussion,
    User,
)
from enforcement_desk.store.models_steps import (
    HearingNotice,
    HearingRecord,
)

PARTY_SIGNATURES = ("已签名", "拒绝签名", "未到场")
HEARING_NOTICE_RULE = "《卫生健康行政处罚程序规定》第四十六条第一款、第六十九条；《行政处罚法》第六十四条第（二）项"
# Art. 47: "卫生健康行政机关的听证人员包括听证主持人、听证员和听证记录员，由卫生健康行政机关指定的非本案调查人员担任。"
HEARING_STAFF_RULE = "《卫生健康行政处罚程序规定》第四十七条；《行政处罚法》第六十四条第（四）项"
HEARING_NOTICE_WORKING_DAYS = 7


def earliest_hearing_day(notice_served_on: date, settings: AgencySettings) -> date:
    """The first day a hearing may be held after its notice: seven working days later (卫生健康行政处罚程序规定
    art. 46(1), its art. 69(2) making them working days; 行政处罚法 art. 64(二), 85; the day of service is not
    counted)."""
    return calendar_for(settings).add_working_days(notice_served_on, HEARING_NOTICE_WORKING_DAYS)


@dataclass(frozen=True)
class HearingMinutes:
    """What the 听证笔录 and 听证意见书 hold (行政处罚法 art. 64(五)–(八), 65): a hearing held, or one terminated
    because the party or its agents refused to attend without good reason or left without leave (art. 64(六):
    视为放弃听证权利) — then `record` says what happened and `terminated` names the ground."""

    held_on: date
    host: str
    record: str
    opinion: str = ""
    recorder: str = ""
    place: str = ""
    public: bool | None = None
    attendees: tuple[str, ...] = ()
    party_statements: str = ""
    party_signature: str = ""
    agents: tuple[str, ...] = ()  # the party's agents, one or two (art. 64(五))
    terminated: str = ""  # 无正当理由拒不出席 | 未经许可中途退出 (中途退出 is read as the latter); "" held


@allowed(Role.OFFICER, Role.HEAD, action="登记听证")
def record_hearing(ctx: AppContext, actor: Actor, case_id: int, minutes: HearingMinutes) -> views.CaseDetail:
    """听证笔录 (art. 64–65): the hearing is hosted by someone who did not investigate the case. A second
    call records a corrected version; the earlier one stays in the history. A terminated hearing (art. 64(六))
    is recorded as such: the case goes on to the decision, and it is not a hearing held (art. 58(二))."""
    host = minutes.host.strip()
    if not host or not minutes.record.strip():
        raise DomainError("请填写听证主持人和听证笔录要点（终止听证的，写明当事人未出席或中途退出的经过）")
    if minutes.party_signature and minutes.party_signature not in PARTY_SIGNATURES:
        raise DomainError(f"当事人签名情况应为：{'、'.join(PARTY_SIGNATURES)}", rule="《行政处罚法》第六十四条第（八）项")
    reason = termination_reason(minutes.terminated) if minutes.terminated.strip() else None
    outcome = HEARING_TERMINATED if reason else HEARING_HELD
    agents = tuple(dict.fromkeys(a.strip() for a in minutes.agents if a.strip()))
    refused = hearing_record_refusal(outcome, reason, agents, minutes.party_signature)
    if refused:
        raise DomainError(str(refused), rule=refused.rule)
    today = ctx.today()
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.HEARING, "登记听证", today)
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以登记听证笔录")
        _, settings = agency_settings(session, actor.agency_id)
        handler_names = {h.user.name for h in case.handlers}
        if host in handler_names:
            raise DomainError("听证主持人不能是本案调查人员（承办人）：听证人员由非本案调查人员担任", rule=HEARING_STAFF_RULE)
        if minutes.recorder.strip() in handler_names:
            raise DomainError("听证记录人不能是本案调查人员（承办人）：听证人员由非本案调查人员担任", rule=HEARING_STAFF_RULE)
        if minutes.held_on > today:
            raise DomainError("听证日期不能晚于今天")
        if case.hearing_requested_on and minutes.held_on < case.hearing_requested_on:
            raise DomainError("听证日期不能早于当事人提出听证申请的日期")
        notice = latest(session, HearingNotice, case.id)
        if notice is None:
            raise DomainError(
                "尚未登记听证通知书的送达：行政机关应当在举行听证的七日前通知当事人听证的时间、地点，"
                "请先登记听证安排（安排听证）", rule=HEARING_NOTICE_RULE,
            )  # fmt: skip
        earliest = earliest_hearing_day(notice.served_on, settings)
        if minutes.held_on < earliest:
            raise DomainError(
                f"听证通知书于 {notice.served_on} 送达，七个工作日后（{earliest} 起）方可举行听证",
                rule=HEARING_NOTICE_RULE,
            )
        # A terminated hearing is no hearing held: not 经过听证程序 for the major-decision list (art. 58(二)).
        case.hearing_held_on = minutes.held_on if outcome == HEARING_HELD else None
        case.updated_at = datetime.now()
        row = HearingRecord(
            case_id=case.id, held_on=minutes.held_on, place=minutes.place.strip() or (notice.place if notice else ""),
            host=host, recorder=minutes.recorder.strip(),
            public=minutes.public if minutes.public is not None else (notice.public if notice else None),
            attendees=[a.strip() for a in minutes.attendees if a.strip()],
            party_statements=minutes.party_statements.strip(), record_text=minutes.record.strip(),
            opinion=minutes.opinion.strip(), party_signature=minutes.party_signature, recorded_by=actor.user_id,
            recorded_at=ctx.now(), outcome=outcome, termination_reason=reason, agents=list(agents),
        )  # fmt: skip
        record_step(session, actor, case, "hearing_recorded", row)
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, Role.HEAD, action="安排听证")
def arrange_hearing(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    scheduled_at: datetime,
    place: str,
    host: str,
    recorder: str = "",
    public: bool = True,
    not_public_reason: str = "",
    served_on: date,
) -> views.CaseDetail:
    """听证通知书: the time, place, host and whether the hearing is public, served on the party
    (行政处罚法 art. 64(二)(三))."""
    place = require_text(place, "听证地点")
    host = require_text(host, "听证主持人")
    if not public and not not_public_reason.strip():
        raise DomainError(
            "不公开举行听证须写明理由（涉及国家秘密、商业秘密或者个人隐私）", rule="《行政处罚法》第六十四条第（三）项"
        )
    today = ctx.today()
    if served_on > today:
        raise DomainError("送达日期不能晚于今天")
    if scheduled_at.date() < served_on:
        raise DomainError("听证时间不能早于听证通知书的送达日期")
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.HEARING, "安排听证", today)
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以安排听证")
        _, settings = agency_settings(session, actor.agency_id)
        handler_names = {h.user.name for h in case.handlers}
        if host in handler_names or recorder.strip() in handler_names:
            raise DomainError("听证主持人和记录人不能是本案调查人员（承办人）：听证人员由非本案调查人员担任", rule=HEARING_STAFF_RULE)
        if case.hearing_requested_on and served_on < case.hearing_requested_on:
            raise DomainError("听证通知书的送达日期不能早于当事人提出听证申请的日期")
        earliest = earliest_hearing_day(served_on, settings)
        if scheduled_at.date() < earliest:
            raise DomainError(
                f"听证应当在通知送达七个工作日后举行：{served_on} 送达的通知，听证最早安排在 {earliest}",
                rule=HEARING_NOTICE_RULE,
            )
        row = HearingNotice(
            case_id=case.id, scheduled_at=scheduled_at, place=place, host=host, recorder=recorder.strip(),
            public=public, not_public_reason=not_public_reason.strip(), served_on=served_on,
            arranged_by=actor.user_id, arranged_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "hearing_arranged", row)
        return _detail(session, case, actor, settings, today)


def waive_defence(ctx: AppContext, actor: Actor, case_id: int, *, note: str) -> views.CaseDetail:
    """The party's written waiver of the defence period ends it early (陈述申辩放弃书)."""
    if not note.strip():
        raise DomainError("请注明当事人书面放弃陈述申辩的材料（如放弃书的日期和签名情况）")
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.PRIOR_NOTICE, "登记放弃陈述申辩", ctx.today())
        if actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人可以登记当事人放弃陈述申辩")
        _, settings = agency_settings(session, actor.agency_id)
        case.defence_waived = True
        close_deadlines(session, case.id, "defence", on=ctx.today())
        session.flush()
        audit(session, actor, "defence_waived", case, {"note": note})
        return _detail(session, case, actor, settings, ctx.today())


def heads_among(session: Session, agency_id: int, participants: list[str] | tuple[str, ...]) -> list[str]:
    """The agency's active heads among the people named as taking part in a collective discussion."""
    heads = set(session.scalars(select(User.name).where(
        User.agency_id == agency_id, User.role == Role.HEAD.value, User.active.is_(True))))  # fmt: skip
    return [p for p in dict.fromkeys(p.strip() for p in participants) if p in heads]


@allowed(Role.HEAD, action="登记集体讨论")
def record_discussion(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    held_on: date,
    participants: list[str],
    opinions: list[dict[str, str]],
    conclusion: str,
) -> views.CaseDetail:
    """集体讨论记录 (卫生健康行政处罚程序规定 art. 40; 行政处罚法 art. 57(2)): the heads decide collectively on the
    cases art. 40 names. After a passed review the case waits for it in its own stage; a case that needs the
    discussion but no review has it in the prior-notice or hearing stage once the party has been heard
    (workflow.discussion_refusal)."""
    if not conclusion.strip():
        raise DomainError("请填写集体讨论结论")
    today = ctx.today()
    if held_on > today:
        raise DomainError("讨论日期不能晚于今天")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        refused = discussion_refusal(views.build_state(session, case, settings, today))
        if refused:
            raise DomainError(f"不能登记集体讨论：{refused}", rule=getattr(refused, "rule", None))
        named = [p.strip() for p in participants if p.strip()]
        if len(heads_among(session, case.agency_id, named)) < 2:
            # Art. 40 is the heads' own discussion: others may attend (the reviewer, the handlers reporting).
            raise DomainError(
                f"集体讨论须有两名以上本机关负责人参加（登记的参加人：{'、'.join(named) or '无'}；"
                f"其中负责人 {len(heads_among(session, case.agency_id, named))} 人）", rule=DISCUSSION_RULE,
            )  # fmt: skip
        session.add(
            CollectiveDiscussion(
                case_id=case.id,
                held_on=held_on,
                participants=[p.strip() for p in participants if p.strip()],
                opinions=opinions,
                conclusion=conclusion.strip(),
                recorded_by=actor.user_id,
                recorded_at=ctx.now(),
            )
        )
        case.updated_at = datetime.now()
        session.flush()
        audit(
            session,
            actor,
            "discussion_recorded",
            case,
            {
                "held_on": held_on,
                "participants": participants,
                "opinions": opinions,
                "conclusion": conclusion,
            },
        )
        return _detail(session, case, actor, settings, today)


# 集体讨论的事由 a person judges (卫生健康行政处罚程序规定 art. 40(三)(五)), as typed in the CLI and shown in the desk.
DISCUSSION_GROUND_WORDS = {"重大安全问题": "major_safety", "重大社会影响": "social_impact", "负责人提交": "head_referral"}


@allowed(Role.OFFICER, Role.HEAD, action="标记集体讨论的事由")
def mark_discussion_grounds(
    ctx: AppContext, actor: Actor, case_id: int, *, grounds: set[str], note: str
) -> views.CaseDetail:
    """The grounds of art. 40 only a person can judge, set as the case's flags (the others follow from the
    proposal and the review): (三) 涉及重大安全问题 / 有重大社会影响, marked by a handler or a head; (五) a head's
    referral (负责人认为应当提交集体讨论), given or withdrawn by a head only. `grounds` is the whole set wanted."""
    unknown = set(grounds) - DISCUSSION_FLAG_LABELS.keys()
    if unknown:
        raise DomainError(f"未知的集体讨论事由：{'、'.join(sorted(unknown))}", rule=DISCUSSION_RULE)
    note = require_text(note, "标记的理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if Stage(case.stage) not in PRE_DECISION_STAGES:
            raise DomainError("案件已作出决定或已终结，不能再标记集体讨论的事由", rule=DISCUSSION_RULE)
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以标记集体讨论的事由")
        require_certified(session, actor, today)
        flags = set(case.major_flags or ())
        before = flags & DISCUSSION_FLAG_LABELS.keys()
        if "head_referral" in before ^ set(grounds) and actor.role is not Role.HEAD:
            raise DomainError("负责人认为应当提交集体讨论的案件，由负责人提交或撤回", rule=f"{DISCUSSION_RULE}第一款第（五）项")
        case.major_flags = sorted((flags - before) | set(grounds))
        case.updated_at = datetime.now()
        session.flush()
        audit(session, actor, "discussion_grounds_set", case, {
            "before": sorted(before), "after": sorted(grounds), "note": note, "rule": DISCUSSION_RULE,
        })  # fmt: skip
        return _detail(session, case, actor, settings, today)
