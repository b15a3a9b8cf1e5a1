"""Printing service results in the terminal: Chinese text for people, JSON for scripts."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
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


def execution_lines(execution) -> list[str]:
    """The execution as `case show` prints it: the reminder and its service, the periods for review and suit,
    the window to apply to the court, the application and the court's replies, review or suit, waivers and
    how each sum ended."""
    if execution is None:
        return []
    lines = ["执行："]
    if execution.reminder_issued_on:
        served = (f"{execution.reminder_served_on} 以{execution.reminder_method}方式送达（{execution.reminder_receiver}签收），"
                  f"十个工作日至 {execution.reminder_ends_on}") if execution.reminder_served_on else "尚未登记送达"  # fmt: skip
        lines.append(f"  催告书：{execution.reminder_issued_on} 出具，{served}")
    if execution.review_ends_on:
        lines.append(f"  申请行政复议期限至 {execution.review_ends_on}；提起行政诉讼期限至 {execution.suit_ends_on}")
    if execution.plan_ends_on:
        lines.append(f"  暂缓或分期缴纳：最后一期至 {execution.plan_ends_on}")
    if execution.apply_by:
        start = f"{execution.apply_from} 起，" if execution.apply_from else "催告书送达满十个工作日、"
        lines.append(f"  申请人民法院强制执行：{start}至 {execution.apply_by} 止（复议、起诉期限届满后三个月内）")
    for c in execution.challenges:
        result = f"{c.decided_on} {c.outcome}（{c.document_no}）" if c.outcome else "尚无结果（其间加处罚款不予计算）"
        lines.append(f"  {c.label}：{c.filed_on} 向{c.body}提出，{result}")
    if execution.applied_on:
        lines.append(f"  已于 {execution.applied_on} 申请{execution.court or '人民法院'}强制执行，"
                     f"申请金额 {execution.applied_amount or 0:,.2f} 元")  # fmt: skip
    for r in execution.court_replies:
        recovered = [(r.recovered_fine, "罚款"), (r.recovered_surcharge, "加处罚款"), (r.recovered_confiscation, "没收违法所得")]
        got = "、".join(f"{label} {amount:,.2f} 元" for amount, label in recovered if amount)
        lines.append(f"  人民法院：{r.replied_on} {r.kind}（{r.document_no}）" + (f"，执行到位 {got}" if got else ""))
    for w in execution.waivers:
        lines.append(f"  减免：{w.decided_on} {w.label} {w.amount:,.2f} 元（{w.decision_no}）{w.reason}")
    for s in execution.sums:
        lines.append(f"  {s.label}：{s.imposed:,.2f} 元，已缴 {s.paid:,.2f} 元 —— {s.ended}")
    if execution.open_sums:
        lines.append(f"  未结：{'、'.join(execution.open_sums)}")
    if execution.application_refusal and not execution.applied_on and not execution.balance.settled:
        lines.append(f"  暂不能申请强制执行：{execution.application_refusal}")
    return lines


# argparse's own messages, in the words the rest of the terminal speaks.
_ARGPARSE_MESSAGES = (
    (re.compile(r"^argument (\S+): expected one argument$"), r"参数 \1 需要一个值（以 - 开头的值请写成 \1=值）"),
    (re.compile(r"^argument (\S+): expected at least one argument$"), r"参数 \1 至少需要一个值"),
    (re.compile(r"^argument (\S+): invalid choice: (.+?) \(choose from (.+)\)$"), r"参数 \1 的值 \2 无效，可选：\3"),
    (re.compile(r"^argument (\S+): invalid \S+ value: (.+)$"), r"参数 \1 的值 \2 无效"),
    (re.compile(r"^argument (\S+): not allowed with argument (\S+)$"), r"参数 \1 不能与 \2 同时使用"),
    (re.compile(r"^argument (\S+): ignored explicit argument (.+)$"), r"参数 \1 不带值，却给了 \2"),
    (re.compile(r"^argument (\S+): (.+)$"), r"参数 \1：\2"),
    (re.compile(r"^the following arguments are required: (.+)$"), r"缺少必填参数：\1"),
    (re.compile(r"^one of the arguments (.+) is required$"), r"参数 \1 须给出其中一个"),
    (re.compile(r"^unrecognized arguments: (.+)$"), r"不认识的参数：\1"),
    (re.compile(r"^ambiguous option: (\S+) could match (.+)$"), r"选项 \1 不明确，可能是：\2"),
)


def chinese_argparse_message(message: str) -> str:
    """argparse's English refusal in Chinese (unchanged when it is not one argparse writes)."""
    for pattern, replacement in _ARGPARSE_MESSAGES:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help and usage with a Chinese heading."""

    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102 - argparse's hook
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """The terminal's parser: headings, help and refusals in Chinese; the exit status stays argparse's 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助后退出")

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{chinese_argparse_message(message)}\n")
