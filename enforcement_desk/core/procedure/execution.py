"""What a party still owes under a decision, and the rules of its execution: the fine, the confiscated
illegal gains, the late-payment surcharge (加处罚款) that accrues on the unpaid fine, when the agency may apply
to the people's court for enforcement, and when every sum has ended so that the case may close.

行政处罚法 art. 72(1)(一): 3% of the fine a day after the last day to pay, the surcharge never more than the
fine (行政强制法 art. 45: not more than the sum owed). It accrues day by day on the part of the fine that is
overdue on that day — after a partial payment only on the balance; under an approved deferral or
instalments (art. 66) each part only from its own due day. A payment made on a day counts from the next
day (a fine paid one day late carries one day's surcharge). Confiscations carry no surcharge. While a
行政复议 or 行政诉讼 the party brought is pending, no surcharge accrues (art. 73(3)). A sum waived or reduced
by a decision counts like a payment from that decision's day.

Applying to the court (行政强制法 arts. 53, 54, 69; 行诉法解释 art. 156; 行政处罚法 art. 72(2)): the 催告书 was
served and its ten working days have passed with something still owed; the periods for review and suit
counted from the decision's service have passed and no review or suit is pending; under a payment plan its
last day has passed; and it is within three months after the later of the suit period's end and the plan's
last day (and, after a review or suit, its outcome — this project's reading, not a verified rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

SURCHARGE_RATE_PER_DAY = Decimal("0.03")
FEN = Decimal("0.01")
ZERO = Decimal("0.00")
KINDS = {"fine": "罚款", "surcharge": "加处罚款", "confiscation": "没收违法所得"}

REMINDER_RULE = "《中华人民共和国行政强制法》第五十四条、第六十九条"
WINDOW_RULE = "《中华人民共和国行政强制法》第五十三条；《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百五十六条"
PLAN_RULE = "《卫生健康行政处罚程序规定》第六十六条第二款；《行政处罚法》第七十二条第二款"
PENDING_RULE = "《卫生健康行政处罚程序规定》第六十七条；《中华人民共和国行政强制法》第五十三条；《行政处罚法》第七十三条"
CLOSING_RULE = "《卫生健康行政处罚程序规定》第六十八条；《行政处罚法》第六十六条、第七十二条；《中华人民共和国行政强制法》第五十三条"


@dataclass(frozen=True)
class Instalment:
    """A part of the fine and the last day to pay it (one part, due 15 days after service, by default)."""

    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentEntry:
    """One payment recorded against a decision: the day, the amount and what it paid (fine, surcharge,
    confiscation)."""

    paid_on: date
    amount: Decimal
    kind: str  # fine | surcharge | confiscation


@dataclass(frozen=True)
class Waiver:
    """A sum waived or reduced by a decision on a day (the fine or confiscation changed on review, suit or
    correction; the surcharge reduced under 行政强制法 art. 42)."""

    kind: str  # fine | surcharge | confiscation
    amount: Decimal
    decided_on: date


@dataclass(frozen=True)
class Pause:
    """A 行政复议 or 行政诉讼 the party brought: from the day it was filed to the day of its outcome (None:
    still pending) no surcharge accrues (行政处罚法 art. 73(3))."""

    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        """True when `day` falls within the review or suit."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Balance:
    """What a decision imposed, what has been paid or waived and what the 加处罚款 has reached on a day."""

    fine: Decimal
    fine_paid: Decimal
    surcharge_accrued: Decimal
    surcharge_paid: Decimal
    surcharge_waived: Decimal
    confiscation: Decimal
    confiscation_paid: Decimal
    overdue_days: int  # days on which part of the fine was overdue and the surcharge ran
    fine_overdue: Decimal = ZERO  # the part of the unpaid fine whose last day to pay has passed
    fine_waived: Decimal = ZERO
    confiscation_waived: Decimal = ZERO

    @property
    def fine_due(self) -> Decimal:
        """The part of the fine neither paid nor waived."""
        return max(self.fine - self.fine_paid - self.fine_waived, ZERO)

    @property
    def surcharge_due(self) -> Decimal:
        """The 加处罚款 accrued and neither paid nor waived."""
        return max(self.surcharge_accrued - self.surcharge_paid - self.surcharge_waived, ZERO)

    @property
    def confiscation_due(self) -> Decimal:
        """The confiscated illegal gains neither paid nor waived."""
        return max(self.confiscation - self.confiscation_paid - self.confiscation_waived, ZERO)

    @property
    def total_due(self) -> Decimal:
        """Everything still owed: fine, surcharge and confiscation."""
        return self.fine_due + self.surcharge_due + self.confiscation_due

    def due(self, kind: str) -> Decimal:
        """What is still owed of one kind (fine | surcharge | confiscation)."""
        return {"fine": self.fine_due, "surcharge": self.surcharge_due, "confiscation": self.confiscation_due}[kind]

    @property
    def settled(self) -> bool:
        """True when nothing is owed any more."""
        return not (self.fine_due or self.surcharge_due or self.confiscation_due)

    def owed_parts(self) -> tuple[str, ...]:
        """Each sum still owed in words, e.g. 罚款 3,000.00 元."""
        parts = [(self.fine_due, "罚款"), (self.surcharge_due, "加处罚款"), (self.confiscation_due, "没收违法所得")]
        return tuple(f"{label} {amount:,.2f} 元" for amount, label in parts if amount > 0)

    def owed_text(self) -> str:
        """What is still owed, in words for a refusal or a 催告书 (empty when nothing is)."""
        parts = [(self.fine_due, "罚款"), (self.surcharge_due, "加处罚款"), (self.confiscation_due, "没收违法所得")]
        return "、".join(f"{label}{amount:,.2f}元" for amount, label in parts if amount > 0)


