"""Discretion for a case: the benchmark library in use, the recommendation from the facts, the
officer's choice saved onto the case, and an agency importing its own province's table."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.discretion.benchmarks import (
    BenchmarkLibrary,
    LevelRule,
    ProvisionVersion,
    Violation,
    sources_label,
)
from enforcement_desk.core.discretion.engine import Facts, Recommendation, check_choice, recommend
from enforcement_desk.core.discretion.suggest import Suggestion, fit_warnings, suggest_violations
from enforcement_desk.core.discretion.table_import import (
    COLUMNS,
    RejectedRow,
    check_table,
    header_map,
    rules_by_code,
)
from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CATEGORY_LABELS, Outcome
from enforcement_desk.discretion import record_discretion_event
from enforcement_desk.discretion.library import load_library
from enforcement_desk.paths import resources_dir
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.case_records import current_proposal
from enforcement_desk.procedure.cases import Proposal, load_case, set_proposal
from enforcement_desk.store.models_discretion import DiscretionTable

MAX_IMPORT_ROWS = 5000


@lru_cache(maxsize=1)
def shipped_library() -> BenchmarkLibrary:
    """The benchmark library shipped with the program (read once)."""
    return load_library(resources_dir() / "benchmarks")


def _active_table(session: Session, agency_id: int) -> DiscretionTable | None:
    return session.scalars(
        select(DiscretionTable).where(
            DiscretionTable.agency_id == agency_id, DiscretionTable.status == "active"
        )
    ).one_or_none()


def _library_for(session: Session, agency_id: int) -> BenchmarkLibrary:
    """The shipped library with the agency's confirmed table over it; the version names both, so a
    case records exactly which table it was decided under."""
    base = shipped_library()
    table = _active_table(session, agency_id)
    if table is None:
        return base
    return base.with_levels(rules_by_code(table.rows), f"{base.version}+本机关第{table.version}版")


@dataclass(frozen=True)
class BenchmarkProvisions:
    """What a case's benchmark entry says before any proposal: the measures its penalty article names
    (罚款, 责令限期改进 …) and the articles violated and applied, cited by number."""

    kinds: tuple[str, ...] = ()
    violated: str = ""
    penalty_basis: str = ""


def benchmark_provisions(session: Session, agency_id: int, code: str | None, on: date) -> BenchmarkProvisions:
    """The benchmark entry's provisions in force on `on`; empty for a case without a benchmark code or a
    code the library no longer has."""
    violation = _library_for(session, agency_id).violations.get(code or "")
    version = violation.version_on(on) if violation else None
    if version is None:
        return BenchmarkProvisions()
    return BenchmarkProvisions(tuple(version.kinds), version.violated.reference, version.penalty.reference)


def library_in_use(ctx: AppContext, actor: Actor) -> BenchmarkLibrary:
    """The benchmark library the actor's agency applies: the shipped one with the agency's own table, if
    any."""
    with ctx.db.read() as session:
        return _library_for(session, actor.agency_id)


# ---- browsing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceMarks:
    """What a version's two texts were checked against: an address, a repository path, or 未核实."""

    violated: str
    penalty: str

    @property
    def label(self) -> str:
        """Both marks in Chinese for officers; one line when both texts share a source."""
        return sources_label(self.violated, self.penalty)


def _marks(version: ProvisionVersion) -> SourceMarks:
    return SourceMarks(version.violated.source, version.penalty.source)


@dataclass(frozen=True)
class ViolationSummary:
    """A violation in the library's list: code, name, area, category, penalty basis and statutory fine,
    whether it is suggested for the case asked about (建议) and why, and the source of its texts."""

    code: str
    name: str
    area: str
    category: str
    penalty_basis: str
    statutory: str
    suggested: bool = False
    reasons: tuple[str, ...] = ()
    source: SourceMarks | None = None


def _fine_text(violation: Violation, on: date) -> tuple[str, str]:
    version = violation.version_on(on) or violation.versions[-1]
    parts = []
    for band in version.bands:
        fine = band.fine
        if fine.basis == "fixed":
            parts.append(f"{fine.minimum}–{fine.maximum} 元")
        else:
            label = "违法所得" if fine.basis == "gains" else "货值金额"
            text = f"{label} {fine.min_times}–{fine.max_times} 倍"
            if fine.base_floor:
                text += f"（不足 {fine.base_floor} 元按 {fine.base_floor} 元计算）"
            if fine.fallback_below:
                text += f"；不足 {fine.fallback_below} 元的 {fine.minimum}–{fine.maximum} 元"
            parts.append(text)
    return version.penalty.reference, "；加重情形 ".join(parts)


@dataclass(frozen=True)
class CaseSuggestions:
    """The violations suggested for a case from its cause and category, best first."""

    case_id: int
    cause: str
    category: str
    category_label: str
    suggestions: tuple[Suggestion, ...]


