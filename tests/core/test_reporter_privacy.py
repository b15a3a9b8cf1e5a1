"""The complainant's identity is found however it is written, and only where it is: properties over
generated texts, names and numbers, plus the cases officers actually write."""

from __future__ import annotations

import unicodedata

from hypothesis import assume, given
from hypothesis import strategies as st

from enforcement_desk.core.supervision.reporter_privacy import (
    IdentityKind,
    ReporterIdentity,
    carries_identity,
    find_leaks,
    withdraw_identity,
)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
# Text an officer writes around a name or number: Chinese, punctuation, Latin letters — no digits.
FILLER = st.text(alphabet=st.one_of(CJK, st.sampled_from(list("，。、；：（）“”《》 abcXYZ"))), max_size=40)
NAMES = st.text(alphabet=CJK, min_size=2, max_size=4)
MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
GAPS = st.sampled_from(["", " ", "-", "\u3000", "\u2014", ".", "\u200b", "  "])
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def written_with_gaps(data: st.DataObject, text: str) -> str:
    """The text as someone might write it: any of the usual gaps between any two characters."""
    return "".join(ch + data.draw(GAPS) for ch in text[:-1]) + text[-1]


@given(st.data(), MOBILES, FILLER, FILLER)
def test_a_phone_number_is_found_whatever_stands_between_its_digits(data, phone, before, after):
    written = written_with_gaps(data, phone)
    if data.draw(st.booleans()):
        written = written.translate(FULL_WIDTH)
    leaks = find_leaks([ReporterIdentity(phone=phone)], {"违法事实": before + written + after})
    assert leaks and leaks[0].field == "违法事实" and leaks[0].kind is IdentityKind.PHONE


@given(MOBILES, FILLER)
def test_a_phone_number_is_found_with_the_country_code_the_reporter_gave(phone, before):
    leaks = find_leaks([ReporterIdentity(phone="+86 " + phone)], {"联系": before + phone})
    assert [leak.kind for leak in leaks] == [IdentityKind.PHONE]


@given(MOBILES, FILLER)
def test_text_without_digits_never_leaks_a_phone(phone, text):
    assert find_leaks([ReporterIdentity(phone=phone)], {"违法事实": text}) == []


@given(st.data(), NAMES, FILLER, FILLER)
def test_a_name_is_found_however_it_is_spaced(data, name, before, after):
    text = before + written_with_gaps(data, name) + after
    assert IdentityKind.NAME in {
        leak.kind for leak in find_leaks([ReporterIdentity(name=name)], {"事实": text})
    }


@given(CJK, st.text(max_size=60))
def test_a_single_character_is_never_taken_for_a_name(character, text):
    assert find_leaks([ReporterIdentity(name=character)], {"事实": character + text + character}) == []


@given(NAMES, st.text(max_size=60))
def test_a_name_is_not_found_in_text_that_lacks_one_of_its_characters(name, text):
    text = text.replace(name[0], "")
    assume(name[0] not in unicodedata.normalize("NFKC", text))  # e.g. a compatibility form of it
    assert all(
        leak.kind is not IdentityKind.NAME for leak in find_leaks([ReporterIdentity(name=name)], {"x": text})
    )


@given(
    st.lists(st.builds(ReporterIdentity, NAMES, MOBILES), min_size=1, max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=6), st.text(max_size=50), max_size=5),
)
def test_each_field_is_judged_on_its_own_text(identities, fields):
    together = find_leaks(identities, fields)
    one_by_one = [leak for label, text in fields.items() for leak in find_leaks(identities, {label: text})]
    assert together == one_by_one
    assert {leak.field for leak in together} <= set(fields)


@given(st.lists(st.sampled_from(["经查，当事人未取得执业许可证。", "现场有患者三人。", "刘某某提供了线索。",
                                 "联系电话13812345678。", "\n"]), max_size=8))  # fmt: skip
def test_withdrawing_leaves_no_identity_and_loses_no_sentence(sentences):
    identity = ReporterIdentity("刘某某", "138 1234 5678")
    text = "".join(sentences)
    result = withdraw_identity(text, [identity])
    assert not carries_identity([identity], result.kept)
    for sentence in (s for s in sentences if s.strip()):
        assert sentence in result.kept or sentence.strip() in result.moved


@given(FILLER, FILLER)
def test_the_copied_complaint_text_goes_back_whole(copied, added):
    assume(copied.strip() and copied.strip() not in added)
    result = withdraw_identity(copied + "\n" + added, [], copied=copied)
    assert result.moved[0] == copied.strip() and copied.strip() not in result.kept


def test_the_complaint_copied_into_the_facts_is_found_and_taken_out():
    identity = ReporterIdentity("刘某某", "13812345678")
    facts = "举报人刘某某（电话13812345678）反映仁和诊所无证行医"
    assert [
        (leak.field, leak.kind) for leak in find_leaks([identity], {"违法事实": facts, "案由": "无证行医"})
    ] == [
        ("违法事实", IdentityKind.NAME),
        ("违法事实", IdentityKind.PHONE),
    ]
    result = withdraw_identity(facts + "\n经查，当事人未取得医疗机构执业许可证。", [identity], copied=facts)
    assert result.kept == "经查，当事人未取得医疗机构执业许可证。" and result.moved == (facts,)


def test_masked_and_latin_names_and_id_numbers():
    assert (
        find_leaks([ReporterIdentity(name="刘某某")], {"x": "举报人 刘·某某 称"})[0].kind is IdentityKind.NAME
    )
    assert find_leaks([ReporterIdentity(name="刘某某")], {"x": "法定代表人刘某"}) == []
    assert find_leaks([ReporterIdentity(name="Li Na")], {"x": "Carolina 诊所"}) == []
    assert find_leaks([ReporterIdentity(name="Li Na")], {"x": "投诉人 LI  NA"})[0].kind is IdentityKind.NAME
    found = find_leaks([ReporterIdentity(id_number="37032319850315001X")], {"x": "证件 370323 19850315 001x"})
    assert [leak.kind for leak in found] == [IdentityKind.ID_NUMBER]
    landline = ReporterIdentity(phone="0539-2212345")
    assert find_leaks([landline], {"x": "电话2212345"})[0].kind is IdentityKind.PHONE
    assert find_leaks([ReporterIdentity()], {"x": "任何内容 13812345678"}) == []