def _sum(entries: Iterable[PaymentEntry | Waiver], kind: str, before: date | None = None) -> Decimal:
    total = ZERO
    for entry in entries:
        day = entry.paid_on if isinstance(entry, PaymentEntry) else entry.decided_on
        if entry.kind == kind and (before is None or day < before):
            total += entry.amount
    return total


def balance(
    fine: Decimal,
    confiscation: Decimal,
    schedule: Iterable[Instalment],
    payments: Iterable[PaymentEntry],
    today: date,
    *,
    surcharge_waived: Decimal = ZERO,
    waivers: Iterable[Waiver] = (),
    pauses: Iterable[Pause] = (),
) -> Balance:
    """The balance on `today` (inclusive): surcharge accrued day by day on the overdue unpaid fine, except on
    the days of a pending review or suit, never more than the fine as it stands after reductions."""
    parts = sorted(schedule, key=lambda i: i.due_on)
    paid = list(payments)
    cuts = [w for w in waivers if w.decided_on <= today]
    stops = list(pauses)
    fine_waived = _sum(cuts, "fine")
    cap = max(fine - fine_waived, ZERO)
    accrued, overdue_days = Decimal(0), 0
    if parts and fine > 0:
        day = parts[0].due_on + timedelta(days=1)
        while day <= today and accrued < cap:
            due_by_now = sum((i.amount for i in parts if i.due_on < day), ZERO)
            overdue = due_by_now - _sum(paid, "fine", before=day) - _sum(cuts, "fine", before=day)
            if overdue > 0:
                if not any(p.covers(day) for p in stops):
                    accrued += overdue * SURCHARGE_RATE_PER_DAY
                    overdue_days += 1
            elif due_by_now >= fine:
                break  # all of it was due and all of it is paid or waived: nothing more can accrue
            day += timedelta(days=1)
    accrued = min(accrued, cap).quantize(FEN, rounding=ROUND_HALF_UP)
    due_by_today = sum((i.amount for i in parts if i.due_on < today), ZERO)
    fine_overdue = max(due_by_today - _sum(paid, "fine") - fine_waived, ZERO)
    return Balance(
        fine=fine, fine_paid=_sum(paid, "fine"), surcharge_accrued=accrued, surcharge_paid=_sum(paid, "surcharge"),
        surcharge_waived=surcharge_waived + _sum(cuts, "surcharge"), confiscation=confiscation,
        confiscation_paid=_sum(paid, "confiscation"), overdue_days=overdue_days, fine_overdue=fine_overdue,
        fine_waived=fine_waived, confiscation_waived=_sum(cuts, "confiscation"),
    )  # fmt: skip


# ---- challenges, the court, and how each sum ended ----------------------------------------------

CHALLENGE_KINDS = ("复议", "诉讼")
CHALLENGE_LABELS = {"复议": "行政复议", "诉讼": "行政诉讼"}
CHALLENGE_OUTCOMES = ("维持", "驳回", "变更", "撤销", "确认违法", "确认无效", "撤回")
ANNULLING_OUTCOMES = frozenset({"撤销", "确认无效"})  # the decision no longer stands: nothing is owed under it

COURT_REPLY_KINDS = ("受理", "不予受理", "准予执行", "不予执行", "执行完毕", "终结执行")
# what each reply answers: the step before it in the court's handling of the application
COURT_REPLY_AFTER = {
    "受理": None, "不予受理": None, "准予执行": "受理", "不予执行": "受理", "执行完毕": "准予执行", "终结执行": "准予执行",
}  # fmt: skip
COURT_ENDING_REPLIES = frozenset({"不予执行", "执行完毕", "终结执行"})  # the court's answer ends the sums applied for
COURT_RECOVERY_REPLIES = frozenset({"执行完毕", "终结执行"})  # replies that may report sums recovered


