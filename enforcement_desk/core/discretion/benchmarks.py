"""The discretion benchmark library (行政处罚裁量权基准): violations, the provisions behind them in each
version of the law, the statutory fine, and the discretion levels with their conditions and ranges.

The library is data (resources/benchmarks/*.toml, or rows an agency imported); this module turns that
data into frozen values and refuses malformed entries with the place and the reason, so a bad row
never reaches the engine.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from enforcement_desk.core.errors import DomainError

# 裁量阶次, from lightest to heaviest.
LEVELS: tuple[str, ...] = ("不予处罚", "免予处罚", "减轻", "从轻", "一般", "从重")
NO_PENALTY_LEVELS = frozenset({"不予处罚", "免予处罚"})
FINE_LEVELS: tuple[str, ...] = ("减轻", "从轻", "一般", "从重")

HARM_VALUES = ("none", "slight", "serious")
HARM_LABELS = {"none": "无危害后果", "slight": "危害后果轻微", "serious": "危害后果严重"}

# Facts a condition may test, with the Chinese words officers and imported tables use for them.
NUMERIC_FACTS = {
    "illegal_gains": "违法所得",
    "goods_value": "货值金额",
    "duration_days": "违法持续天数",
    "persons_affected": "涉及人数",
}
BOOLEAN_FACTS = {
    "repeat_within_year": "一年内再次违法",
    "first_offence": "初次违法",
    "corrected_promptly": "及时改正",
    "minor": "违法行为轻微",
    "overdue_uncorrected": "逾期不改正",
    "refused_supervision": "拒绝、阻挠监督检查",
    "previously_punished": "曾因同类违法行为受过处罚",
}
FACT_LABELS = {**NUMERIC_FACTS, **BOOLEAN_FACTS, "harm": "危害后果"}
_FACT_BY_LABEL = {label: key for key, label in FACT_LABELS.items()}

FINE_BASES = {"fixed": "固定金额", "gains": "违法所得", "goods_value": "货值金额"}


class BenchmarkFormatError(DomainError):
    """A library file or an imported row that does not describe a usable benchmark."""


def to_decimal(value: Any, where: str) -> Decimal:
    """Money from data: strings or integers only, because a float has already lost the exact figure."""
    if isinstance(value, bool | float):
        raise BenchmarkFormatError(f'{where}：金额应写成整数或带引号的小数（如 "0.5"），收到 {value!r}')
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise BenchmarkFormatError(f"{where}：“{value}”不是数字") from None
    if not amount.is_finite() or amount < 0:
        raise BenchmarkFormatError(f"{where}：“{value}”应为非负数")
    return amount


def _to_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BenchmarkFormatError(f"{where}：“{value}”不是有效日期（年-月-日）") from None


# ---- conditions ---------------------------------------------------------------------------------

_COMPARISON = re.compile(r"^\s*(?P<fact>[^<>=!\s]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>\S+)\s*$")
_OPS = {">=", "<=", "==", "!=", ">", "<"}


@dataclass(frozen=True)
class Condition:
    """One test on the facts: ``duration_days >= 90``, ``harm == serious``, ``repeat_within_year``,
    or ``情形:以伪造的卫生许可证营业`` (a circumstance listed by the violation's provision)."""

    fact: str
    op: str = "is"
    value: Any = True

    @property
    def text(self) -> str:
        """The condition in the benchmark file's own notation."""
        if self.fact == "all":
            return " & ".join(part.text for part in self.value)
        if self.fact == "circumstance":
            return f"情形:{self.value}"
        if self.op == "is":
            return self.fact
        return f"{self.fact} {self.op} {self.value}"

    @property
    def label(self) -> str:
        """The condition in Chinese for officers, e.g. 违法持续天数不少于90."""
        if self.fact == "all":
            return "且".join(part.label for part in self.value)
        if self.fact == "circumstance":
            return str(self.value)
        name = FACT_LABELS.get(self.fact, self.fact)
        if self.op == "is":
            return name
        if self.fact == "harm":
            shown = HARM_LABELS.get(str(self.value), self.value)
            return shown if self.op == "==" else f"非“{shown}”"
        words = {">=": "不少于", "<=": "不超过", ">": "超过", "<": "少于", "==": "等于", "!=": "不等于"}
        return f"{name}{words[self.op]}{self.value}"


def parse_condition(text: str) -> Condition:
    """Read one 适用情形 (a comparison of a fact, a yes/no fact, 情形:…, or parts joined by &)."""
    raw = str(text).strip()
    if not raw:
        raise BenchmarkFormatError("适用情形为空")
    if "&" in raw:  # all of the parts: "duration_days < 90 & harm == none"
        return Condition("all", "all", tuple(parse_condition(part) for part in raw.split("&")))
    for prefix in ("情形:", "情形："):
        if raw.startswith(prefix):
            circumstance = raw[len(prefix) :].strip()
            if not circumstance:
                raise BenchmarkFormatError(f"“{raw}”未写明情形")
            return Condition("circumstance", "has", circumstance)
    match = _COMPARISON.match(raw)
    if match is None:
        fact = _FACT_BY_LABEL.get(raw, raw)
        if fact not in BOOLEAN_FACTS:
            raise BenchmarkFormatError(
                f"无法识别的适用情形“{raw}”（可用：{'、'.join(FACT_LABELS.values())}，或“情形:…”）"
            )
        return Condition(fact)
    fact = _FACT_BY_LABEL.get(match["fact"], match["fact"])
    op, value = match["op"], match["value"]
    if fact == "harm":
        value = {v: k for k, v in HARM_LABELS.items()}.get(value, value)
        if value not in HARM_VALUES or op not in {"==", "!="}:
            raise BenchmarkFormatError(f"“{raw}”：危害后果只能写 == 或 !=，取值 {'/'.join(HARM_VALUES)}")
        return Condition(fact, op, value)
    if fact not in NUMERIC_FACTS:
        raise BenchmarkFormatError(f"“{raw}”：{match['fact']} 不是可比较的数量事实")
    return Condition(fact, op, to_decimal(value, f"“{raw}”"))


def parse_conditions(values: Iterable[str] | str | None) -> tuple[Condition, ...]:
    """Read a list of 适用情形, or one string of them separated by ; or ；."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [part for part in re.split(r"[;；]", values) if part.strip()]
    return tuple(parse_condition(v) for v in values)


# ---- fines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FineRule:
    """A statutory fine: fixed amounts, or multiples of the illegal gains / goods value.

    ``base_floor``: "违法所得不足一万元的，按一万元计算". ``fallback_below``: "没有违法所得或者违法所得
    不足五千元的，并处五千元以上二万元以下的罚款" — below it the fixed ``minimum``/``maximum`` apply.
    """

    basis: str = "fixed"
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)
    min_times: Decimal = Decimal(0)
    max_times: Decimal = Decimal(0)
    base_floor: Decimal | None = None
    fallback_below: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class FineBand:
    """The fine an article sets; later bands are the heavier ones the article lists (有下列情形之一的…)."""

    name: str
    fine: FineRule
    when: tuple[Condition, ...] = ()


# A citation whose text could not be checked against the law's text says so with this mark.
UNVERIFIED = "未核实"


def is_unverified(source: str) -> bool:
    """True when a citation's source mark says its text was not (fully) checked against the law."""
    return not source.strip() or source.strip().startswith(UNVERIFIED)


def source_label(source: str) -> str:
    """The source mark as officers read it: 依据来源：… or 未核实（未与法规文本核对）…."""
    if is_unverified(source):
        rest = source.strip()[len(UNVERIFIED) :].strip("：:（）() ")
        return "未核实（未与法规文本核对）" + (f"：{rest}" if rest else "")
    return f"依据来源：{source.strip()}"


def sources_label(violated: str, penalty: str) -> str:
    """The source marks of a violated provision and its penalty provision as one line for officers."""
    if violated.strip() == penalty.strip():
        return source_label(penalty)
    return f"违反条款的{source_label(violated)}；处罚依据的{source_label(penalty)}"


@dataclass(frozen=True)
class Citation:
    """An article cited by a benchmark: the law, the article, its text, and what the text was checked
    against (``source``: an address, ``LawRefBook/Laws@<commit> <path>``, or 未核实 …)."""

    law: str
    article: str
    text: str
    source: str = UNVERIFIED

    @property
    def reference(self) -> str:
        """The law and article as one reference, e.g. 《公共场所卫生管理条例实施细则》第三十六条."""
        return f"{self.law}{self.article}"

    @property
    def verified(self) -> bool:
        """True when the text was checked against the source named."""
        return not is_unverified(self.source)


@dataclass(frozen=True)
class ProvisionVersion:
    """The violated and penalty provisions as in force between two dates (art. 37 compares them)."""

    effective_from: date
    effective_to: date | None
    violated: Citation
    penalty: Citation
    kinds: tuple[str, ...]
    bands: tuple[FineBand, ...]
    fine_optional: bool = False
    confiscate_gains: bool = False

    def in_force_on(self, day: date) -> bool:
        """True when this version of the provision was in force on `day`."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class LevelRange:
    """Where a level sits: ``fraction`` of the statutory range, explicit ``amount``, ``times`` the base
    for fines counted on gains, or ``below_minimum`` (减轻: from low × minimum up to the minimum)."""

    kind: str
    low: Decimal
    high: Decimal

    @property
    def text(self) -> str:
        """The range in Chinese, e.g. 法定幅度的 30%–70%."""
        if self.kind == "fraction":
            return f"法定幅度的 {self.low * 100:.0f}%–{self.high * 100:.0f}%"
        if self.kind == "amount":
            return f"{self.low}–{self.high} 元"
        if self.kind == "times":
            return f"计罚基数的 {self.low}–{self.high} 倍"
        return f"法定最低额的 {self.low * 100:.0f}% 至最低额以下"


@dataclass(frozen=True)
class LevelRule:
    """A discretion level (不予处罚 … 从重) of a violation: its range and the conditions that call for it."""

    level: str
    range: LevelRange | None
    when: tuple[Condition, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Violation:
    """One violation in the benchmark library: its provisions over time, its levels and its circumstances."""

    code: str
    name: str
    area: str
    category: str
    phrasing: str
    versions: tuple[ProvisionVersion, ...]
    levels: tuple[LevelRule, ...] = ()
    circumstances: tuple[str, ...] = ()

    def version_on(self, day: date) -> ProvisionVersion | None:
        """The version of the provisions in force on `day`, or None."""
        for version in self.versions:
            if version.in_force_on(day):
                return version
        return None

    def level_rule(self, level: str) -> LevelRule | None:
        """The rule of one discretion level, or None if the violation has none."""
        return next((rule for rule in self.levels if rule.level == level), None)


@dataclass(frozen=True)
class BenchmarkLibrary:
    """A 裁量基准 library: its name, version and effective date, and its violations by code."""

    name: str
    version: str
    effective_from: date
    source: str
    violations: Mapping[str, Violation] = field(default_factory=dict)

    def get(self, code: str) -> Violation:
        """The violation with this code; refuses a code the library does not have."""
        violation = self.violations.get(code)
        if violation is None:
            raise DomainError(f"裁量基准库（{self.version}）中没有编码为“{code}”的违法行为")
        return violation

    def with_levels(self, overrides: Mapping[str, tuple[LevelRule, ...]], version: str) -> BenchmarkLibrary:
        """The same library with some violations' levels replaced (an agency's own table)."""
        violations = dict(self.violations)
        for code, rules in overrides.items():
            current = self.get(code)
            replaced = {rule.level for rule in rules}
            kept = tuple(rule for rule in current.levels if rule.level not in replaced)
            merged = sorted((*kept, *rules), key=lambda rule: LEVELS.index(rule.level))
            violations[code] = replace(current, levels=tuple(merged))
        return replace(self, version=version, violations=violations)


# ---- parsing --------------------------------------------------------------------------------------


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BenchmarkFormatError(f"{where}：缺少“{key}”")
    return value


def parse_fine(data: Mapping[str, Any], where: str) -> FineRule:
    """Read a fine rule (fixed amounts or times a base, with floor, fallback and cap), checking it is
    coherent."""
    basis = data.get("basis", "fixed")
    if basis not in FINE_BASES:
        raise BenchmarkFormatError(f"{where}：罚款计算基数“{basis}”无效（可用：{'、'.join(FINE_BASES)}）")

    def money(key: str) -> Decimal | None:
        return to_decimal(data[key], f"{where}.{key}") if key in data else None

    rule = FineRule(
        basis=basis,
        minimum=money("min") or Decimal(0),
        maximum=money("max") or Decimal(0),
        min_times=money("min_times") or Decimal(0),
        max_times=money("max_times") or Decimal(0),
        base_floor=money("base_floor"),
        fallback_below=money("fallback_below"),
        cap=money("cap"),
    )
    if basis == "fixed":
        if rule.maximum <= 0:
            raise BenchmarkFormatError(f"{where}：固定金额罚款须写明上限 max")
        if rule.minimum > rule.maximum:
            raise BenchmarkFormatError(f"{where}：罚款下限 {rule.minimum} 高于上限 {rule.maximum}")
    else:
        if rule.max_times <= 0 or rule.min_times > rule.max_times:
            raise BenchmarkFormatError(f"{where}：倍数罚款须写明 min_times ≤ max_times")
        if rule.fallback_below is not None and (rule.maximum <= 0 or rule.minimum > rule.maximum):
            raise BenchmarkFormatError(f"{where}：写了 fallback_below 须同时写明该情形的 min/max")
    return rule


def parse_level_range(data: Mapping[str, Any] | None, where: str) -> LevelRange | None:
    """Read a level's range (fraction, amount, times or below_minimum); None when there is none."""
    if data is None:
        return None
    kind = data.get("kind", "fraction")
    if kind not in {"fraction", "amount", "times", "below_minimum"}:
        raise BenchmarkFormatError(f"{where}：裁量幅度类型“{kind}”无效")
    low = to_decimal(data.get("low", 0), f"{where}.low")
    high = to_decimal(data.get("high", 1), f"{where}.high")
    if low > high:
        raise BenchmarkFormatError(f"{where}：裁量幅度下限 {low} 高于上限 {high}")
    if kind in {"fraction", "below_minimum"} and high > 1:
        raise BenchmarkFormatError(f"{where}：比例不能超过 1")
    return LevelRange(kind, low, high)


