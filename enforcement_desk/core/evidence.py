"""Statutory kinds of evidence (行政诉讼法 art. 33) and a first guess from the file type."""

from __future__ import annotations

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

_AUDIOVISUAL = {".jpg", ".jpeg", ".png", ".heic", ".bmp", ".gif", ".tif", ".tiff", ".mp4", ".mov", ".avi",
                ".mkv", ".3gp", ".ts", ".mts", ".wav", ".mp3", ".amr", ".m4a", ".aac", ".wma"}  # fmt: skip
_DOCUMENTARY = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".txt", ".rtf", ".wps"}


def guess_evidence_type(file_name: str) -> str:
    """Recorder photos, video and audio are 视听资料; scanned papers 书证; anything else 电子数据."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in _AUDIOVISUAL:
        return "视听资料"
    if suffix in _DOCUMENTARY:
        return "书证"
    return "电子数据"


def check_evidence_type(value: str) -> str:
    value = (value or "").strip()
    if value in ("勘验笔录", "现场笔录"):
        return "勘验笔录、现场笔录"
    if value not in EVIDENCE_TYPES:
        raise DomainError(
            f"证据种类“{value}”不是法定种类（{'、'.join(EVIDENCE_TYPES)}）", rule="《行政诉讼法》第三十三条"
        )
    return value
