"""What the credit platform (信用中国) receives for a penalty decision, and how personal data is masked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from enforcement_desk.core.identifiers import mask_resident_id

# (field key, column title in the export) — the typical disclosure fields (domain.md §6).
PUBLICITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("party_name", "行政相对人名称"),
    ("party_kind", "行政相对人类别"),
    ("uscc", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("id_number", "证件号码"),
    ("decision_no", "行政处罚决定书文号"),
    ("violation_type", "违法行为类型"),
    ("facts", "违法事实"),
    ("basis", "处罚依据"),
    ("penalty_kinds", "处罚类别"),
    ("penalty_content", "处罚内容"),
    ("fine", "罚款金额（万元）"),
    ("confiscation", "没收违法所得、没收非法财物的金额（万元）"),
    ("licence", "暂扣或吊销证照名称及编号"),
    ("decided_on", "处罚决定日期"),
    ("publicity_until", "公示截止期"),
    ("agency_name", "处罚机关"),
    ("agency_uscc", "处罚机关统一社会信用代码"),
)
NOT_APPLICABLE = "无"  # an empty field is written explicitly, never left blank


def masked_for_publication(record: Mapping[str, Any]) -> dict[str, str]:
    """Every field present; a natural person's ID number masked, no phone or address published."""
    data = {
        key: ("" if record.get(key) is None else str(record.get(key))).strip() for key, _ in PUBLICITY_FIELDS
    }
    if record.get("party_kind") == "自然人" and data["id_number"]:
        data["id_number"] = mask_resident_id(data["id_number"])
    return {key: value or NOT_APPLICABLE for key, value in data.items()}
