"""Verifiable paper: an issued document's QR code and 校验码, checked by `document verify` from the file or
from the code typed off the paper, against a real demo register."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_office
from pypdf import PdfReader

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.service import export_document, issue_document, void_document
from enforcement_desk.documents.verification import (
    QR_SIZE_MM,
    Code,
    content_digest,
    grouped,
    parse_typed,
    verify_document,
)
from enforcement_desk.procedure.cases import find_case_id
from enforcement_desk.store.models import DocumentRecord

ARCHIVED_CASE = "2026-0025"  # the demo's water-supply case carried to the archive
NOTICE_CASE = "2026-0009"  # at 事先告知: a 事先告知书 can be issued, corrected and voided


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    ctx = AppContext.open(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "evidence")
    build_demo(ctx)
    officer = login(ctx, "wangqiang", DEMO_PASSWORD)
    decision = issue_document(ctx, officer, find_case_id(ctx, officer, ARCHIVED_CASE), "penalty_decision")
    pdf = export_document(ctx, officer, decision.id, folder / "决定书.pdf")
    yield ctx, officer, decision, pdf
    ctx.close()


def _record(ctx, document_id: int) -> DocumentRecord:
    with ctx.db.read() as session:
        record = session.get(DocumentRecord, document_id)
        session.expunge(record)
        return record


def test_the_issued_pdf_verifies_and_carries_its_code_on_every_page(demo):
    ctx, _, decision, pdf = demo
    record = _record(ctx, decision.id)
    code = Code(decision.number, content_digest(record.content))
    reader = PdfReader(pdf)
    assert all(f"校验码 {grouped(code.digest)}" in page.extract_text() for page in reader.pages)
    assert reader.metadata["/Keywords"] == code.payload
    result = verify_document(ctx, str(pdf))
    assert (result.ok, result.verdict, result.document.id) == (True, "match", decision.id)
    assert result.message.startswith("一致：") and decision.number in result.message
    assert f"第 {decision.version} 版" in result.message and "现行有效" in result.notes


def test_the_docx_carries_the_code_in_its_footer_and_verifies(demo, tmp_path):
    from docx import Document

    ctx, officer, decision, _ = demo
    docx = export_document(ctx, officer, decision.id, tmp_path / "决定书.docx", "docx")
    footer = "\n".join(p.text for p in Document(docx).sections[0].footer.paragraphs)
    assert f"{decision.number} · 校验码 " in footer
    assert verify_document(ctx, str(docx)).ok
    edited = tmp_path / "另存.docx"
    document = Document(docx)
    document.paragraphs[-1].add_run("另加的一句")
    document.save(edited)
    changed = verify_document(ctx, str(edited))
    assert (changed.ok, changed.verdict) == (False, "altered") and decision.number in changed.message
    assert any("Word/WPS" in note for note in changed.notes)


def test_the_qr_code_on_the_page_is_the_registered_payload(demo, tmp_path):
    """The picture on the page, module by module, is the QR symbol of the payload the register computes."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler) is not installed")
    from PIL import Image
    from reportlab.graphics.barcode import qrencoder

    ctx, _, decision, pdf = demo
    payload = Code(decision.number, content_digest(_record(ctx, decision.id).content)).payload
    symbol = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    symbol.addData(payload)
    symbol.make()
    count = symbol.getModuleCount()
    dpi = 300
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-gray", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)  # fmt: skip
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    px = dpi / 25.4
    left, top, module = (210 - 26 - QR_SIZE_MM) * px, (297 - 6 - QR_SIZE_MM) * px, QR_SIZE_MM * px / count
    drawn = [
        [
            page.getpixel((int(left + (c + 0.5) * module), int(top + (r + 0.5) * module))) < 128
            for c in range(count)
        ]
        for r in range(count)
    ]
    assert drawn == [[bool(m) for m in row] for row in symbol.modules]


