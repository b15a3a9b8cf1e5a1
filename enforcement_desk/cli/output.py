"""Printing service results in the terminal: Chinese text for people, JSON for scripts."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("label", "display_no", "kind_label", "id_label"):
            attribute = getattr(type(value), name, None)
            if isinstance(attribute, property):
                data[name] = to_jsonable(getattr(value, name))
        return data
    if callable(value):  # e.g. a workflow guard: scripts need its name, not the function
        return getattr(value, "__name__", repr(value))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    texts = [[("" if v is None else str(v)) for v in row] for row in rows]

    def width(text: str) -> int:  # CJK characters take two columns in a terminal
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max([width(h)] + [width(r[i]) for r in texts]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in texts:
        print(line(row))
