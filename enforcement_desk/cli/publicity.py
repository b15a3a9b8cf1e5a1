"""`enforcement-desk publicity …`: decisions to publish, their publication, withdrawals, the export."""

from __future__ import annotations

import argparse
from pathlib import Path

from enforcement_desk.cli.main import presents, resolve_case
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.procedure.periods import URGENCY_LABELS


@presents("publicity list")
def cmd_publicity_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import list_publicity

    rows = list_publicity(ctx, actor, pending_only=args.pending)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "类型", "决定书文号", "当事人", "应于", "公示日期", "状态"],
            [[r.id, "公示" if r.kind == "publish" else "撤回", r.fields["decision_no"], r.fields["party_name"], r.due_on,
              r.published_on or "", URGENCY_LABELS.get(r.urgency, r.urgency)] for r in rows],
        )  # fmt: skip
    return 0


@presents("publicity publish")
def cmd_publicity_publish(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import mark_published

    view = mark_published(ctx, actor, args.record_id, args.on)
    print_json(view) if args.json else print(
        f"已登记公示：{view.fields['decision_no']}（{view.published_on}）"
    )
    return 0


@presents("publicity withdraw")
def cmd_publicity_withdraw(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import withdraw_publicity

    view = withdraw_publicity(ctx, actor, resolve_case(ctx, actor, args.case), args.reason)
    print_json(view) if args.json else print(f"已建立撤回公示记录，应于 {view.due_on} 前撤回")
    return 0


@presents("publicity export")
def cmd_publicity_export(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.publicity import export_publicity

    path = export_publicity(ctx, actor, Path(args.out))
    print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
    return 0