def test_a_copy_with_one_changed_byte_is_refused_and_named(demo, tmp_path):
    ctx, _, decision, pdf = demo
    data = bytearray(pdf.read_bytes())
    data[data.find(b"stream") + 200] ^= 1  # inside the first page's compressed text
    flipped = tmp_path / "改动.pdf"
    flipped.write_bytes(bytes(data))
    result = verify_document(ctx, str(flipped))
    assert not result.ok and result.verdict in ("altered", "damaged")
    assert result.message.startswith(("不一致", "文件已损坏或被改动"))
    appended = tmp_path / "追加.pdf"
    appended.write_bytes(pdf.read_bytes() + b"\n% one more line")
    named = verify_document(ctx, str(appended))
    assert (named.ok, named.verdict) == (False, "altered")
    assert f"此文件自称 {decision.number}" in named.message and "可能被改动" in named.message


def test_a_pdf_without_a_code_and_an_unreadable_file_are_refused(demo, tmp_path):
    from enforcement_desk.documents.content import RenderedDocument
    from enforcement_desk.documents.pdf import render_pdf

    ctx = demo[0]
    foreign = tmp_path / "外来.pdf"
    foreign.write_bytes(
        render_pdf(RenderedDocument("x", "通知", "某机关", "", ("正文",), None, (), (), False))
    )
    assert verify_document(ctx, str(foreign)).verdict == "no_code"
    junk = tmp_path / "乱码.pdf"
    junk.write_bytes(b"%PDF-1.4\n garbage")
    assert verify_document(ctx, str(junk)).verdict == "damaged"
    with pytest.raises(DomainError, match="文件不存在"):
        verify_document(ctx, str(tmp_path / "没有.pdf"))


def test_the_code_typed_from_paper_verifies_in_any_case_and_spacing(demo):
    ctx, _, decision, _ = demo
    digest = content_digest(_record(ctx, decision.id).content)
    short = grouped(digest)
    for typed in (short.lower().replace("-", " "), short.replace("-", ""), f"{decision.number} · 校验码 {short}",
                  f"{decision.number}{short.lower()}", short.translate(str.maketrans("0123456789ABCDEF-", "０１２３４５６７８９ＡＢＣＤＥＦ－"))):  # fmt: skip
        result = verify_document(ctx, typed)
        assert (result.ok, result.document.id) == (True, decision.id), typed
    wrong_number = verify_document(ctx, f"沂卫医罚〔2026〕999号 {short}")
    assert (wrong_number.ok, wrong_number.verdict) == (False, "wrong_number")
    unknown = verify_document(ctx, "0000-0000-0000-0000")
    assert (unknown.ok, unknown.message) == (False, "登记簿中没有此校验码：请核对输入，或向出具机关核实")
    with pytest.raises(DomainError, match="16 位"):
        verify_document(ctx, "3F9A-C21B")


def test_typed_codes_are_read_from_the_end_after_a_number_that_ends_in_digits():
    assert parse_typed("2026-001 3f9a-c21b-77d0-5e41") == Code("2026-001", "3f9ac21b77d05e41")
    assert parse_typed("编号：2026-001 · 校验码 3F9A C21B 77D0 5E41") == Code("2026-001", "3f9ac21b77d05e41")
    full = "ab" * 32
    assert parse_typed(f"ED1|沂卫医罚〔2026〕1号|{full}") == Code("沂卫医罚〔2026〕1号", full)


def test_a_corrected_version_says_superseded_and_a_voided_one_is_refused(demo, tmp_path):
    ctx = demo[0]
    officer = login(ctx, "zhaolei", DEMO_PASSWORD)  # a handler of the demo's cases at 事先告知
    case_id = find_case_id(ctx, officer, NOTICE_CASE)
    first = issue_document(ctx, officer, case_id, "prior_notice")
    first_pdf = export_document(ctx, officer, first.id, tmp_path / "v1.pdf")
    time.sleep(1.1)  # the PDF's creation time, to the second, keeps the two versions' files apart
    corrected = issue_document(ctx, officer, case_id, "prior_notice", correction="当事人名称有误")
    old = verify_document(ctx, str(first_pdf))
    assert (old.ok, old.verdict, old.document.version) == (True, "match", first.version)
    assert f"已被第 {corrected.version} 版更正（请以现行版本为准）" in old.notes
    current_pdf = export_document(ctx, officer, corrected.id, tmp_path / "v2.pdf")
    assert "现行有效" in verify_document(ctx, str(current_pdf)).notes
    void_document(ctx, login(ctx, "chenjun", DEMO_PASSWORD), corrected.id, "送达对象错误")
    voided = verify_document(ctx, str(current_pdf))
    assert (voided.ok, voided.verdict) == (False, "voided")
    assert "已作废（送达对象错误）：不再具有效力" in voided.notes


