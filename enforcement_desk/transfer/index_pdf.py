"""The 移送材料目录: the printed index of a transfer package, signed by the officer who hands it over
and by the receiver.

Every page names the SHA-256 of manifest.json, so the signed paper and the signed digital manifest
vouch for each other, and a page cannot be swapped in from another package.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from enforcement_desk.documents.fonts import markup, register_cjk_fonts

MARGIN = 15 * mm
# 序号, 材料, 类别, 页数, 大小, 收集人/时间, SHA-256: the hash column fits 32 hex digits a line.
COLUMNS_MM = (9, 50, 22, 10, 16, 23, 50)


@dataclass(frozen=True)
class IndexHeading:
    """The top of the package's index: the agency and one fact a line (case, party, cause, recipients,
    key)."""

    agency_name: str
    lines: tuple[str, ...]  # case, party, cause, recipients, key fingerprint: one fact a line


def pdf_page_count(path: Path) -> int | None:
    """Pages of a PDF evidence file (an inspection report, a scanned expert conclusion); None when the
    file cannot be read as a PDF — the package still carries it, the index shows no count."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with path.open("rb") as handle:
            return len(PdfReader(handle, strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None


def human_size(size: int) -> str:
    """A file size for people: B, KB, MB or GB."""
    if size >= 1024**3:
        return f"{size / 1024**3:.2f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB" if size >= 1024 else f"{size} B"


def _footer_canvas(manifest_sha256: str) -> type[pdf_canvas.Canvas]:
    class FooterCanvas(pdf_canvas.Canvas):
        """Holds the pages until the end so each can say how many there are."""

        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = register_cjk_fonts()[0]  # not the unembedded Helvetica
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            body, _ = register_cjk_fonts()
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(body, 8)
                self.drawString(MARGIN, 9 * mm, f"manifest.json SHA-256：{manifest_sha256}")
                self.drawRightString(A4[0] - MARGIN, 9 * mm, f"第 {number} 页 共 {total} 页")
                super().showPage()
            super().save()

    return FooterCanvas


def _styles() -> dict[str, ParagraphStyle]:
    body, title = register_cjk_fonts()
    cell = ParagraphStyle("cell", fontName=body, fontSize=8.5, leading=11, wordWrap="CJK")
    return {
        "agency": ParagraphStyle("agency", fontName=title, fontSize=16, leading=22, alignment=TA_CENTER,
                                 textColor=colors.HexColor("#c00000")),
        "title": ParagraphStyle("title", fontName=title, fontSize=20, leading=30, alignment=TA_CENTER,
                                spaceAfter=4),
        "line": ParagraphStyle("line", fontName=body, fontSize=10.5, leading=16, wordWrap="CJK"),
        "cell": cell,
        "head": ParagraphStyle("head", parent=cell, fontName=title, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=cell, alignment=TA_CENTER),
        # The CJK faces draw Latin half-width and fixed, so hashes line up; and they are embedded.
        "hash": ParagraphStyle("hash", fontName=body, fontSize=7, leading=9),
        "sign": ParagraphStyle("sign", fontName=body, fontSize=11, leading=22),
        "seal": ParagraphStyle("seal", fontName=body, fontSize=11, leading=20, alignment=TA_RIGHT),
    }  # fmt: skip


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text, style.fontName), style)


def _shown_name(entry: dict) -> str:
    """The name the receiver finds in the folder, and the user's own name when it had to be changed."""
    in_package = entry["path"].rsplit("/", 1)[-1]
    return in_package if in_package == entry["name"] else f"{in_package}\n（原名：{entry['name']}）"


def _category(entry: dict) -> str:
    return f"{entry['kind']}\n{entry['evidence_type']}" if entry.get("evidence_type") else entry["kind"]


def _collected(entry: dict) -> str:
    if not entry.get("collected_by"):
        return ""
    return f"{entry['collected_by']}\n{str(entry.get('collected_at') or '').replace('T', ' ')}"


def render_index(heading: IndexHeading, entries: Sequence[dict], manifest_sha256: str) -> bytes:
    """A4 index of every file in the package with pages, size, who collected it and its SHA-256."""
    styles = _styles()
    header = [
        _p(h, styles["head"]) for h in ("序号", "材料", "类别", "页数", "大小", "收集人/时间", "SHA-256")
    ]
    rows = [
        [
            _p(str(number), styles["number"]),
            _p(_shown_name(entry), styles["cell"]),
            _p(_category(entry), styles["cell"]),
            _p(str(entry.get("pages") or "—"), styles["number"]),
            _p(human_size(entry["size"]), styles["number"]),
            _p(_collected(entry), styles["cell"]),
            _p(f"{entry['sha256'][:32]}\n{entry['sha256'][32:]}", styles["hash"]),
        ]
        for number, entry in enumerate(entries, start=1)
    ]
    table = LongTable([header, *rows], repeatRows=1, colWidths=[w * mm for w in COLUMNS_MM])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),  # not the unembedded Helvetica
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    total_pages = sum(int(e.get("pages") or 0) for e in entries)
    total_size = human_size(sum(int(e["size"]) for e in entries))
    pages = f"，其中 PDF 共 {total_pages} 页" if total_pages else ""
    summary = f"共 {len(entries)} 份材料{pages}，合计 {total_size}。"
    story: list = [_p(heading.agency_name, styles["agency"]), _p("移送材料目录", styles["title"])]
    story += [_p(line, styles["line"]) for line in heading.lines]
    story += [Spacer(1, 3 * mm), table, Spacer(1, 3 * mm), _p(summary, styles["line"])]
    # Kept on one page so the signatures are never separated from each other.
    story.append(
        KeepTogether(
            [
                Spacer(1, 8 * mm),
                _p("移送人（签名）：______________　　　接收人（签名）：______________", styles["sign"]),
                _p("接收单位：______________________　　接收时间：____年__月__日__时__分", styles["sign"]),
                Spacer(1, 6 * mm),
                _p(heading.agency_name, styles["seal"]),
                _p("（印章）", styles["seal"]),
            ]
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm, bottomMargin=16 * mm,
        title="移送材料目录", author=heading.agency_name,
    )  # fmt: skip
    document.build(story, canvasmaker=_footer_canvas(manifest_sha256))
    return buffer.getvalue()