def suggest_for_case(ctx: AppContext, actor: Actor, case_id: int) -> CaseSuggestions:
    """The library's violations that fit the case's cause (案由) and category, each with its reasons."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        library = _library_for(session, actor.agency_id)
        cause, category = case.cause or "", case.category or ""
        case_id = case.id
    return CaseSuggestions(
        case_id,
        cause,
        category,
        CATEGORY_LABELS.get(category, category),
        suggest_violations(cause, category, library),
    )


def list_violations(
    ctx: AppContext, actor: Actor, *, area: str = "", text: str = "", case_id: int | None = None
) -> list[ViolationSummary]:
    """The violations of the library in use, optionally of one area or matching a text in name or code;
    with a case, the ones suggested for it come first, marked, with the reasons of the suggestion."""
    library = library_in_use(ctx, actor)
    today = ctx.today()
    suggested: dict[str, Suggestion] = {}
    if case_id is not None:
        suggested = {s.code: s for s in suggest_for_case(ctx, actor, case_id).suggestions}
    result = []
    for violation in library.violations.values():
        if area and violation.area != area:
            continue
        if text and text not in violation.name and text not in violation.code:
            continue
        basis, statutory = _fine_text(violation, today)
        hint = suggested.get(violation.code)
        version = violation.version_on(today) or violation.versions[-1]
        result.append(
            ViolationSummary(
                violation.code,
                violation.name,
                violation.area,
                violation.category,
                basis,
                statutory,
                suggested=hint is not None,
                reasons=hint.reasons if hint else (),
                source=_marks(version),
            )
        )
    order = list(suggested)
    result.sort(key=lambda v: order.index(v.code) if v.code in suggested else len(order))
    return result


@dataclass(frozen=True)
class LevelView:
    """A discretion level of a violation as shown: its conditions, range and description."""

    level: str
    conditions: str
    range: str
    description: str


@dataclass(frozen=True)
class VersionView:
    """A version of a violation's provisions as shown: dates, articles, kinds of penalty, fines."""

    effective_from: date
    effective_to: date | None
    violated: str
    penalty: str
    kinds: tuple[str, ...]
    fines: tuple[str, ...]
    source: SourceMarks | None = None


@dataclass(frozen=True)
class ViolationDetail:
    """A violation in full as the library in use has it: versions, levels and circumstances."""

    library_version: str
    code: str
    name: str
    area: str
    category: str
    phrasing: str
    versions: tuple[VersionView, ...]
    levels: tuple[LevelView, ...]
    circumstances: tuple[str, ...]


def _level_view(rule: LevelRule) -> LevelView:
    return LevelView(
        rule.level,
        "；".join(c.label for c in rule.when) or "—",
        rule.range.text if rule.range else "—",
        rule.description,
    )


def show_violation(ctx: AppContext, actor: Actor, code: str) -> ViolationDetail:
    """One violation of the library in use, with every version of its provisions and its levels."""
    library = library_in_use(ctx, actor)
    violation = library.get(code)
    versions = []
    for version in violation.versions:
        fines = []
        for band in version.bands:
            fine = band.fine
            condition = f"（{'；'.join(c.label for c in band.when)}）" if band.when else ""
            if fine.basis == "fixed":
                fines.append(f"{band.name}{condition}：{fine.minimum}–{fine.maximum} 元")
            else:
                fines.append(f"{band.name}{condition}：{fine.min_times}–{fine.max_times} 倍")
        versions.append(
            VersionView(
                version.effective_from,
                version.effective_to,
                f"{version.violated.reference}：{version.violated.text}",
                f"{version.penalty.reference}：{version.penalty.text}",
                version.kinds,
                tuple(fines),
                _marks(version),
            )
        )
    return ViolationDetail(
        library.version,
        violation.code,
        violation.name,
        violation.area,
        violation.category,
        violation.phrasing,
        tuple(versions),
        tuple(_level_view(rule) for rule in violation.levels),
        violation.circumstances,
    )


# ---- a case's discretion -----------------------------------------------------------------------


def _case_facts(case, facts: Facts) -> Facts:
    """Dates the case already holds fill the facts the officer left blank."""
    return replace(
        facts,
        act_date=facts.act_date or case.act_date,
        act_ended_on=facts.act_ended_on or case.act_ended_on,
        discovered_on=facts.discovered_on or case.discovered_on,
        life_health_harm=facts.life_health_harm or bool(case.life_health_harm),
    )


def compute_for_violation(
    ctx: AppContext, actor: Actor, codes: tuple[str, ...], facts: Facts, *, level: str | None = None
) -> Recommendation:
    """A recommendation from facts alone, before a case exists (e.g. on site)."""
    return recommend(library_in_use(ctx, actor), codes, facts, decided_on=ctx.today(), level=level)


