"""双随机、一公开: the inspection-object library, the inspector roster, recorded draws, results per
object, a finding opened as a case in one step, and the results export for publication."""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.identifiers import validate_uscc
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CATEGORY_LABELS, CaseSource
from enforcement_desk.core.supervision.random_draw import CategoryQuota, DrawInput, DrawObject, run_draw
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.procedure.deadlines import agency_settings
from enforcement_desk.store.models import Party, User
from enforcement_desk.store.models_supervision import (
    InspectionDraw,
    InspectionObject,
    InspectionTask,
    InspectorConflict,
)
from enforcement_desk.supervision import record_supervision_event

RISK_LEVELS = ("低", "中", "高")
OUTCOME_LABELS = {
    "pending": "待检查",
    "compliant": "未发现问题",
    "finding": "发现问题",
    "corrected": "发现问题已责令改正",
    "unreachable": "无法检查（停业、查无下落）",
}
# Column titles of the import sheet (resources/inspection_objects_sample.xlsx) → field names.
IMPORT_COLUMNS = {
    "编码": "code",
    "名称": "name",
    "执法类别": "category",
    "类型": "business_type",
    "法定代表人": "legal_representative",
    "统一社会信用代码": "uscc",
    "许可证号": "licence_no",
    "地址": "address",
    "网格": "grid",
    "风险等级": "risk_level",
}
REQUIRED_COLUMNS = ("编码", "名称", "执法类别")


@dataclass(frozen=True)
class ObjectDraft:
    """An inspection object as entered or imported: code, name, category, licence, address, grid, risk
    level."""

    code: str
    name: str
    category: str
    business_type: str = ""
    legal_representative: str = ""
    uscc: str | None = None
    licence_no: str = ""
    address: str = ""
    grid: str = ""
    risk_level: str = "中"


@dataclass(frozen=True)
class ObjectView:
    """An object of the inspection-object library as shown."""

    id: int
    code: str
    name: str
    category: str
    business_type: str
    legal_representative: str
    uscc: str | None
    licence_no: str
    address: str
    grid: str
    risk_level: str
    active: bool


@dataclass(frozen=True)
class ImportReport:
    """The outcome of importing objects: how many added and updated, and the rows rejected with why."""

    added: int
    updated: int
    rejected: tuple[str, ...]


@dataclass(frozen=True)
class TaskView:
    """One drawn object's inspection: inspectors, outcome, the day inspected, publication due, any case."""

    id: int
    draw_id: int
    object_id: int
    object_name: str
    object_code: str
    category: str
    address: str
    inspectors: tuple[str, ...]
    outcome: str
    note: str
    inspected_on: date | None
    publish_due_on: date | None
    case_id: int | None

    @property
    def label(self) -> str:
        """The inspection's outcome in Chinese."""
        return OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class DrawView:
    """A recorded 双随机 draw: its title, seed, day, publication of results and its tasks."""

    id: int
    title: str
    seed: str
    drawn_on: date
    results_published_on: date | None
    tasks: tuple[TaskView, ...]


def _object_view(row: InspectionObject) -> ObjectView:
    return ObjectView(
        row.id, row.code, row.name, row.category, row.business_type, row.legal_representative, row.uscc, row.licence_no,
        row.address, row.grid, row.risk_level, row.active,
    )  # fmt: skip


def _category_key(text: str) -> str:
    text = (text or "").strip()
    if text in CATEGORY_LABELS:
        return text
    for key, label in CATEGORY_LABELS.items():
        if text == label:
            return key
    raise DomainError(f"未知的执法类别“{text}”，可选：{'、'.join(CATEGORY_LABELS)}")


