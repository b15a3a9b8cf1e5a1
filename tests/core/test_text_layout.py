"""禁则 line breaking: no line opens with a closing mark or ends with an opening one, a 文号, a date or an
amount stays on one line, nothing is lost and every line fits its measure."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement_desk.core.text_layout import NO_LINE_END, NO_LINE_START, break_lines


def em(ch: str) -> float:
    """A CJK character and a full-width mark fill one em; Latin letters and digits half of one."""
    return 1.0 if ord(ch) > 0x2E7F else 0.5


HAN = "当事人未取得医疗机构执业许可证擅自执业罚款元号年月日"
CLOSING = "，。、；：？！）》〕」』”"
OPENING = "（《〔「『“"
cjk_text = st.text(alphabet=st.sampled_from(HAN + CLOSING + OPENING + "0123456789,.ab "), min_size=1, max_size=300)
measures = st.lists(st.integers(min_value=6, max_value=40).map(float), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(cjk_text, measures)
def test_no_line_opens_with_a_closing_mark_or_ends_with_an_opening_one(text, widths):
    lines = break_lines(text, em, widths)

    assert "".join(line.text for line in lines) == text
    for index, line in enumerate(lines):
        assert line.width <= widths[min(index, len(widths) - 1)]
        if index:
            assert line.text[0] not in NO_LINE_START, (index, [x.text for x in lines])
        if not line.ends_paragraph:
            assert line.text[-1] not in NO_LINE_END, (index, [x.text for x in lines])
    assert lines[-1].ends_paragraph and not any(line.ends_paragraph for line in lines[:-1])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(HAN + "，。"), max_size=60), st.integers(min_value=11, max_value=30))  # the 文号 is 10 em
def test_a_wenhao_a_date_and_an_amount_are_never_cut(prefix, width):
    tokens = ("沂卫医罚〔2026〕12号", "2026年11月23日", "10,000.00元")
    text = f"{prefix}依据{tokens[0]}决定，于{tokens[1]}前缴纳罚款{tokens[2]}。"

    lines = [line.text for line in break_lines(text, em, [float(width)])]

    assert "".join(lines) == text
    for token in tokens:
        assert any(token in line for line in lines), (token, lines)


def test_a_full_stop_after_a_closing_bracket_takes_the_word_before_it_down():
    text = "罚款10,000.00元（人民币壹万元整）。到期不缴纳"
    width = sum(em(ch) for ch in text[: text.index("。")])  # the line is full just before 。

    lines = [line.text for line in break_lines(text, em, [width])]

    assert lines[0] == "罚款10,000.00元（人民币壹万元"
    assert lines[1].startswith("整）。")


def test_a_newline_is_a_hard_break_and_each_part_ends_flush():
    lines = break_lines("第一行\n\n第三行", em, [10.0])

    assert [(line.text, line.ends_paragraph) for line in lines] == [("第一行", True), ("", True), ("第三行", True)]


def test_marks_longer_than_the_line_are_still_cut_so_the_text_goes_on():
    text = "。" * 30

    lines = break_lines(text, em, [7.0])

    assert "".join(line.text for line in lines) == text
    assert all(len(line.text) <= 7 for line in lines)


def test_a_code_longer_than_the_line_is_cut_where_it_must_be():
    code = "92371323MA3E9R4T5W" * 3

    lines = break_lines(code, em, [10.0])

    assert "".join(line.text for line in lines) == code
    assert all(line.width <= 10.0 for line in lines)
    assert re.fullmatch(r"[0-9A-Z]+", lines[0].text)
