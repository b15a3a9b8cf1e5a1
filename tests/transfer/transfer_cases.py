"""A case approved for transfer to the police, with evidence under awkward names and a 2-page
inspection report in PDF."""

from __future__ import annotations

import os
from pathlib import Path

from case_builders import new_case
from pypdf import PdfWriter

from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.cases import get_case, update_case
from enforcement_desk.procedure.steps import advance
from enforcement_desk.transfer.service import submit_transfer_report

# As users name files on their PCs; ':' cannot be on a Linux disk under the test, '?' can.
ON_DISK_NAMES = ("现场 照片 1.jpg", "con.txt", "a_b?.mp4", "询问录音.wav")
INSPECTION_REPORT = "检验报告 2026-117.pdf"
POLICE_UNIT = "沂水县公安局"
PROCURATORATE = "沂水县人民检察院"
TRANSFER_REASON = "涉嫌非法行医罪（刑法第三百三十六条）"


def investigating_case(office, tmp_path: Path, big: int = 0) -> int:
    ctx = office.ctx
    case_id = new_case(office).id
    advance(ctx, office.head, case_id, "file")
    update_case(ctx, office.officer, case_id, get_case(ctx, office.officer, case_id).version,
                facts="当事人未取得医生执业资格行医，造成就诊人重度损害。")  # fmt: skip
    for index, name in enumerate(ON_DISK_NAMES):
        folder = tmp_path / "named" / str(index)
        folder.mkdir(parents=True)
        (folder / name).write_bytes(f"证据内容 {index}".encode() * 100)
        add_evidence(ctx, office.officer, case_id, folder / name)
    report = PdfWriter()
    for _ in range(2):
        report.add_blank_page(595, 842)
    pdf_path = tmp_path / INSPECTION_REPORT
    with pdf_path.open("wb") as out:
        report.write(out)
    add_evidence(ctx, office.officer, case_id, pdf_path, evidence_type="鉴定意见")
    if big:
        video = tmp_path / "执法记录仪 0001.mp4"
        with video.open("wb") as out:
            chunk = os.urandom(8 * 1024 * 1024)
            for _ in range(big // len(chunk)):
                out.write(chunk)
        add_evidence(ctx, office.officer, case_id, video)
        video.unlink()  # the store holds its copy; one GB on disk is enough
    return case_id


def transferred_case(office, tmp_path: Path, big: int = 0) -> int:
    """Reported by two officers (art. 5), approved by a head who is not a handler."""
    case_id = investigating_case(office, tmp_path, big)
    submit_transfer_report(office.ctx, office.officer, case_id, (office.officer.user_id, office.officer2.user_id),
                           "就诊人重度损害，情节严重，涉嫌非法行医罪。")  # fmt: skip
    advance(office.ctx, office.head2, case_id, "transfer_police",
            {"reason": TRANSFER_REASON, "police_unit": POLICE_UNIT, "procuratorate": PROCURATORATE})  # fmt: skip
    return case_id