def parse_level(data: Mapping[str, Any], where: str) -> LevelRule:
    """Read a discretion level; 减轻 must go below the statutory minimum, and no-penalty levels have no
    range."""
    level = _require(data, "level", where)
    if level not in LEVELS:
        raise BenchmarkFormatError(f"{where}：裁量阶次“{level}”无效（可用：{'、'.join(LEVELS)}）")
    try:
        when = parse_conditions(data.get("when"))
    except BenchmarkFormatError as exc:
        raise BenchmarkFormatError(f"{where}：{exc.message}") from None
    level_range = parse_level_range(data.get("range"), f"{where}.range")
    if level in NO_PENALTY_LEVELS and level_range is not None:
        raise BenchmarkFormatError(f"{where}：{level}不应有罚款幅度")
    if level == "减轻" and level_range is not None and level_range.kind == "fraction":
        raise BenchmarkFormatError(
            f"{where}：减轻处罚的幅度应在法定最低额以下（below_minimum、amount 或 times）"
        )
    return LevelRule(level, level_range, when, str(data.get("description", "")))


def _parse_citation(data: Mapping[str, Any], where: str) -> Citation:
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise BenchmarkFormatError(
            f"{where}：缺少依据来源“source”（写明条文核对所依据的文本或网址；未能核对的写“{UNVERIFIED}”）"
        )
    return Citation(
        law=_require(data, "law", where),
        article=_require(data, "article", where),
        text=_require(data, "text", where),
        source=source.strip(),
    )


