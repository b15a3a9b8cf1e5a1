"""Filling a template with a case's data: the same RenderedDocument feeds the PDF and the DOCX."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from enforcement_desk.documents.templates import DocumentTemplate

BLANK = "__________"  # a value not on record: an issued document needing it is refused (missing_fields)
# On every page of a document a training database issues (enforcement_desk.admin.training): never served.
TRAINING_MARK = "培训用，非正式文书"
_FIELD = re.compile(r"\{([a-z_0-9]+)\}")


def chinese_date(day: date | None) -> str:
    """A date written the Chinese way (2026年3月2日), or the blank line when there is none."""
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return BLANK


@dataclass(frozen=True)
class RenderedTable:
    """A document's table: headers and rows of text."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RenderedDocument:
    """A document with every field filled: the text that is rendered to PDF and DOCX and kept in its
    record."""

    kind: str
    title: str
    agency_name: str
    number: str
    paragraphs: tuple[str, ...]
    table: RenderedTable | None
    closing: tuple[str, ...]
    signature: tuple[str, ...]
    receipt: bool
    training: bool = False  # from a training database: TRAINING_MARK in the header and footer of each page
    # The QR payload of an issued document (enforcement_desk.documents.verification); drafts and the case
    # file's front matter carry none.
    verification: str = ""

    def all_text(self) -> str:
        """All of the document's text, one part a line (for searching and checks)."""
        parts = [self.agency_name, self.title, self.number, *self.paragraphs, *self.closing, *self.signature]
        if self.table:
            parts += list(self.table.headers) + [cell for row in self.table.rows for cell in row]
        return "\n".join(parts)


def fill(text: str, fields: Mapping[str, Any]) -> str:
    """The text with its {fields} filled; a field without a value is left as the blank line."""
    values = _Fields({k: str(v) for k, v in fields.items() if v is not None})
    return string.Formatter().vformat(text, (), values)


# Fields whose empty value is itself what the document says (no hearing right, no surcharge, no challenge,
# a party without a phone): every other field a template prints must come from the case's records.
MAY_BE_EMPTY = frozenset({
    "source_detail", "hearing_words", "challenge_sentence", "surcharge_sentence", "closing_summary",
    "agency_key_fingerprint", "level", "discretion_reason", "discretion_reason_sentence", "hearing_right_text",
    "party_legal_rep", "party_phone",
})  # fmt: skip


def _empty(value: Any) -> bool:
    return value is None or str(value).strip() in ("", BLANK)


def missing_fields(template: DocumentTemplate, fields: Mapping[str, Any]) -> list[str]:
    """The fields the template prints that the case does not hold, in the order the text uses them (a
    paragraph marked optional with "?" is left out when all of its fields are empty, so it asks for none)."""
    missing: list[str] = []
    for text in (*template.paragraphs, *template.closing, *template.signature):
        names = _FIELD.findall(text.removeprefix("?"))
        if text.startswith("?") and all(_empty(fields.get(n)) for n in names):
            continue
        missing += [n for n in names if n not in MAY_BE_EMPTY and _empty(fields.get(n)) and n not in missing]
    return missing


def placeholders(template: DocumentTemplate) -> set[str]:
    """The names of every field the template's text uses."""
    texts = [*template.paragraphs, *template.closing, *template.signature]
    return {name for text in texts for name in _FIELD.findall(text)}


def render(
    template: DocumentTemplate,
    fields: Mapping[str, Any],
    lists: Mapping[str, Sequence[Mapping[str, Any]]],
    number: str,
    *,
    training: bool = False,
) -> RenderedDocument:
    """Fill a template with the case's fields and lists, giving the rendered document with its number;
    `training` for a training database's document (marked as such on every page)."""
    table = None
    if template.table is not None:
        rows = lists.get(template.table.source, ())
        table = RenderedTable(
            headers=tuple(h for h, _ in template.table.columns),
            rows=tuple(
                tuple(str(row.get(key, "") or "") for _, key in template.table.columns) for row in rows
            ),
        )
    # A paragraph whose every field is empty ("听证意见：{hearing_opinion}" with no hearing) is dropped
    # only when the template marks it optional with a leading "?".
    def kept(texts: Sequence[str]) -> tuple[str, ...]:
        filled = []
        for text in texts:
            optional = text.startswith("?")
            body = text[1:] if optional else text
            names = _FIELD.findall(body)
            if optional and names and all(fields.get(n) in (None, "", BLANK) for n in names):
                continue
            filled.append(fill(body, fields))
        return tuple(filled)

    return RenderedDocument(
        kind=template.key,
        title=template.title,
        agency_name=str(fields.get("agency_name", "")),
        number=number,
        paragraphs=kept(template.paragraphs),
        table=table,
        closing=kept(template.closing),
        signature=kept(template.signature),
        receipt=template.receipt,
        training=training,
    )
