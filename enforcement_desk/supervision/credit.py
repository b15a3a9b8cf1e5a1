"""Credit records of parties: bad-practice points per scoring year, blacklist entry and exit, credit
repair, and the summary shown on the party's page and when a new case opens against them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Outcome
from enforcement_desk.core.supervision.credit import (
    BlacklistTerm,
    CreditRules,
    Threshold,
    blacklist_end,
    check_repair,
    measures_reached,
    parse_rules,
    scoring_year,
)
from enforcement_desk.paths import resources_dir
from enforcement_desk.store.models import Case, Party
from enforcement_desk.store.models_supervision import BlacklistEntry, CreditPoint
from enforcement_desk.supervision import record_supervision_event

REPEAT_WINDOW_DAYS = 365  # "repeat within a year" is how benchmark tables phrase aggravation


@lru_cache(maxsize=1)
def credit_rules() -> CreditRules:
    """The credit rules shipped with the program (read once)."""
    return parse_rules(json.loads((resources_dir() / "credit_rules.json").read_text(encoding="utf-8")))


def subject_of(party: Party) -> str:
    """Organisations are scored as institutions, natural persons as practitioners."""
    return "institution" if party.kind == "organisation" else "practitioner"


@dataclass(frozen=True)
class PointView:
    """A bad-practice points entry: the behaviour, the points, when it happened, its scoring year and case."""

    id: int
    rule_code: str
    points: int
    description: str
    occurred_on: date
    scoring_year: int
    case_id: int | None


@dataclass(frozen=True)
class BlacklistView:
    """A blacklist term as shown, with its status today."""

    id: int
    reason: str
    entered_on: date
    ends_on: date
    exited_on: date | None
    exit_reason: str
    repaired_on: date | None
    status: str


@dataclass(frozen=True)
class CreditSummary:
    """A party's credit: this scoring year's points and the measures they reach, blacklist terms and
    recent penalties."""

    party_id: int
    party_name: str
    subject_label: str
    scoring_year: int
    year_points: int
    measures: tuple[Threshold, ...]
    points: tuple[PointView, ...]
    blacklist: tuple[BlacklistView, ...]
    on_blacklist: bool
    penalties_within_year: int  # decided penalties in the last 365 days: a repeat-violation fact

    @property
    def warning(self) -> str:
        """One line for a new case against this party; empty when there is nothing to warn about."""
        parts = []
        if self.on_blacklist:
            parts.append("在黑名单中")
        if self.year_points:
            parts.append(f"{self.scoring_year} 年度不良执业行为记 {self.year_points} 分")
        if self.penalties_within_year:
            parts.append(f"一年内已受行政处罚 {self.penalties_within_year} 次（可作为从重情节考虑）")
        return "；".join(parts)


def _load_party(session: Session, actor: Actor, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None or party.agency_id != actor.agency_id:
        raise NotFound(f"当事人 #{party_id} 不存在")
    return party


def _term(entry: BlacklistEntry) -> BlacklistTerm:
    return BlacklistTerm(entry.entered_on, entry.ends_on, entry.exited_on, entry.repaired_on)


def _blacklist_view(entry: BlacklistEntry, today: date) -> BlacklistView:
    return BlacklistView(
        entry.id, entry.reason, entry.entered_on, entry.ends_on, entry.exited_on, entry.exit_reason,
        entry.repaired_on, _term(entry).status_on(today),
    )  # fmt: skip


def _summary(session: Session, party: Party, today: date) -> CreditSummary:
    rules = credit_rules()
    year = scoring_year(today, rules.year_start_month)
    subject = subject_of(party)
    points = [
        PointView(p.id, p.rule_code, p.points, p.description, p.occurred_on, p.scoring_year, p.case_id)
        for p in session.scalars(
            select(CreditPoint)
            .where(CreditPoint.party_id == party.id)
            .order_by(CreditPoint.occurred_on.desc())
        )
    ]
    total = sum(p.points for p in points if p.scoring_year == year)
    entries = list(
        session.scalars(
            select(BlacklistEntry)
            .where(BlacklistEntry.party_id == party.id)
            .order_by(BlacklistEntry.entered_on)
        )
    )
    since = date.fromordinal(today.toordinal() - REPEAT_WINDOW_DAYS)
    penalties = session.scalars(
        select(Case.id).where(
            Case.party_id == party.id,
            Case.decided_outcome == Outcome.PENALTY.value,
            Case.decided_on >= since,
            Case.decided_on <= today,
        )
    ).all()
    return CreditSummary(
        party.id, party.name, rules.subject_labels[subject], year, total,
        measures_reached(total, rules.thresholds[subject]), tuple(points),
        tuple(_blacklist_view(e, today) for e in entries), any(_term(e).active_on(today) for e in entries),
        len(penalties),
    )  # fmt: skip


def credit_summary(ctx: AppContext, actor: Actor, party_id: int) -> CreditSummary:
    """The credit summary of one of the agency's parties, as of today."""
    with ctx.db.read() as session:
        return _summary(session, _load_party(session, actor, party_id), ctx.today())