def parse_version(data: Mapping[str, Any], where: str) -> ProvisionVersion:
    """Read one version of a violation's provisions: its dates, citations, kinds of penalty and fine bands."""
    bands_data = _require(data, "bands", where)
    bands = []
    for index, band in enumerate(bands_data):
        band_where = f"{where}.bands[{index}]"
        try:
            when = parse_conditions(band.get("when"))
        except BenchmarkFormatError as exc:
            raise BenchmarkFormatError(f"{band_where}：{exc.message}") from None
        if index > 0 and not when:
            raise BenchmarkFormatError(f"{band_where}：加重罚款档须写明适用情形 when")
        bands.append(FineBand(str(band.get("name", "基本罚款")), parse_fine(band, band_where), when))
    effective_to = data.get("effective_to")
    version = ProvisionVersion(
        effective_from=_to_date(_require(data, "effective_from", where), f"{where}.effective_from"),
        effective_to=_to_date(effective_to, f"{where}.effective_to") if effective_to else None,
        violated=_parse_citation(_require(data, "violated", where), f"{where}.violated"),
        penalty=_parse_citation(_require(data, "penalty", where), f"{where}.penalty"),
        kinds=tuple(_require(data, "kinds", where)),
        bands=tuple(bands),
        fine_optional=bool(data.get("fine_optional", False)),
        confiscate_gains=bool(data.get("confiscate_gains", False)),
    )
    if version.effective_to and version.effective_to < version.effective_from:
        raise BenchmarkFormatError(f"{where}：失效日期早于施行日期")
    if "罚款" not in version.kinds:
        raise BenchmarkFormatError(f"{where}：处罚种类须包含“罚款”（本基准库只收录设定罚款的违法行为）")
    return version


