"""Suggesting violations from a case's cause (案由) and category (执法类别), and warning when a chosen
violation does not fit: properties over any text, and the cases officers meet."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement_desk.core.discretion.suggest import fit_warnings, shared_phrases, suggest_violations
from enforcement_desk.core.stages import CATEGORY_LABELS
from enforcement_desk.discretion.library import load_library
from enforcement_desk.paths import resources_dir

LIBRARY = load_library(resources_dir() / "benchmarks")
VIOLATIONS = sorted(LIBRARY.violations.values(), key=lambda v: v.code)
CATEGORIES = st.one_of(st.sampled_from(sorted(CATEGORY_LABELS)), st.text(max_size=3))
# Causes as officers write them: pieces of the library's names and areas, punctuation, other words.
PIECES = st.sampled_from(
    [*(v.name for v in VIOLATIONS), *(v.area for v in VIOLATIONS), "某口腔诊所", "，", "《", "》"]
)
CAUSES = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=5).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(cause=CAUSES, category=CATEGORIES, limit=st.integers(-2, 50))
def test_suggesting_never_raises_and_suggests_only_the_librarys_violations_best_first(cause, category, limit):
    suggestions = suggest_violations(cause, category, LIBRARY, limit=limit)
    codes = [s.code for s in suggestions]
    assert len(codes) == len(set(codes)) <= max(limit, 0)
    assert all(code in LIBRARY.violations for code in codes)
    assert all(s.score > 0 and s.reasons for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    for suggestion in suggestions:
        assert suggestion.name == LIBRARY.get(suggestion.code).name


@settings(max_examples=200, deadline=None)
@given(
    violation=st.sampled_from(VIOLATIONS),
    category=CATEGORIES,
    before=st.sampled_from(["", " ", "“", "《"]),
    after=st.sampled_from(["", "。", "”", "》 "]),
)
def test_a_cause_that_is_exactly_a_violations_name_ranks_that_violation_first(
    violation, category, before, after
):
    suggestions = suggest_violations(f"{before}{violation.name}{after}", category, LIBRARY)
    assert suggestions[0].code == violation.code
    assert "案由与违法行为名称完全相同" in suggestions[0].reasons


@settings(max_examples=200, deadline=None)
@given(violation=st.sampled_from(VIOLATIONS), cause=CAUSES, category=CATEGORIES)
def test_fit_warnings_never_raise_and_the_violations_own_words_and_category_fit(violation, cause, category):
    assert isinstance(fit_warnings(violation, cause, category), tuple)
    assert fit_warnings(violation, violation.name, violation.category) == ()


@given(cause=st.text(max_size=40), name=st.text(max_size=40))
def test_shared_phrases_are_in_both_texts(cause, name):
    for phrase in shared_phrases(cause, name):
        assert len(phrase) >= 3


def test_a_dental_clinic_practising_without_a_licence_is_offered_the_unlicensed_practice_entry_first():
    suggestions = suggest_violations("某口腔诊所未取得医疗机构执业许可证擅自执业", "医", LIBRARY)
    assert suggestions[0].code == "YL-001"
    assert "案由包含该违法行为的完整名称" in suggestions[0].reasons
    assert "执法类别相同（医疗卫生）" in suggestions[0].reasons
    assert "SY-001" not in [s.code for s in suggestions]


def test_words_in_common_rank_above_the_category_alone_and_a_code_named_in_the_cause_counts():
    waste = suggest_violations("将医疗废物混入生活垃圾", "传", LIBRARY)
    assert waste[0].code == "YF-002" and any("生活垃圾" in r for r in waste[0].reasons)
    assert suggest_violations("涉嫌 YS-003 出具虚假证明", "", LIBRARY)[0].code == "YS-003"


def test_without_words_the_cases_category_is_offered():
    suggestions = suggest_violations("", "放", LIBRARY)
    assert {s.code for s in suggestions} == {v.code for v in VIOLATIONS if v.category == "放"}
    assert all(s.reasons == ("执法类别相同（放射卫生）",) for s in suggestions)
    assert suggest_violations("", "", LIBRARY) == ()


def test_drinking_water_on_a_dental_clinic_case_is_warned_about_twice():
    warnings = fit_warnings(LIBRARY.get("SY-001"), "某口腔诊所未取得医疗机构执业许可证擅自执业", "医")
    assert len(warnings) == 2
    assert "“生活饮用水卫生”类" in warnings[0] and "“医疗卫生”不一致" in warnings[0]
    assert "没有共同的关键词" in warnings[1]
    assert fit_warnings(LIBRARY.get("YL-001"), "某口腔诊所未取得医疗机构执业许可证擅自执业", "医") == ()
