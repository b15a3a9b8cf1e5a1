"""Agency settings: the figures the law leaves to provinces and agencies (domain.md: configurable).

Stored as JSON on the agency row; every key has a lawful default here, and a bad value is refused
with a message naming the setting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from enforcement_desk.core.errors import DomainError

ALWAYS_MAJOR_KINDS_DEFAULT = (
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "暂扣许可证件",
    "吊销许可证件",
    "降低资质等级",
)

HEARING_KINDS_DEFAULT = (
    "没收较大数额违法所得",
    "没收较大价值非法财物",
    "降低资质等级",
    "吊销许可证件",
    "责令停产停业",
    "责令关闭",
    "限制从业",
)


@dataclass(frozen=True)
class AgencySettings:
    """An agency's own settings: its periods, the thresholds of major decisions and of the hearing
    right, the simple procedure's limits and its holiday tables."""

    # 卫生健康行政处罚程序规定 art. 32(1): 七日内立案; 案情复杂的, 经负责人批准, 可以延长七日 (art. 69(2): working
    # days). Kept as settings so a stricter local rule can shorten them; the defaults are the rule's own.
    filing_deadline_working_days: int = 7
    filing_extension_working_days: int = 7
    defence_working_days: int = 3
    publicity_working_days: int = 7
    review_time_limit_working_days: int = 5
    random_results_working_days: int = 20
    complaint_reply_working_days: int = 15
    idle_lock_minutes: int = 15
    # Password guessing: after this many failed sign-ins in a row an account is locked for this long
    # (even the right password is refused meanwhile; an administrator can unlock it).
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # 重大执法决定法制审核目录清单 (art. 58): fines above these are major.
    major_fine_person: Decimal = Decimal("10000")
    major_fine_organisation: Decimal = Decimal("100000")
    major_kinds: tuple[str, ...] = ALWAYS_MAJOR_KINDS_DEFAULT
    major_if_hearing: bool = True
    major_if_mitigated: bool = True
    # 较大数额罚款 for the hearing right (art. 63) — set by the province.
    hearing_fine_person: Decimal = Decimal("5000")
    hearing_fine_organisation: Decimal = Decimal("50000")
    hearing_kinds: tuple[str, ...] = HEARING_KINDS_DEFAULT
    simple_fine_person_max: Decimal = Decimal("200")
    simple_fine_organisation_max: Decimal = Decimal("3000")
    holiday_tables: tuple[dict, ...] = field(default_factory=tuple)
    # 国务院令第310号 art. 5: only the 正职负责人 or the 主持工作的负责人 approves a transfer to the police.
    # Named here by login (one of each at a time, each change a settings version with its note).
    transfer_principal_head: str = ""
    transfer_presiding_head: str = ""
    # The case file's 档号 and 保管期限. 全宗号 is given by the archive the agency hands its files to (empty: the
    # agency's short name stands in). 国家档案局令第8号 (2006) art. 6 and its annex: files of 行政处罚 work are kept
    # 永久 when important, 定期30年 otherwise; an ordinary-procedure case is kept as important, an on-the-spot
    # (简易程序) one as ordinary, as penalty-file rules commonly apply it.
    archive_fonds_no: str = ""
    archive_retention: str = "永久"
    archive_retention_simple: str = "30年"

    def to_json(self) -> dict[str, Any]:
        """The settings as JSON-ready data (amounts as text, tuples as lists)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = str(value)
            elif isinstance(value, tuple):
                data[key] = list(value)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> AgencySettings:
        """Settings read from stored data, defaults for what is missing."""
        settings = cls()
        if data:
            settings = settings.updated({k: v for k, v in data.items() if k not in RETIRED_SETTINGS})
        return settings

    def updated(self, changes: dict[str, Any]) -> AgencySettings:
        """A copy with `changes` applied, each converted to its setting's type; refuses an unknown key."""
        known = {f.name: f for f in fields(self)}
        converted: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in known:
                raise DomainError(f"未知的设置项“{key}”")
            default = getattr(AgencySettings(), key)
            converted[key] = _convert(key, value, default)
        return replace(self, **converted)


# Settings no longer kept: stored copies that still carry them are read without them. The decision period's
# extensions follow 卫生健康行政处罚程序规定 art. 42(2) (60 days, then 30 by collective discussion), not settings.
RETIRED_SETTINGS = frozenset({"decision_extension_max_days", "decision_extensions_by_head"})