def test_a_pdf_from_another_database_is_unknown_here(demo, tmp_path):
    _, _, decision, pdf = demo
    office = make_office(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "evidence")
    try:
        result = verify_document(office.ctx, str(pdf))
        assert (result.ok, result.verdict) == (False, "unknown")
        assert f"此文件自称 {decision.number}" in result.message and "登记簿中没有此文书" in result.message
    finally:
        office.ctx.close()


def _cli(ctx, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENFORCEMENT_DESK_")}
    env["ENFORCEMENT_DESK_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "enforcement_desk", "--db", str(ctx.db.engine.url), *args],
                          capture_output=True, text=True, env=env)  # fmt: skip


def test_the_terminal_verifies_without_signing_in(demo, tmp_path):
    ctx, _, decision, pdf = demo
    good = _cli(ctx, tmp_path, "document", "verify", str(pdf))
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("一致：") and decision.number in good.stdout
    as_json = json.loads(_cli(ctx, tmp_path, "--json", "document", "verify", str(pdf)).stdout)
    assert (as_json["ok"], as_json["document"]["id"]) == (True, decision.id)
    changed = tmp_path / "改动.pdf"
    changed.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOF\n% tampered"))
    refused = _cli(ctx, tmp_path, "document", "verify", str(changed))
    assert refused.returncode == 1 and "不一致" in refused.stdout and "Traceback" not in refused.stderr
    typo = _cli(ctx, tmp_path, "document", "verify", "12")
    assert typo.returncode == 1 and "16 位" in typo.stderr


def test_a_draft_carries_no_code():
    from enforcement_desk.documents.content import RenderedDocument
    from enforcement_desk.documents.pdf import render_pdf

    draft = RenderedDocument("x", "通知", "某机关", "（草稿，未编号）", ("正文",), None, (), (), False)
    reader = PdfReader(io.BytesIO(render_pdf(draft, draft=True)))
    assert "校验码" not in reader.pages[0].extract_text() and not reader.metadata.get("/Keywords")


def test_a_bundle_of_documents_names_each_code_and_is_not_taken_for_one(demo, tmp_path):
    from sqlalchemy import select

    from enforcement_desk.documents.pdf import render_pdf_bundle
    from enforcement_desk.documents.service import rendered_from_record

    ctx, _, decision, _ = demo
    with ctx.db.read() as session:
        contents = session.scalars(
            select(DocumentRecord.content).where(DocumentRecord.case_id == decision.case_id).limit(2)
        ).all()
    bundle = tmp_path / "合订.pdf"
    bundle.write_bytes(render_pdf_bundle([rendered_from_record(c) for c in contents], "合订"))
    result = verify_document(ctx, str(bundle))
    assert (result.ok, result.verdict) == (False, "bundle") and "含 2 份文书的校验码" in result.message
    assert all(grouped(content_digest(c)) in result.claimed for c in contents)
    assert sum("现行有效" in note for note in result.notes) == 2


def test_the_code_survives_the_databases_json_round_trip(office, tmp_path):
    """The digest is of the content as the database gives it back (SQLite and PostgreSQL alike)."""
    from case_builders import new_case

    case = new_case(
        office, location="沂水县长安路 88 号", facts="当事人未取得医疗机构执业许可证开展诊疗活动。"
    )
    issued = issue_document(office.ctx, office.officer, case.id, "case_acceptance")  # with a 编号
    pdf = export_document(office.ctx, office.officer, issued.id, tmp_path / "受理记录.pdf")
    assert verify_document(office.ctx, str(pdf)).ok
    printed = next(line for line in PdfReader(pdf).pages[0].extract_text().splitlines() if "校验码" in line)
    typed = verify_document(office.ctx, f"编号：{issued.number} {printed.split('校验码')[-1]}")
    assert (typed.ok, typed.document.id) == (True, issued.id)
