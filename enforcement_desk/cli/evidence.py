"""`enforcement-desk evidence …`: register evidence files, import a recorder's card, void, correct times,
repair a damaged stored file, clear what killed imports and backups left behind."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from enforcement_desk.cli.main import presents, resolve_case, sign_in
from enforcement_desk.cli.output import print_json, print_table, to_jsonable
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError


def _progress(done: int, total: int, label: str = "") -> None:
    if sys.stderr.isatty():
        print(f"\r{label} {done * 100 // max(total, 1)}%", end="", file=sys.stderr, flush=True)


@presents("evidence add")
def cmd_evidence_add(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.service import add_evidence

    item = add_evidence(
        ctx, actor, resolve_case(ctx, actor, args.case), Path(args.file), evidence_type=args.type,
        description=args.description, collected_place=args.place, device=args.device,
        progress=lambda d, t: _progress(d, t, Path(args.file).name),
    )  # fmt: skip
    print_json(item) if args.json else print(
        f"已登记证据 #{item.id} {item.original_name}（{item.evidence_type}，SHA-256 {item.sha256}）"
    )
    return 0


@presents("evidence list")
def cmd_evidence_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.service import list_evidence

    rows = list_evidence(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "阶段", "种类", "文件", "大小", "拍摄/形成时间", "收集人", "SHA-256", "状态"],
            [[e.id, e.stage.label, e.evidence_type, e.original_name, e.size, _moment(e), e.collected_by,
              e.sha256[:16] + "…", f"已作废：{e.void_reason}" if e.voided else ""] for e in rows],
        )  # fmt: skip
    return 0


_TIME_SOURCES = {"exif": "照片EXIF", "filename": "文件名", "file": "文件修改时间", "manual": "人工更正"}


def _moment(item) -> str:
    shown = f"{item.captured_at or ''}（{_TIME_SOURCES.get(item.capture_source, item.capture_source)}）"
    if item.corrections:
        shown += f"，原记录 {item.original_captured_at}"
    return shown


def _chosen(files: list, args: argparse.Namespace) -> list:
    """The card files the officer picked by name and by capture time."""
    if args.only:
        names = set(args.only)
        missing = names - {f.path.name for f in files}
        if missing:
            raise DomainError(f"文件夹中没有这些文件：{'、'.join(sorted(missing))}")
        files = [f for f in files if f.path.name in names]
    if args.since:
        files = [f for f in files if f.captured_at >= args.since]
    if args.until:
        files = [f for f in files if f.captured_at <= args.until]
    return files


@presents("evidence import-folder")
def cmd_evidence_import_folder(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.service import import_files, scan_folder

    files = _chosen(scan_folder(Path(args.folder)), args)
    if not files:
        raise DomainError(f"文件夹“{args.folder}”中没有符合条件的文件")
    if args.dry_run:
        if args.json:
            print_json([{**to_jsonable(f), "path": str(f.path)} for f in files])
        else:
            print_table(["文件", "大小", "拍摄时间", "时间来源", "种类"],
                        [[str(f.path), f.size, f.captured_at, _TIME_SOURCES.get(f.capture_source), f.evidence_type]
                         for f in files])  # fmt: skip
        return 0
    actor = sign_in(ctx, args)  # a dry run needs nobody signed in; importing does
    items = import_files(
        ctx, actor, resolve_case(ctx, actor, args.case), files, description=args.description,
        device=args.device, collected_place=args.place, progress=_progress,
    )  # fmt: skip
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print_json(items) if args.json else print(f"已导入 {len(items)} 个文件（共选择 {len(files)} 个）")
    return 0


@presents("evidence void")
def cmd_evidence_void(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.service import void_evidence

    item = void_evidence(ctx, actor, args.evidence_id, args.reason)
    print_json(item) if args.json else print(f"证据 #{item.id} 已作废（记录保留）")
    return 0


@presents("evidence correct-time")
def cmd_evidence_correct_time(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.service import correct_capture_time

    item = correct_capture_time(ctx, actor, args.evidence_id, args.captured_at, args.reason)
    print_json(item) if args.json else print(
        f"证据 #{item.id} 的时间已更正为 {item.captured_at}（原时间 {item.original_captured_at} 保留）"
    )
    return 0


@presents("evidence gc")
def cmd_evidence_gc(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.leftovers import collect_leftovers, size_text

    report = collect_leftovers(
        ctx, actor, apply=args.apply, progress=lambda d, t: _progress(d, t, "正在检查证据文件库")
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        items = [{**to_jsonable(item), "path": str(item.path)} for item in report.items]
        print_json({"applied": report.applied, "total_bytes": report.total_bytes, "items": items})
        return 0
    if not report.items:
        print("证据文件库中没有遗留文件" if not args.apply else "没有需要清理的遗留文件，未删除任何文件")
        return 0
    print_table(
        ["类别", "大小", "修改时间", "路径"],
        [[item.label, size_text(item.size), item.modified, item.path] for item in report.items],
    )
    total = f"{len(report.items)} 个，共 {size_text(report.total_bytes)}"
    if args.apply:
        print(f"已删除 {total}，已记入审计")
    else:
        print(f"以上 {total} 可以清理（未删除任何文件）；确认后运行 evidence gc --apply")
    return 0


@presents("evidence repair")
def cmd_evidence_repair(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.evidence.service import repair_evidence_file

    what = repair_evidence_file(
        ctx, actor, Path(args.file), progress=lambda d, t: _progress(d, t, "正在修复")
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print_json({"repaired": what}) if args.json else print(f"证据文件已修复（原因：{what}），已记入审计")
    return 0
