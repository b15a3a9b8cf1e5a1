"""The penalty procedure as a table of actions, each with the stages it may start from, the stage
it leads to, who may take it, and the guards that must hold. Services evaluate it; the GUI asks it
which actions to enable and shows the refusal text on the disabled ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.procedure.execution import CLOSING_RULE, closing_refusal
from enforcement_desk.core.procedure.limitation import check_limitation
from enforcement_desk.core.procedure.major import (
    DISCUSSION_RULE,
    DiscussionAssessment,
    MajorAssessment,
    ProposedPenalty,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import PRE_DECISION_STAGES, Outcome, Stage


@dataclass(frozen=True)
class HandlerInfo:
    """A handler of the case as the rules see them: id, name and 执法证 with its validity."""

    user_id: int
    name: str
    cert_no: str | None
    cert_valid_until: date | None


@dataclass(frozen=True)
class ActorInfo:
    """The user acting, as the rules see them: id, name, role, legal qualification and, for an officer, the
    执法证 with its validity (an officer without a valid one takes no enforcement step)."""

    user_id: int
    name: str
    role: Role
    legal_qualified: bool = False
    cert_no: str | None = None
    cert_valid_until: date | None = None


@dataclass(frozen=True)
class TransferApprover:
    """A head who may approve or refuse a transfer to the police (国务院令第310号 art. 5), and in which
    capacity: 正职负责人 or 主持工作的负责人."""

    user_id: int
    name: str
    capacity: str


@dataclass(frozen=True)
class CaseState:
    """What the guards need to know of a case; built by the service from the store."""

    stage: Stage
    today: date
    procedure: str = "ordinary"
    handlers: tuple[HandlerInfo, ...] = ()
    party_kind: str = "organisation"
    discovered_on: date | None = None
    act_date: date | None = None
    act_ended_on: date | None = None
    life_health_harm: bool = False
    facts: str = ""
    proposed_outcome: Outcome | None = None
    proposed: ProposedPenalty | None = None
    prior_notice_served_on: date | None = None
    defence_deadline: date | None = None
    defence_waived: bool = False
    hearing_right: bool = False
    hearing_request_deadline: date | None = None
    hearing_requested_on: date | None = None
    hearing_held_on: date | None = None
    hearing_terminated_on: date | None = None  # 终止听证 (art. 64(六)): the party gave up the hearing
    basis_missing: tuple[str, ...] = ()  # what the penalty proposal leaves blank: 违反条款, 处罚依据
    major: MajorAssessment = field(default_factory=lambda: MajorAssessment(False, ()))
    # 卫生健康行政处罚程序规定 art. 40: whether the heads must decide by collective discussion, and why.
    discussion: DiscussionAssessment = field(default_factory=lambda: DiscussionAssessment(False, ()))
    review_passed: bool = False
    discussion_recorded: bool = False
    decision_deadline: date | None = None
    # A period not counted in the decision period still running (卫生健康行政处罚程序规定 art. 42(3)), in words
    # (its kind and first day); None when none runs.
    decision_paused: str | None = None
    decided_outcome: Outcome | None = None
    fine_outstanding: Decimal = Decimal(0)
    surcharge_due: Decimal = Decimal(0)  # 加处罚款 accrued on the overdue fine and not yet paid
    confiscation_due: Decimal = Decimal(0)
    enforcement_applied: bool = False
    # The sums whose end the record does not show (core/procedure/execution.open_sums), and why the agency may
    # not apply to the court today (a Refusal naming its article; None when it may).
    execution_open: tuple[str, ...] = ()
    enforcement_refusal: str | None = None
    resume_stage: Stage | None = None
    review_return_stage: Stage | None = None
    filing_approver_id: int | None = None
    transfer_approvers: tuple[TransferApprover, ...] = ()  # named in the agency's settings (310号 art. 5)


class Refusal(str):
    """A guard's refusal that names the article setting the rule; `check` passes it on as DomainError.rule."""

    rule: str

    def __new__(cls, text: str, rule: str) -> Refusal:
        """The refusal's words, with its article kept beside them."""
        refusal = super().__new__(cls, text)
        refusal.rule = rule
        return refusal