def normalize_object(draft: ObjectDraft) -> ObjectDraft:
    """The object draft cleaned and checked: required fields, a known category, risk 低/中/高, a valid
    统一社会信用代码."""
    risk = (draft.risk_level or "中").strip().removesuffix("风险")
    if risk not in RISK_LEVELS:
        raise DomainError(f"风险等级应为 低/中/高，收到“{draft.risk_level}”")
    uscc = (draft.uscc or "").strip().upper() or None
    return ObjectDraft(
        code=require_text(draft.code, "对象编码"),
        name=require_text(draft.name, "对象名称"),
        category=_category_key(draft.category),
        business_type=draft.business_type.strip(),
        legal_representative=draft.legal_representative.strip(),
        uscc=validate_uscc(uscc) if uscc else None,
        licence_no=draft.licence_no.strip(),
        address=draft.address.strip(),
        grid=draft.grid.strip(),
        risk_level=risk,
    )


def _save_object(session: Session, actor: Actor, draft: ObjectDraft) -> bool:
    """Adds the object or updates the one with the same code; True when it was new."""
    row = session.scalars(
        select(InspectionObject).where(
            InspectionObject.agency_id == actor.agency_id, InspectionObject.code == draft.code
        )
    ).first()
    added = row is None
    if row is None:
        row = InspectionObject(
            agency_id=actor.agency_id, code=draft.code, active=True, created_at=datetime.now()
        )
        session.add(row)
    for name in (
        "name",
        "category",
        "business_type",
        "legal_representative",
        "uscc",
        "licence_no",
        "address",
        "grid",
        "risk_level",
    ):
        setattr(row, name, getattr(draft, name))
    session.flush()
    return added


@allowed(Role.OFFICER, Role.HEAD, Role.ADMIN, action="维护检查对象库")
def add_object(ctx: AppContext, actor: Actor, draft: ObjectDraft) -> ObjectView:
    """Add or update an object of the inspection library (by its code), auditing it."""
    draft = normalize_object(draft)
    with ctx.db.write() as session:
        _save_object(session, actor, draft)
        row = session.scalars(
            select(InspectionObject).where(
                InspectionObject.agency_id == actor.agency_id, InspectionObject.code == draft.code
            )
        ).one()
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspection_object_saved",
            entity="inspection_object", entity_id=row.id, payload={"code": row.code, "name": row.name},
        )  # fmt: skip
        return _object_view(row)


def read_object_sheet(path: Path) -> tuple[list[ObjectDraft], list[str]]:
    """The rows of an XLSX import sheet; rows that cannot be read are reported with their row number."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(Path(path), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise DomainError(f"无法读取检查对象表“{Path(path).name}”：{exc}") from None
    rows = book.active.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DomainError(f"检查对象表缺少列：{'、'.join(missing)}（应有：{'、'.join(IMPORT_COLUMNS)}）")
    positions = {IMPORT_COLUMNS[title]: i for i, title in enumerate(header) if title in IMPORT_COLUMNS}
    drafts, rejected = [], []
    for number, values in enumerate(rows, start=2):
        cells = {
            field: ("" if values[i] is None else str(values[i]).strip())
            for field, i in positions.items()
            if i < len(values)
        }
        if not any(cells.values()):
            continue
        try:
            drafts.append(normalize_object(ObjectDraft(**cells)))
        except DomainError as exc:
            rejected.append(f"第 {number} 行：{exc.message}")
    book.close()
    return drafts, rejected


@allowed(Role.OFFICER, Role.HEAD, Role.ADMIN, action="导入检查对象库")
def import_objects(ctx: AppContext, actor: Actor, path: Path) -> ImportReport:
    """Imports the sheet's readable rows (same code = update); unreadable rows are listed, not guessed."""
    drafts, rejected = read_object_sheet(path)
    codes = [d.code for d in drafts]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise DomainError("检查对象表中编码重复，请修正后再导入", details=duplicates)
    with ctx.db.write() as session:
        added = sum(_save_object(session, actor, d) for d in drafts)
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspection_objects_imported",
            entity="inspection_object", entity_id=Path(path).name,
            payload={"rows": len(drafts), "added": added, "rejected": rejected},
        )  # fmt: skip
    return ImportReport(added, len(drafts) - added, tuple(rejected))


