"""An agency's own discretion table, row by row: which rows can replace the library's levels and why
the others cannot.

A row names a violation already in the library (its provisions and statutory fine come from the law,
not from the spreadsheet), a level, its conditions and its range ("300", "5000-10000元", "5-8倍",
"30%-70%"). Rows that break the statutory range are rejected, never clipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from enforcement_desk.core.discretion.benchmarks import (
    LEVELS,
    NO_PENALTY_LEVELS,
    BenchmarkFormatError,
    BenchmarkLibrary,
    LevelRule,
    parse_conditions,
    parse_level,
)
from enforcement_desk.core.errors import DomainError

COLUMNS = {
    "code": "违法行为编码",
    "level": "裁量阶次",
    "when": "适用情形",
    "standard": "裁量标准",
    "description": "说明",
}
REQUIRED_COLUMNS = ("code", "level")

_NUMBER = r"\d+(?:\.\d+)?\s*万?"
_RANGE = re.compile(
    rf"^(?P<low>{_NUMBER})\s*(?:(?:[-–—~～至到])\s*(?P<high>{_NUMBER}))?\s*(?P<unit>元|倍|%)?$"
)


@dataclass(frozen=True)
class RejectedRow:
    """A row of the agency's table that cannot be used, and why."""

    row: int
    code: str
    level: str
    reason: str


@dataclass(frozen=True)
class AcceptedRow:
    """A row of the agency's table that can replace the library's level, as a library `levels` entry."""

    row: int
    code: str
    level: str
    rule: dict[str, Any]  # as in a library file's `levels` entry, so the library parser reads it back


@dataclass(frozen=True)
class TableImport:
    """The agency table read row by row: the rows accepted and the rows rejected."""

    accepted: tuple[AcceptedRow, ...]
    rejected: tuple[RejectedRow, ...]

    def overrides(self) -> dict[str, tuple[LevelRule, ...]]:
        """The accepted rows as level rules by violation code, ready for `BenchmarkLibrary.with_levels`."""
        return rules_by_code([row.rule | {"code": row.code} for row in self.accepted])


def rules_by_code(stored: Iterable[Mapping[str, Any]]) -> dict[str, tuple[LevelRule, ...]]:
    """Stored level entries (each with its code) read back into level rules, grouped by violation code."""
    grouped: dict[str, list[LevelRule]] = {}
    for entry in stored:
        data = {k: v for k, v in entry.items() if k != "code"}
        grouped.setdefault(entry["code"], []).append(parse_level(data, f"本机关基准表 {entry['code']}"))
    return {code: tuple(rules) for code, rules in grouped.items()}