# ---- 执法证: who may act as 执法人员 ----------------------------------------------------------------

# 执法人员 hold 执法证件 and show them (行政处罚法 art. 42; 卫生健康行政处罚程序规定 art. 17).
CERTIFICATE_RULE = "《卫生健康行政处罚程序规定》第十七条；《行政处罚法》第四十二条"
CERTIFICATE_WARNING_DAYS = 30  # the desk and the terminal warn the officer this many days ahead


def certificate_refusal(
    name: str, cert_no: str | None, valid_until: date | None, today: date, *, as_handler: bool = False
) -> Refusal | None:
    """Why this officer cannot act as 执法人员 on `today` (None: the 执法证 is registered and valid, the last
    day of its validity included). `as_handler` words it for naming the officer a case's handler."""
    doing, then = ("担任承办人", "再指定") if as_handler else ("办理执法事项", "再办理")
    if not (cert_no or "").strip():
        return Refusal(f"{name}未登记执法证，不能{doing}；请先登记执法证信息后{then}", CERTIFICATE_RULE)
    if valid_until is None:
        return Refusal(
            f"{name}的执法证（编号 {cert_no}）未登记有效期，不能{doing}；请更新执法证信息后{then}", CERTIFICATE_RULE
        )
    if valid_until < today:
        return Refusal(
            f"{name}的执法证（编号 {cert_no}）已于 {valid_until} 到期，不能{doing}；请更新执法证信息后{then}",
            CERTIFICATE_RULE,
        )
    return None


@dataclass(frozen=True)
class CertificateNotice:
    """What the signed-in officer is told of their own 执法证: it has run out (or is not registered), or it
    runs out within CERTIFICATE_WARNING_DAYS."""

    expired: bool  # True: no enforcement step can be taken now
    valid_until: date | None
    days_left: int | None
    text: str


def certificate_notice(
    cert_no: str | None, valid_until: date | None, today: date, *, window: int = CERTIFICATE_WARNING_DAYS
) -> CertificateNotice | None:
    """The reminder for an officer whose 执法证 is missing, out of date or ends within `window` days
    (None when it runs longer)."""
    refusal = certificate_refusal("你", cert_no, valid_until, today)
    if refusal is not None:
        return CertificateNotice(True, valid_until, None, f"注意：{refusal}（{refusal.rule}）")
    assert valid_until is not None
    days_left = (valid_until - today).days
    if days_left > window:
        return None
    when = "今天是有效期的最后一天" if days_left == 0 else f"剩余 {days_left} 天"
    return CertificateNotice(
        False, valid_until, days_left,
        f"提醒：你的执法证（编号 {cert_no}）将于 {valid_until} 到期（{when}），到期后不能办理执法事项；请及时换证并更新执法证信息",
    )  # fmt: skip


