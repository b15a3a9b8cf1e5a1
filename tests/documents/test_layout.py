"""How a document is set: 禁则 in the PDF (read back with pdftotext -layout, as a reviewer's check does)
and asked of Word in the DOCX, the seal never alone on a page, the body at 三号, and parsed fonts kept in
a cache that changes nothing in the PDF."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from enforcement_desk.core.text_layout import NO_LINE_START
from enforcement_desk.documents.content import RenderedDocument
from enforcement_desk.documents.docx import render_docx
from enforcement_desk.documents.pdf import BODY_SIZE, render_pdf

WENHAO = "沂卫医罚〔2026〕12号"
SIGNATURE = ("沂水县卫生健康综合监督执法局", "（印章）", "2026年11月23日")
# Sentences whose marks fall at every position of a line as the text before them grows.
CLAUSE = "对你（单位）作出如下行政处罚：罚款10,000.00元（人民币壹万元整）。依据《中华人民共和国行政处罚法》，"


def _decision(paragraphs: tuple[str, ...], closing: tuple[str, ...] = ()) -> RenderedDocument:
    return RenderedDocument(
        kind="penalty_decision", title="行政处罚决定书", agency_name="沂水县卫生健康综合监督执法局",
        number=WENHAO, paragraphs=paragraphs, table=None, closing=closing, signature=SIGNATURE, receipt=False,
    )  # fmt: skip


def _layout_lines(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "d.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftotext", "-layout", str(path), str(folder / "d.txt")], check=True)
    return (folder / "d.txt").read_text().splitlines()


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@needs_pdftotext
def test_no_line_of_the_pdf_opens_with_a_closing_mark_and_the_wenhao_stays_whole(tmp_path):
    paragraphs = tuple(f"{'经' * shift}{CLAUSE * 3}本机关于2026年11月17日送达了{WENHAO}决定书。" for shift in range(28))

    lines = _layout_lines(render_pdf(_decision(paragraphs)), tmp_path)

    opening = [line.strip() for line in lines if line.strip() and line.strip()[0] in NO_LINE_START]
    assert not opening, opening[:5]
    hanging = [line.strip() for line in lines if re.search(r"[（《〔“]\s*$", line)]
    assert not hanging, hanging[:5]
    text = "\n".join(re.sub(r"\s+", "", line) for line in lines)  # a widely spread line reads "2 0 2 6 年"
    assert text.count(WENHAO) == 1 + len(paragraphs)  # the heading's and one in each paragraph, none cut
    assert text.count("10,000.00元") == 3 * len(paragraphs)
    assert text.count("2026年11月17日") == len(paragraphs)


def _page_texts(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_seal_and_date_never_stand_alone_on_a_page():
    filler = tuple("经查，当事人未取得医疗机构执业许可证擅自执业，" * 6 for _ in range(5))
    for extra in range(0, 27 * 14, 27):  # the closing paragraph grows a line at a time over a page
        closing = "逾期不申请行政复议、不提起行政诉讼又不履行本行政处罚决定的" + "依" * extra + "本机关将依法申请人民法院强制执行。"

        pages = _page_texts(render_pdf(_decision(filler, (closing,))))

        seal_page = next(page for page in pages if "（印章）" in page)
        assert "人民法院强制执行。" in seal_page, f"the seal stands alone (closing +{extra} characters)"
        text_before_seal = seal_page[: seal_page.index(SIGNATURE[0])]
        assert len(text_before_seal) > 27, "more than one line (27 characters at 三号) goes with the seal"


def test_the_body_is_set_in_sanhao_and_the_pages_stay_numbered():
    assert BODY_SIZE == 16  # 三号

    pages = _page_texts(render_pdf(_decision(tuple(CLAUSE * 4 for _ in range(12)))))

    assert len(pages) >= 2 and all(f"共{len(pages)}页" in page for page in pages)


def _docx(doc: RenderedDocument):
    return Document(io.BytesIO(render_docx(doc)))


def test_the_docx_asks_word_for_chinese_line_breaking():
    document = _docx(_decision(("当事人：沂水康宁口腔诊所", CLAUSE)))

    body = [p for p in document.paragraphs if p.text]
    for paragraph in body:
        properties = paragraph._p.pPr
        for tag in ("w:kinsoku", "w:wordWrap", "w:overflowPunct"):
            assert properties.find(qn(tag)) is not None and properties.find(qn(tag)).get(qn("w:val")) == "1"
    settings = document.settings.element
    before = settings.find(qn("w:noLineBreaksBefore"))
    after = settings.find(qn("w:noLineBreaksAfter"))
    assert before.get(qn("w:lang")) == "zh-CN" and set("，。、；：）》〕") <= set(before.get(qn("w:val")))
    assert set("（《〔“") <= set(after.get(qn("w:val")))
    names = [child.tag.split("}")[1] for child in settings]
    assert names.index("characterSpacingControl") < names.index("noLineBreaksAfter") < names.index("compat")
    normal_language = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal_language.get(qn("w:eastAsia")) == "zh-CN"
    party = next(p for p in body if p.text.startswith("当事人"))
    assert party.runs[0].font.size.pt == 16  # 三号


def test_the_docx_keeps_the_last_text_with_the_signature():
    document = _docx(_decision(("当事人：沂水康宁口腔诊所",), ("第一段结束语。", "最后一段结束语。")))

    paragraphs = document.paragraphs
    last_text = next(i for i, p in enumerate(paragraphs) if p.text == "最后一段结束语。")
    date = next(i for i, p in enumerate(paragraphs) if p.text == SIGNATURE[-1])
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[last_text:date])
    assert not paragraphs[date].paragraph_format.keep_with_next
    assert not paragraphs[last_text - 1].paragraph_format.keep_with_next


_RENDER = textwrap.dedent(
    """
    import sys, time
    from reportlab import rl_config
    rl_config.invariant = 1  # fixed dates and IDs: two runs of the same input give the same bytes
    if sys.argv[2] == "no-parsing":  # prove the fonts come from the cache: parsing a font file now fails
        from reportlab.pdfbase import ttfonts
        def refuse(*args, **kwargs):
            raise RuntimeError("font file parsed")
        ttfonts.TTFontFile.__init__ = refuse
    from enforcement_desk.documents.content import RenderedDocument
    from enforcement_desk.documents.pdf import render_pdf
    doc = RenderedDocument(kind="penalty_decision", title="行政处罚决定书", agency_name="沂水县卫生健康综合监督执法局",
        number="沂卫医罚〔2026〕12号", paragraphs=("当事人：𠀀𪚥记😀小吃店", "罚款10,000.00元（人民币壹万元整）。"),
        table=None, closing=(), signature=("沂水县卫生健康综合监督执法局", "（印章）"), receipt=False)
    open(sys.argv[1], "wb").write(render_pdf(doc))
    """
)


def _render_in_a_fresh_process(cache: Path, out: Path, mode: str = "") -> None:
    env = {**os.environ, "ENFORCEMENT_DESK_CACHE": str(cache)}
    result = subprocess.run([sys.executable, "-c", _RENDER, str(out), mode], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_pdf_made_with_cached_fonts_is_the_same_as_one_made_from_the_font_files(tmp_path):
    cache = tmp_path / "cache"
    _render_in_a_fresh_process(cache, tmp_path / "cold.pdf")
    cached = sorted((cache / "fonts").glob("*.font"))
    assert len(cached) >= 3  # body, title and the fallback faces the rare name needed

    _render_in_a_fresh_process(cache, tmp_path / "warm.pdf", "no-parsing")

    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()


def test_a_damaged_cache_file_is_parsed_afresh_and_replaced(tmp_path):
    cache = tmp_path / "cache"
    _render_in_a_fresh_process(cache, tmp_path / "cold.pdf")
    for path in (cache / "fonts").glob("*.font"):
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])

    _render_in_a_fresh_process(cache, tmp_path / "again.pdf")
    _render_in_a_fresh_process(cache, tmp_path / "warm.pdf", "no-parsing")

    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
