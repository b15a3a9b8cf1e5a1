"""投诉举报人身份保密: finds a complainant's name, phone number or ID number in text that is about to
leave the complaint record — a case field, a document, a publicity row — and takes it out of old text.

The identity of whoever complained or reported is known only to the officer handling the complaint and
the heads; the agency must keep it confidential (《行政处罚法》第五十条 and the complaint-handling
rules). The checks here are deliberately generous: a name or number counts however it is written —
with spaces, dots or dashes inside, in full-width characters, with "+86" or an area code in front.

Pure rules: no SQL, no Qt.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

# The rule a refusal cites. Art. 50 is the confidentiality duty of the 行政处罚法 (2021); art. 48 is
# the publicity of decisions, which this duty limits.
CONFIDENTIALITY_RULE = "《行政处罚法》第五十条及投诉举报处理规定"

MIN_NAME_LENGTH = 2  # a single character (“刘”) would match half of every text
MIN_NUMBER_LENGTH = 5  # shorter numbers identify no one and appear in any text

# What may stand between the characters of a name or the digits of a number when someone writes it:
# blanks (also full-width and zero-width ones), middle dots, dashes, dots, underscores, quotes, brackets.
_GAP = r"[\s\u00b7\u2027\u2022\u2219\u30fb\u200b-\u200f\u2060\ufeff.\-\u2010-\u2015_~'\"\u2018\u2019\u201c\u201d]*"
_DIGIT_GAP = r"[\s\u200b-\u200f\u2060\ufeff.\-\u2010-\u2015/()\[\]]*"
_DIGIT_RUN = re.compile(rf"\d(?:{_DIGIT_GAP}\d)*")
_ALNUM_RUN = re.compile(rf"[0-9a-z](?:{_DIGIT_GAP}[0-9a-z])*")
_GAP_CHARS = re.compile(_GAP)
_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;\n]+|[^。！？；!?;\n]+")


class IdentityKind(Enum):
    """What part of the reporter's identity was found; the value is how a message names it."""

    NAME = "姓名"
    PHONE = "联系电话"
    ID_NUMBER = "身份证件号码"


@dataclass(frozen=True)
class ReporterIdentity:
    """Who complained, as the complaint record holds it (any part may be empty)."""

    name: str = ""
    phone: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class Leak:
    """A field (by its label) that carries a part of a reporter's identity."""

    field: str
    kind: IdentityKind

    @property
    def label(self) -> str:
        """Where the reporter's details were found, in Chinese."""
        return f"“{self.field}”中含有投诉举报人的{self.kind.value}"


@dataclass(frozen=True)
class Withdrawal:
    """Text split into what may stay and what must go back to the complaint."""

    kept: str
    moved: tuple[str, ...]


def _normal(text: str) -> str:
    """One spelling for comparing: full-width forms folded (NFKC), letters in one case."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z"


def _name_pattern(name: str) -> re.Pattern[str] | None:
    chars = _GAP_CHARS.sub("", _normal(name))
    if len(chars) < MIN_NAME_LENGTH:
        return None
    body = _GAP.join(re.escape(ch) for ch in chars)
    # Latin names are words: "Li Na" must not be found inside "Carolina".
    before = "(?<![a-z])" if _is_latin(chars[0]) else ""
    after = "(?![a-z])" if _is_latin(chars[-1]) else ""
    return re.compile(before + body + after)


def phone_forms(phone: str) -> frozenset[str]:
    """The digit strings under which a phone number can appear: as registered, without the country code
    (+86), and a fixed line without its area code (0539-1234567 is also written 1234567)."""
    digits = _digits(_normal(phone))
    forms = set()
    if len(digits) >= MIN_NUMBER_LENGTH:
        forms.add(digits)
    if digits.startswith("86") and len(digits) == 13:
        forms.add(digits[2:])
    if digits.startswith("0") and len(digits) >= 10 and not digits.startswith("00"):
        area = 3 if digits[1] in "12" else 4  # 010, 02x are three digits; other area codes four
        if len(digits) - area >= 7:
            forms.add(digits[area:])
    return frozenset(forms)


def _id_form(id_number: str) -> str:
    squeezed = "".join(ch for ch in _normal(id_number) if ch.isalnum())
    return squeezed if len(squeezed) >= MIN_NUMBER_LENGTH else ""


class _Matcher:
    """The identities compiled once, to test many texts."""

    def __init__(self, identities: Iterable[ReporterIdentity]) -> None:
        names, phones, ids = [], set(), set()
        for identity in identities:
            pattern = _name_pattern(identity.name)
            if pattern is not None:
                names.append(pattern)
            phones |= phone_forms(identity.phone)
            if form := _id_form(identity.id_number):
                ids.add(form)
        self.names, self.phones, self.ids = names, frozenset(phones), frozenset(ids)

    def __bool__(self) -> bool:
        return bool(self.names or self.phones or self.ids)

    def kinds_in(self, text: str) -> list[IdentityKind]:
        normal = _normal(text)
        if not normal.strip():
            return []
        found = []
        if any(p.search(normal) for p in self.names):
            found.append(IdentityKind.NAME)
        if self.phones:
            runs = [_digits(m.group()) for m in _DIGIT_RUN.finditer(normal)]
            if any(form in run for run in runs for form in self.phones):
                found.append(IdentityKind.PHONE)
        if self.ids:
            runs = ["".join(ch for ch in m.group() if ch.isalnum()) for m in _ALNUM_RUN.finditer(normal)]
            if any(form in run for run in runs for form in self.ids):
                found.append(IdentityKind.ID_NUMBER)
        return found


def find_leaks(identities: Iterable[ReporterIdentity], fields: Mapping[str, str | None]) -> list[Leak]:
    """Every field (label → text) that carries a part of any reporter's identity: one Leak per field and
    kind, in the order of `fields`. Names shorter than two characters and numbers shorter than five
    digits are not looked for."""
    matcher = _Matcher(identities)
    if not matcher:
        return []
    return [Leak(label, kind) for label, text in fields.items() for kind in matcher.kinds_in(text or "")]


def carries_identity(identities: Iterable[ReporterIdentity], text: str) -> bool:
    """Whether the text carries any part of any reporter's identity."""
    return bool(_Matcher(identities).kinds_in(text))


def withdraw_identity(text: str, identities: Iterable[ReporterIdentity], copied: str = "") -> Withdrawal:
    """Takes out of `text` every copy of `copied` (e.g. the complaint's own words pasted into the case
    facts) and then every sentence that still carries a reporter's identity. `kept` is the rest, tidied;
    `moved` is what was taken out, in order, to be kept with the complaint."""
    matcher = _Matcher(identities)
    moved: list[str] = []
    rest = text or ""
    copied = (copied or "").strip()
    if copied and copied in rest:
        rest = rest.replace(copied, "\n")
        moved.append(copied)
    kept: list[str] = []
    for sentence in _SENTENCE.findall(rest):
        if matcher and matcher.kinds_in(sentence):
            moved.append(sentence.strip())
        else:
            kept.append(sentence)
    tidy = re.sub(r"\n\s*\n+", "\n", "".join(kept)).strip().lstrip("。！？；!?;，,、 \n")
    return Withdrawal(tidy, tuple(m for m in moved if m))