def list_objects(ctx: AppContext, actor: Actor, category: str | None = None) -> list[ObjectView]:
    """The agency's inspection objects by code, optionally of one category."""
    with ctx.db.read() as session:
        query = select(InspectionObject).where(InspectionObject.agency_id == actor.agency_id)
        if category:
            query = query.where(InspectionObject.category == _category_key(category))
        return [_object_view(r) for r in session.scalars(query.order_by(InspectionObject.code))]


def _roster(session: Session, actor: Actor, today: date) -> list[User]:
    """执法人员名录库: active officers whose enforcement certificate is valid today."""
    users = session.scalars(
        select(User).where(User.agency_id == actor.agency_id, User.role == Role.OFFICER.value, User.active)
    )
    return [u for u in users if u.cert_no and (u.cert_valid_until is None or u.cert_valid_until >= today)]


def list_inspectors(ctx: AppContext, actor: Actor) -> list[tuple[int, str, str]]:
    """(user id, name, certificate number) of everyone who may be drawn."""
    with ctx.db.read() as session:
        return [(u.id, u.name, u.cert_no or "") for u in _roster(session, actor, ctx.today())]


def _load_object(session: Session, actor: Actor, object_id: int) -> InspectionObject:
    row = session.get(InspectionObject, object_id)
    if row is None or row.agency_id != actor.agency_id:
        raise NotFound(f"检查对象 #{object_id} 不存在")
    return row


@allowed(Role.OFFICER, Role.HEAD, action="申报回避")
def declare_conflict(ctx: AppContext, actor: Actor, object_id: int, user_id: int, reason: str) -> None:
    """回避申报: officers declare their own conflicts; a head may record one for anyone."""
    if actor.role is Role.OFFICER and user_id != actor.user_id:
        raise DomainError("执法人员只能申报本人的回避事项，他人的由负责人登记")
    reason = require_text(reason, "回避理由")
    with ctx.db.write() as session:
        row = _load_object(session, actor, object_id)
        user = session.get(User, user_id)
        if user is None or user.agency_id != actor.agency_id:
            raise NotFound(f"用户 #{user_id} 不存在")
        try:
            with session.begin_nested():
                session.add(
                    InspectorConflict(object_id=row.id, user_id=user_id, reason=reason, declared_at=ctx.now())
                )
        except IntegrityError:
            raise DomainError(f"{user.name}已申报与“{row.name}”的回避事项") from None
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspector_conflict_declared",
            entity="inspection_object", entity_id=row.id, payload={"user_id": user_id, "reason": reason},
        )  # fmt: skip


def _previous_teams(session: Session, object_ids: list[int]) -> dict[int, frozenset[int]]:
    """Each object's most recent inspection team, so the next draw sends other people."""
    teams: dict[int, frozenset[int]] = {}
    rows = session.scalars(
        select(InspectionTask)
        .where(InspectionTask.object_id.in_(object_ids))
        .order_by(InspectionTask.id.desc())
    )
    for task in rows:
        teams.setdefault(task.object_id, frozenset(task.inspector_ids))
    return teams


def _quota_json(quota: CategoryQuota) -> dict[str, Any]:
    return {
        "category": quota.category,
        "count": quota.count,
        "ratio": None if quota.ratio is None else str(quota.ratio),
    }


def draw_input_from_record(inputs: dict[str, Any], seed: str) -> DrawInput:
    """The draw's inputs as recorded, read back, so the draw can be recomputed from its seed."""
    return DrawInput(
        seed=seed,
        quotas=tuple(
            CategoryQuota(q["category"], q["count"], None if q["ratio"] is None else Decimal(q["ratio"]))
            for q in inputs["quotas"]
        ),
        objects=tuple(DrawObject(o[0], o[1], o[2]) for o in inputs["objects"]),
        inspector_ids=tuple(inputs["inspectors"]),
        conflicts=frozenset((u, o) for u, o in inputs["conflicts"]),
        previous_teams={int(k): frozenset(v) for k, v in inputs["previous_teams"].items()},
    )


