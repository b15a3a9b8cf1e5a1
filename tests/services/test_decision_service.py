"""送达决定书 by method, with what 卫生健康行政处罚程序规定 (2025) arts. 53–58 ask on
record: 留置送达 the refusal and witnesses or a photo/video record (art. 55); 委托/邮寄 the receipt, whose date
is the date of service (art. 56); 电子送达 the signed consent and the record (art. 57); 公告送达 deemed served
thirty days after the notice, the date computed. A refusal names the article and saves nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case
from docx import Document
from sqlalchemy import select

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.cli import main as cli
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.documents.service import export_document, issue_document
from enforcement_desk.evidence.service import add_evidence, void_evidence
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.models import AuditEvent
from enforcement_desk.store.models_steps import DecisionService

RULE = "《卫生健康行政处罚程序规定》"


def _decided(office) -> int:
    """A fine decided on 2026-11-10, not yet served."""
    case = new_case(office)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    update_case(
        office.ctx,
        office.officer,
        case.id,
        get_case(office.ctx, office.officer, case.id).version,
        facts="事实",
    )
    advance(office.ctx, office.officer, case.id, "close_investigation")
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告", "罚款"), Decimal("3000"), **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-03"})
    office.at(date(2026, 11, 10))
    advance(office.ctx, office.head, case.id, "decide")
    return case.id


def _photo(office, case_id: int, tmp_path, name: str = "留置送达现场.jpg") -> int:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff photo of the decision left at the door" + name.encode())
    return add_evidence(office.ctx, office.officer, case_id, path, evidence_type="视听资料").id


def _services(office, case_id: int) -> list[DecisionService]:
    with office.ctx.db.read() as session:
        rows = session.scalars(select(DecisionService).where(DecisionService.case_id == case_id)).all()
        session.expunge_all()
        return list(rows)


def _refused(office, case_id: int, params: dict, message: str, article: str | None) -> None:
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match=message) as refused:
        advance(office.ctx, office.officer, case_id, "serve", params)
    if article is not None:
        assert refused.value.rule and article in refused.value.rule
    assert db_snapshot(office, case_id) == before and _services(office, case_id) == []


def test_service_left_at_the_residence_needs_the_refusal_and_witnesses_or_a_record(office, tmp_path):
    case_id = _decided(office)
    art55 = f"{RULE}第五十五条"
    _refused(office, case_id, {"method": "留置送达", "witnesses": "张某"}, "拒收事由", art55)
    _refused(office, case_id, {"method": "留置送达", "refusal_reason": "拒不签收"}, "见证人", art55)
    photo = _photo(office, case_id, tmp_path)
    void_evidence(office.ctx, office.officer, photo, "拍摄对象有误")
    _refused(office, case_id, {"method": "留置送达", "refusal_reason": "拒不签收", "evidence": str(photo)},
             f"证据 #{photo} 不是本案现存的证据", None)  # fmt: skip
    other = new_case(office).id
    elsewhere = _photo(office, other, tmp_path, "另一案件.jpg")
    _refused(office, case_id, {"method": "留置送达", "refusal_reason": "拒不签收", "evidence": f"#{elsewhere}"},
             "不是本案现存的证据", None)  # fmt: skip
    _refused(office, case_id, {"method": "留置送达", "refusal_reason": "拒不签收", "evidence": "十二"}, "证据编号应为数字",
             None)  # fmt: skip
    recorded = _photo(office, case_id, tmp_path, "留置送达录像.jpg")
    detail = advance(office.ctx, office.officer, case_id, "serve", {
        "method": "留置送达", "refusal_reason": "法定代表人拒不签收", "witnesses": "村委会主任张某、李某",
        "evidence": f"#{recorded}", "served_on": "2026-11-10", "recipient": "刘某",
    })  # fmt: skip
    assert detail.stage is Stage.SERVED and detail.served_on == date(2026, 11, 10)
    (row,) = _services(office, case_id)
    assert (row.method, row.refusal_reason, row.witnesses, row.evidence_ids, row.recipient) == (
        "留置送达",
        "法定代表人拒不签收",
        ["村委会主任张某", "李某"],
        [recorded],
        "刘某",
    )
    assert verify_all(office.ctx, office.admin).ok
    # The 送达回执 records it: the refusal, the witnesses and the recording, not a blank line.
    receipt = issue_document(office.ctx, office.officer, case_id, "service_receipt")
    printed = export_document(office.ctx, office.officer, receipt.id, tmp_path / "回执.docx", fmt="docx")
    text = "".join(p.text for p in Document(str(printed)).paragraphs)
    assert "送达方式：留置送达" in text and "拒收事由：法定代表人拒不签收" in text
    assert "见证人：村委会主任张某、李某" in text and f"证据#{recorded}" in text and "第五十五条" in text


def test_a_photo_or_video_alone_suffices_for_service_left_at_the_residence(office, tmp_path):
    case_id = _decided(office)
    photo = _photo(office, case_id, tmp_path)
    advance(office.ctx, office.officer, case_id, "serve",
            {"method": "留置送达", "refusal_reason": "无人应门后张贴", "evidence": str(photo)})  # fmt: skip
    (row,) = _services(office, case_id)
    assert row.witnesses == [] and row.evidence_ids == [photo]


@pytest.mark.parametrize("method", ["邮寄送达", "委托送达"])
def test_service_by_post_or_by_another_agency_takes_the_date_on_the_receipt(office, method):
    case_id = _decided(office)
    art56 = f"{RULE}第五十六条"
    _refused(office, case_id, {"method": method, "served_on": "2026-11-10"}, "请登记回执", art56)
    _refused(office, case_id, {"method": method, "receipt_ref": "EMS 1190 2345 678"}, "收件日期", art56)
    office.at(date(2026, 11, 14))
    detail = advance(office.ctx, office.officer, case_id, "serve",
                     {"method": method, "receipt_ref": "EMS 1190 2345 678", "served_on": "2026-11-13"})  # fmt: skip
    assert detail.served_on == date(2026, 11, 13)
    (row,) = _services(office, case_id)
    assert (row.receipt_ref, row.served_on) == ("EMS 1190 2345 678", date(2026, 11, 13))
    (payment,) = [d for d in detail.deadlines if d.key == "payment"]
    assert payment.start_on == date(2026, 11, 13) and payment.due_on == date(
        2026, 11, 30
    )  # 11-28 is a Saturday


def test_electronic_service_needs_the_signed_consent_and_the_record_of_art_57(office, tmp_path):
    case_id = _decided(office)
    art57 = f"{RULE}第五十七条"
    _refused(office, case_id, {"method": "电子送达", "consent": True}, "签订确认书", art57)
    _refused(
        office,
        case_id,
        {"method": "电子送达", "consent_ref": "确认书 2026-11-05"},
        "拍照、截屏、录音、录像",
        art57,
    )
    screenshot = _photo(office, case_id, tmp_path, "送达短信截屏.png")
    advance(office.ctx, office.officer, case_id, "serve", {
        "method": "电子送达", "consent_ref": "电子送达地址确认书（2026-11-05 签署）", "evidence": [screenshot],
        "served_on": "2026-11-10",
    })  # fmt: skip
    (row,) = _services(office, case_id)
    assert (row.consent_ref, row.evidence_ids) == ("电子送达地址确认书（2026-11-05 签署）", [screenshot])


def test_public_notice_is_deemed_served_thirty_days_on_and_the_date_is_computed(office):
    case_id = _decided(office)
    rule = "《中华人民共和国民事诉讼法》第九十五条"
    notice = {"method": "公告送达", "notice_reason": "当事人下落不明，邮寄被退回", "publication": "沂水县人民政府网站",
              "published_on": "2026-11-12"}  # fmt: skip
    _refused(office, case_id, {**notice, "notice_reason": ""}, "请写明原因", rule)
    _refused(office, case_id, {**notice, "publication": ""}, "公告的方式和载体", rule)
    _refused(
        office, case_id, {k: v for k, v in notice.items() if k != "published_on"}, "公告发出的日期", rule
    )
    _refused(office, case_id, {**notice, "published_on": "2026-11-09"}, "早于决定日期", None)
    office.at(date(2026, 11, 12))
    # 11-12 + 30 days = Saturday 12-12: a period's last day on a rest day moves to Monday 12-14
    _refused(office, case_id, {**notice, "served_on": "2026-11-12"}, "送达日期为 2026-12-14", rule)
    detail = advance(office.ctx, office.officer, case_id, "serve", notice)
    assert detail.stage is Stage.SERVED and detail.served_on == date(2026, 12, 14)
    (row,) = _services(office, case_id)
    assert (row.published_on, row.served_on, row.publication) == (date(2026, 11, 12), date(2026, 12, 14),
                                                                   "沂水县人民政府网站")  # fmt: skip
    (payment,) = [d for d in detail.deadlines if d.key == "payment"]
    assert payment.start_on == date(2026, 12, 14)  # the 15 days to pay run from the deemed service
    assert verify_all(office.ctx, office.admin).ok


def test_direct_service_is_recorded_as_before_with_its_row(office):
    case_id = _decided(office)
    detail = advance(
        office.ctx, office.officer, case_id, "serve", {"method": "直接送达", "recipient": "刘某"}
    )
    assert detail.served_on == date(2026, 11, 10)
    (row,) = _services(office, case_id)
    assert (row.method, row.recipient, row.witnesses, row.evidence_ids) == ("直接送达", "刘某", [], [])
    with office.ctx.db.read() as session:
        payload = json.loads(
            session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "stage:serve")).one()
        )
    assert payload["records"][0]["table"] == "decision_services"


def test_service_from_a_terminal(sqlite_office, sqlite_url, capsys, monkeypatch):
    office = sqlite_office
    case_id = _decided(office)
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", "test-pass-123")
    monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", "2026-11-10")

    def run(user: str, *params: str) -> tuple[int, str]:
        code = cli.main(["--db", sqlite_url, "--evidence-dir", str(office.ctx.evidence_dir), "--user", user,
                         "case", "advance", f"#{case_id}", "serve", "--param", *params])  # fmt: skip
        out, err = capsys.readouterr()
        return code, out + err

    code, text = run("wang", "method=留置送达", "witnesses=张某")
    assert code == 1 and "拒收事由" in text and "第五十五条" in text
    code, text = run("wang", "method=电子送达", "consent=yes")
    assert code == 1 and "第五十七条" in text and "第六十一条" not in text
    code, text = run("zhou", "method=直接送达")
    assert code == 1
    assert _services(office, case_id) == []
    code, text = run(
        "wang", "method=留置送达", "refusal_reason=拒不签收", "witnesses=张某、李某", "recipient=刘某"
    )
    assert code == 0, text
    assert [(r.method, r.witnesses) for r in _services(office, case_id)] == [("留置送达", ["张某", "李某"])]
