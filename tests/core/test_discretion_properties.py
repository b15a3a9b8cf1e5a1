"""Property: whatever the facts, the recommended fine lies within the statutory range, unless 减轻 was
chosen — and then it lies below the minimum, never above the maximum."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement_desk.core.discretion.engine import ART32_CIRCUMSTANCES, Facts, check_choice, recommend
from enforcement_desk.core.errors import DomainError
from enforcement_desk.discretion.library import load_library
from enforcement_desk.paths import resources_dir

LIBRARY = load_library(resources_dir() / "benchmarks")
CODES = sorted(LIBRARY.violations)
DECIDED = date(2026, 11, 2)

money = st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)

facts_strategy = st.builds(
    Facts,
    illegal_gains=money,
    goods_value=money,
    duration_days=st.integers(0, 2000),
    persons_affected=st.integers(0, 500),
    harm=st.sampled_from(["none", "slight", "serious"]),
    repeat_within_year=st.booleans(),
    first_offence=st.booleans(),
    corrected_promptly=st.booleans(),
    minor=st.booleans(),
    overdue_uncorrected=st.booleans(),
    refused_supervision=st.booleans(),
    previously_punished=st.booleans(),
    art32=st.frozensets(st.sampled_from(sorted(ART32_CIRCUMSTANCES)), max_size=2),
    act_date=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 10, 1)),
    discovered_on=st.just(date(2026, 10, 8)),
)


@settings(max_examples=300, deadline=None)
@given(
    code=st.sampled_from(CODES),
    facts=facts_strategy,
    level=st.sampled_from([None, "减轻", "从轻", "一般", "从重"]),
    codes_extra=st.lists(st.sampled_from(CODES), max_size=1),
)
def test_recommendation_stays_within_the_statutory_range_unless_mitigated(code, facts, level, codes_extra):
    try:
        result = recommend(LIBRARY, [code, *codes_extra], facts, decided_on=DECIDED, level=level)
    except DomainError as refused:
        # Only refusals the law explains: a level these facts do not allow, or a provision not yet in force.
        assert "不能选择" in refused.message or "尚未施行" in refused.message or "未收录" in refused.message
        return
    if result.outcome == "no_penalty":
        assert result.recommended_fine == 0 and result.statutory is None
        return
    statutory = result.statutory
    assert result.recommended_fine <= statutory.maximum
    if result.level == "减轻":
        assert result.mitigated
        assert result.recommended_fine < statutory.minimum or statutory.minimum == 0
    else:
        assert not result.mitigated
        assert statutory.minimum <= result.recommended_fine
        assert (
            statutory.minimum <= result.level_range.minimum <= result.level_range.maximum <= statutory.maximum
        )
    # The recommended amount is always inside the level's own range: it is never the thing to justify.
    assert not check_choice(result, result.recommended_fine, "所选阶次的理由").outside_level
