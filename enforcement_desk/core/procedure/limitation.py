"""Art. 36: the limitation period for imposing a penalty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LimitationCheck:
    """Whether the limitation period (行政处罚法 art. 36) has run out, counted from when, and why."""

    barred: bool
    years: int
    counted_from: date
    expires_on: date
    explanation: str


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_limitation(
    act_date: date,
    discovered_on: date,
    *,
    act_ended_on: date | None = None,
    life_health_harm: bool = False,
) -> LimitationCheck:
    """Two years, five where citizens' life and health are involved with harmful consequences;
    counted from the day the act ended when it was continuing."""
    start = act_ended_on or act_date
    years = 5 if life_health_harm else 2
    expires = _add_years(start, years)
    barred = discovered_on > expires
    basis = "《行政处罚法》第三十六条"
    kind = "涉及公民生命健康安全且有危害后果，期限五年" if life_health_harm else "期限二年"
    from_text = "违法行为终了之日" if act_ended_on else "违法行为发生之日"
    if barred:
        text = f"违法行为自{from_text}（{start}）起至发现之日（{discovered_on}）已超过{years}年（{kind}），不再给予行政处罚（{basis}）"
    else:
        text = f"违法行为自{from_text}（{start}）起{years}年内被发现（{kind}，至 {expires}），未超过追责期限（{basis}）"
    return LimitationCheck(
        barred=barred, years=years, counted_from=start, expires_on=expires, explanation=text
    )