# Periods and amounts the 2025 卫生健康行政处罚程序规定 fixes: an agency may hold itself to less, never to more.
LEGAL_CEILINGS: dict[str, tuple[Decimal, str]] = {
    "filing_deadline_working_days": (Decimal(7), "《卫生健康行政处罚程序规定》第三十二条第一款、第六十九条"),
    "filing_extension_working_days": (Decimal(7), "《卫生健康行政处罚程序规定》第三十二条第一款、第六十九条"),
    "simple_fine_person_max": (Decimal(200), "《卫生健康行政处罚程序规定》第二十九条"),
    "simple_fine_organisation_max": (Decimal(3000), "《卫生健康行政处罚程序规定》第二十九条"),
}


# Settings that would switch a protection off at 0: the sign-in lockout cannot be disabled this way.
SETTING_MINIMUMS: dict[str, int] = {"login_max_failures": 1, "login_lock_minutes": 1}


def legal_ceiling_refusal(settings: AgencySettings, changed: set[str]) -> DomainError | None:
    """A changed setting above what the rule allows; settings saved before the ceiling still load."""
    for key in sorted(changed & LEGAL_CEILINGS.keys()):
        ceiling, rule = LEGAL_CEILINGS[key]
        value = Decimal(getattr(settings, key))
        if value > ceiling:
            label = SETTING_LABELS.get(key, key)
            return DomainError(f"设置“{label}”不能超过 {ceiling}，收到 {value}", rule=rule)
    return None


SETTING_LABELS = {
    "filing_deadline_working_days": "立案期限（工作日）",
    "filing_extension_working_days": "立案延长期限（工作日）",
    "defence_working_days": "陈述申辩期限（工作日）",
    "publicity_working_days": "公示期限（工作日）",
    "review_time_limit_working_days": "法制审核期限（工作日）",
    "random_results_working_days": "双随机结果公示期限（工作日）",
    "complaint_reply_working_days": "投诉举报答复期限（工作日）",
    "idle_lock_minutes": "空闲锁定（分钟）",
    "login_max_failures": "连续登录失败几次后锁定账户",
    "login_lock_minutes": "登录失败锁定时长（分钟）",
    "major_fine_person": "重大决定罚款标准（自然人，元）",
    "major_fine_organisation": "重大决定罚款标准（法人或其他组织，元）",
    "hearing_fine_person": "听证较大数额罚款（自然人，元）",
    "hearing_fine_organisation": "听证较大数额罚款（法人或其他组织，元）",
    "simple_fine_person_max": "简易程序罚款上限（自然人，元）",
    "simple_fine_organisation_max": "简易程序罚款上限（法人或其他组织，元）",
    "transfer_principal_head": "移送审批：正职负责人（登录名）",
    "transfer_presiding_head": "移送审批：主持工作的负责人（登录名，可空）",
    "archive_fonds_no": "案卷全宗号（档案馆给定，可空）",
    "archive_retention": "案卷保管期限（普通程序）",
    "archive_retention_simple": "案卷保管期限（简易程序）",
}

# Settings that take one of a few words: 保管期限 as 国家档案局令第8号 art. 6 and DA/T 22-2015 name them.
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "archive_retention": ("永久", "30年", "10年"),
    "archive_retention_simple": ("永久", "30年", "10年"),
}


def _convert(key: str, value: Any, default: Any) -> Any:
    label = SETTING_LABELS.get(key, key)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "是", "yes"):
            return True
        if str(value).lower() in ("false", "0", "否", "no"):
            return False
        raise DomainError(f"设置“{label}”应为是或否，收到“{value}”")
    if isinstance(default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise DomainError(f"设置“{label}”应为整数，收到“{value}”") from None
        lowest = SETTING_MINIMUMS.get(key, 0)
        if number < lowest or number > 3650:
            raise DomainError(f"设置“{label}”超出合理范围（{lowest}–3650），收到 {number}")
        return number
    if isinstance(default, Decimal):
        try:
            amount = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            raise DomainError(f"设置“{label}”应为金额，收到“{value}”") from None
        if amount < 0:
            raise DomainError(f"设置“{label}”不能为负数")
        return amount
    if isinstance(default, str):
        text = "" if value is None else str(value).strip()
        if key in SETTING_CHOICES and text not in SETTING_CHOICES[key]:
            raise DomainError(f"设置“{label}”应为 {'、'.join(SETTING_CHOICES[key])} 之一，收到“{text}”")
        return text
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
        return tuple(value)
    return value
