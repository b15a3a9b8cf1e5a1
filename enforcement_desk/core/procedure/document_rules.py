"""When a standard document may be issued, and by whom: each kind bound to its step of the procedure.

A document issued out of its step takes a real number and states facts that are not (yet) true — a
强制执行申请书 saying "经催告仍未履行" on a paid case, a 事先告知书 before any proposal. Each kind here
names the stages at which it may first be issued, who issues it, and the preconditions it needs from
the case's own records; `refusal` says why not, naming the step and the article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from enforcement_desk.core.stages import Outcome, Stage

REMINDER_WORKING_DAYS = 10  # 行政强制法 art. 54 (ten days), art. 69 (periods of ten days or less are working days)


class Issuer(StrEnum):
    """Who may issue a kind of document: a handler of the case, a head, or the legal reviewer."""

    HANDLER = "handler"  # an officer who handles the case
    HEAD = "head"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        """The issuer in Chinese, e.g. 本案承办人."""
        return {"handler": "本案承办人", "head": "负责人", "reviewer": "法制审核人员"}[self.value]


@dataclass(frozen=True)
class IssueFacts:
    """What the preconditions look at, gathered by the document service from the case's records."""

    stage: Stage
    procedure: str
    today: date
    filed: bool
    proposed_outcome: Outcome | None
    penalty_kinds: tuple[str, ...]
    hearing_right: bool
    prior_notice_served: bool
    hearing_requested: bool
    hearing_arranged: bool
    hearing_recorded: bool
    hearing_opinion: bool
    review_decided: bool
    discussion_recorded: bool
    decided_outcome: Outcome | None
    decision_numbered: bool
    amount_owed: Decimal
    amount_overdue: Decimal  # owed and past its last day to pay (an approved instalment not yet due is not)
    payment_due_on: date | None
    reminder_issued_on: date | None
    reminder_ready_on: date | None  # ten working days after the 催告书's service (行政强制法 arts. 54, 69)
    enforcement_applied: bool
    transfer_approved: bool
    issued_kinds: frozenset[str]
    reminder_served_on: date | None = None  # the service of the current 催告书, once recorded
    application_refusal: str | None = None  # why the agency may not apply to the court today (execution rules)


Check = Callable[[IssueFacts], str | None]


def _filed(f: IssueFacts) -> str | None:
    return None if f.filed else "案件尚未立案（立案报告经负责人批准后才有立案文号，《卫生健康行政处罚程序规定》第三十二条）"


def _penalty_proposal(f: IssueFacts) -> str | None:
    if f.proposed_outcome is not Outcome.PENALTY or not f.penalty_kinds:
        return "尚未提出拟给予行政处罚的处理意见（事先告知须载明拟作出的行政处罚内容，《卫生健康行政处罚程序规定》第二十条第一款）"
    return None


def _any_proposal(f: IssueFacts) -> str | None:
    return None if f.proposed_outcome is not None else "尚未提出处理意见，合议记录无可记载的内容"


def _hearing_right(f: IssueFacts) -> str | None:
    if not f.hearing_right:
        return "拟作出的处罚不属于当事人有权要求听证的情形（《卫生健康行政处罚程序规定》第四十三条；《行政处罚法》第六十三条）"
    return None


def _prior_notice_served(f: IssueFacts) -> str | None:
    return None if f.prior_notice_served else "尚未送达行政处罚事先告知书（《卫生健康行政处罚程序规定》第二十条）"


def _hearing_requested(f: IssueFacts) -> str | None:
    return None if f.hearing_requested else "当事人尚未要求听证（《卫生健康行政处罚程序规定》第四十四条）"


def _hearing_recorded(f: IssueFacts) -> str | None:
    return None if f.hearing_recorded else "尚未登记听证笔录（《卫生健康行政处罚程序规定》第五十一条）"


def _hearing_opinion(f: IssueFacts) -> str | None:
    return None if f.hearing_opinion else "听证笔录中尚未登记听证意见"


def _review_decided(f: IssueFacts) -> str | None:
    return None if f.review_decided else "法制审核尚未作出审核意见（《卫生健康行政处罚程序规定》第三十八条）"


def _discussion_recorded(f: IssueFacts) -> str | None:
    return None if f.discussion_recorded else "尚未登记集体讨论（《卫生健康行政处罚程序规定》第四十条）"


def _ordinary_decision(f: IssueFacts) -> str | None:
    if f.procedure == "simple":
        return "本案适用简易程序，应出具当场行政处罚决定书（《卫生健康行政处罚程序规定》第三十条）"
    if f.decided_outcome is not Outcome.PENALTY or not f.decision_numbered:
        return "案件尚未作出行政处罚决定（《卫生健康行政处罚程序规定》第三十九条、第四十一条）"
    return None


def _onsite_decision(f: IssueFacts) -> str | None:
    if f.procedure != "simple":
        return "本案适用普通程序，应出具行政处罚决定书（《卫生健康行政处罚程序规定》第四十一条）"
    return None


