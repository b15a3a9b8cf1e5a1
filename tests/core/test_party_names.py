"""Names that probably mean the same party: exact cases, and properties over generated names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.party_names import MIN_CONTAINED, name_core, names_match, plain_name

# Characters of 字号 and 行业 only: no division suffix (县, 市, 区 …) that would read as a place.
TRADE_CHARS = "悦来宾馆如家诊所医疗美容游泳健身供水饮用纯净茶楼口腔牙科康复药房酒店旅社浴池理发"
cores = st.text(alphabet=TRADE_CHARS, min_size=2, max_size=10)
divisions = st.sampled_from(["", "沂水县", "山东省临沂市沂水县", "临沂市河东区", "沂水县许家湖镇"])
forms = st.sampled_from(["", "有限公司", "有限责任公司", "股份有限公司", "个体工商户"])
noise = st.sampled_from(["", " ", "（", "）", "(", ")", "　", "·"])


def test_the_same_party_written_three_ways_matches_and_a_neighbour_does_not():
    assert names_match("沂水县悦来宾馆有限公司", "沂水县 悦来宾馆（有限公司）") == "名称相同"
    assert names_match("沂水县悦来宾馆有限公司", "山东省临沂市沂水县悦来宾馆有限责任公司") == "名称主体相同"
    assert names_match("悦来宾馆", "悦来宾馆二店") == "名称相近"
    assert names_match("沂水县悦来宾馆有限公司", "沂水县如家宾馆有限公司") == ""
    assert names_match("沂水县人民医院", "沂水县中医医院") == ""
    assert names_match("王强", "王强强", organisations=False) == ""
    assert names_match("王强", "王 强", organisations=False) == "名称相同"
    assert name_core("沂水县") == "沂水县"  # nothing but a division: kept, never empty
    # 超市 and 景区 end like a city and a district but are part of the trade and the name
    assert name_core("沂水县华联超市第二分店") == "华联超市第二分店"
    assert names_match("沂水县华联超市第二分店", "沂水县新华超市第二分店") == ""
    assert names_match("沂水县雪山景区游泳馆", "沂水县龙泉景区游泳馆") == ""


@given(st.text(min_size=1, max_size=30))
def test_every_name_with_a_letter_or_digit_matches_itself_and_matching_is_symmetric(name):
    if plain_name(name):
        assert names_match(name, name) == "名称相同"
    other = name[::-1]
    assert names_match(name, other) == names_match(other, name)


@given(cores, divisions, forms, divisions, forms, st.lists(noise, max_size=4))
def test_a_division_in_front_a_form_at_the_end_and_punctuation_do_not_hide_a_party(
    core, division, form, other_division, other_form, marks
):
    written = division + "".join(marks) + core + form
    again = other_division + core + "".join(marks) + other_form
    assert names_match(written, again) in ("名称相同", "名称主体相同")


@given(cores, cores)
def test_cores_that_do_not_contain_one_another_never_match(first, second):
    shorter, longer = sorted((first, second), key=len)
    if first != second and (shorter not in longer or len(shorter) < MIN_CONTAINED):
        assert names_match("沂水县" + first + "有限公司", "沂水县" + second + "有限公司") == ""
