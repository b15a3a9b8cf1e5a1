"""The kinds of administrative penalty a proposal may name (行政处罚法 art. 9).

Art. 9 lists the kinds and adds (六) "法律、行政法规规定的其他行政处罚", and the health laws name
theirs in their own words: 吊销医师执业证书, 没收药品、器械, 暂停执业活动, 予以取缔. The benchmarks also
carry the orders that go with a penalty (责令改正, art. 28). So a kind is accepted when it is one of
art. 9's names or is worded as such a measure is (吊销…, 没收…, 责令…); anything else — a typing slip,
"不存在的种类" — cannot be decided and is refused when typed rather than printed in a decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.settings import ALWAYS_MAJOR_KINDS_DEFAULT, HEARING_KINDS_DEFAULT

PENALTY_KINDS = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
)
ACCEPTED_KINDS = frozenset(PENALTY_KINDS) | set(HEARING_KINDS_DEFAULT) | set(ALWAYS_MAJOR_KINDS_DEFAULT)
# How the laws word a measure of the kinds art. 9 names, or an order that accompanies one.
MEASURE_WORDS = (
    "警告",
    "通报批评",
    "罚款",
    "没收",
    "暂扣",
    "吊销",
    "降低",
    "限制",
    "责令",
    "暂停",
    "取缔",
    "撤销",
    "提请",
)
# 警告, 通报批评 and 罚款 take no object: only these words themselves; the others name what they act on.
_MEASURE = re.compile(f"^(?:予以|并处)?(?:(?:{'|'.join(MEASURE_WORDS[:3])})$|{'|'.join(MEASURE_WORDS[3:])})")
_LISTS_OBJECTS = re.compile("^(?:予以|并处)?(?:没收|暂扣|吊销)")
LONGEST_KIND = 30


def is_lawful_kind(kind: str) -> bool:
    """Whether `kind` is one of art. 9's names or worded as a statutory measure is."""
    return kind in ACCEPTED_KINDS or (len(kind) <= LONGEST_KIND and bool(_MEASURE.match(kind)))


def checked_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds in the order given, repeats dropped; DomainError naming an unknown one and the list."""
    result: list[str] = []
    for kind in kinds:
        kind = kind.strip()
        if not is_lawful_kind(kind):
            raise DomainError(
                f"处罚种类“{kind}”不是法定的处罚种类；可选：{'、'.join(PENALTY_KINDS)}，"
                f"或法律、行政法规规定的其他处罚（以{'、'.join(MEASURE_WORDS[3:])}等开头，不超过{LONGEST_KIND}字）",
                rule="行政处罚法第九条",
            )
        if kind not in result:
            result.append(kind)
    return tuple(result)


def split_kinds(text: str) -> tuple[str, ...]:
    """Kinds typed in one box, separated by 、 or commas. A piece that is no kind on its own continues the
    measure before it: "没收药品、器械" is one kind (the object of 没收 named with 、), not 没收药品 and 器械."""
    pieces = [p.strip() for p in re.split(r"[、，,;；\n]+", text or "") if p.strip()]
    kinds: list[str] = []
    for piece in pieces:
        if kinds and not is_lawful_kind(piece) and _LISTS_OBJECTS.match(kinds[-1]):
            kinds[-1] = f"{kinds[-1]}、{piece}"
        else:
            kinds.append(piece)
    return tuple(kinds)