def _decided(f: IssueFacts) -> str | None:
    return None if f.decided_outcome is not None else "案件尚未作出决定，没有可送达的决定书（《卫生健康行政处罚程序规定》第五十三条）"


def _money_overdue(f: IssueFacts) -> str | None:
    if f.amount_owed <= 0:
        return "当事人没有尚未缴纳的罚款、加处罚款或没收违法所得，不能催告（《中华人民共和国行政强制法》第五十四条）"
    if f.amount_overdue <= 0 or f.payment_due_on is None or f.today <= f.payment_due_on:
        due = f"（缴款期限至 {f.payment_due_on}）" if f.payment_due_on else ""
        return f"缴款期限尚未届满{due}，不能催告（《行政处罚法》第六十七条、《中华人民共和国行政强制法》第五十四条）"
    return None


def _reminder_elapsed(f: IssueFacts) -> str | None:
    """行政强制法 art. 54: ten days after the 催告书 was served (art. 69: working days), not after its issue."""
    if f.enforcement_applied:
        return None  # the application is on record: its 申请书 may be printed
    if f.reminder_issued_on is None:
        return "申请人民法院强制执行前须先催告当事人履行（《中华人民共和国行政强制法》第五十四条），尚未出具催告书"
    if f.reminder_served_on is None or f.reminder_ready_on is None:
        return "催告书尚未登记送达：催告书送达十日后当事人仍未履行的，方可申请强制执行（《中华人民共和国行政强制法》第五十四条）"
    if f.today <= f.reminder_ready_on:
        return (
            f"催告书于 {f.reminder_served_on} 送达，十个工作日内（至 {f.reminder_ready_on}）当事人仍可履行，"
            f"{f.reminder_ready_on} 之后方可申请强制执行（《中华人民共和国行政强制法》第五十四条、第六十九条）"
        )
    return None


def _application_allowed(f: IssueFacts) -> str | None:
    """The other conditions of applying to the court (the periods for review and suit, a plan's last day, the
    three months, nothing pending), unless the application is already on record."""
    return None if f.enforcement_applied else f.application_refusal


def _hearing_arranged(f: IssueFacts) -> str | None:
    return None if f.hearing_arranged else "尚未登记听证安排（时间、地点、主持人），听证通知书无可载明的内容"


def _transfer_approved(f: IssueFacts) -> str | None:
    if not f.transfer_approved:
        return "负责人尚未批准移送公安机关（《行政执法机关移送涉嫌犯罪案件的规定》第五条）"
    return None


def _preservation_decided(f: IssueFacts) -> str | None:
    if "evidence_preservation_decision" not in f.issued_kinds:
        return "尚未出具证据先行登记保存决定书，无可处理的登记保存物品（《卫生健康行政处罚程序规定》第三十三条）"
    return None


@dataclass(frozen=True)
class DocumentRule:
    """The rule of issue of one kind of document: its step and stages, its issuers, its checks, its
    article."""

    kind: str
    step: str  # the procedure step, as officers call it
    stages: frozenset[Stage]
    issuers: frozenset[Issuer]
    checks: tuple[Check, ...] = ()
    article: str = ""


_H, _HEAD, _R = Issuer.HANDLER, Issuer.HEAD, Issuer.REVIEWER
_OPEN_CASE = frozenset(set(Stage) - {Stage.ARCHIVED, Stage.NOT_FILED, Stage.REVOKED, Stage.TRANSFERRED_AGENCY})
_AFTER = {
    stage: frozenset(s for s in _OPEN_CASE if list(Stage).index(s) >= list(Stage).index(stage) and s not in (
        Stage.TRANSFERRED_POLICE, Stage.ONSITE_DECIDED))
    for stage in Stage
}  # fmt: skip


def _rule(kind: str, step: str, stages: set[Stage] | frozenset[Stage], issuers: set[Issuer], *checks: Check,
          article: str = "") -> DocumentRule:  # fmt: skip
    return DocumentRule(kind, step, frozenset(stages), frozenset(issuers), checks, article)


