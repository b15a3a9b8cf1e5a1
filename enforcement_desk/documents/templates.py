"""Document templates: one editable TOML file per kind in templates/, read into a DocumentTemplate.

An agency may copy a file and change its wording; the placeholders ({party_name} …) are the names
documents.content offers. A template names how the document is numbered and which stage makes it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.numbering import MAX_NATURE
from enforcement_desk.paths import templates_dir

NUMBERING = ("case_filing", "case_decision", "wenhao", "bianhao", "none")


@dataclass(frozen=True)
class TableSpec:
    """A template's table: which list of the case fills it, and its columns."""

    source: str  # a list offered by documents.content (evidence, documents, review_checks, payments …)
    columns: tuple[tuple[str, str], ...]  # (header, key)
    required: bool = False  # the document is refused while the list is empty (物品清单 with no item)


@dataclass(frozen=True)
class DocumentTemplate:
    """A document template read from its TOML file: title, stage, numbering, text, table, signature."""

    key: str
    title: str
    stage: str
    numbering: str
    nature: str  # the 文号's 执法性质 (one to three characters) when numbering == "wenhao"
    series: str  # the mark of this kind in a case's 编号 (询 in 2026-0017-询2) when numbering == "bianhao"
    paragraphs: tuple[str, ...]
    table: TableSpec | None
    closing: tuple[str, ...]  # paragraphs after the table
    signature: tuple[str, ...]  # right-aligned lines at the end (agency, seal, date)
    receipt: bool  # a tear-off acknowledgement line for the party (当事人签收)
    path: Path


def _strings(data: dict, key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DomainError(f"模板 {path.name} 中的“{key}”应为文字列表")
    return tuple(value)


def parse_template(path: Path) -> DocumentTemplate:
    """Read one TOML template, refusing a missing part or a bad numbering."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DomainError(f"模板 {path.name} 格式错误：{exc}") from None
    for required in ("title", "stage", "numbering"):
        if not isinstance(data.get(required), str) or not data[required].strip():
            raise DomainError(f"模板 {path.name} 缺少“{required}”")
    numbering = data["numbering"]
    if numbering not in NUMBERING:
        raise DomainError(
            f"模板 {path.name} 的 numbering 应为 {'、'.join(NUMBERING)} 之一，收到“{numbering}”"
        )
    nature = data.get("nature", "")
    if numbering == "wenhao" and not (isinstance(nature, str) and 1 <= len(nature) <= MAX_NATURE and "〔" not in nature):
        raise DomainError(f"模板 {path.name} 使用文号，须指定一至三个汉字的执法性质 nature（如“罚告”）")
    series = data.get("series", "")
    if numbering == "bianhao" and not (isinstance(series, str) and 1 <= len(series) <= 2 and series.strip() == series):
        raise DomainError(f"模板 {path.name} 使用编号，须指定一至两个汉字的文书代字 series（如“询”）")
    table = None
    if "table" in data:
        spec = data["table"]
        columns = tuple((c[0], c[1]) for c in spec.get("columns", []))
        if not spec.get("source") or not columns:
            raise DomainError(f"模板 {path.name} 的表格须有 source 和 columns")
        table = TableSpec(spec["source"], columns, required=spec.get("required") is True)
    return DocumentTemplate(
        key=path.stem,
        title=data["title"].strip(),
        stage=data["stage"].strip(),
        numbering=numbering,
        nature=nature,
        series=series,
        paragraphs=_strings(data, "paragraphs", path),
        table=table,
        closing=_strings(data, "closing", path),
        signature=_strings(data, "signature", path) or ("{agency_name}", "（印章）", "{issue_date}"),
        receipt=bool(data.get("receipt", False)),
        path=path,
    )


def template_dirs(agency_dir: Path | None = None) -> list[Path]:
    """An agency's own folder first (its edited copies win), then the bundled templates."""
    dirs = [agency_dir] if agency_dir and agency_dir.is_dir() else []
    return [*dirs, templates_dir()]


def load_templates(agency_dir: Path | None = None) -> dict[str, DocumentTemplate]:
    """The templates by key: the shipped ones, each replaced by an agency's template of the same name."""
    found: dict[str, DocumentTemplate] = {}
    for folder in reversed(template_dirs(agency_dir)):
        for path in sorted(folder.glob("*.toml")):
            found[path.stem] = parse_template(path)
    if not found:
        raise DomainError(f"找不到文书模板（{templates_dir()}），安装可能不完整")
    return found