@dataclass(frozen=True)
class ExecutionRecord:
    """What the record shows of a decision's execution beyond its payments, for the closing rule."""

    annulled_by: str = ""  # e.g. 行政复议撤销（沂政复决〔2026〕12号）
    court_ended_by: str = ""  # e.g. 人民法院裁定不予执行（（2026）鲁1323行审12号）
    pending: str = ""  # a review or suit still pending, in words


def open_sums(owed: Balance, record: ExecutionRecord) -> tuple[str, ...]:
    """The sums whose end the record does not show (empty: the case may close). A sum ends when it is paid,
    waived or reduced by a decision, when the decision is annulled on review or suit, or when the court ruled
    not to execute it or ended its execution — an application to the court alone ends nothing."""
    if record.annulled_by or record.court_ended_by:
        return ()
    return owed.owed_parts()


def closing_refusal(open_parts: tuple[str, ...]) -> str | None:
    """Why the case may not close yet, naming what is still open."""
    if not open_parts:
        return None
    return (
        f"尚有{'、'.join(open_parts)}没有结果：既未缴纳，也没有减免的决定、处罚决定被撤销的复议决定或裁判、"
        "人民法院不予执行的裁定或执行结果（仅申请人民法院强制执行不能结案）"
    )


@dataclass(frozen=True)
class ApplicationFacts:
    """What the rule for applying to the court looks at, gathered from the case's records on `applied_on`."""

    applied_on: date
    owed: Balance
    reminder_served_on: date | None  # the service of the current 催告书
    reminder_ends_on: date | None  # its ten working days' last day (行政强制法 arts. 54, 69)
    review_ends_on: date | None  # 60 days from the decision's service (行政复议法 art. 20)
    suit_ends_on: date | None  # 6 months from the decision's service (行政诉讼法 art. 46)
    plan_ends_on: date | None = None  # the last instalment's day of an approved deferral or instalments
    apply_by: date | None = None  # the last day of the three months
    record: ExecutionRecord = ExecutionRecord()
    pending_application: str = ""  # an earlier application the court has not refused to accept


def application_refusal(f: ApplicationFacts) -> tuple[str, str | None] | None:
    """Why the agency may not apply to the court on `f.applied_on` (message, rule), or None when it may."""
    day = f.applied_on
    if f.record.annulled_by:
        return f"处罚决定已被{f.record.annulled_by}，不能申请强制执行", None
    if f.pending_application:
        return f"{f.pending_application}，人民法院尚未作出不予受理的裁定，不能重复申请", None
    if f.owed.settled:
        return "当事人没有尚未履行的罚款、加处罚款或没收违法所得，无须申请强制执行", WINDOW_RULE
    if f.record.pending:
        return (f"当事人{f.record.pending}，尚无结果；复议、诉讼期间加处罚款不予计算，"
                "待其结果登记后方可申请强制执行", PENDING_RULE)  # fmt: skip
    if f.reminder_served_on is None or f.reminder_ends_on is None:
        return ("申请人民法院强制执行前应当催告当事人履行义务，尚未登记催告书的送达"
                "（催告书送达十日后当事人仍未履行的，方可申请）", REMINDER_RULE)  # fmt: skip
    if day <= f.reminder_ends_on:
        return (f"催告书于 {f.reminder_served_on} 送达，当事人可在十个工作日内（至 {f.reminder_ends_on}）履行，"
                f"{f.reminder_ends_on} 之后仍未履行的方可申请强制执行", REMINDER_RULE)  # fmt: skip
    if f.plan_ends_on is not None and day <= f.plan_ends_on:
        return (f"已批准暂缓或分期缴纳，最后一期至 {f.plan_ends_on}；申请强制执行的期限自暂缓或分期缴纳期限"
                "结束之日起计算", PLAN_RULE)  # fmt: skip
    ends = [d for d in (f.review_ends_on, f.suit_ends_on) if d is not None]
    if not ends:
        return "处罚决定尚未登记送达，复议、诉讼期限无从起算", WINDOW_RULE
    last = max(ends)
    if day <= last:
        return (f"申请行政复议的期限至 {f.review_ends_on}、提起行政诉讼的期限至 {f.suit_ends_on}；"
                f"当事人在法定期限内不申请复议、不起诉又不履行的，{last} 之后方可申请强制执行", WINDOW_RULE)  # fmt: skip
    if f.apply_by is not None and day > f.apply_by:
        return (f"申请人民法院强制执行应当自复议、起诉期限届满之日起三个月内提出，期限已于 {f.apply_by} 届满，"
                "不能再申请", WINDOW_RULE)  # fmt: skip
    return None
