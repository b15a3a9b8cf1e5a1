"""Characters the 仿宋/宋体 face lacks — 生僻字 of CJK Extension B, emoji — print from a fallback face,
read back from the PDF as themselves, and a character no face has prints as 〓, never as a NUL."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from enforcement_desk.documents.content import RenderedDocument, RenderedTable
from enforcement_desk.documents.fonts import (
    BODY_FONT_NAME,
    FALLBACK_FONT_PREFIX,
    MISSING_GLYPH,
    find_fallback_fonts,
    font_runs,
)
from enforcement_desk.documents.pdf import render_pdf

RARE_NAME = "𠀀𪚥记😀小吃店👍"  # U+20000 and U+2A6A5 (Extension B), two emoji
NO_FONT_HAS_IT = "\U000f0000"  # plane 15 private use: no installed face draws it


def _decision(party: str) -> RenderedDocument:
    return RenderedDocument(
        kind="penalty_decision", title="行政处罚决定书", agency_name="沂水县卫生健康综合监督执法局",
        number="沂卫医罚〔2026〕1号", paragraphs=(f"当事人：{party}", "经查，当事人未取得医疗机构执业许可证擅自执业。"),
        table=RenderedTable(headers=("序号", "当事人"), rows=(("1", party),)), closing=(),
        signature=("沂水县卫生健康综合监督执法局",), receipt=False,
    )  # fmt: skip


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_rare_characters_and_emoji_in_a_party_name_read_back_from_the_pdf():
    text = _text(render_pdf(_decision(RARE_NAME)))

    assert f"当事人：{RARE_NAME}" in text
    assert text.count(RARE_NAME) == 2  # the paragraph and the table cell
    assert "\x00" not in text


def _embedded_fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_the_fallback_faces_are_embedded_only_where_needed():
    plain = _embedded_fonts(render_pdf(_decision("张某某")))
    rare = _embedded_fonts(render_pdf(_decision(RARE_NAME)))

    assert plain < rare  # the same body and title faces, and the fallback faces besides
    assert all("Helvetica" not in name for name in rare)


def test_a_character_no_face_has_prints_as_a_visible_substitute():
    text = _text(render_pdf(_decision(f"王{NO_FONT_HAS_IT}强")))

    assert f"王{MISSING_GLYPH}强" in text
    assert "\x00" not in text


def test_characters_the_body_face_has_stay_in_it():
    runs = font_runs("沂水县悦来宾馆", BODY_FONT_NAME)

    assert runs == [(BODY_FONT_NAME, "沂水县悦来宾馆")]


def test_each_missing_character_goes_to_a_fallback_face():
    runs = font_runs(f"记{RARE_NAME[0]}😀{NO_FONT_HAS_IT}", BODY_FONT_NAME)

    assert runs[0] == (BODY_FONT_NAME, "记")
    assert runs[1][0].startswith(FALLBACK_FONT_PREFIX) and runs[1][1].startswith("𠀀")
    assert any(font.startswith(FALLBACK_FONT_PREFIX) and "😀" in piece for font, piece in runs)
    assert runs[-1] == (BODY_FONT_NAME, MISSING_GLYPH)


def test_the_setup_installs_the_fallback_faces():
    # dev.py's FONT_PACKAGES put them there; without them every 生僻字 would print as 〓
    assert find_fallback_fonts(), "fonts-hanazono / fonts-symbola not installed: run python3 dev.py setup"


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30))
def test_every_character_is_drawn_by_a_face_that_has_it_or_as_the_substitute(text):
    from reportlab.pdfbase import pdfmetrics

    runs = font_runs(text, BODY_FONT_NAME)

    for font, piece in runs:
        glyphs = pdfmetrics.getFont(font).face.charToGlyph
        assert all(ord(ch) in glyphs for ch in piece), (font, piece)
    drawn = "".join(piece for _, piece in runs)
    for shown, typed in zip(drawn, text, strict=True):
        assert shown in (typed, MISSING_GLYPH)