@allowed(Role.OFFICER, Role.HEAD, action="不良执业行为记分")
def record_points(
    ctx: AppContext,
    actor: Actor,
    party_id: int,
    rule_code: str,
    occurred_on: date,
    case_id: int | None = None,
) -> CreditSummary:
    """记分: the rule's points go into the scoring year of the day the bad practice occurred."""
    if occurred_on > ctx.today():
        raise DomainError("不良执业行为发生日期不能晚于今天")
    rules = credit_rules()
    rule = rules.rule(rule_code)
    with ctx.db.write() as session:
        party = _load_party(session, actor, party_id)
        if rule.subject != subject_of(party):
            raise DomainError(
                f"记分规则 {rule.code} 适用于{rules.subject_labels[rule.subject]}，"
                f"当事人“{party.name}”是{rules.subject_labels[subject_of(party)]}"
            )
        if case_id is not None:
            case = session.get(Case, case_id)
            if case is None or case.agency_id != actor.agency_id or case.party_id != party.id:
                raise DomainError(f"案件 #{case_id} 不是当事人“{party.name}”的案件")
        row = CreditPoint(
            agency_id=actor.agency_id, party_id=party.id, subject=rule.subject, rule_code=rule.code,
            rules_version=rules.version, points=rule.points, description=rule.description, occurred_on=occurred_on,
            scoring_year=scoring_year(occurred_on, rules.year_start_month), case_id=case_id,
            recorded_by=actor.user_id, recorded_at=datetime.now(),
        )  # fmt: skip
        session.add(row)
        session.flush()
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="credit_points_recorded",
            entity="party", entity_id=party.id, case_id=case_id,
            payload={"rule": rule.code, "points": rule.points, "year": row.scoring_year, "rules": rules.version},
        )  # fmt: skip
        return _summary(session, party, ctx.today())


@allowed(Role.HEAD, action="列入黑名单")
def add_to_blacklist(
    ctx: AppContext, actor: Actor, party_id: int, reason: str, entered_on: date | None = None,
    case_id: int | None = None,
) -> BlacklistView:  # fmt: skip
    """列入黑名单 (head's decision); the entry ends after the term the credit rules set."""
    reason = require_text(reason, "列入理由")
    entered_on = entered_on or ctx.today()
    if entered_on > ctx.today():
        raise DomainError("列入日期不能晚于今天")
    rules = credit_rules()
    with ctx.db.write() as session:
        party = _load_party(session, actor, party_id)
        current = [
            e
            for e in session.scalars(select(BlacklistEntry).where(BlacklistEntry.party_id == party.id))
            if _term(e).active_on(entered_on)
        ]
        if current:
            raise DomainError(
                f"“{party.name}”已于 {current[0].entered_on} 列入黑名单，期限至 {current[0].ends_on}"
            )
        entry = BlacklistEntry(
            agency_id=actor.agency_id, party_id=party.id, reason=reason, entered_on=entered_on,
            ends_on=blacklist_end(entered_on, rules), case_id=case_id, entered_by=actor.user_id,
            entered_at=datetime.now(),
        )  # fmt: skip
        session.add(entry)
        session.flush()
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="blacklist_entered",
            entity="party", entity_id=party.id, case_id=case_id,
            payload={"entry": entry.id, "reason": reason, "entered_on": entered_on, "ends_on": entry.ends_on},
        )  # fmt: skip
        return _blacklist_view(entry, ctx.today())


def _active_entry(session: Session, actor: Actor, entry_id: int) -> BlacklistEntry:
    entry = session.get(BlacklistEntry, entry_id)
    if entry is None or entry.agency_id != actor.agency_id:
        raise NotFound(f"黑名单记录 #{entry_id} 不存在")
    return entry


@allowed(Role.HEAD, action="移出黑名单")
def remove_from_blacklist(ctx: AppContext, actor: Actor, entry_id: int, reason: str) -> BlacklistView:
    """移出 before the term ends (e.g. the decision behind it was revoked)."""
    reason = require_text(reason, "移出理由")
    today = ctx.today()
    with ctx.db.write() as session:
        entry = _active_entry(session, actor, entry_id)
        if not _term(entry).active_on(today):
            raise DomainError(f"该记录已不在列（{_term(entry).status_on(today)}）")
        entry.exited_on, entry.exit_reason = today, reason
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="blacklist_exited",
            entity="party", entity_id=entry.party_id, payload={"entry": entry.id, "reason": reason},
        )  # fmt: skip
        return _blacklist_view(entry, today)


@allowed(Role.HEAD, action="信用修复")
def repair_credit(ctx: AppContext, actor: Actor, entry_id: int, note: str) -> BlacklistView:
    """信用修复: after the minimum term, on the party's application with its rectification shown."""
    note = require_text(note, "信用修复说明（整改情况）")
    today = ctx.today()
    with ctx.db.write() as session:
        entry = _active_entry(session, actor, entry_id)
        check_repair(_term(entry), today, credit_rules())
        entry.repaired_on, entry.repair_note = today, note
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="credit_repaired",
            entity="party", entity_id=entry.party_id, payload={"entry": entry.id, "note": note},
        )  # fmt: skip
        return _blacklist_view(entry, today)


def current_blacklist(ctx: AppContext, actor: Actor) -> list[tuple[str, BlacklistView]]:
    """(party name, entry) of everyone on the blacklist today."""
    today = ctx.today()
    with ctx.db.read() as session:
        rows = session.execute(
            select(BlacklistEntry, Party.name)
            .join(Party, Party.id == BlacklistEntry.party_id)
            .where(BlacklistEntry.agency_id == actor.agency_id)
            .order_by(BlacklistEntry.entered_on)
        )
        return [(name, _blacklist_view(e, today)) for e, name in rows if _term(e).active_on(today)]