def compute_for_case(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    facts: Facts,
    *,
    codes: tuple[str, ...] = (),
    level: str | None = None,
) -> Recommendation:
    """The recommendation shown to the officer; nothing is saved."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        codes = codes or ((case.violation_code,) if case.violation_code else ())
        if not codes:
            raise DomainError("案件尚未选择违法行为（裁量基准编码），请先选择")
        library = _library_for(session, actor.agency_id)
        result = recommend(library, codes, _case_facts(case, facts), decided_on=ctx.today(), level=level)
        notes = _fit(library, case, codes)
        return replace(result, warnings=(*result.warnings, *notes)) if notes else result


def _fit(library: BenchmarkLibrary, case, codes: tuple[str, ...]) -> tuple[str, ...]:
    # A violation that does not fit the case's category or cause is worth a second look, not a refusal.
    return tuple(
        w for code in dict.fromkeys(codes) for w in fit_warnings(library.get(code), case.cause, case.category)
    )


def fit_for_case(ctx: AppContext, actor: Actor, case_id: int, codes: tuple[str, ...]) -> tuple[str, ...]:
    """Warnings when the chosen violations do not fit the case's category or cause (empty when they
    fit); the officer may still choose them."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        return _fit(_library_for(session, actor.agency_id), case, codes)


@allowed(Role.OFFICER, action="确定裁量意见")
def choose_for_case(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    expected_version: int,
    facts: Facts,
    *,
    codes: tuple[str, ...] = (),
    level: str | None = None,
    fine: Decimal | None = None,
    reason: str = "",
) -> views.CaseDetail:
    """The officer's choice becomes the case's proposal, with the whole computation and the benchmark
    version kept on the case (it stays as decided even if the library changes later)."""
    result = compute_for_case(ctx, actor, case_id, facts, codes=codes, level=level)
    amount = result.recommended_fine if fine is None else fine
    check = check_choice(result, amount, reason)
    if result.outcome == "no_penalty":
        proposal = Proposal(
            Outcome.NO_PENALTY,
            level=result.level,
            reason=reason.strip(),
            discretion=_recorded(result, amount, check.notes),
            violated_provision=result.violated,
            legal_basis=result.penalty_basis,
        )
    else:
        kinds = tuple(result.kinds)
        proposal = Proposal(
            Outcome.PENALTY,
            penalty_kinds=kinds,
            fine=amount if amount > 0 else None,
            confiscation=result.confiscation or None,
            mitigated=check.mitigated,
            level=result.level,
            reason=reason.strip(),
            discretion=_recorded(result, amount, check.notes),
            violated_provision=result.violated,
            legal_basis=result.penalty_basis,
        )
    return set_proposal(ctx, actor, case_id, expected_version, proposal)


def _recorded(result: Recommendation, amount: Decimal, notes: tuple[str, ...]) -> dict[str, Any]:
    return {**result.to_json(), "chosen_fine": str(amount), "deviation": list(notes)}


def recorded_discretion(ctx: AppContext, actor: Actor, case_id: int) -> dict[str, Any]:
    """What the case was decided under, as saved: for the 合议记录, 事先告知书 and 决定书."""
    with ctx.db.read() as session:
        load_case(session, actor, case_id)
        proposal = current_proposal(session, case_id)
        return proposal.as_discretion() if proposal else {}


# ---- the agency's own table ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPreview:
    """An imported agency discretion table: its version, status, and the rows accepted and rejected."""

    id: int
    version: int
    status: str
    name: str
    accepted: tuple[dict[str, Any], ...]
    rejected: tuple[RejectedRow, ...]


def read_table_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows of an .xlsx (first sheet) or .csv file keyed by column meaning, with their row numbers."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                raw = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            finally:
                workbook.close()
        elif suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                raw = list(csv.reader(handle))
        else:
            raise DomainError(f"只能导入 .xlsx 或 .csv 文件，收到“{path.name}”")
    except FileNotFoundError:
        raise DomainError(f"找不到文件“{path}”") from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise DomainError(f"无法读取“{path.name}”：文件已损坏或不是有效的表格（{exc}）") from None
    if not raw:
        raise DomainError(f"“{path.name}”是空表")
    positions = header_map(raw[0])
    if len(raw) - 1 > MAX_IMPORT_ROWS:
        raise DomainError(f"表格超过 {MAX_IMPORT_ROWS} 行，请分批导入")
    rows = []
    for index, cells in enumerate(raw[1:], start=2):
        rows.append(
            (
                index,
                {
                    key: _cell_text(cells[position]) if position < len(cells) else ""
                    for key, position in positions.items()
                },
            )
        )
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet stores 300 as 300.0
    return str(value).strip()


