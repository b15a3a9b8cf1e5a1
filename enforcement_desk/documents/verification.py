"""Verifiable paper: every issued document carries its number and the SHA-256 of its content, as a QR code
and as a short printed 校验码, on every page; `document verify` checks a PDF or DOCX, or the code typed from a
paper copy, against the register and says which version it is and whether it is still in force.

The digest is of the content the document record keeps (canonical JSON), not of the file: a paper copy has
no file to hash, and the code must be printed inside the very file it identifies. The file itself is
checked by its own SHA-256 against the register; a file that matches nothing but carries a code is named as
changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.content import RenderedDocument, chinese_date

PAYLOAD_MARK = "ED1"  # the format of the QR payload: ED1|<number>|<sha256 of the content>
SHORT_DIGITS = 16  # 64 bits: enough that no two documents of one register share a code by chance
QR_SIZE_MM = 18


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a document record's content as canonical JSON; the code itself is never part of
    what it checks."""
    data = {key: value for key, value in content.items() if key != "verification"}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def register_number(shown: str) -> str:
    """The number as the register keeps it, from the number as printed ("编号：2026-001" → "2026-001")."""
    return re.sub(r"^编号[:：]\s*", "", shown.strip())


def _comparable_number(number: str) -> str:
    # Typed from paper: full-width or half-width brackets and spaces are the same number.
    text = unicodedata.normalize("NFKC", register_number(number or ""))
    text = re.sub(r"[\[［【(]", "〔", re.sub(r"[\]］】)]", "〕", text))
    return re.sub(r"\s+", "", text)


def grouped(digest: str) -> str:
    """The short code as printed: 16 hex digits, upper case, in groups of four (3F9A-C21B-77D0-5E41)."""
    short = digest[:SHORT_DIGITS].upper()
    return "-".join(short[i : i + 4] for i in range(0, len(short), 4))


@dataclass(frozen=True)
class Code:
    """What a document carries or a paper shows: its number (may be empty) and its content digest (the full
    64 hex digits from a QR code or a file, or the 16 printed ones typed from paper)."""

    number: str
    digest: str

    @property
    def payload(self) -> str:
        """The QR code's text."""
        return f"{PAYLOAD_MARK}|{self.number}|{self.digest}"

    @property
    def printed(self) -> str:
        """The line printed under the text: number and 校验码."""
        code = f"校验码 {grouped(self.digest)}"
        return f"{self.number} · {code}" if self.number else code


_PAYLOAD = re.compile(rf"{PAYLOAD_MARK}\|([^|\n]*)\|([0-9a-fA-F]{{64}})")


def parse_payload(text: str) -> Code | None:
    """The code in a QR payload (or a text holding one), or None."""
    found = payloads_in(text)
    return found[0] if found else None


def payloads_in(text: str) -> list[Code]:
    """Every code a text holds as QR payloads (a bundle's metadata names each of its documents)."""
    return [Code(number.strip(), digest.lower()) for number, digest in _PAYLOAD.findall(text or "")]


def verification_payload(content: Mapping[str, Any]) -> str:
    """The QR payload of a document record's content."""
    return Code(register_number(str(content.get("number") or "")), content_digest(content)).payload


def with_verification(document: RenderedDocument, content: Mapping[str, Any]) -> RenderedDocument:
    """The document carrying the code of `content`, the record content it is registered with."""
    return replace(document, verification=verification_payload(content))


