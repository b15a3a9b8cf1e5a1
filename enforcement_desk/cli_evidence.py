"""`enforcement-desk evidence …`: register evidence files, import a recorder's card, void, correct times."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from enforcement_desk.cli import command, login_actor, open_context, resolve_case
from enforcement_desk.cli_output import print_json, print_table
from enforcement_desk.core.errors import DomainError


def parse_moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise argparse.ArgumentTypeError(f"时间格式不正确：“{text}”（应为 2026-11-20 14:30）") from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    evidence = sub.add_parser("evidence", help="证据").add_subparsers(dest="subcommand", metavar="子命令")
    add = evidence.add_parser("add", help="登记一个证据文件")
    add.add_argument("case")
    add.add_argument("file")
    add.add_argument("--type", help="证据种类（默认按文件类型判断）")
    add.add_argument("--description", default="")
    add.add_argument("--place", default="", help="收集地点")
    add.add_argument("--device", default="", help="采集设备，如执法记录仪编号")
    listing = evidence.add_parser("list", help="案件的证据")
    listing.add_argument("case")
    folder = evidence.add_parser("import-folder", help="导入执法记录仪存储卡文件夹中的全部文件")
    folder.add_argument("case")
    folder.add_argument("folder")
    folder.add_argument("--device", default="")
    folder.add_argument("--dry-run", action="store_true", help="只列出将导入的文件")
    void = evidence.add_parser("void", help="作废证据（保留记录）")
    void.add_argument("evidence_id", type=int)
    void.add_argument("--reason", required=True)
    correct = evidence.add_parser("correct-time", help="更正拍摄时间（原时间保留）")
    correct.add_argument("evidence_id", type=int)
    correct.add_argument("captured_at", type=parse_moment)
    correct.add_argument("--reason", required=True)


def _progress(done: int, total: int, label: str = "") -> None:
    if sys.stderr.isatty():
        print(f"\r{label} {done * 100 // max(total, 1)}%", end="", file=sys.stderr, flush=True)


@command("evidence add")
def cmd_evidence_add(args: argparse.Namespace) -> int:
    from enforcement_desk.services.evidence import add_evidence

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    item = add_evidence(
        ctx, actor, resolve_case(ctx, actor, args.case), Path(args.file), evidence_type=args.type,
        description=args.description, collected_place=args.place, device=args.device,
        progress=lambda d, t: _progress(d, t, Path(args.file).name),
    )  # fmt: skip
    print_json(item) if args.json else print(
        f"已登记证据 #{item.id} {item.original_name}（{item.evidence_type}，SHA-256 {item.sha256}）"
    )
    return 0


@command("evidence list")
def cmd_evidence_list(args: argparse.Namespace) -> int:
    from enforcement_desk.services.evidence import list_evidence

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    rows = list_evidence(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "种类", "文件", "大小", "拍摄/形成时间", "收集人", "SHA-256", "状态"],
            [[e.id, e.evidence_type, e.original_name, e.size, e.captured_at, e.collected_by, e.sha256[:16] + "…",
              f"已作废：{e.void_reason}" if e.voided else ""] for e in rows],
        )  # fmt: skip
    return 0


@command("evidence import-folder")
def cmd_evidence_import_folder(args: argparse.Namespace) -> int:
    from enforcement_desk.services.evidence import import_files, scan_folder

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    files = scan_folder(Path(args.folder))
    if not files:
        raise DomainError(f"文件夹“{args.folder}”中没有文件")
    if args.dry_run:
        print_table(["文件", "大小", "时间", "来源", "种类"],
                    [[str(f.path), f.size, f.captured_at, f.capture_source, f.evidence_type] for f in files])  # fmt: skip
        return 0
    items = import_files(
        ctx, actor, resolve_case(ctx, actor, args.case), files, device=args.device, progress=_progress
    )
    print_json(items) if args.json else print(f"\n已导入 {len(items)} 个文件")
    return 0


@command("evidence void")
def cmd_evidence_void(args: argparse.Namespace) -> int:
    from enforcement_desk.services.evidence import void_evidence

    ctx = open_context(args)
    item = void_evidence(ctx, login_actor(ctx, args), args.evidence_id, args.reason)
    print_json(item) if args.json else print(f"证据 #{item.id} 已作废（记录保留）")
    return 0


@command("evidence correct-time")
def cmd_evidence_correct_time(args: argparse.Namespace) -> int:
    from enforcement_desk.services.evidence import correct_capture_time

    ctx = open_context(args)
    item = correct_capture_time(ctx, login_actor(ctx, args), args.evidence_id, args.captured_at, args.reason)
    print_json(item) if args.json else print(
        f"证据 #{item.id} 的时间已更正为 {item.captured_at}（原时间 {item.original_captured_at} 保留）"
    )
    return 0
