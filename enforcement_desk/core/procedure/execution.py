"""What a party still owes under a decision: the fine, the confiscated illegal gains, and the late-payment
surcharge (加处罚款) that accrues on the unpaid fine.

行政处罚法 art. 72(1)(一): 3% of the fine a day after the last day to pay, the surcharge never more than the
fine (行政强制法 art. 45: not more than the sum owed). It accrues day by day on the part of the fine that is
overdue on that day — after a partial payment only on the balance; under an approved deferral or
instalments (art. 66) each part only from its own due day. A payment made on a day counts from the next
day (a fine paid one day late carries one day's surcharge). Confiscations carry no surcharge.
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
class Balance:
    """What a decision imposed, what has been paid and what the 加处罚款 has reached on a day."""

    fine: Decimal
    fine_paid: Decimal
    surcharge_accrued: Decimal
    surcharge_paid: Decimal
    surcharge_waived: Decimal
    confiscation: Decimal
    confiscation_paid: Decimal
    overdue_days: int  # days on which part of the fine was overdue
    fine_overdue: Decimal = ZERO  # the part of the unpaid fine whose last day to pay has passed

    @property
    def fine_due(self) -> Decimal:
        """The part of the fine still unpaid."""
        return max(self.fine - self.fine_paid, ZERO)

    @property
    def surcharge_due(self) -> Decimal:
        """The 加处罚款 accrued and neither paid nor waived."""
        return max(self.surcharge_accrued - self.surcharge_paid - self.surcharge_waived, ZERO)

    @property
    def confiscation_due(self) -> Decimal:
        """The confiscated illegal gains still unpaid."""
        return max(self.confiscation - self.confiscation_paid, ZERO)

    @property
    def settled(self) -> bool:
        """True when nothing is owed any more."""
        return not (self.fine_due or self.surcharge_due or self.confiscation_due)

    def owed_text(self) -> str:
        """What is still owed, in words for a refusal or a 催告书 (empty when nothing is)."""
        parts = [(self.fine_due, "罚款"), (self.surcharge_due, "加处罚款"), (self.confiscation_due, "没收违法所得")]
        return "、".join(f"{label}{amount:,.2f}元" for amount, label in parts if amount > 0)


def _sum(payments: Iterable[PaymentEntry], kind: str, before: date | None = None) -> Decimal:
    return sum(
        (p.amount for p in payments if p.kind == kind and (before is None or p.paid_on < before)), ZERO
    )


def balance(
    fine: Decimal,
    confiscation: Decimal,
    schedule: Iterable[Instalment],
    payments: Iterable[PaymentEntry],
    today: date,
    *,
    surcharge_waived: Decimal = ZERO,
) -> Balance:
    """The balance on `today` (inclusive): surcharge accrued day by day on the overdue unpaid fine."""
    parts = sorted(schedule, key=lambda i: i.due_on)
    paid = list(payments)
    accrued, overdue_days = Decimal(0), 0
    if parts and fine > 0:
        day = parts[0].due_on + timedelta(days=1)
        while day <= today and accrued < fine:
            due_by_now = sum((i.amount for i in parts if i.due_on < day), ZERO)
            overdue = due_by_now - _sum(paid, "fine", before=day)
            if overdue > 0:
                accrued += overdue * SURCHARGE_RATE_PER_DAY
                overdue_days += 1
            elif due_by_now >= fine:
                break  # all of it was due and all of it is paid: nothing more can accrue
            day += timedelta(days=1)
    accrued = min(accrued, fine).quantize(FEN, rounding=ROUND_HALF_UP)
    due_by_today = sum((i.amount for i in parts if i.due_on < today), ZERO)
    fine_overdue = max(due_by_today - _sum(paid, "fine"), ZERO)
    return Balance(
        fine=fine, fine_paid=_sum(paid, "fine"), surcharge_accrued=accrued, surcharge_paid=_sum(paid, "surcharge"),
        surcharge_waived=surcharge_waived, confiscation=confiscation, confiscation_paid=_sum(paid, "confiscation"),
        overdue_days=overdue_days, fine_overdue=fine_overdue,
    )  # fmt: skip