# ---- printing ------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _qr_drawing(payload: str):
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm

    # No border of its own: the page's white margin around it is the quiet zone the scanner needs.
    widget = QrCodeWidget(payload, barLevel="M", barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    size = QR_SIZE_MM * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def draw_verification(canvas, payload: str, font: str) -> None:
    """The QR code in the bottom right corner of the page, under the text area, with the number and the
    校验码 beside it; clear of the centred page number and of the training mark at the left."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    code = parse_payload(payload)
    if code is None:
        return
    right, bottom = A4[0] - 26 * mm, 6 * mm  # the text's right edge; the QR stays below the 25 mm margin
    renderPDF.draw(_qr_drawing(payload), canvas, right - QR_SIZE_MM * mm, bottom)
    canvas.saveState()
    canvas.setFont(font, 8)
    text_right = right - QR_SIZE_MM * mm - 2.5 * mm
    if code.number:
        canvas.drawRightString(text_right, bottom + 9.5 * mm, code.number)
    canvas.drawRightString(text_right, bottom + 5.5 * mm, f"校验码 {grouped(code.digest)}")
    canvas.setFont(font, 6.5)
    canvas.drawRightString(text_right, bottom + 1.5 * mm, "扫码或凭校验码向出具机关核验")
    canvas.restoreState()
    # Read back by `document verify` from a copy whose bytes changed; a bundle names each of its documents.
    known = getattr(canvas._doc.info, "keywords", "") or ""
    if payload not in known:
        canvas.setKeywords(f"{known} {payload}".strip())


def printed_code(payload: str) -> str:
    """The number and 校验码 line for a payload ("" for none)."""
    code = parse_payload(payload)
    return code.printed if code else ""


# ---- reading a file -------------------------------------------------------------------------------------

_PRINTED = re.compile(r"校验码\s*([0-9A-F]{4}(?:-[0-9A-F]{4}){3})")
# reportlab writes a metadata string holding CJK as UTF-16 with octal escapes: the digest's hex digits
# then each follow a "\000".
_ESCAPED_PAYLOAD = re.compile(rb"\\000E\\000D\\0001\\000\|.{0,400}?((?:\\000[0-9a-f]){64})", re.S)


def _codes_in_text(text: str) -> list[Code]:
    return payloads_in(text) + [Code("", match.replace("-", "").lower()) for match in _PRINTED.findall(text)]


def _codes_in_pdf(data: bytes) -> tuple[list[Code], bool]:
    """The codes a PDF carries (metadata and the text printed on each page: pages taken from another
    document bring their code along), and whether it could be read."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        keywords = str((reader.metadata or {}).get("/Keywords", "") or "")
        pages = "\n".join(page.extract_text() or "" for page in reader.pages)
        return payloads_in(keywords) + _codes_in_text(pages), True
    except Exception:  # a changed byte can break any part of the file: that is an answer, not an error
        raw = payloads_in(data.decode("latin-1"))
        raw += [Code("", m.replace(b"\\000", b"").decode()) for m in _ESCAPED_PAYLOAD.findall(data)]
        return raw, False


def _codes_in_docx(data: bytes) -> tuple[list[Code], bool]:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        footers = "\n".join(p.text for section in document.sections for p in section.footer.paragraphs)
        return payloads_in(document.core_properties.keywords or "") + _codes_in_text(footers), True
    except Exception:  # a damaged or foreign DOCX: nothing to read the code from
        return [], False


def codes_in_file(data: bytes) -> tuple[list[Code], bool]:
    """The distinct codes a PDF or DOCX carries, and whether the file could be read at all."""
    if data.startswith(b"%PDF"):
        codes, readable = _codes_in_pdf(data)
    elif data.startswith(b"PK"):
        codes, readable = _codes_in_docx(data)
    else:
        return [], False
    unique = {}
    for code in codes:  # a QR payload's number wins over the bare printed digest of the same document
        key = code.digest[:SHORT_DIGITS]
        if key not in unique or (code.number and not unique[key].number):
            unique[key] = code
    return list(unique.values()), readable


def parse_typed(text: str) -> Code:
    """The code typed from paper: "沂卫医罚〔2026〕1号 · 校验码 3F9A-C21B-77D0-5E41", the 16 digits alone (any
    case, with or without dashes or spaces, full-width), or a scanned QR payload."""
    text = unicodedata.normalize("NFKC", text).strip()
    payload = parse_payload(text)
    if payload is not None:
        return payload
    number, _, code = text.rpartition("校验码") if "校验码" in text else ("", "", text)
    # The digits are taken from the end: a 编号 such as 2026-001 may stand right before them.
    positions = []
    for index in range(len(code) - 1, -1, -1):
        if code[index] in " -·.:：\t":
            continue
        if not re.fullmatch(r"[0-9a-fA-F]", code[index]) or len(positions) == 64:
            break
        positions.append(index)
    length = 64 if len(positions) == 64 else SHORT_DIGITS
    if len(positions) < length:
        raise DomainError("校验码应为 16 位（如 3F9A-C21B-77D0-5E41），或给出文书的 PDF/DOCX 文件")
    cut = positions[length - 1]
    digits = "".join(code[index] for index in reversed(positions[:length]))
    number = (number or code[:cut]).strip(" ·:：\t")
    return Code(register_number(number), digits.lower())


# ---- the register ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredDocument:
    """An issued document as the register answers for it."""

    id: int
    agency_name: str
    title: str
    number: str | None
    version: int
    issued_on: date
    issued_by: str
    code: str  # the printed 校验码
    status: str  # current, superseded or voided
    current_version: int | None  # the version in force when this one was corrected
    void_reason: str | None
    training: bool


@dataclass(frozen=True)
class Verification:
    """The answer for a file or a typed code: `ok` only for a document the register holds and that is not
    voided; `verdict` one of match, voided, altered, unknown, wrong_number, bundle, no_code, damaged."""

    ok: bool
    verdict: str
    message: str
    notes: tuple[str, ...]
    document: RegisteredDocument | None
    claimed: str  # the code the file carries or the paper shows


_RANK = {"current": 0, "superseded": 1, "voided": 2}


def _registered(session, records: list) -> list[RegisteredDocument]:
    from sqlalchemy import select

    from enforcement_desk.store.models import DocumentRecord, User
    from enforcement_desk.store.models_steps import DocumentVoid

    found = []
    for record in records:
        reason = session.scalar(select(DocumentVoid.reason).where(DocumentVoid.document_id == record.id))
        latest, seen = record, {record.id}
        while latest.superseded_by is not None and latest.superseded_by not in seen:
            latest = session.get(DocumentRecord, latest.superseded_by)
            seen.add(latest.id)
        status = "voided" if reason is not None else ("superseded" if latest is not record else "current")
        found.append(RegisteredDocument(
            record.id, str(record.content.get("agency_name", "")), record.title, record.number, record.version,
            record.issued_at.date(), session.get(User, record.issued_by).name, grouped(content_digest(record.content)),
            status, latest.version if latest is not record else None, reason, record.content.get("training") is True,
        ))  # fmt: skip
    return sorted(found, key=lambda d: (_RANK[d.status], -d.version))


def _by_file(session, sha256: str) -> list[RegisteredDocument]:
    from sqlalchemy import or_, select

    from enforcement_desk.store.models import DocumentRecord

    records = session.scalars(
        select(DocumentRecord).where(
            or_(DocumentRecord.pdf_sha256 == sha256, DocumentRecord.docx_sha256 == sha256)
        )
    ).all()
    return _registered(session, list(records))


def _by_code(session, digest: str) -> list[RegisteredDocument]:
    from sqlalchemy import select

    from enforcement_desk.store.models import DocumentRecord

    # The digest is of the content, so every record is hashed: a register holds thousands, not millions.
    hits = [
        record_id
        for record_id, content in session.execute(select(DocumentRecord.id, DocumentRecord.content))
        if content and content_digest(content).startswith(digest)
    ]
    records = [session.get(DocumentRecord, record_id) for record_id in hits]
    return _registered(session, records)


def _described(document: RegisteredDocument) -> str:
    number = f" {document.number}" if document.number else ""
    return (
        f"{document.agency_name} {document.title}{number} 第 {document.version} 版，"
        f"{chinese_date(document.issued_on)}出具，出具人 {document.issued_by}"
    )


def _status(document: RegisteredDocument, others: int) -> tuple[str, ...]:
    notes = []
    if document.status == "superseded":
        notes.append(f"已被第 {document.current_version} 版更正（请以现行版本为准）")
    elif document.status == "voided":
        notes.append(f"已作废（{document.void_reason}）：不再具有效力")
    else:
        notes.append("现行有效")
    if document.training:
        notes.append("培训数据库出具，非正式文书")
    if others:
        notes.append(f"登记簿中另有 {others} 份内容相同的版本")
    return tuple(notes)


def _matched(found: list[RegisteredDocument], claimed: str) -> Verification:
    document = found[0]
    voided = document.status == "voided"
    return Verification(not voided, "voided" if voided else "match", f"一致：{_described(document)}",
                        _status(document, len(found) - 1), document, claimed)  # fmt: skip


def _claimed_by_file(session, codes: list, readable: bool, docx: bool) -> Verification:
    if not codes:
        if not readable:
            return Verification(
                False, "damaged", "文件已损坏或被改动：无法读取，与登记的文书都不一致", (), None, ""
            )
        return Verification(False, "no_code", "未找到校验码：不是本系统出具的文书，或已被改动", (), None, "")
    if len(codes) > 1:
        notes = []
        for code in codes:
            found = _by_code(session, code.digest)
            known = f"{_described(found[0])}，{_status(found[0], 0)[0]}" if found else "登记簿中没有此文书"
            notes.append(f"{code.printed}：{known}")
        notes.append("以上只说明这些文书已登记；各页内容是否改动，请用每份文书的 PDF 或纸质原件核验")
        return Verification(False, "bundle", f"不一致：此文件含 {len(codes)} 份文书的校验码，不是登记的单份文书"
                            "（可能是案卷或合订本）", tuple(notes), None, "、".join(c.printed for c in codes))  # fmt: skip
    code = codes[0]
    found = _by_code(session, code.digest)
    claim = f"{code.number}（{code.printed.split(' · ')[-1]}）" if code.number else code.printed
    if not found:
        return Verification(False, "unknown", f"不一致：此文件自称 {claim}，但登记簿中没有此文书："
                            "可能是其他机关或其他数据库出具的，或是伪造的", (), None, code.printed)  # fmt: skip
    notes = [f"登记的是：{_described(found[0])}；请以出具机关登记的文件为准"]
    if docx:
        notes.append("DOCX 在 Word/WPS 中打开并保存后即与登记的文件不同：请以 PDF 或纸质文书核对")
    return Verification(False, "altered", f"不一致：此文件自称 {claim}，但与登记的文件不符，可能被改动",
                        tuple(notes), found[0], code.printed)  # fmt: skip


def verify_document(ctx, target: str) -> Verification:
    """Check a PDF/DOCX file, or a code typed from paper, against the register. Nobody need sign in: a
    court clerk or a party at the counter checks a paper."""
    path = Path(target).expanduser()
    if path.is_file():
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        with ctx.db.read() as session:
            found = _by_file(session, sha256)
            if found:
                return _matched(found, found[0].code)
            codes, readable = codes_in_file(data)
            return _claimed_by_file(session, codes, readable, data.startswith(b"PK"))
    if path.suffix.lower() in (".pdf", ".docx") or "/" in target or "\\" in target:
        raise DomainError(f"文件不存在：{target}")
    code = parse_typed(target)
    with ctx.db.read() as session:
        found = _by_code(session, code.digest)
    if not found:
        return Verification(False, "unknown", "登记簿中没有此校验码：请核对输入，或向出具机关核实", (), None,
                            code.printed)  # fmt: skip
    if code.number and all(
        _comparable_number(d.number or "") != _comparable_number(code.number) for d in found
    ):
        return Verification(False, "wrong_number", f"不一致：校验码 {grouped(code.digest)} 属于 {_described(found[0])}，"
                            f"不是 {code.number}", (), found[0], code.printed)  # fmt: skip
    if code.number:
        found = [d for d in found if _comparable_number(d.number or "") == _comparable_number(code.number)]
    return _matched(found, code.printed)