Guard = Callable[[CaseState, ActorInfo, Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Action:
    """One procedural action: the stages it starts from, where it leads, who may take it and its guards."""

    key: str
    label: str
    from_stages: frozenset[Stage]
    to_stage: Stage | None  # None: decided by `target_stage` (return paths) or stays
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False
    handler_only: bool = False  # the actor must be one of the case's handlers
    not_handler: bool = False  # the actor must not be a handler (approvals, reviews)
    shortcut: str | None = None
    # Written reasons that lift a guard's refusal when given (decide's late_reason past the decision period):
    # availability counts them as written, and the faces ask for them when the guard would refuse.
    excuses: tuple[str, ...] = ()


# ---- guards ---------------------------------------------------------------------------------


def _two_certified_handlers(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if len(state.handlers) < 2:
        return "执法人员不得少于两人（《行政处罚法》第四十二条），请先指定至少两名承办人"
    for handler in state.handlers:
        refusal = certificate_refusal(
            f"承办人{handler.name}", handler.cert_no, handler.cert_valid_until, state.today, as_handler=True
        )
        if refusal:
            return refusal
    return None


def _not_time_barred(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.act_date is None or state.discovered_on is None:
        return None
    check = check_limitation(
        state.act_date,
        state.discovered_on,
        act_ended_on=state.act_ended_on,
        life_health_harm=state.life_health_harm,
    )
    return check.explanation if check.barred else None


def _facts_recorded(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if not state.facts.strip():
        return "尚未记录调查认定的违法事实，不能终结调查（案件调查终结报告须载明违法事实）"
    return None


def _outcome_proposed(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.proposed_outcome is None:
        return "尚未提出处理意见（拟处罚、不予处罚或违法事实不能成立），不能进行合议"
    if state.proposed_outcome is Outcome.PENALTY and (state.proposed is None or not state.proposed.kinds):
        return "拟给予行政处罚，但尚未确定处罚种类和裁量（请在裁量面板中选定）"
    return None


def _penalty_proposed(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.proposed_outcome is not Outcome.PENALTY:
        return "事先告知只适用于拟给予行政处罚的案件（《行政处罚法》第四十四条）"
    return None


def _hearing_request_allowed(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if not state.hearing_right:
        return "拟作出的处罚不属于《行政处罚法》第六十三条规定的听证范围"
    requested_on = params.get("requested_on") or state.today
    if state.hearing_request_deadline and requested_on > state.hearing_request_deadline:
        return (
            f"当事人应在被告知后五个工作日内提出听证要求（《卫生健康行政处罚程序规定》第四十四条、第六十九条；"
            f"《行政处罚法》第六十四条第（一）项），期限已于 {state.hearing_request_deadline} 届满"
        )
    return None


def _defence_period_over(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.proposed_outcome is not Outcome.PENALTY and state.stage is Stage.DELIBERATED:
        return None
    if state.prior_notice_served_on is None:
        return "作出行政处罚决定前应当事先告知当事人（《行政处罚法》第四十四条），尚未送达事先告知书"
    if state.defence_waived:
        return None
    if state.defence_deadline and state.today <= state.defence_deadline:
        return (
            f"当事人陈述申辩期至 {state.defence_deadline} 届满，届满前不得作出决定"
            "（《行政处罚法》第四十五条；当事人书面放弃的除外）"
        )
    hearing_window_open = (
        state.hearing_right
        and state.hearing_request_deadline is not None
        and state.today <= state.hearing_request_deadline
    )
    if hearing_window_open and state.hearing_requested_on is None:
        return f"当事人听证申请期至 {state.hearing_request_deadline} 届满，届满前不得作出决定（《行政处罚法》第六十四条）"
    return None


def _hearing_held_if_requested(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """Art. 65: decided after the hearing; a hearing terminated under art. 64(六) has ended as well."""
    if state.hearing_requested_on and not (state.hearing_held_on or state.hearing_terminated_on):
        return (
            "当事人已要求听证，听证结束前不得作出决定（《行政处罚法》第六十五条）；"
            "当事人无正当理由拒不出席或中途退出的，请登记终止听证"
        )
    return None


# ---- the hearing's record (行政处罚法 art. 64) ----------------------------------------------------

HEARING_HELD = "held"
HEARING_TERMINATED = "terminated"
HEARING_OUTCOME_LABELS = {HEARING_HELD: "听证已举行", HEARING_TERMINATED: "终止听证"}
# Art. 64(六): "当事人及其代理人无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，行政机关终止听证".
TERMINATION_REASONS = ("无正当理由拒不出席", "未经许可中途退出")
TERMINATION_RULE = "《卫生健康行政处罚程序规定》第五十条第二款；《行政处罚法》第六十四条第（六）项"
AGENTS_RULE = "《行政处罚法》第六十四条第（五）项"  # 当事人可以亲自参加听证，也可以委托一至二人代理
MAX_HEARING_AGENTS = 2
_REASON_WORDS = {"拒不出席": TERMINATION_REASONS[0], "中途退出": TERMINATION_REASONS[1]}


def termination_reason(text: str) -> str:
    """The art. 64(六) ground as recorded, from what the user typed (中途退出 → 未经许可中途退出)."""
    typed = text.strip()
    reason = typed if typed in TERMINATION_REASONS else _REASON_WORDS.get(typed)
    if reason is None:
        raise DomainError(
            f"终止听证的事由应为：{'、'.join(TERMINATION_REASONS)}（收到“{typed}”）", rule=TERMINATION_RULE
        )
    return reason


def hearing_record_refusal(
    outcome: str, reason: str | None, agents: tuple[str, ...], party_signature: str
) -> Refusal | None:
    """Why a hearing record cannot stand as given: the outcome and its ground (art. 64(六)), at most two
    agents (art. 64(五)), and a hearing nobody attended for the party recorded as held."""
    if outcome not in HEARING_OUTCOME_LABELS:
        return Refusal(f"听证结果应为：{'、'.join(HEARING_OUTCOME_LABELS.values())}", TERMINATION_RULE)
    if outcome == HEARING_TERMINATED and reason not in TERMINATION_REASONS:
        return Refusal(f"终止听证须写明事由：{'、'.join(TERMINATION_REASONS)}", TERMINATION_RULE)
    if outcome == HEARING_HELD and reason:
        return Refusal("听证已举行的，不能同时登记终止听证的事由", TERMINATION_RULE)
    if len(agents) > MAX_HEARING_AGENTS:
        return Refusal(
            f"当事人可以委托一至二人代理参加听证，登记了 {len(agents)} 名代理人（{'、'.join(agents)}）", AGENTS_RULE
        )
    if outcome == HEARING_HELD and party_signature == "未到场" and not agents:
        return Refusal(
            "当事人及其代理人均未到场，听证未能举行：无正当理由拒不出席的，应登记为终止听证（视为放弃听证权利）；"
            "有正当理由的，应另行安排听证",
            TERMINATION_RULE,
        )
    return None


def _basis_stated(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.proposed_outcome is not Outcome.PENALTY or not state.basis_missing:
        return None
    return (
        f"处理意见未写明{'和'.join(state.basis_missing)}：事先告知书应当告知拟作出的行政处罚的依据，"
        "行政处罚决定书应当载明违反法律、法规、规章的事实和行政处罚的依据（《行政处罚法》第四十四条、第五十九条；"
        "《卫生健康行政处罚程序规定》第四十一条），请先在处理意见中补全"
    )


REVIEW_RULE = "《卫生健康行政处罚程序规定》第三十八条；《行政处罚法》第五十八条"


def _major_gate(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """Art. 38: a major decision only after a passed legal review."""
    if state.proposed_outcome is not Outcome.PENALTY or not state.major.is_major or state.review_passed:
        return None
    reasons = "；".join(state.major.reasons)
    return Refusal(f"本案属重大执法决定（{reasons}），未经法制审核或者审核未通过的，不得作出决定", REVIEW_RULE)


def _discussion_gate(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """Art. 40: the cases its five grounds name are decided by the heads' collective discussion, on record."""
    if state.proposed_outcome is not Outcome.PENALTY or not state.discussion.needed or state.discussion_recorded:
        return None
    grounds = "；".join(state.discussion.grounds)
    return Refusal(f"本案应当由负责人集体讨论决定（{grounds}），尚未登记集体讨论记录", DISCUSSION_RULE)


def discussion_refusal(state: CaseState) -> str | None:
    """Why the heads' collective discussion cannot be recorded now (None: it can). After a passed review the
    case waits for it in its own stage; a case art. 40 sends to discussion that needs no review (art. 38) has
    it where the decision is taken, once the party has been heard (the defence period over, a requested
    hearing ended)."""
    if state.stage is Stage.COLLECTIVE_DISCUSSION:
        return None
    if state.stage not in (Stage.PRIOR_NOTICE, Stage.HEARING):
        return f"案件当前处于“{state.stage.label}”阶段，不能登记集体讨论"
    if state.proposed_outcome is not Outcome.PENALTY or not state.discussion.needed:
        return Refusal(
            "本案不属于应当由负责人集体讨论决定的情形（拟罚款、没收数额较大，拟吊销许可证件等，涉及重大安全问题或者有重大"
            "社会影响，调查处理意见与审核意见存在分歧，或者负责人认为应当提交的）；需要讨论的，请先由负责人标记",
            DISCUSSION_RULE,
        )
    if state.major.is_major and not state.review_passed:
        return Refusal("本案属重大执法决定，须先经法制审核，审核同意后再集体讨论", REVIEW_RULE)
    for guard in (_defence_period_over, _hearing_held_if_requested):
        message = guard(state, ActorInfo(0, "", Role.HEAD), {})
        if message:
            return message
    return None


DECISION_RULE = "《卫生健康行政处罚程序规定》第四十二条；《行政处罚法》第六十条"
LATE_DECISION_PREFIX = "超过办案期限作出决定："


def decided_late(state: CaseState) -> bool:
    """True when the decision period (with its extensions and the time not counted) has run out."""
    return state.decision_paused is None and state.decision_deadline is not None and state.today > state.decision_deadline


def _within_decision_limit(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """Art. 42: the decision within ninety days of filing, as extended and without the time not counted. Past
    it the refusal stands unless the head writes the reason for the delay (`late_reason`): extensions are no
    longer possible then, and a case must still be decided; the reason goes on record."""
    if not decided_late(state) or str(params.get("late_reason") or "").strip():
        return None
    return Refusal(
        "自立案之日起九十日内（经批准延长的，在延长的期限内；听证、检验、鉴定等所需时间不计入）应当作出处理决定，"
        f"期限已于 {state.decision_deadline} 届满，届满后不能再批准延期；确需作出决定的，须写明超过办案期限的理由",
        DECISION_RULE,
    )


def _no_running_pause(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.decision_paused is None:
        return None
    return Refusal(
        f"不计入办案期限的期间（{state.decision_paused}）尚未结束：请先登记其结束日期，再作出决定",
        "《卫生健康行政处罚程序规定》第四十二条第三款",
    )


def _no_penalty_from_deliberation(
    state: CaseState, actor: ActorInfo, params: Mapping[str, Any]
) -> str | None:
    if state.stage is Stage.DELIBERATED and state.proposed_outcome is Outcome.PENALTY:
        return "拟给予行政处罚的案件须先事先告知当事人（《行政处罚法》第四十四条）"
    return None


def _reviewer_qualified(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if not actor.legal_qualified:
        return (
            "初次从事法制审核的人员应当取得法律职业资格（《卫生健康行政处罚程序规定》第三十八条第二款；"
            "《行政处罚法》第五十八条第二款），未登记该资格"
        )
    return None


def _not_filing_approver(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.filing_approver_id == actor.user_id and actor.role is Role.REVIEWER:
        return "审核人员不得审核本人批准立案的案件"
    return None


def _execution_finished(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """A case closes only when the record shows how each sum ended: paid, waived or reduced by a decision,
    the decision annulled, or the court's ruling not to execute or its execution (docs/law.md §9); an
    application to the court alone is not enough."""
    message = closing_refusal(state.execution_open)
    return Refusal(message, CLOSING_RULE) if message else None


def _enforcement_allowed(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """行政强制法 arts. 53, 54: reminder served and its ten working days passed, review and suit periods over,
    within three months; the reason is computed with the case's records (core/procedure/execution)."""
    return state.enforcement_refusal


TRANSFER_APPROVER_RULE = "《行政执法机关移送涉嫌犯罪案件的规定》第五条第一款"


def _principal_or_presiding(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    """310号 art. 5: the report goes to the 正职负责人 or the 主持工作的负责人 for approval; no other head
    approves or refuses it."""
    if any(a.user_id == actor.user_id for a in state.transfer_approvers):
        return None
    if not state.transfer_approvers:
        return Refusal(
            "移送涉嫌犯罪案件须报经本机关正职负责人或者主持工作的负责人审批，本机关尚未指定"
            "（请管理员在“移送审批负责人”中指定）",
            TRANSFER_APPROVER_RULE,
        )
    named = "、".join(f"{a.name}（{a.capacity}）" for a in state.transfer_approvers)
    return Refusal(
        f"移送涉嫌犯罪案件须报经本机关正职负责人或者主持工作的负责人审批（本机关为{named}），{actor.name}不能审批",
        TRANSFER_APPROVER_RULE,
    )


def _can_resume(state: CaseState, actor: ActorInfo, params: Mapping[str, Any]) -> str | None:
    if state.resume_stage is None:
        return "未记录移送前的办案阶段，无法恢复办理"
    return None


# ---- the table ------------------------------------------------------------------------------

_OFFICER = frozenset({Role.OFFICER})
_HEAD = frozenset({Role.HEAD})
_REVIEWER = frozenset({Role.REVIEWER})
_INVESTIGATION_ON = frozenset(
    {Stage.INVESTIGATING, Stage.INVESTIGATION_CLOSED, Stage.DELIBERATED, Stage.PRIOR_NOTICE, Stage.HEARING}
)

ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        Action(
            "file",
            "批准立案",
            frozenset({Stage.ACCEPTED}),
            Stage.INVESTIGATING,
            _HEAD,
            (_two_certified_handlers, _not_time_barred),
            not_handler=True,
            shortcut="Ctrl+L",
        ),
        Action(
            "not_file",
            "不予立案",
            frozenset({Stage.ACCEPTED}),
            Stage.NOT_FILED,
            _HEAD,
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "transfer_agency",
            "移送其他机关（无管辖权）",
            frozenset({Stage.ACCEPTED, Stage.INVESTIGATING}),
            Stage.TRANSFERRED_AGENCY,
            _HEAD,
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "close_investigation",
            "调查终结",
            frozenset({Stage.INVESTIGATING}),
            Stage.INVESTIGATION_CLOSED,
            _OFFICER,
            (_facts_recorded, _two_certified_handlers),
            handler_only=True,
            shortcut="Ctrl+E",
        ),
        Action(
            "deliberate",
            "合议",
            frozenset({Stage.INVESTIGATION_CLOSED}),
            Stage.DELIBERATED,
            _OFFICER,
            (_outcome_proposed,),
            handler_only=True,
        ),
        Action(
            "send_prior_notice",
            "送达事先告知书",
            frozenset({Stage.DELIBERATED}),
            Stage.PRIOR_NOTICE,
            _OFFICER,
            (_penalty_proposed, _basis_stated),
            handler_only=True,
        ),
        Action(
            "request_hearing",
            "登记听证申请",
            frozenset({Stage.PRIOR_NOTICE}),
            Stage.HEARING,
            _OFFICER,
            (_hearing_request_allowed,),
            handler_only=True,
        ),
        Action(
            "submit_review",
            "提交法制审核",
            frozenset({Stage.PRIOR_NOTICE, Stage.HEARING}),
            Stage.LEGAL_REVIEW,
            _OFFICER,
            (_defence_period_over, _hearing_held_if_requested),
            handler_only=True,
        ),
        Action(
            "approve_review",
            "审核同意",
            frozenset({Stage.LEGAL_REVIEW}),
            Stage.COLLECTIVE_DISCUSSION,
            _REVIEWER,
            (_reviewer_qualified, _not_filing_approver),
            not_handler=True,
        ),
        Action(
            "return_review",
            "退回修改",
            frozenset({Stage.LEGAL_REVIEW}),
            None,
            _REVIEWER,
            (_reviewer_qualified, _not_filing_approver),
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "reject_review",
            "审核不同意",
            frozenset({Stage.LEGAL_REVIEW}),
            Stage.DELIBERATED,
            _REVIEWER,
            (_reviewer_qualified, _not_filing_approver),
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "decide",
            "作出决定",
            frozenset({Stage.DELIBERATED, Stage.PRIOR_NOTICE, Stage.HEARING, Stage.COLLECTIVE_DISCUSSION}),
            Stage.DECIDED,
            _HEAD,
            (
                _no_penalty_from_deliberation,
                _basis_stated,
                _defence_period_over,
                _hearing_held_if_requested,
                _major_gate,
                _discussion_gate,
                _no_running_pause,
                _within_decision_limit,
                _not_time_barred,
            ),
            not_handler=True,
            shortcut="Ctrl+D",
            excuses=("late_reason",),
        ),
        Action("serve", "送达决定书", frozenset({Stage.DECIDED}), Stage.SERVED, _OFFICER, handler_only=True),
        Action(
            "record_payment",
            "登记缴款",
            frozenset({Stage.SERVED, Stage.EXECUTING}),
            Stage.EXECUTING,
            _OFFICER,
            handler_only=True,
        ),
        Action(
            "apply_enforcement",
            "申请强制执行",
            frozenset({Stage.SERVED, Stage.EXECUTING}),
            Stage.EXECUTING,
            _HEAD,
            (_enforcement_allowed,),
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "close",
            "结案",
            frozenset({Stage.SERVED, Stage.EXECUTING}),
            Stage.CLOSED,
            _HEAD,
            (_execution_finished,),
            not_handler=True,
        ),
        Action(
            "archive",
            "归档",
            frozenset({Stage.CLOSED}),
            Stage.ARCHIVED,
            frozenset({Role.OFFICER, Role.ADMIN}),
            handler_only=True,
        ),
        Action(
            "revoke_filing",
            "撤销立案",
            frozenset({Stage.INVESTIGATING, Stage.INVESTIGATION_CLOSED}),
            Stage.REVOKED,
            _HEAD,
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "transfer_police",
            "移送公安机关（涉嫌犯罪）",
            _INVESTIGATION_ON,
            Stage.TRANSFERRED_POLICE,
            _HEAD,
            (_principal_or_presiding,),
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "refuse_transfer",
            "不批准移送（记录理由）",
            _INVESTIGATION_ON,
            None,
            _HEAD,
            (_principal_or_presiding,),
            needs_reason=True,
            not_handler=True,
        ),
        Action(
            "police_accepted",
            "公安机关已立案",
            frozenset({Stage.TRANSFERRED_POLICE}),
            Stage.CLOSED,
            _OFFICER,
            handler_only=True,
        ),
        Action(
            "police_declined",
            "公安机关不予立案，恢复办理",
            frozenset({Stage.TRANSFERRED_POLICE}),
            None,
            _OFFICER,
            (_can_resume,),
            needs_reason=True,
            handler_only=True,
        ),
        Action(
            "report_onsite",
            "当场处罚备案",
            frozenset({Stage.ONSITE_DECIDED}),
            None,  # closed when nothing is owed; a fine not collected on the spot goes on to execution (art. 53)
            _OFFICER,
            handler_only=True,
        ),
    )
}


@dataclass(frozen=True)
class ActionAvailability:
    """An action offered at the current stage: whether it may be taken now, and the reasons if not."""

    action: Action
    allowed: bool
    reasons: tuple[str, ...]


def refusals(
    action: Action, state: CaseState, actor: ActorInfo, params: Mapping[str, Any] | None = None
) -> list[str]:
    """Every reason the action may not be taken now, in the order a user should fix them."""
    params = params or {}
    reasons: list[str] = []
    if state.stage not in action.from_stages:
        allowed = "、".join(s.label for s in sorted(action.from_stages, key=list(Stage).index))
        reasons.append(f"案件当前处于“{state.stage.label}”阶段，“{action.label}”只能在“{allowed}”阶段进行")
        return reasons
    if actor.role not in action.roles:
        who = "、".join(r.label for r in action.roles)
        reasons.append(f"“{action.label}”须由{who}办理，当前用户为{actor.role.label}")
        return reasons
    handler_ids = {h.user_id for h in state.handlers}
    if action.handler_only and actor.role is not Role.ADMIN and actor.user_id not in handler_ids:
        reasons.append(f"只有本案承办人可以办理“{action.label}”")
    if action.handler_only and actor.role is Role.OFFICER:
        uncertified = certificate_refusal(actor.name, actor.cert_no, actor.cert_valid_until, state.today)
        if uncertified:
            reasons.append(uncertified)
    if action.not_handler and actor.user_id in handler_ids:
        reasons.append(f"本案承办人不得{action.label}（审批、审核与承办须相分离）")
    if action.needs_reason and not str(params.get("reason", "")).strip():
        reasons.append(f"“{action.label}”须填写理由")
    for guard in action.guards:
        message = guard(state, actor, params)
        if message:
            reasons.append(message)
    return reasons


def check(
    action_key: str, state: CaseState, actor: ActorInfo, params: Mapping[str, Any] | None = None
) -> Action:
    """The action if it may be taken now; otherwise PermissionDenied or DomainError with the first reason
    (the rest as details)."""
    action = ACTIONS.get(action_key)
    if action is None:
        raise DomainError(f"未知的办案操作“{action_key}”")
    reasons = refusals(action, state, actor, params)
    if reasons:
        error_type = PermissionDenied if _is_permission_problem(reasons[0]) else DomainError
        rule = getattr(reasons[0], "rule", None)  # a Refusal names its article
        raise error_type(f"不能{action.label}：{reasons[0]}", rule=rule, details=reasons[1:])
    return action


def _is_permission_problem(reason: str) -> bool:
    return "须由" in reason or "只有本案承办人" in reason or "承办人不得" in reason


def target_stage(action: Action, state: CaseState) -> Stage:
    """The stage the action leads to; for return paths, the stage the case came from."""
    if action.to_stage is not None:
        return action.to_stage
    if action.key == "return_review":
        return state.review_return_stage or Stage.PRIOR_NOTICE
    if action.key == "police_declined":
        assert state.resume_stage is not None
        return state.resume_stage
    if action.key == "report_onsite":
        return Stage.SERVED if state.execution_open else Stage.CLOSED
    if action.key == "refuse_transfer":  # 310号令 art. 5: a refusal is recorded; the case goes on where it is
        return state.stage
    raise DomainError(f"操作“{action.label}”没有目标阶段")


def available_actions(state: CaseState, actor: ActorInfo) -> list[ActionAvailability]:
    """The actions that start from the current stage, each with whether it is allowed now and why not.
    A reason is not required to know availability, so the reason guard is not applied here."""
    result = []
    for action in ACTIONS.values():
        if state.stage not in action.from_stages:
            continue
        params = {"reason": "（待填写）"} if action.needs_reason else {}
        params |= {key: "（待填写）" for key in action.excuses}
        reasons = refusals(action, state, actor, params)
        result.append(ActionAvailability(action, not reasons, tuple(reasons)))
    return result


def is_pre_decision(stage: Stage) -> bool:
    """True when the stage comes before the decision."""
    return stage in PRE_DECISION_STAGES