def parse_violation(
    data: Mapping[str, Any], default_levels: tuple[LevelRule, ...] = (), where: str = ""
) -> Violation:
    """Read a violation with its versions, which must not overlap in time, and its levels."""
    code = _require(data, "code", where or "违法行为")
    where = where or f"违法行为 {code}"
    versions = tuple(
        sorted(
            (
                parse_version(v, f"{where}.versions[{i}]")
                for i, v in enumerate(_require(data, "versions", where))
            ),
            key=lambda v: v.effective_from,
        )
    )
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise BenchmarkFormatError(
                f"{where}：法律版本的施行期间重叠（{earlier.effective_from} 与 {later.effective_from}）"
            )
    defaults = {rule.level: rule for rule in default_levels}
    own = []
    for i, level in enumerate(data.get("levels", [])):
        rule = parse_level(level, f"{where}.levels[{i}]")
        inherited = defaults.get(rule.level)
        if inherited is not None:
            # A row that only changes the conditions keeps the library's range for that level.
            rule = replace(rule, range=rule.range or inherited.range)
        own.append(rule)
    replaced = {rule.level for rule in own}
    levels = sorted(
        [*(rule for rule in default_levels if rule.level not in replaced), *own],
        key=lambda rule: LEVELS.index(rule.level),
    )
    circumstances = tuple(str(c) for c in data.get("circumstances", []))
    listed = set(circumstances)
    for version in versions:
        for band in version.bands:
            for condition in band.when:
                if condition.fact == "circumstance" and condition.value not in listed:
                    raise BenchmarkFormatError(f"{where}：情形“{condition.value}”未列入 circumstances")
    return Violation(
        code=code,
        name=_require(data, "name", where),
        area=_require(data, "area", where),
        category=_require(data, "category", where),
        phrasing=_require(data, "phrasing", where),
        versions=versions,
        levels=tuple(levels),
        circumstances=circumstances,
    )


