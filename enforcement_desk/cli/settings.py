"""`enforcement-desk settings …`: the agency's periods, criteria and holiday tables."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from enforcement_desk.cli.main import command, login_actor, open_context, parse_params
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.core.errors import DomainError


def add_parsers(sub: argparse._SubParsersAction) -> None:
    settings = sub.add_parser("settings", help="本机关设置").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    settings.add_parser("show", help="查看设置")
    change = settings.add_parser("set", help="修改设置（管理员）")
    change.add_argument("pairs", nargs="+", metavar="名称=值", help="如 major_fine_person=20000")
    change.add_argument("--note", default="", help="修改说明")
    holidays = settings.add_parser("holidays", help="录入某年节假日安排（JSON 文件）")
    holidays.add_argument("file", help='{"year": 2027, "holidays": ["2027-01-01", …], "workdays": [...]}')
    settings.add_parser("history", help="设置的历次版本")


@command("settings show")
def cmd_settings_show(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import get_settings

    ctx = open_context(args)
    view = get_settings(ctx, login_actor(ctx, args))
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


@command("settings set")
def cmd_settings_set(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import update_settings

    ctx = open_context(args)
    view = update_settings(ctx, login_actor(ctx, args), parse_params(args.pairs), note=args.note)
    print_json({"version": view.version, "settings": view.settings.to_json()}) if args.json else print(
        f"已保存，设置版本 {view.version}"
    )
    return 0


@command("settings holidays")
def cmd_settings_holidays(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import save_holiday_table

    try:
        table = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DomainError(f"无法读取文件“{args.file}”：{exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise DomainError(f"文件“{args.file}”不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
    if not isinstance(table, dict):
        raise DomainError("节假日安排文件应为一个 JSON 对象（含 year、holidays、workdays）")
    ctx = open_context(args)
    view = save_holiday_table(ctx, login_actor(ctx, args), table)
    print_json({"version": view.version}) if args.json else print(
        f"已录入 {table.get('year')} 年节假日安排，设置版本 {view.version}"
    )
    return 0


@command("settings history")
def cmd_settings_history(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.agency_settings import settings_history

    ctx = open_context(args)
    rows = settings_history(ctx, login_actor(ctx, args))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["版本", "修改人", "时间", "说明"],
            [[r.version, r.changed_by, f"{r.changed_at:%Y-%m-%d %H:%M}", r.note] for r in rows],
        )
    return 0
