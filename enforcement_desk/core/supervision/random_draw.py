"""双随机抽取: inspection objects drawn per category by ratio or count, two inspectors per object.

The draw depends only on its recorded inputs and the seed. Each candidate is ranked by the SHA-256 of
the seed and its identifier, rather than by Python's `random`, whose algorithms may change between
versions: anyone holding the record (even with another tool) can recompute the same draw years later.

Avoidance (回避): an inspector who declared a conflict with an object is never sent there, and an
object never gets an inspector of its previous inspection team ("not the same inspector twice in a row").
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from enforcement_desk.core.errors import DomainError

TEAM_SIZE = 2  # 行政处罚法 art. 42: at least two officers carry out an inspection


@dataclass(frozen=True)
class DrawObject:
    """An object that may be drawn for inspection: its id, category and name."""

    id: int
    category: str
    name: str = ""


@dataclass(frozen=True)
class CategoryQuota:
    """How many objects of one category to draw: an exact count or a ratio (0 < ratio <= 1)."""

    category: str
    count: int | None = None
    ratio: Decimal | None = None

    def size_for(self, available: int) -> int:
        """How many of `available` objects the category draws: the count, or the ratio rounded up."""
        if self.count is not None:
            return min(self.count, available)
        assert self.ratio is not None
        # A ratio rounds up: 5% of 30 objects means 2 inspections, never 1.5 or none.
        return min(available, math.ceil(self.ratio * available))


@dataclass(frozen=True)
class DrawInput:
    """Everything a draw depends on: seed, quotas, objects, inspectors, declared conflicts, previous teams."""

    seed: str
    quotas: tuple[CategoryQuota, ...]
    objects: tuple[DrawObject, ...]
    inspector_ids: tuple[int, ...]
    conflicts: frozenset[tuple[int, int]] = frozenset()  # (inspector_id, object_id)
    previous_teams: Mapping[int, frozenset[int]] = field(default_factory=dict)  # object_id -> inspectors


@dataclass(frozen=True)
class Assignment:
    """One drawn object and the inspectors sent to it."""

    object_id: int
    category: str
    inspector_ids: tuple[int, ...]


@dataclass(frozen=True)
class DrawOutcome:
    """The result of a draw: its seed and the assignments."""

    seed: str
    assignments: tuple[Assignment, ...]


def validate_quota(quota: CategoryQuota) -> CategoryQuota:
    """Check a quota has exactly one of a count (at least 1) or a ratio (above 0, at most 100%)."""
    if (quota.count is None) == (quota.ratio is None):
        raise DomainError(f"类别“{quota.category}”的抽取数量应填写比例或数量之一")
    if quota.count is not None and quota.count < 1:
        raise DomainError(f"类别“{quota.category}”的抽取数量应至少为 1")
    if quota.ratio is not None and not (Decimal(0) < quota.ratio <= Decimal(1)):
        raise DomainError(f"类别“{quota.category}”的抽取比例应大于 0% 且不超过 100%")
    return quota


def rank(seed: str, *parts: object) -> str:
    """The sort key of a candidate: hex SHA-256 of the seed and the candidate's identifiers."""
    text = "|".join([seed, *(str(p) for p in parts)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def eligible_inspectors(draw: DrawInput, object_id: int) -> list[int]:
    """The inspectors who may be sent to the object: no declared conflict, not in its previous team (回避)."""
    previous = draw.previous_teams.get(object_id, frozenset())
    return [
        inspector
        for inspector in draw.inspector_ids
        if (inspector, object_id) not in draw.conflicts and inspector not in previous
    ]


def run_draw(draw: DrawInput) -> DrawOutcome:
    """Draw the objects of each quota's category, then staff each with two eligible inspectors."""
    if not draw.seed:
        raise DomainError("抽取种子不能为空：种子须记录，以便他人复核抽取结果")
    if len(set(draw.inspector_ids)) < TEAM_SIZE:
        raise DomainError("执法人员名录库中可参加抽查的执法人员不足两人", rule="《行政处罚法》第四十二条")
    seen_categories: set[str] = set()
    chosen: list[DrawObject] = []
    for quota in draw.quotas:
        validate_quota(quota)
        if quota.category in seen_categories:
            raise DomainError(f"类别“{quota.category}”重复设置了抽取数量")
        seen_categories.add(quota.category)
        pool = sorted((o for o in draw.objects if o.category == quota.category), key=lambda o: o.id)
        if not pool:
            raise DomainError(f"检查对象库中没有类别为“{quota.category}”的对象")
        ordered = sorted(pool, key=lambda o: rank(draw.seed, "object", o.id))
        chosen.extend(ordered[: quota.size_for(len(pool))])

    unstaffable = [o for o in chosen if len(eligible_inspectors(draw, o.id)) < TEAM_SIZE]
    if unstaffable:
        raise DomainError(
            "以下检查对象在回避后可派的执法人员不足两人，请扩充执法人员名录或调整回避声明",
            rule="回避：申报利害关系的人员、上次检查该对象的人员不参加",
            details=[o.name or f"对象 #{o.id}" for o in unstaffable],
        )

    # Work is spread evenly: the least-loaded eligible inspectors go first, the seed breaks ties.
    load = dict.fromkeys(draw.inspector_ids, 0)
    assignments = []
    for item in chosen:
        candidates = sorted(
            eligible_inspectors(draw, item.id),
            key=lambda inspector: (load[inspector], rank(draw.seed, "inspector", item.id, inspector)),
        )
        team = tuple(sorted(candidates[:TEAM_SIZE]))
        for inspector in team:
            load[inspector] += 1
        assignments.append(Assignment(item.id, item.category, team))
    return DrawOutcome(draw.seed, tuple(assignments))


def avoidance_violations(draw: DrawInput, outcome: DrawOutcome) -> list[str]:
    """Every broken avoidance or staffing rule in an outcome (empty when the draw is lawful)."""
    problems = []
    for item in outcome.assignments:
        team = set(item.inspector_ids)
        if len(team) != TEAM_SIZE:
            problems.append(f"对象 #{item.object_id} 的检查人员不是两人")
        for inspector in team:
            if (inspector, item.object_id) in draw.conflicts:
                problems.append(f"对象 #{item.object_id} 派出了申报回避的人员 #{inspector}")
            if inspector in draw.previous_teams.get(item.object_id, frozenset()):
                problems.append(f"对象 #{item.object_id} 连续两次由人员 #{inspector} 检查")
            if inspector not in draw.inspector_ids:
                problems.append(f"人员 #{inspector} 不在执法人员名录库中")
    return problems