@allowed(Role.HEAD, Role.ADMIN, action="双随机抽取")
def draw_inspections(
    ctx: AppContext,
    actor: Actor,
    title: str,
    quotas: list[CategoryQuota],
    *,
    seed: str | None = None,
    grid: str | None = None,
) -> DrawView:
    """Draws objects and inspectors; the seed and every input are recorded so anyone can re-run it."""
    title = require_text(title, "抽查任务名称")
    if not quotas:
        raise DomainError("请至少为一个执法类别设置抽取比例或数量")
    seed = (seed or "").strip() or secrets.token_hex(8)
    quotas = [CategoryQuota(_category_key(q.category), q.count, q.ratio) for q in quotas]
    today = ctx.today()
    with ctx.db.write() as session:
        query = select(InspectionObject).where(
            InspectionObject.agency_id == actor.agency_id, InspectionObject.active
        )
        if grid:
            query = query.where(InspectionObject.grid == grid)
        objects = list(session.scalars(query.order_by(InspectionObject.id)))
        object_ids = [o.id for o in objects]
        inspectors = [u.id for u in _roster(session, actor, today)]
        conflicts = sorted(
            (c.user_id, c.object_id)
            for c in session.scalars(
                select(InspectorConflict).where(InspectorConflict.object_id.in_(object_ids))
            )
        )
        previous = _previous_teams(session, object_ids)
        inputs = {
            "quotas": [_quota_json(q) for q in quotas],
            "objects": [[o.id, o.category, o.name] for o in objects],
            "inspectors": inspectors,
            "conflicts": [list(pair) for pair in conflicts],
            "previous_teams": {str(k): sorted(v) for k, v in previous.items()},
            "grid": grid or "",
        }
        outcome = run_draw(draw_input_from_record(inputs, seed))
        draw = InspectionDraw(
            agency_id=actor.agency_id, title=title, seed=seed, inputs=inputs, drawn_on=today,
            drawn_by=actor.user_id, drawn_at=ctx.now(),
        )  # fmt: skip
        session.add(draw)
        session.flush()
        for item in outcome.assignments:
            session.add(
                InspectionTask(
                    draw_id=draw.id,
                    object_id=item.object_id,
                    inspector_ids=list(item.inspector_ids),
                    outcome="pending",
                )  # fmt: skip
            )
        session.flush()
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspection_draw",
            entity="inspection_draw", entity_id=draw.id,
            payload={"title": title, "seed": seed, "assignments": [[a.object_id, list(a.inspector_ids)]
                                                                    for a in outcome.assignments]},
        )  # fmt: skip
        return _draw_view(session, draw)


def verify_draw(ctx: AppContext, actor: Actor, draw_id: int) -> bool:
    """Re-runs a recorded draw from its seed and inputs; True when it gives the recorded assignments."""
    with ctx.db.read() as session:
        draw = _load_draw(session, actor, draw_id)
        outcome = run_draw(draw_input_from_record(draw.inputs, draw.seed))
        tasks = session.scalars(select(InspectionTask).where(InspectionTask.draw_id == draw.id))
        recorded = sorted((t.object_id, tuple(t.inspector_ids)) for t in tasks)
        return recorded == sorted((a.object_id, a.inspector_ids) for a in outcome.assignments)


def _load_draw(session: Session, actor: Actor, draw_id: int) -> InspectionDraw:
    draw = session.get(InspectionDraw, draw_id)
    if draw is None or draw.agency_id != actor.agency_id:
        raise NotFound(f"抽查任务 #{draw_id} 不存在")
    return draw


def _task_view(session: Session, task: InspectionTask) -> TaskView:
    target = session.get(InspectionObject, task.object_id)
    names = tuple(session.get(User, uid).name for uid in task.inspector_ids)
    return TaskView(
        task.id, task.draw_id, target.id, target.name, target.code, target.category, target.address, names,
        task.outcome, task.note, task.inspected_on, task.publish_due_on, task.case_id,
    )  # fmt: skip


def _draw_view(session: Session, draw: InspectionDraw) -> DrawView:
    tasks = session.scalars(
        select(InspectionTask).where(InspectionTask.draw_id == draw.id).order_by(InspectionTask.id)
    )
    return DrawView(
        draw.id, draw.title, draw.seed, draw.drawn_on, draw.results_published_on,
        tuple(_task_view(session, t) for t in tasks),
    )  # fmt: skip


