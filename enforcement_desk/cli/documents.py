"""`enforcement-desk document …`: issue, list, export the standard documents; assemble the case file."""

from __future__ import annotations

import argparse
from pathlib import Path

from enforcement_desk.cli.main import command, login_actor, open_context, resolve_case
from enforcement_desk.cli.output import print_json, print_table


def add_parsers(sub: argparse._SubParsersAction) -> None:
    document = sub.add_parser("document", help="文书").add_subparsers(dest="subcommand", metavar="子命令")
    kinds = document.add_parser("kinds", help="文书种类；指定案件时列出此刻可否出具及原因")
    kinds.add_argument("case", nargs="?", help="案件编号、文号或 #ID")
    issue = document.add_parser("issue", help="出具（或再次打印）文书")
    issue.add_argument("case")
    issue.add_argument("kind", help="文书种类，见 document kinds")
    issue.add_argument("--correction", help="更正理由（出具更正后的新版本）")
    issue.add_argument("--another", action="store_true", help="再出具一份同类文书（如另一人的询问笔录）")
    issue.add_argument("--out", help="同时导出到此文件或文件夹")
    issue.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    listing = document.add_parser("list", help="案件已出具的文书")
    listing.add_argument("case")
    export = document.add_parser("export", help="导出已出具的文书文件")
    export.add_argument("document_id", type=int)
    export.add_argument("--out", required=True)
    export.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    preview = document.add_parser("preview", help="预览文书草稿（不编号、不登记，页面印有“草稿”）")
    preview.add_argument("case")
    preview.add_argument("kind", help="文书种类，见 document kinds")
    preview.add_argument("--out", required=True, help="草稿 PDF 的保存位置")
    void = document.add_parser("void", help="作废已出具的文书（负责人；文号保留并标注作废）")
    void.add_argument("document_id", type=int)
    void.add_argument("--reason", required=True, help="作废理由")
    casefile = document.add_parser("casefile", help="组卷：封面、卷内目录和全部文书合成一个 PDF")
    casefile.add_argument("case")
    casefile.add_argument("--out", required=True)


@command("document kinds")
def cmd_document_kinds(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import document_kinds

    ctx = open_context(args)
    if args.case:
        return _kinds_for_case(ctx, args)
    kinds = document_kinds(ctx)
    labels = {
        "case_filing": "立案文号",
        "case_decision": "决定书文号",
        "wenhao": "文号",
        "bianhao": "编号",
        "none": "—",
    }
    if args.json:
        print_json(kinds)
    else:
        print_table(
            ["种类", "名称", "阶段", "编号方式"],
            [[k.key, k.title, k.stage, labels[k.numbering]] for k in kinds],
        )
    return 0


def _kinds_for_case(ctx, args: argparse.Namespace) -> int:  # noqa: ANN001
    from enforcement_desk.documents.service import document_kinds_for_case

    actor = login_actor(ctx, args)
    rows = document_kinds_for_case(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["种类", "名称", "环节", "可否出具", "已出具", "原因"],
            [[k.key, k.title, k.step, "可出具" if k.issuable else "—", k.issued_number or "", k.reason] for k in rows],
        )
    return 0


@command("document preview")
def cmd_document_preview(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import preview_document

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    pdf = preview_document(ctx, actor, resolve_case(ctx, actor, args.case), args.kind)
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    print_json({"file": str(target), "draft": True}) if args.json else print(f"草稿（未编号、未登记）：{target}")
    return 0


@command("document void")
def cmd_document_void(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import void_document

    ctx = open_context(args)
    voided = void_document(ctx, login_actor(ctx, args), args.document_id, args.reason)
    print_json(voided) if args.json else print(f"已作废 {voided.title} {voided.number or ''}：{voided.void_reason}")
    return 0


@command("document issue")
def cmd_document_issue(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import export_document, issue_document

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    issued = issue_document(
        ctx,
        actor,
        resolve_case(ctx, actor, args.case),
        args.kind,
        correction=args.correction,
        another=args.another,
    )
    path = export_document(ctx, actor, issued.id, Path(args.out), args.format) if args.out else None
    if args.json:
        print_json({"document": issued, "file": str(path) if path else None})
    else:
        print(f"已出具 {issued.title} {issued.number or ''}（第 {issued.version} 版，{issued.pdf_pages} 页）")
        if path:
            print(f"文件：{path}")
    return 0


@command("document list")
def cmd_document_list(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import list_documents

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    rows = list_documents(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "文书", "文号/编号", "版本", "出具时间", "出具人", "页数", "状态"],
            [[d.id, d.title, d.number or "", d.version, f"{d.issued_at:%Y-%m-%d %H:%M}", d.issued_by, d.pdf_pages,
              f"作废：{d.void_reason}" if d.voided else ("已被更正" if d.superseded else "")] for d in rows],
        )  # fmt: skip
    return 0


@command("document export")
def cmd_document_export(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import export_document

    ctx = open_context(args)
    path = export_document(ctx, login_actor(ctx, args), args.document_id, Path(args.out), args.format)
    print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
    return 0


@command("document casefile")
def cmd_document_casefile(args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import build_case_file

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    path = build_case_file(ctx, actor, resolve_case(ctx, actor, args.case), Path(args.out))
    print_json({"file": str(path)}) if args.json else print(f"已组卷：{path}")
    return 0