@allowed(Role.ADMIN, Role.HEAD, action="导入本机关裁量基准")
def preview_import(ctx: AppContext, actor: Actor, path: Path, *, name: str = "") -> ImportPreview:
    """Check a spreadsheet and keep it as a pending table; the library in use does not change."""
    rows = read_table_rows(path)
    checked = check_table(shipped_library(), rows, ctx.today())
    with ctx.db.write() as session:
        version = (
            session.scalar(
                select(func.max(DiscretionTable.version)).where(DiscretionTable.agency_id == actor.agency_id)
            )
            or 0
        ) + 1
        table = DiscretionTable(
            agency_id=actor.agency_id,
            version=version,
            name=(name or path.stem).strip()[:200],
            source_file=path.name[:300],
            base_library_version=shipped_library().version,
            status="pending",
            rows=[{"code": row.code, "row": row.row, **row.rule} for row in checked.accepted],
            rejected=[r.__dict__ for r in checked.rejected],
            imported_by=actor.user_id,
            imported_at=ctx.now(),
        )
        session.add(table)
        session.flush()
        record_discretion_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="discretion_table_previewed",
            entity="discretion_table",
            entity_id=table.id,
            payload={
                "version": version,
                "file": path.name,
                "accepted": len(checked.accepted),
                "rejected": [{"row": r.row, "reason": r.reason} for r in checked.rejected],
            },
        )
        return _preview(table)


def _preview(table: DiscretionTable) -> ImportPreview:
    return ImportPreview(
        id=table.id,
        version=table.version,
        status=table.status,
        name=table.name,
        accepted=tuple(table.rows),
        rejected=tuple(RejectedRow(**r) for r in table.rejected),
    )


def _load_table(session: Session, actor: Actor, table_id: int) -> DiscretionTable:
    table = session.get(DiscretionTable, table_id)
    if table is None or table.agency_id != actor.agency_id:
        raise NotFound(f"裁量基准导入记录 #{table_id} 不存在")
    return table


@allowed(Role.ADMIN, Role.HEAD, action="启用本机关裁量基准")
def confirm_import(ctx: AppContext, actor: Actor, table_id: int) -> ImportPreview:
    """The pending table becomes the one in use; the previous one is kept as superseded."""
    with ctx.db.write() as session:
        table = _load_table(session, actor, table_id)
        if table.status != "pending":
            raise DomainError(f"该导入记录状态为“{_STATUS_LABELS[table.status]}”，只能启用待确认的导入")
        if not table.rows:
            raise DomainError(
                "该表没有可用的行，不能启用", details=[r["reason"] for r in table.rejected][:20]
            )
        if table.base_library_version != shipped_library().version:
            raise DomainError(
                f"导入时的基准库版本为 {table.base_library_version}，当前为 {shipped_library().version}，请重新导入核对"
            )
        previous = _active_table(session, actor.agency_id)
        if previous is not None:
            previous.status = "superseded"
            previous.decided_at = previous.decided_at or ctx.now()
            session.flush()
        table.status = "active"
        table.decided_by = actor.user_id
        table.decided_at = ctx.now()
        session.flush()
        record_discretion_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="discretion_table_activated",
            entity="discretion_table",
            entity_id=table.id,
            payload={
                "version": table.version,
                "replaces": previous.version if previous else None,
                "rows": len(table.rows),
            },
        )
        return _preview(table)


@allowed(Role.ADMIN, Role.HEAD, action="放弃导入本机关裁量基准")
def discard_import(ctx: AppContext, actor: Actor, table_id: int) -> ImportPreview:
    """Discard a pending import of the agency's discretion table, auditing it."""
    with ctx.db.write() as session:
        table = _load_table(session, actor, table_id)
        if table.status != "pending":
            raise DomainError(f"该导入记录状态为“{_STATUS_LABELS[table.status]}”，不能放弃")
        table.status = "discarded"
        table.decided_by = actor.user_id
        table.decided_at = ctx.now()
        session.flush()
        record_discretion_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="discretion_table_discarded",
            entity="discretion_table",
            entity_id=table.id,
            payload={"version": table.version},
        )
        return _preview(table)


def list_imports(ctx: AppContext, actor: Actor) -> list[ImportPreview]:
    """Every import of the agency's discretion table, by version."""
    with ctx.db.read() as session:
        tables = session.scalars(
            select(DiscretionTable)
            .where(DiscretionTable.agency_id == actor.agency_id)
            .order_by(DiscretionTable.version)
        )
        return [_preview(table) for table in tables]


_STATUS_LABELS = {"pending": "待确认", "active": "使用中", "superseded": "已被替换", "discarded": "已放弃"}
STATUS_LABELS = _STATUS_LABELS
TEMPLATE_COLUMNS = tuple(COLUMNS.values())
