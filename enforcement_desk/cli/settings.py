"""`enforcement-desk settings …`: the agency's periods, criteria and holiday tables."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from enforcement_desk.cli.main import presents
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.commands.arguments import parse_params
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError


@presents("settings show")
def cmd_settings_show(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import get_settings

    view = get_settings(ctx, actor)
    if args.json:
        print_json({"version": view.version, "settings": view.settings.to_json()})
    else:
        print(f"设置版本 {view.version}")
        print_table(
            ["名称", "说明", "值"],
            [[k, label, v] for k, label, v in view.labelled() if k != "holiday_tables"],
        )
        years = [str(t["year"]) for t in view.settings.holiday_tables]
        print(
            f"本机关录入的节假日安排：{'、'.join(years) + '年' if years else '无（使用内置的国务院放假安排）'}"
        )
    return 0


@presents("settings set")
def cmd_settings_set(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import update_settings

    view = update_settings(ctx, actor, parse_params(args.pairs), note=args.note)
    print_json({"version": view.version, "settings": view.settings.to_json()}) if args.json else print(
        f"已保存，设置版本 {view.version}"
    )
    return 0


@presents("settings transfer-approvers")
def cmd_settings_transfer_approvers(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import set_transfer_approvers

    view = set_transfer_approvers(ctx, actor, args.principal, args.presiding, note=args.note)
    if args.json:
        print_json({"version": view.version, "principal": view.settings.transfer_principal_head,
                    "presiding": view.settings.transfer_presiding_head})  # fmt: skip
    else:
        print(f"已保存，设置版本 {view.version}：正职负责人 {view.settings.transfer_principal_head or '（暂缺）'}，"
              f"主持工作的负责人 {view.settings.transfer_presiding_head or '（无）'}")  # fmt: skip
    return 0


@presents("settings holidays")
def cmd_settings_holidays(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import save_holiday_table

    try:
        table = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DomainError(f"无法读取文件“{args.file}”：{exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise DomainError(f"文件“{args.file}”不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
    if not isinstance(table, dict):
        raise DomainError("节假日安排文件应为一个 JSON 对象（含 year、holidays、workdays）")
    view = save_holiday_table(ctx, actor, table)
    print_json({"version": view.version}) if args.json else print(
        f"已录入 {table.get('year')} 年节假日安排，设置版本 {view.version}"
    )
    return 0


@presents("settings history")
def cmd_settings_history(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import settings_history

    rows = settings_history(ctx, actor)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["版本", "修改人", "时间", "说明"],
            [[r.version, r.changed_by, f"{r.changed_at:%Y-%m-%d %H:%M}", r.note] for r in rows],
        )
    return 0