RULES: dict[str, DocumentRule] = {
    rule.kind: rule
    for rule in (
        _rule("case_acceptance", "受理", _OPEN_CASE - {Stage.ONSITE_DECIDED}, {_H, _HEAD}),
        _rule("supervision_opinion", "调查取证", {Stage.ACCEPTED, Stage.INVESTIGATING}, {_H},
              article="《卫生健康行政处罚程序规定》第二十八条第一款"),
        _rule("onsite_record", "调查取证", {Stage.ACCEPTED, Stage.INVESTIGATING}, {_H}, article="《卫生健康行政处罚程序规定》第二十七条"),
        _rule("inquiry_record", "调查取证", {Stage.ACCEPTED, Stage.INVESTIGATING}, {_H}, article="《卫生健康行政处罚程序规定》第二十六条"),
        _rule("filing_report", "立案", _AFTER[Stage.INVESTIGATING] | {Stage.TRANSFERRED_POLICE}, {_H, _HEAD}, _filed,
              article="《卫生健康行政处罚程序规定》第三十二条"),
        _rule("evidence_preservation_decision", "证据先行登记保存", {Stage.INVESTIGATING}, {_H}, _filed,
              article="《卫生健康行政处罚程序规定》第三十三条"),
        _rule("evidence_preservation_handling", "证据先行登记保存", {Stage.INVESTIGATING, Stage.INVESTIGATION_CLOSED},
              {_H}, _preservation_decided, article="《卫生健康行政处罚程序规定》第三十三条"),
        _rule("item_list", "调查取证", {Stage.INVESTIGATING, Stage.INVESTIGATION_CLOSED, Stage.TRANSFERRED_POLICE},
              {_H, _HEAD}),
        _rule("investigation_report", "调查终结", _AFTER[Stage.INVESTIGATION_CLOSED] | {Stage.TRANSFERRED_POLICE},
              {_H, _HEAD}, _filed),
        _rule("deliberation_record", "合议", _AFTER[Stage.DELIBERATED], {_H}, _any_proposal),
        _rule("prior_notice", "事先告知", {Stage.DELIBERATED, Stage.PRIOR_NOTICE}, {_H}, _penalty_proposal,
              article="《卫生健康行政处罚程序规定》第二十条第一款"),
        _rule("hearing_right_notice", "事先告知", {Stage.DELIBERATED, Stage.PRIOR_NOTICE}, {_H}, _penalty_proposal,
              _hearing_right, article="《卫生健康行政处罚程序规定》第四十三条"),
        _rule("defence_record", "陈述申辩", {Stage.PRIOR_NOTICE, Stage.HEARING}, {_H}, _prior_notice_served,
              article="《卫生健康行政处罚程序规定》第二十条第三款"),
        _rule("hearing_notice", "听证", {Stage.HEARING}, {_H, _HEAD}, _hearing_requested, _hearing_arranged,
              article="《卫生健康行政处罚程序规定》第四十六条"),
        _rule("hearing_record", "听证", _AFTER[Stage.HEARING], {_H, _HEAD}, _hearing_recorded,
              article="《卫生健康行政处罚程序规定》第五十一条"),
        _rule("hearing_opinion", "听证", _AFTER[Stage.HEARING], {_H, _HEAD}, _hearing_recorded, _hearing_opinion,
              article="《卫生健康行政处罚程序规定》第五十二条"),
        _rule("legal_review_opinion", "法制审核", _AFTER[Stage.DELIBERATED], {_R}, _review_decided,
              article="《卫生健康行政处罚程序规定》第三十八条"),
        _rule("collective_discussion_record", "集体讨论", _AFTER[Stage.DELIBERATED], {_HEAD, _H},
              _discussion_recorded, article="《卫生健康行政处罚程序规定》第四十条"),
        _rule("penalty_decision", "决定", {Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED}, {_H, _HEAD},
              _ordinary_decision, article="《卫生健康行政处罚程序规定》第四十一条"),
        _rule("onsite_decision", "当场处罚", {Stage.ONSITE_DECIDED, Stage.CLOSED}, {_H}, _onsite_decision,
              article="《卫生健康行政处罚程序规定》第三十条"),
        _rule("service_receipt", "送达", {Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED}, {_H, _HEAD},
              _decided, article="《卫生健康行政处罚程序规定》第五十三条"),
        _rule("payment_reminder", "执行", {Stage.SERVED, Stage.EXECUTING}, {_H}, _money_overdue,
              article="《中华人民共和国行政强制法》第五十四条"),
        _rule("enforcement_application", "执行", {Stage.SERVED, Stage.EXECUTING}, {_H, _HEAD}, _money_overdue,
              _reminder_elapsed, _application_allowed, article="《中华人民共和国行政强制法》第五十三条、第五十四条"),
        _rule("case_transfer", "移送管辖", {Stage.TRANSFERRED_AGENCY}, {_H, _HEAD},
              article="《卫生健康行政处罚程序规定》第九条第一款"),
        _rule("crime_transfer", "移送司法机关", {Stage.TRANSFERRED_POLICE}, {_H, _HEAD}, _transfer_approved,
              article="《行政执法机关移送涉嫌犯罪案件的规定》第五条、第六条"),
        _rule("closing_report", "结案", {Stage.CLOSED}, {_H, _HEAD}),
        _rule("case_file_cover", "归档", {Stage.CLOSED, Stage.ARCHIVED}, {_H, _HEAD}),
        _rule("case_file_index", "归档", {Stage.CLOSED, Stage.ARCHIVED}, {_H, _HEAD}),
    )
}  # fmt: skip


def refusal(rule: DocumentRule, facts: IssueFacts, issuer: Issuer | None, title: str) -> str | None:
    """Why `title` may not be issued now by this person (None: it may), naming the step and the article."""
    if issuer is None or issuer not in rule.issuers:
        who = "、".join(i.label for i in sorted(rule.issuers, key=list(Issuer).index))
        return f"{title}只能由{who}出具"
    if facts.stage not in rule.stages:
        return f"{title}属于“{rule.step}”环节，案件当前处于“{facts.stage.label}”阶段，不能出具"
    for check in rule.checks:
        reason = check(facts)
        if reason:
            return f"不能出具{title}：{reason}"
    return None
