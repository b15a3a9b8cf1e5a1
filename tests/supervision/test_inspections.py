"""双随机、一公开 in the store: objects imported from XLSX, a recorded draw that re-runs to the same
result, avoidance across consecutive draws, results, a finding opened as a case, the results export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PASSWORD
from openpyxl import Workbook, load_workbook

from enforcement_desk.admin.users import UserDraft, add_user
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CaseSource
from enforcement_desk.core.supervision.random_draw import CategoryQuota
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.store.models import AuditEvent
from enforcement_desk.supervision.inspections import (
    declare_conflict,
    draw_inspections,
    export_results,
    get_draw,
    import_objects,
    list_inspectors,
    list_objects,
    mark_results_published,
    open_case_from_finding,
    overdue_result_publications,
    record_result,
    verify_draw,
)

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "inspection_objects_sample.xlsx"


@pytest.fixture
def library(office):
    report = import_objects(office.ctx, office.officer, SAMPLE)
    assert (report.added, report.updated, report.rejected) == (12, 0, ())
    return office


def test_the_sample_sheet_imports_and_a_second_import_updates_by_code(library, tmp_path):
    office = library
    assert {o.category for o in list_objects(office.ctx, office.officer)} == {"公", "医", "水"}
    book = Workbook()
    sheet = book.active
    sheet.append(["编码", "名称", "执法类别", "风险等级", "统一社会信用代码"])
    sheet.append(["GC-001", "沂水县悦来宾馆有限公司（更名）", "公共场所卫生", "高风险", None])
    sheet.append(["GC-900", "无类别的对象", "美食", "中", None])
    sheet.append(["GC-901", "代码错误的对象", "公", "中", "91371323MA3C7X2Y10"])
    book.save(tmp_path / "更新.xlsx")
    report = import_objects(office.ctx, office.officer, tmp_path / "更新.xlsx")
    assert (report.added, report.updated) == (0, 1)
    assert [r.split("：")[0] for r in report.rejected] == ["第 3 行", "第 4 行"]
    renamed = [o for o in list_objects(office.ctx, office.officer) if o.code == "GC-001"][0]
    assert renamed.name.endswith("（更名）") and renamed.risk_level == "高"


def test_a_sheet_without_the_required_columns_is_refused(sqlite_office, tmp_path):
    book = Workbook()
    book.active.append(["名称", "地址"])
    book.save(tmp_path / "缺列.xlsx")
    with pytest.raises(DomainError, match="缺少列：编码、执法类别"):
        import_objects(sqlite_office.ctx, sqlite_office.officer, tmp_path / "缺列.xlsx")


def test_the_roster_holds_officers_with_a_valid_certificate(library):
    office = library
    office.at(date(2027, 1, 4))  # 赵磊's certificate ran out on 2026-12-31
    assert [name for _, name, _ in list_inspectors(office.ctx, office.head)] == ["王强", "李娜"]


def test_a_recorded_draw_re_runs_to_the_same_result_and_names_its_seed(library):
    office = library
    draw = draw_inspections(
        office.ctx, office.head, "2026年第四季度公共场所抽查",
        [CategoryQuota("公", ratio=Decimal("0.4")), CategoryQuota("水", count=1)], seed="沂卫-2026-Q4",
    )  # fmt: skip
    assert draw.seed == "沂卫-2026-Q4"
    assert [t.category for t in draw.tasks].count("公") == 2 and len(draw.tasks) == 3
    assert all(len(t.inspectors) == 2 for t in draw.tasks)
    assert verify_draw(office.ctx, office.head, draw.id)
    with pytest.raises(DomainError, match="负责人"):
        draw_inspections(office.ctx, office.officer, "x", [CategoryQuota("公", count=1)])


def test_the_next_draw_avoids_the_previous_team_and_declared_conflicts(library):
    office = library
    quota = [CategoryQuota("医", count=1)]
    first = draw_inspections(office.ctx, office.head, "第一次", quota, seed="same")
    target = first.tasks[0]
    # Three officers: after a team of two, only one is left for the same object, so the draw is refused.
    with pytest.raises(DomainError, match="不足两人"):
        draw_inspections(office.ctx, office.head, "第二次", quota, seed="same")
    add_user(
        office.ctx,
        office.admin,
        UserDraft("sun", "孙丽", Role.OFFICER, PASSWORD, "3713002023009", date(2029, 1, 1)),
    )
    second = draw_inspections(office.ctx, office.head, "第二次", quota, seed="same")
    assert second.tasks[0].object_id == target.object_id
    assert len(second.tasks[0].inspectors) == 2
    assert not set(second.tasks[0].inspectors) & set(target.inspectors)


def test_a_draw_that_cannot_staff_an_object_after_avoidance_is_refused(library):
    office = library
    objects = {o.code: o.id for o in list_objects(office.ctx, office.officer)}
    declare_conflict(
        office.ctx, office.officer, objects["SS-001"], office.officer.user_id, "配偶在该水厂任职"
    )
    with pytest.raises(DomainError, match="本人"):
        declare_conflict(office.ctx, office.officer, objects["SS-001"], office.officer2.user_id, "代报")
    declare_conflict(office.ctx, office.head, objects["SS-001"], office.officer2.user_id, "曾在该水厂工作")
    with pytest.raises(DomainError, match="不足两人") as refused:
        draw_inspections(office.ctx, office.head, "水厂专项", [CategoryQuota("水", ratio=Decimal(1))])
    assert refused.value.details == ["沂水县城区水厂"]


def test_results_a_finding_becomes_a_case_and_the_export_is_complete(library, tmp_path):
    office = library
    draw = draw_inspections(
        office.ctx, office.head, "医疗机构抽查", [CategoryQuota("医", count=2)], seed="s1"
    )
    finding, clean = draw.tasks
    officer = office.officer if office.officer.name in finding.inspectors else office.officer3
    if office.officer2.name in finding.inspectors:
        officer = office.officer2
    with pytest.raises(DomainError, match="发现的问题"):
        record_result(office.ctx, officer, finding.id, "finding", date(2026, 11, 2))
    result = record_result(
        office.ctx, officer, finding.id, "finding", date(2026, 11, 2), "使用非卫生技术人员"
    )
    assert result.publish_due_on == date(2026, 11, 30)  # 20 working days
    with pytest.raises(DomainError, match="未登记检查结果"):
        export_results(office.ctx, office.head, draw.id, tmp_path / "结果.xlsx")
    record_result(office.ctx, office.head, clean.id, "compliant", date(2026, 11, 2))
    case_id = open_case_from_finding(
        office.ctx, officer, finding.id, "使用非卫生技术人员从事医疗卫生技术工作"
    )
    case = get_case(office.ctx, officer, case_id)
    assert case.source is CaseSource.INSPECTION or case.source == CaseSource.INSPECTION
    assert {h.name for h in case.handlers} == set(finding.inspectors)
    with pytest.raises(DomainError, match="已立为案件"):
        open_case_from_finding(office.ctx, officer, finding.id, "再次")
    sheet = load_workbook(export_results(office.ctx, office.head, draw.id, tmp_path / "结果.xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and all(cell not in (None, "") for row in rows for cell in row)
    assert "已立案查处" in rows[1] + rows[2]
    office.at(date(2026, 12, 1))
    assert {t.id for t in overdue_result_publications(office.ctx, office.head)} == {finding.id, clean.id}
    mark_results_published(office.ctx, office.head, draw.id)
    assert overdue_result_publications(office.ctx, office.head) == []
    assert get_draw(office.ctx, office.head, draw.id).results_published_on == date(2026, 12, 1)


def test_every_draw_and_result_is_in_the_audit_chain(library):
    office = library
    draw = draw_inspections(office.ctx, office.head, "审计", [CategoryQuota("公", count=1)], seed="audit")
    with office.ctx.db.read() as session:
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert "inspection_objects_imported" in actions and actions[-1] == "inspection_draw"
    assert draw.tasks
