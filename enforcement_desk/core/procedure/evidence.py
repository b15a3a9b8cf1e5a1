"""Statutory kinds of evidence (行政诉讼法 art. 33), a first guess from the file type, and the
recording time that body-worn recorders and phones write into file names."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePath

from enforcement_desk.core.errors import DomainError

EVIDENCE_TYPES = (
    "书证",
    "物证",
    "视听资料",
    "电子数据",
    "证人证言",
    "当事人的陈述",
    "鉴定意见",
    "勘验笔录、现场笔录",
)
EVIDENCE_RULE = "《行政诉讼法》第三十三条"

_AUDIOVISUAL = {".jpg", ".jpeg", ".png", ".heic", ".bmp", ".gif", ".tif", ".tiff", ".mp4", ".mov", ".avi",
                ".mkv", ".3gp", ".ts", ".mts", ".wav", ".mp3", ".amr", ".m4a", ".aac", ".wma"}  # fmt: skip
_DOCUMENTARY = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".txt", ".rtf", ".wps"}

# Recorders name each clip by the moment recording started (20261030_091500_0087.MP4,
# DSJ0087_20261030091500.MP4, VID_20261030_091500.mp4, 2026-10-30 09.15.00.jpg). The digits must not
# be part of a longer number, so a serial like 120261030091500 is not read as a time.
_NAME_TIME = re.compile(
    r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})[-_ T]?(\d{2})[-_.:]?(\d{2})[-_.:]?(\d{2})(?!\d)"
)


def guess_evidence_type(file_name: str) -> str:
    """Recorder photos, video and audio are 视听资料; scanned papers 书证; anything else 电子数据."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in _AUDIOVISUAL:
        return "视听资料"
    if suffix in _DOCUMENTARY:
        return "书证"
    return "电子数据"


def check_evidence_type(value: str) -> str:
    """The statutory kind for `value`; 勘验笔录 and 现场笔录 are one kind in the law's list."""
    value = (value or "").strip()
    if value in ("勘验笔录", "现场笔录"):
        return "勘验笔录、现场笔录"
    if value not in EVIDENCE_TYPES:
        raise DomainError(f"证据种类“{value}”不是法定种类（{'、'.join(EVIDENCE_TYPES)}）", rule=EVIDENCE_RULE)
    return value


def time_in_file_name(file_name: str) -> datetime | None:
    """The recording start a recorder wrote into the file name, or None when there is none.

    Copying a card to a PC resets file times on many systems; the name keeps the device's own clock.
    """
    for match in _NAME_TIME.finditer(PurePath(file_name).name):  # not .stem: "09.15.00" has no suffix
        try:
            return datetime(*(int(part) for part in match.groups()))
        except ValueError:  # 20261399_... is a serial number, not a date
            continue
    return None
