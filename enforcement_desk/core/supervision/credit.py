"""Credit (信用监管): bad-practice points in a scoring year, blacklist terms and credit repair.

The points, thresholds and blacklist terms differ between provinces, so they are data
(resources/credit_rules.json, which an agency may replace); this module only applies them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.periods import add_months

SUBJECT_KINDS = ("institution", "practitioner")


@dataclass(frozen=True)
class ScoringRule:
    """A bad-practice behaviour in the credit rules: its code, whom it applies to, its points and its
    basis."""

    code: str
    subject: str  # institution | practitioner
    points: int
    description: str
    basis: str


@dataclass(frozen=True)
class Threshold:
    """A points total and the measure it brings."""

    points: int
    measure: str


@dataclass(frozen=True)
class CreditRules:
    """The credit scoring rules in force: behaviours and points, thresholds, blacklist and repair terms."""

    version: str
    basis: str
    year_start_month: int
    rules: tuple[ScoringRule, ...]
    thresholds: dict[str, tuple[Threshold, ...]]
    subject_labels: dict[str, str]
    blacklist_term_years: int
    repair_after_years: int

    def rule(self, code: str) -> ScoringRule:
        """The scoring rule with this code; refuses a code the rules do not have."""
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise DomainError(f"记分规则中没有编码为“{code}”的不良执业行为（规则版本 {self.version}）")


def parse_rules(data: dict[str, Any]) -> CreditRules:
    """Read the credit rules from their JSON data, checking every subject has its thresholds."""
    try:
        subjects = data["subjects"]
        rules = tuple(
            ScoringRule(r["code"], r["subject"], int(r["points"]), r["description"], r.get("basis", ""))
            for r in data["rules"]
        )
        thresholds = {
            kind: tuple(
                sorted(
                    (Threshold(int(t["points"]), t["measure"]) for t in subjects[kind]["thresholds"]),
                    key=lambda t: t.points,
                )
            )
            for kind in SUBJECT_KINDS
        }
        parsed = CreditRules(
            version=str(data["version"]),
            basis=data.get("basis", ""),
            year_start_month=int(data.get("scoring_year_start_month", 1)),
            rules=rules,
            thresholds=thresholds,
            subject_labels={kind: subjects[kind]["label"] for kind in SUBJECT_KINDS},
            blacklist_term_years=int(data["blacklist"]["term_years"]),
            repair_after_years=int(data["blacklist"]["repair_after_years"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(f"记分规则文件格式不正确：缺少或错误的项 {exc}") from None
    problems = [f"规则 {r.code} 的对象“{r.subject}”未知" for r in rules if r.subject not in SUBJECT_KINDS]
    problems += [f"规则 {r.code} 的分值应为正数" for r in rules if r.points <= 0]
    if len({r.code for r in rules}) != len(rules):
        problems.append("规则编码有重复")
    if not 1 <= parsed.year_start_month <= 12:
        problems.append("记分周期起始月份应在 1–12 之间")
    if parsed.repair_after_years > parsed.blacklist_term_years:
        problems.append("信用修复最短期限不能长于黑名单期限")
    if problems:
        raise DomainError("记分规则文件有误", details=problems)
    return parsed




def scoring_year(day: date, start_month: int = 1) -> int:
    """The scoring year a day belongs to, named by the calendar year in which it starts."""
    return day.year if day.month >= start_month else day.year - 1


def scoring_year_bounds(year: int, start_month: int = 1) -> tuple[date, date]:
    """First and last day of a scoring year."""
    first = date(year, start_month, 1)
    return first, date.fromordinal(add_months(first, 12).toordinal() - 1)


def year_points(entries: Iterable[tuple[date, int]], year: int, start_month: int = 1) -> int:
    """Points of the entries (day, points) that fall in the scoring year; earlier years do not carry over."""
    return sum(points for day, points in entries if scoring_year(day, start_month) == year)


def measures_reached(points: int, thresholds: Iterable[Threshold]) -> tuple[Threshold, ...]:
    """The thresholds a points total has reached."""
    return tuple(t for t in thresholds if points >= t.points)


@dataclass(frozen=True)
class BlacklistTerm:
    """A term on the blacklist: entered, due to end, and left early or repaired."""

    entered_on: date
    ends_on: date
    exited_on: date | None = None
    repaired_on: date | None = None

    def active_on(self, day: date) -> bool:
        """True when the subject is on the blacklist on `day`."""
        left = min(d for d in (self.ends_on, self.exited_on, self.repaired_on) if d is not None)
        return self.entered_on <= day < left

    def status_on(self, day: date) -> str:
        """The term's status on `day` in Chinese: 未生效, 在列, 已移出, 期满移出 or 已信用修复."""
        if day < self.entered_on:
            return "未生效"
        if self.repaired_on and day >= self.repaired_on:
            return "已信用修复"
        if self.exited_on and day >= self.exited_on:
            return "已移出"
        if day >= self.ends_on:
            return "期满移出"
        return "在列"


def blacklist_end(entered_on: date, rules: CreditRules) -> date:
    """The day a blacklist term entered on `entered_on` ends under the rules."""
    return add_months(entered_on, 12 * rules.blacklist_term_years)


def earliest_repair(entered_on: date, rules: CreditRules) -> date:
    """The first day credit repair may be granted for a term entered on `entered_on`."""
    return add_months(entered_on, 12 * rules.repair_after_years)


def check_repair(term: BlacklistTerm, repaired_on: date, rules: CreditRules) -> None:
    """Credit repair is allowed once the minimum term has passed, while the entry is still in force."""
    if not term.active_on(repaired_on):
        raise DomainError(
            f"该黑名单记录在 {repaired_on} 已不在列（{term.status_on(repaired_on)}），无需信用修复"
        )
    earliest = earliest_repair(term.entered_on, rules)
    if repaired_on < earliest:
        raise DomainError(
            f"列入黑名单满 {rules.repair_after_years} 年后方可申请信用修复，最早 {earliest}",
            rule=f"记分规则 {rules.version}：信用修复",
        )
