"""Who may register, void and correct evidence, when the record is closed, and how a card import
reads recorder times and stops on cancel."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from case_builders import new_case
from PIL import Image

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.evidence.service import (
    add_evidence,
    correct_capture_time,
    import_files,
    list_evidence,
    scan_folder,
    void_evidence,
)
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.blobs import BlobStore


def picture(path, colour="red"):
    Image.new("RGB", (16, 16), colour).save(path)
    return path


def test_evidence_can_be_registered_while_the_case_is_only_accepted(sqlite_office, tmp_path):
    office = sqlite_office
    case = new_case(office)
    item = add_evidence(office.ctx, office.officer, case.id, picture(tmp_path / "投诉核查.png"))
    assert item.stage.value == "accepted" and item.mime == "image/png"


def test_a_case_not_filed_is_closed_to_new_evidence_voids_and_corrections(sqlite_office, tmp_path):
    office = sqlite_office
    case = new_case(office)
    item = add_evidence(office.ctx, office.officer, case.id, picture(tmp_path / "a.png"))
    advance(office.ctx, office.head, case.id, "not_file", {"reason": "违法事实不成立"})
    with pytest.raises(DomainError, match="案件已不予立案，全过程记录已封存，不能再登记证据") as refused:
        add_evidence(office.ctx, office.officer, case.id, picture(tmp_path / "b.png", "blue"))
    assert refused.value.rule == "《行政处罚法》第四十七条"
    with pytest.raises(DomainError, match="不能再作废证据"):
        void_evidence(office.ctx, office.officer, item.id, "重复")
    with pytest.raises(DomainError, match="不能再更正证据拍摄时间"):
        correct_capture_time(office.ctx, office.officer, item.id, datetime(2026, 10, 1, 9, 0), "时钟错误")
    assert len(list_evidence(office.ctx, office.officer, case.id)) == 1


def test_only_officers_who_handle_the_case_void_or_correct_evidence(sqlite_office, tmp_path):
    office = sqlite_office
    case = new_case(office)
    item = add_evidence(office.ctx, office.officer, case.id, picture(tmp_path / "a.png"))
    with pytest.raises(PermissionDenied, match="“作废证据”须由执法人员办理"):
        void_evidence(office.ctx, office.reviewer, item.id, "重复")
    with pytest.raises(PermissionDenied, match="“登记证据”须由执法人员办理"):
        add_evidence(office.ctx, office.head, case.id, picture(tmp_path / "b.png", "blue"))
    with pytest.raises(PermissionDenied, match="只有本案承办人可以更正证据拍摄时间"):
        correct_capture_time(office.ctx, office.officer3, item.id, datetime(2026, 10, 1, 9, 0), "时钟错误")
    assert not list_evidence(office.ctx, office.officer, case.id)[0].voided


def test_a_recorder_clip_takes_its_time_from_the_name_the_device_gave_it(tmp_path):
    card = tmp_path / "DCIM"
    card.mkdir()
    clip = card / "DSJ0087_20261030091500.MP4"
    clip.write_bytes(os.urandom(2048))
    os.utime(clip, (datetime(2026, 11, 2, 18, 0).timestamp(),) * 2)  # copied off the card that evening
    plain = card / "note.bin"
    plain.write_bytes(b"x")
    os.utime(plain, (datetime(2026, 10, 30, 10, 0).timestamp(),) * 2)
    files = scan_folder(card)
    assert [(f.path.name, f.captured_at, f.capture_source) for f in files] == [
        ("DSJ0087_20261030091500.MP4", datetime(2026, 10, 30, 9, 15), "filename"),
        ("note.bin", datetime(2026, 10, 30, 10, 0), "file"),
    ]
    assert [f.evidence_type for f in files] == ["视听资料", "电子数据"]


def test_cancelling_in_the_middle_of_a_file_keeps_the_files_before_it_and_nothing_of_it(
    sqlite_office, tmp_path
):
    office = sqlite_office
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    card = tmp_path / "card"
    card.mkdir()
    small = picture(card / "20261030_080000.png")
    big = card / "20261030_090000.mp4"
    big.write_bytes(os.urandom(5 * 1024 * 1024))
    files = scan_folder(card)
    labels: list[str] = []

    def cancel_during_the_big_file() -> bool:
        return sum(label.endswith(big.name) for label in labels) >= 2

    imported = import_files(
        office.ctx, office.officer, case.id, files,
        progress=lambda done, total, label: labels.append(label), cancelled=cancel_during_the_big_file,
    )  # fmt: skip
    assert [e.original_name for e in imported] == [small.name]
    assert imported[0].captured_at == datetime(2026, 10, 30, 8, 0)
    assert [e.original_name for e in list_evidence(office.ctx, office.officer, case.id)] == [small.name]
    store = BlobStore(office.ctx.evidence_dir)
    assert store.stray_temporaries() == []
    assert [p.name for p in store.blob_dir.glob("*/*")] == [imported[0].sha256]