def get_draw(ctx: AppContext, actor: Actor, draw_id: int) -> DrawView:
    """One of the agency's draws with its tasks."""
    with ctx.db.read() as session:
        return _draw_view(session, _load_draw(session, actor, draw_id))


def list_draws(ctx: AppContext, actor: Actor) -> list[DrawView]:
    """The agency's draws, newest first."""
    with ctx.db.read() as session:
        draws = session.scalars(
            select(InspectionDraw)
            .where(InspectionDraw.agency_id == actor.agency_id)
            .order_by(InspectionDraw.id.desc())
        )
        return [_draw_view(session, d) for d in draws]


def _load_task(session: Session, actor: Actor, task_id: int) -> InspectionTask:
    task = session.get(InspectionTask, task_id)
    if task is None:
        raise NotFound(f"抽查对象任务 #{task_id} 不存在")
    _load_draw(session, actor, task.draw_id)  # refuses a task of another agency's draw
    return task


@allowed(Role.OFFICER, Role.HEAD, action="登记抽查结果")
def record_result(
    ctx: AppContext, actor: Actor, task_id: int, outcome: str, inspected_on: date, note: str = ""
) -> TaskView:
    """Enters an object's result; its publication falls due within the agency's results period."""
    if outcome not in OUTCOME_LABELS or outcome == "pending":
        choices = "、".join(f"{k}（{v}）" for k, v in OUTCOME_LABELS.items() if k != "pending")
        raise DomainError(f"未知的检查结果“{outcome}”，可选：{choices}")
    if inspected_on > ctx.today():
        raise DomainError("检查日期不能晚于今天")
    if outcome in ("finding", "corrected"):
        require_text(note, "发现的问题")
    with ctx.db.write() as session:
        task = _load_task(session, actor, task_id)
        if actor.role is Role.OFFICER and actor.user_id not in task.inspector_ids:
            raise DomainError("只有被抽中的检查人员可以登记该对象的检查结果")
        if task.case_id is not None:
            raise DomainError("该对象已据检查发现立案，结果不能再修改")
        _, settings = agency_settings(session, actor.agency_id)
        task.outcome, task.note, task.inspected_on = outcome, note.strip(), inspected_on
        task.publish_due_on = deadline("random_results", inspected_on, settings, calendar_for(settings)).due
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspection_result",
            entity="inspection_task", entity_id=task.id,
            payload={"outcome": outcome, "inspected_on": inspected_on, "note": task.note},
        )  # fmt: skip
        return _task_view(session, task)


def _party_for_object(ctx: AppContext, actor: Actor, target: ObjectView) -> int:
    from enforcement_desk.procedure.parties import PartyDraft, add_party

    if target.uscc:
        with ctx.db.read() as session:
            existing = session.scalars(
                select(Party.id).where(Party.agency_id == actor.agency_id, Party.id_number == target.uscc)
            ).first()
        if existing is not None:
            return existing
    party = add_party(
        ctx,
        actor,
        PartyDraft(
            "organisation",
            target.name,
            target.uscc,
            legal_representative=target.legal_representative,
            address=target.address,
            business_type=target.business_type,
        ),
    )
    return party.id


