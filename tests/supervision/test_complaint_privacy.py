"""投诉举报人身份保密: a complaint naming its reporter becomes a case; the case, every document issued on it
and the publicity export are free of the reporter, and only the handling officer and the heads read the
complaint's content and reporter — in the services, the terminal and the desk."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from enforcement_desk.cli import main as cli
from enforcement_desk.cli.output import to_jsonable
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import Outcome
from enforcement_desk.documents.service import document_kinds, export_document, issue_document
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.models import Case
from enforcement_desk.store.models_publicity import PublicityRecord
from enforcement_desk.supervision.complaints import (
    CONTENT_PROTECTED,
    PROTECTED,
    ComplaintDraft,
    add_complaint,
    convert_to_case,
    get_complaint,
    list_complaints,
)
from enforcement_desk.supervision.publicity import export_publicity
from enforcement_desk.supervision.reporter_privacy import refuse_reporter_identity, reporter_identities

REPORTER, PHONE, ID_NUMBER = "刘某某", "138 1234 5678", "37132319900307002X"
CONTENT = f"举报人{REPORTER}（电话{PHONE}）反映悦来宾馆客房床上用品未做到一客一换"
# What must never leave the complaint: the name, the phone however spaced, the ID number, the words.
SECRETS = (REPORTER, "13812345678", "138 1234 5678", ID_NUMBER, "一客一换")


def assert_free_of_reporter(text: str, where: str) -> None:
    squeezed = text.replace(" ", "").replace("\n", "")
    for secret in SECRETS:
        assert secret not in text and secret.replace(" ", "") not in squeezed, f"{where} 中出现了“{secret}”"


def converted(office) -> tuple[int, int]:
    """A complaint naming its reporter, received by 李娜 and handled by 王强, turned into a case by 王强."""
    complaint = add_complaint(office.ctx, office.officer2, ComplaintDraft(
        "电话", "沂水县悦来宾馆有限公司", CONTENT, office.officer.user_id, date(2026, 11, 2), reporter_name=REPORTER,
        reporter_phone=PHONE, reporter_id_number=ID_NUMBER.lower(), subject_address="长安路 88 号"))  # fmt: skip
    case_id = convert_to_case(office.ctx, office.officer, complaint.id, party_id=office.org_party_id,
                              cause="公共场所未按规定对顾客用品用具进行清洗消毒",
                              handler_ids=(office.officer.user_id, office.officer2.user_id))  # fmt: skip
    return complaint.id, case_id


def test_a_case_made_from_a_complaint_starts_with_empty_facts_and_names_only_the_complaint(sqlite_office):
    office = sqlite_office
    complaint_id, case_id = converted(office)
    case = get_case(office.ctx, office.officer, case_id)
    number = get_complaint(office.ctx, office.officer, complaint_id).number
    assert case.facts == "" and case.source_detail == f"投诉举报（登记号 {number}）"
    assert_free_of_reporter(json.dumps(to_jsonable(case), ensure_ascii=False), "案件详情")
    with office.ctx.db.read() as session:
        row = session.get(Case, case_id)
        stored = " ".join(str(getattr(row, column.key)) for column in Case.__table__.columns)
        assert reporter_identities(session, case_id)[0].id_number == ID_NUMBER  # kept upper-case, once
    assert_free_of_reporter(stored, "案件记录（数据库）")
    done = get_complaint(office.ctx, office.head, complaint_id)
    assert (done.status, done.case_id, done.content) == ("converted", case_id, CONTENT)


def test_only_the_handling_officer_and_the_heads_read_the_complaint(sqlite_office):
    office = sqlite_office
    complaint_id, _ = converted(office)
    for reader in (office.officer, office.head, office.head2):
        view = get_complaint(office.ctx, reader, complaint_id)
        assert (view.content, view.reporter, view.reporter_id_number) == (
            CONTENT,
            f"{REPORTER} {PHONE}",
            ID_NUMBER,
        )
        assert not view.restricted
    # 李娜 took the call and is the case's second handler; the complaint is still not hers to read.
    for outsider in (office.officer2, office.officer3, office.reviewer, office.admin):
        for view in (
            get_complaint(office.ctx, outsider, complaint_id),
            *list_complaints(office.ctx, outsider),
        ):
            assert view.restricted and (view.content, view.reporter) == (CONTENT_PROTECTED, PROTECTED)
            assert view.subject_name == "沂水县悦来宾馆有限公司" and view.channel == "电话"  # that it exists
            assert_free_of_reporter(
                json.dumps(to_jsonable(view), ensure_ascii=False), f"{outsider.login} 看到的投诉举报"
            )


def test_a_cause_naming_the_reporter_is_refused_and_no_case_is_made(sqlite_office):
    office = sqlite_office
    complaint = add_complaint(office.ctx, office.officer, ComplaintDraft(
        "来访", "沂水县仁和诊所", "无证行医", office.officer.user_id, date(2026, 11, 2), reporter_name="孙某"))  # fmt: skip
    with pytest.raises(
        DomainError, match="“案由”中含有投诉举报人的姓名，不能用于案件信息；投诉举报人的身份依法保密"
    ):
        convert_to_case(office.ctx, office.officer, complaint.id, party_id=office.org_party_id, cause="孙 某举报无证行医",
                        handler_ids=(office.officer.user_id, office.officer2.user_id))  # fmt: skip
    assert get_complaint(office.ctx, office.officer, complaint.id).status == "open"


def test_the_refusal_names_the_field_and_every_other_leak(sqlite_office):
    office = sqlite_office
    _, case_id = converted(office)
    with office.ctx.db.read() as session:
        refuse_reporter_identity(session, case_id, {"违法事实": "经查，当事人床上用品未更换。"}, "文书")
        refuse_reporter_identity(
            session, case_id + 99, {"违法事实": CONTENT}, "文书"
        )  # no complaint, no identity
        with pytest.raises(DomainError) as refused:
            refuse_reporter_identity(
                session, case_id, {"违法事实": "刘 某 某称", "证据摘要": "电话：138-1234-5678"}, "文书"
            )
    error = refused.value
    assert error.message == (
        "“违法事实”中含有投诉举报人的姓名，不能用于文书；投诉举报人的身份依法保密（《行政处罚法》第五十条及投诉举报处理规定）"
    )
    assert error.details == ["“证据摘要”中含有投诉举报人的联系电话"]


def _texts(office, document_id: int, tmp_path) -> str:
    pdf = export_document(office.ctx, office.officer, document_id, tmp_path / f"{document_id}.pdf")
    docx = export_document(office.ctx, office.officer, document_id, tmp_path / f"{document_id}.docx", "docx")
    body = Document(str(docx))
    return "\n".join(
        ["\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)]
        + [p.text for p in body.paragraphs]
        + [cell.text for table in body.tables for row in table.rows for cell in row.cells]
    )


def _issue_everything(office, case_id: int, issued: dict[str, str], tmp_path) -> None:
    """Every kind the services issue at this step; the ones refused for the step are simply not made."""
    for kind in document_kinds(office.ctx):
        if kind.key in issued:
            continue
        try:
            document = issue_document(office.ctx, office.officer, case_id, kind.key)
        except DomainError:
            continue
        issued[kind.key] = _texts(office, document.id, tmp_path)


def test_no_document_and_no_publicity_row_of_the_case_carries_the_reporter(sqlite_office, tmp_path):
    office = sqlite_office
    _, case_id = converted(office)
    issued: dict[str, str] = {}
    steps = [
        (date(2026, 11, 3), office.head, "file", {"opinion": "同意立案"}),
        (date(2026, 11, 5), office.officer, "close_investigation", {}),
        (date(2026, 11, 5), office.officer, "deliberate", {}),
        (date(2026, 11, 6), office.officer, "send_prior_notice", {"served_on": date(2026, 11, 6)}),
        (None, office.head, "decide", {}),  # the first day after the defence and hearing-request periods
        (None, office.officer, "serve", {"method": "直接送达", "recipient": "刘某"}),
        (None, office.officer, "record_payment", {"amount": "1000", "receipt_no": "NS2026-0815"}),
        (None, office.head, "close", {"summary": "罚款已全额缴纳，违法行为已改正"}),
        (None, office.officer, "archive", {}),
    ]
    _issue_everything(office, case_id, issued, tmp_path)
    for day, actor, action, params in steps:
        case = get_case(office.ctx, office.officer, case_id)
        if day is not None:
            office.at(day)
        elif action == "decide":
            waits = [
                d.due_on
                for d in case.deadlines
                if d.key in ("defence", "hearing_request") and d.status == "open"
            ]
            office.at(max(waits) + timedelta(days=1))
        advance(office.ctx, actor, case_id, action, params)
        if action == "file":  # what the inspection found: the 卫生监督意见书 and every later document state it
            case = get_case(office.ctx, office.officer, case_id)
            update_case(office.ctx, office.officer, case_id, case.version,
                        facts="经查，当事人经营的宾馆客房床上用品未按规定清洗消毒后更换。",
                        evidence_summary="现场笔录、询问笔录、现场照片 4 张")  # fmt: skip
            set_proposal(office.ctx, office.officer, case_id, case.version + 1, Proposal(
                Outcome.PENALTY, ("警告", "罚款"), fine=Decimal("1000"), level="一般",
                violated_provision="《公共场所卫生管理条例实施细则》第十四条第一款",
                legal_basis="《公共场所卫生管理条例实施细则》第三十六条"))  # fmt: skip
        _issue_everything(office, case_id, issued, tmp_path)

    made = {"case_acceptance", "filing_report", "supervision_opinion", "inquiry_record", "investigation_report",
            "prior_notice", "penalty_decision", "service_receipt", "closing_report", "case_file_index"}  # fmt: skip
    assert made <= set(issued), sorted(made - set(issued))
    for kind, text in issued.items():
        assert_free_of_reporter(text, f"文书 {kind}")
    assert "未按规定清洗消毒" in issued["penalty_decision"]  # the facts the officers wrote are there

    exported = export_publicity(office.ctx, office.head, tmp_path / "公示.xlsx")
    rows = list(load_workbook(exported).active.iter_rows(values_only=True))
    assert len(rows) == 2 and "未按规定清洗消毒" in str(rows[1])
    assert_free_of_reporter(str(rows), "公示导出")


def test_a_publicity_row_naming_the_reporter_is_not_exported(sqlite_office, tmp_path):
    """An old record (made before the facts were cleaned) must not reach the platform."""
    office = sqlite_office
    _, case_id = converted(office)
    with office.ctx.db.write() as session:
        session.add(PublicityRecord(
            agency_id=office.admin.agency_id, case_id=case_id, kind="publish", due_on=date(2026, 11, 11),
            fields={"decision_no": "沂卫公罚〔2026〕1号", "facts": f"据{REPORTER}反映，当事人未更换床上用品"},
            reason="", created_at=office.ctx.now()))  # fmt: skip
    target = tmp_path / "公示.csv"
    with pytest.raises(
        DomainError, match="“违法事实”中含有投诉举报人的姓名，不能用于行政处罚信息公示（决定书 沂卫公罚"
    ):
        export_publicity(office.ctx, office.head, target)
    assert not target.exists()


@pytest.fixture
def run(sqlite_office, monkeypatch, capsys):
    from conftest import PASSWORD

    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    url = sqlite_office.ctx.db.url

    def invoke(user: str, *args: str) -> str:
        assert cli.main(["--db", url, "--user", user, *args]) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    return invoke


def test_the_terminal_shows_the_complaint_to_its_handler_and_only_that_it_exists_to_others(
    sqlite_office, run
):
    complaint_id, case_id = converted(sqlite_office)
    for login in ("zhou", "li", "admin"):  # the reviewer, the case's second handler, the administrator
        for args in (("--json", "complaint", "list"), ("complaint", "list"),
                     ("--json", "complaint", "show", str(complaint_id)), ("complaint", "show", str(complaint_id))):  # fmt: skip
            out = run(login, *args)
            assert "沂水县悦来宾馆有限公司" in out
            assert_free_of_reporter(out, f"{login} 的 {' '.join(args)}")
        assert CONTENT_PROTECTED in run(login, "complaint", "show", str(complaint_id))
    shown = json.loads(run("wang", "--json", "complaint", "show", str(complaint_id)))
    assert (shown["content"], shown["reporter_id_number"], shown["case_id"]) == (CONTENT, ID_NUMBER, case_id)
    assert REPORTER in run("chen", "complaint", "show", str(complaint_id))
    assert_free_of_reporter(run("li", "--json", "case", "show", f"#{case_id}"), "case show")
