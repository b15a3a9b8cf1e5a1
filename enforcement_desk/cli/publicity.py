"""`enforcement-desk publicity …`: decisions to publish, their publication, withdrawals, the export."""

from __future__ import annotations

import argparse
from pathlib import Path

from enforcement_desk.cli.main import command, login_actor, open_context, parse_date, resolve_case
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.core.procedure.periods import URGENCY_LABELS


def add_parsers(sub: argparse._SubParsersAction) -> None:
    publicity = sub.add_parser("publicity", help="行政处罚信息公示").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    listing = publicity.add_parser("list", help="公示记录")
    listing.add_argument("--pending", action="store_true", help="只列出尚未公示的")
    publish = publicity.add_parser("publish", help="登记已在信用平台公示")
    publish.add_argument("record_id", type=int)
    publish.add_argument("--on", type=parse_date, help="公示日期（默认今天）")
    withdraw = publicity.add_parser("withdraw", help="决定变更或撤销：撤回公示")
    withdraw.add_argument("case")
    withdraw.add_argument("--reason", required=True)
    export = publicity.add_parser("export", help="导出信用平台报送表（.xlsx 或 .csv）")
    export.add_argument("--out", required=True)


@command("publicity list")
def cmd_publicity_list(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import list_publicity

    ctx = open_context(args)
    rows = list_publicity(ctx, login_actor(ctx, args), pending_only=args.pending)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "类型", "决定书文号", "当事人", "应于", "公示日期", "状态"],
            [[r.id, "公示" if r.kind == "publish" else "撤回", r.fields["decision_no"], r.fields["party_name"], r.due_on,
              r.published_on or "", URGENCY_LABELS.get(r.urgency, r.urgency)] for r in rows],
        )  # fmt: skip
    return 0


@command("publicity publish")
def cmd_publicity_publish(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import mark_published

    ctx = open_context(args)
    view = mark_published(ctx, login_actor(ctx, args), args.record_id, args.on)
    print_json(view) if args.json else print(
        f"已登记公示：{view.fields['decision_no']}（{view.published_on}）"
    )
    return 0


@command("publicity withdraw")
def cmd_publicity_withdraw(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import withdraw_publicity

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    view = withdraw_publicity(ctx, actor, resolve_case(ctx, actor, args.case), args.reason)
    print_json(view) if args.json else print(f"已建立撤回公示记录，应于 {view.due_on} 前撤回")
    return 0


@command("publicity export")
def cmd_publicity_export(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import export_publicity

    ctx = open_context(args)
    path = export_publicity(ctx, login_actor(ctx, args), Path(args.out))
    print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
    return 0