@allowed(Role.OFFICER, Role.HEAD, action="受理案件")
def open_case_from_finding(ctx: AppContext, actor: Actor, task_id: int, cause: str, facts: str = "") -> int:
    """A finding becomes a case in one step: party from the object, handlers = the two inspectors."""
    from enforcement_desk.procedure.cases import CaseDraft, create_case

    require_text(cause, "案由")
    with ctx.db.read() as session:
        task = _load_task(session, actor, task_id)
        if task.outcome not in ("finding", "corrected"):
            raise DomainError("只有登记为“发现问题”的检查结果才能转为案件")
        if task.case_id is not None:
            raise DomainError(f"该检查发现已立为案件 #{task.case_id}")
        target = _object_view(session.get(InspectionObject, task.object_id))
        draw = _load_draw(session, actor, task.draw_id)
        handlers, inspected_on, note, title = (
            tuple(task.inspector_ids),
            task.inspected_on,
            task.note,
            draw.title,
        )
    party_id = _party_for_object(ctx, actor, target)
    detail = create_case(
        ctx,
        actor,
        CaseDraft(
            source=CaseSource.INSPECTION,
            party_id=party_id,
            cause=cause,
            handler_ids=handlers,
            discovered_on=inspected_on,
            category=target.category,
            source_detail=f"双随机抽查“{title}”发现",
            location=target.address,
            facts=facts.strip() or note,
        ),
    )
    with ctx.db.write() as session:
        task = _load_task(session, actor, task_id)
        task.case_id = detail.id
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspection_finding_to_case",
            entity="inspection_task", entity_id=task.id, case_id=detail.id, payload={"cause": cause},
        )  # fmt: skip
    return detail.id


RESULT_HEADERS = (
    "抽查任务",
    "检查对象",
    "统一社会信用代码",
    "执法类别",
    "地址",
    "检查人员",
    "检查日期",
    "检查结果",
    "处理情况",
)


def export_results(ctx: AppContext, actor: Actor, draw_id: int, target: Path) -> Path:
    """The results for publication (XLSX or CSV by suffix); an object not yet inspected is refused."""
    with ctx.db.read() as session:
        draw = _load_draw(session, actor, draw_id)
        view = _draw_view(session, draw)
        usccs = {t.object_id: session.get(InspectionObject, t.object_id).uscc for t in view.tasks}
    pending = [t.object_name for t in view.tasks if t.outcome == "pending"]
    if pending:
        raise DomainError("尚有对象未登记检查结果，不能导出公示", details=pending)
    rows = [
        [view.title, t.object_name, usccs[t.object_id] or "无", CATEGORY_LABELS[t.category], t.address or "无",
         "、".join(t.inspectors), t.inspected_on.isoformat(), t.label,
         "已立案查处" if t.case_id else (t.note or "无")]
        for t in view.tasks
    ]  # fmt: skip
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        with target.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel reads Chinese CSV
            writer = csv.writer(out)
            writer.writerow(RESULT_HEADERS)
            writer.writerows(rows)
    elif target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "抽查结果"
        sheet.append(list(RESULT_HEADERS))
        for row in rows:
            sheet.append(row)
        book.save(target)
    else:
        raise DomainError("导出文件应为 .xlsx 或 .csv")
    return target


@allowed(Role.OFFICER, Role.HEAD, Role.ADMIN, action="登记抽查结果公示")
def mark_results_published(
    ctx: AppContext, actor: Actor, draw_id: int, published_on: date | None = None
) -> DrawView:
    """Record that the draw's results were published (一公开), on a day not after today, auditing it."""
    published_on = published_on or ctx.today()
    if published_on > ctx.today():
        raise DomainError("公示日期不能晚于今天")
    with ctx.db.write() as session:
        draw = _load_draw(session, actor, draw_id)
        if draw.results_published_on:
            raise DomainError(f"该抽查结果已于 {draw.results_published_on} 公示")
        draw.results_published_on = published_on
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="inspection_results_published",
            entity="inspection_draw", entity_id=draw.id, payload={"on": published_on},
        )  # fmt: skip
        return _draw_view(session, draw)


def overdue_result_publications(ctx: AppContext, actor: Actor) -> list[TaskView]:
    """Inspected objects whose results are still unpublished after the period (for the today view)."""
    today = ctx.today()
    with ctx.db.read() as session:
        rows = session.scalars(
            select(InspectionTask)
            .join(InspectionDraw, InspectionDraw.id == InspectionTask.draw_id)
            .where(
                InspectionDraw.agency_id == actor.agency_id,
                InspectionDraw.results_published_on.is_(None),
                InspectionTask.publish_due_on < today,
            )
            .order_by(InspectionTask.publish_due_on)
        )
        return [_task_view(session, t) for t in rows]
