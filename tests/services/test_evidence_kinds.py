"""The statutory kinds of evidence (行政诉讼法 art. 33), the first guess from a file's type, and the
recording time a recorder writes into a file's name (core.evidence, no database)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.evidence import (
    EVIDENCE_TYPES,
    check_evidence_type,
    guess_evidence_type,
    time_in_file_name,
)


def test_the_eight_statutory_kinds_are_accepted_and_nothing_else():
    assert len(EVIDENCE_TYPES) == 8
    for kind in EVIDENCE_TYPES:
        assert check_evidence_type(f" {kind} ") == kind
    assert check_evidence_type("现场笔录") == check_evidence_type("勘验笔录") == "勘验笔录、现场笔录"
    with pytest.raises(DomainError, match="不是法定种类") as refused:
        check_evidence_type("照片")
    assert refused.value.rule == "《行政诉讼法》第三十三条"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("IMG_0001.JPG", "视听资料"), ("DSJ0087.MP4", "视听资料"), ("询问录音.AMR", "视听资料"),
     ("营业执照扫描件.pdf", "书证"), ("处方.docx", "书证"), ("his_export.db", "电子数据"), ("无扩展名", "电子数据")],
)  # fmt: skip
def test_recordings_are_audiovisual_scans_documentary_and_other_files_electronic_data(name, kind):
    assert guess_evidence_type(name) == kind


@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    pattern=st.sampled_from(
        [
            "%Y%m%d_%H%M%S_0087",
            "DSJ0087_%Y%m%d%H%M%S",
            "VID_%Y%m%d_%H%M%S",
            "%Y-%m-%d %H.%M.%S",
            "%Y%m%d%H%M%S",
        ]
    ),
    suffix=st.sampled_from([".MP4", ".jpg", ".wav", ""]),
)
def test_a_recorder_name_gives_back_the_moment_it_was_written_from(moment, pattern, suffix):
    assert time_in_file_name(moment.strftime(pattern) + suffix) == moment


@pytest.mark.parametrize(
    "name", ["IMG_0001.JPG", "120261030091500.mp4", "20261399_091500.mp4", "20260230_101010.mp4", "clip.mp4"]
)
def test_names_without_a_real_date_give_no_time(name):
    assert time_in_file_name(name) is None