def parse_library(data: Mapping[str, Any], source: str = "") -> BenchmarkLibrary:
    """A whole library; every malformed violation is listed, none is silently dropped."""
    head = _require(data, "library", source or "基准库")
    where = source or "基准库"
    default_levels = tuple(
        parse_level(level, f"{where}.default_levels[{i}]")
        for i, level in enumerate(data.get("default_levels", []))
    )
    problems: list[str] = []
    violations: dict[str, Violation] = {}
    for index, entry in enumerate(data.get("violations", [])):
        try:
            violation = parse_violation(
                entry, default_levels, f"{where} 第{index + 1}项（{entry.get('code', '?')}）"
            )
        except BenchmarkFormatError as exc:
            problems.append(exc.message)
            continue
        if violation.code in violations:
            problems.append(f"{where}：违法行为编码“{violation.code}”重复")
            continue
        violations[violation.code] = violation
    if problems:
        raise BenchmarkFormatError(f"裁量基准库“{where}”有 {len(problems)} 处错误", details=problems)
    return BenchmarkLibrary(
        name=_require(head, "name", where),
        version=str(_require(head, "version", where)),
        effective_from=_to_date(_require(head, "effective_from", where), f"{where}.effective_from"),
        source=str(head.get("source", "")),
        violations=violations,
    )


def parse_library_texts(texts: Mapping[str, str], source: str = "") -> BenchmarkLibrary:
    """A library from its TOML texts by file name: `library.toml` holds the header and the default levels,
    every other text one area's violations (read in name order). Reading the files is the caller's."""
    header_name = "library.toml"
    if header_name not in texts:
        raise BenchmarkFormatError(f"找不到裁量基准库文件 {header_name}（{source or '未指明来源'}）")
    data = _parse_toml(header_name, texts[header_name])
    violations: list[dict[str, Any]] = list(data.get("violations", []))
    for name in sorted(texts):
        if name != header_name:
            violations.extend(_parse_toml(name, texts[name]).get("violations", []))
    return parse_library({**data, "violations": violations}, source=source)


def _parse_toml(name: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BenchmarkFormatError(f"{name} 格式错误：{exc}") from None