def header_map(header: Iterable[Any]) -> dict[str, int]:
    """Column positions by meaning; refuses a sheet whose required headings are missing."""
    cells = [str(cell or "").strip() for cell in header]
    positions = {key: cells.index(title) for key, title in COLUMNS.items() if title in cells}
    missing = [COLUMNS[key] for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise DomainError(
            f"表头缺少“{'、'.join(missing)}”列（应有：{'、'.join(COLUMNS.values())}）",
            rule="本机关裁量基准表格式",
        )
    return positions


def _number(text: str) -> Decimal:
    text = text.replace(" ", "")
    factor = Decimal(1)
    if text.endswith("万"):
        text, factor = text[:-1], Decimal(10000)
    return Decimal(text) * factor


def parse_standard(text: str) -> dict[str, str] | None:
    """Read a standard's figures: "300" / "300元" → amount 300–300; "5000-10000元" → amount;
    "5-8倍" → times; "30%-70%" → fraction."""
    raw = str(text or "").strip().replace(",", "").replace("，", "").replace("％", "%")
    if not raw:
        return None
    raw = (
        raw.replace("%-", "-")
        .replace("%~", "~")
        .replace("%至", "至")
        .replace("倍-", "-")
        .replace("倍至", "至")
    )
    raw = raw.replace("元-", "-").replace("元至", "至").replace("万元", "万")
    match = _RANGE.match(raw)
    if match is None:
        raise BenchmarkFormatError(f"裁量标准“{text}”无法识别（示例：300、5000-10000元、5-8倍、30%-70%）")
    try:
        low = _number(match["low"])
        high = _number(match["high"]) if match["high"] else low
    except InvalidOperation:
        raise BenchmarkFormatError(f"裁量标准“{text}”中的数字无效") from None
    if low > high:
        raise BenchmarkFormatError(f"裁量标准“{text}”下限高于上限")
    unit = match["unit"] or "元"
    if unit == "%":
        if high > 100:
            raise BenchmarkFormatError(f"裁量标准“{text}”比例超过 100%")
        return {"kind": "fraction", "low": str(low / 100), "high": str(high / 100)}
    return {"kind": "times" if unit == "倍" else "amount", "low": str(low), "high": str(high)}


def check_row(
    library: BenchmarkLibrary, code: str, level: str, when: str, standard: str, description: str, on: date
) -> dict[str, Any]:
    """One row as a level rule, or BenchmarkFormatError with the reason it cannot be used."""
    if not code:
        raise BenchmarkFormatError("未填写违法行为编码")
    violation = library.violations.get(code)
    if violation is None:
        raise BenchmarkFormatError(f"基准库中没有编码为“{code}”的违法行为")
    if level not in LEVELS:
        raise BenchmarkFormatError(f"裁量阶次“{level}”无效（可用：{'、'.join(LEVELS)}）")
    conditions = parse_conditions(when)
    if level in {"一般"} and conditions:
        raise BenchmarkFormatError("“一般”是没有从轻、从重情形时的阶次，不应写适用情形")
    if level in NO_PENALTY_LEVELS and not conditions:
        raise BenchmarkFormatError(f"{level}须写明适用情形")
    spec = parse_standard(standard)
    if level in NO_PENALTY_LEVELS:
        if spec is not None:
            raise BenchmarkFormatError(f"{level}不应填写罚款标准")
    elif spec is None:
        raise BenchmarkFormatError("未填写裁量标准")
    version = violation.version_on(on)
    if version is None:
        raise BenchmarkFormatError(f"基准库未收录“{violation.name}”在 {on} 施行的处罚规定")
    if spec is not None:
        _within_law(spec, level, version.bands)
    rule: dict[str, Any] = {"level": level, "description": description}
    if conditions:
        rule["when"] = [c.text for c in conditions]
    if spec is not None:
        rule["range"] = spec
    parse_level(rule, code)  # the library parser must accept what is stored
    return rule


def _within_law(spec: dict[str, str], level: str, bands) -> None:
    low, high = Decimal(spec["low"]), Decimal(spec["high"])
    fine = bands[0].fine
    if spec["kind"] == "fraction":
        if level == "减轻":
            raise BenchmarkFormatError("减轻处罚在法定最低额以下，不能写成法定幅度的比例")
        return
    if spec["kind"] == "times":
        if fine.basis == "fixed":
            raise BenchmarkFormatError("该违法行为按固定金额罚款，裁量标准不能写成倍数")
        if level == "减轻":
            if high > fine.min_times:
                raise BenchmarkFormatError(
                    f"减轻处罚应在法定最低 {fine.min_times} 倍以下，收到 {low}–{high} 倍"
                )
        elif low < fine.min_times or high > fine.max_times:
            raise BenchmarkFormatError(f"超出法定幅度 {fine.min_times}–{fine.max_times} 倍：{low}–{high} 倍")
        return
    if fine.basis != "fixed" and fine.fallback_below is None:
        raise BenchmarkFormatError("该违法行为按违法所得（货值金额）倍数计罚，裁量标准应写成倍数（如 5-8倍）")
    statutory_min = fine.minimum
    statutory_max = max(band.fine.maximum for band in bands)
    if level == "减轻":
        if statutory_min <= 0:
            raise BenchmarkFormatError("法定罚款无最低限额，不存在减轻处罚的罚款幅度")
        if high >= statutory_min:
            raise BenchmarkFormatError(f"减轻处罚应低于法定最低额 {statutory_min} 元，收到 {low}–{high} 元")
    elif low < statutory_min or high > statutory_max:
        raise BenchmarkFormatError(f"超出法定罚款幅度 {statutory_min}–{statutory_max} 元：{low}–{high} 元")


def check_table(
    library: BenchmarkLibrary, rows: Iterable[tuple[int, Mapping[str, Any]]], on: date
) -> TableImport:
    """Every row checked on its own: good rows are kept, bad rows are reported with their reason."""
    accepted: list[AcceptedRow] = []
    rejected: list[RejectedRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        values = {key: str(row.get(key) or "").strip() for key in COLUMNS}
        if not any(values.values()):
            continue
        code, level = values["code"], values["level"]
        try:
            if (code, level) in seen:
                raise BenchmarkFormatError(f"与第 {seen[(code, level)]} 行重复（同一违法行为、同一裁量阶次）")
            rule = check_row(
                library, code, level, values["when"], values["standard"], values["description"], on
            )
        except BenchmarkFormatError as exc:
            rejected.append(RejectedRow(number, code, level, exc.message))
            continue
        seen[(code, level)] = number
        accepted.append(AcceptedRow(number, code, level, rule))
    return TableImport(tuple(accepted), tuple(rejected))
