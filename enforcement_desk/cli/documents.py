"""`enforcement-desk document …`: issue, list, export the standard documents; assemble the case file."""

from __future__ import annotations

import argparse
from pathlib import Path

from enforcement_desk.cli.main import presents, resolve_case, sign_in
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.context import Actor, AppContext


@presents("document kinds")
def cmd_document_kinds(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import document_kinds

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


def _kinds_for_case(ctx, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import document_kinds_for_case

    actor = sign_in(ctx, args)
    rows = document_kinds_for_case(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["种类", "名称", "环节", "可否出具", "已出具", "原因"],
            [
                [k.key, k.title, k.step, "可出具" if k.issuable else "—", k.issued_number or "", k.reason]
                for k in rows
            ],
        )
    return 0


@presents("document preview")
def cmd_document_preview(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import preview_document

    pdf = preview_document(ctx, actor, resolve_case(ctx, actor, args.case), args.kind)
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    print_json({"file": str(target), "draft": True}) if args.json else print(
        f"草稿（未编号、未登记）：{target}"
    )
    return 0


@presents("document void")
def cmd_document_void(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import void_document

    voided = void_document(ctx, actor, args.document_id, args.reason)
    print_json(voided) if args.json else print(
        f"已作废 {voided.title} {voided.number or ''}：{voided.void_reason}"
    )
    return 0


@presents("document issue")
def cmd_document_issue(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import export_document, issue_document

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
        for warning in issued.warnings:
            print(f"注意：{warning}")
        if path:
            print(f"文件：{path}")
    return 0


@presents("document list")
def cmd_document_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import list_documents

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


@presents("document export")
def cmd_document_export(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.service import export_document

    path = export_document(ctx, actor, args.document_id, Path(args.out), args.format)
    print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
    return 0


@presents("document casefile")
def cmd_document_casefile(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.documents.case_file import build_case_file

    path = build_case_file(ctx, actor, resolve_case(ctx, actor, args.case), Path(args.out))
    print_json({"file": str(path)}) if args.json else print(f"已组卷：{path}")
    return 0


@presents("document verify")
def cmd_document_verify(ctx: AppContext, actor: Actor | None, args: argparse.Namespace) -> int:
    from enforcement_desk.cli.main import require_initialized
    from enforcement_desk.documents.verification import verify_document

    require_initialized(ctx)  # nobody signs in, so nothing else has checked the database is there
    result = verify_document(ctx, args.target)
    if args.json:
        print_json(result)
    else:
        print(result.message)
        for note in result.notes:
            print(f"  {note}")
    return 0 if result.ok else 1
