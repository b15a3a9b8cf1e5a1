"""`enforcement-desk discretion …`: the benchmark library, a case's recommended fine, and the agency's
own table (import, confirm)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from enforcement_desk.cli.main import (
    command,
    login_actor,
    open_context,
    parse_date,
    parse_money,
    resolve_case,
)
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.core.discretion.benchmarks import HARM_VALUES, LEVELS
from enforcement_desk.core.discretion.engine import ART32_CIRCUMSTANCES, Facts, Recommendation
from enforcement_desk.core.errors import DomainError


def _add_fact_options(parser: argparse.ArgumentParser) -> None:
    facts = parser.add_argument_group("认定的事实")
    facts.add_argument("--gains", type=parse_money, help="违法所得（元）")
    facts.add_argument("--goods-value", type=parse_money, help="货值金额（元）")
    facts.add_argument("--days", type=int, help="违法行为持续天数（默认按案件的违法行为发生和终了日期计算）")
    facts.add_argument("--persons", type=int, default=0, help="涉及人数")
    facts.add_argument("--harm", choices=HARM_VALUES, default="none", help="危害后果：无/轻微/严重")
    facts.add_argument("--repeat", action="store_true", help="一年内再次违法")
    facts.add_argument("--first", action="store_true", help="初次违法")
    facts.add_argument("--corrected", action="store_true", help="及时改正")
    facts.add_argument("--minor", action="store_true", help="违法行为轻微")
    facts.add_argument("--overdue", action="store_true", help="逾期不改正")
    facts.add_argument("--refused", action="store_true", help="拒绝、阻挠监督检查")
    facts.add_argument("--previously-punished", action="store_true", help="曾因同类违法行为受过处罚")
    facts.add_argument(
        "--no-fault", action="store_true", help="当事人有证据足以证明没有主观过错（第三十三条第二款）"
    )
    facts.add_argument(
        "--art32",
        action="append",
        choices=sorted(ART32_CIRCUMSTANCES),
        default=[],
        help="第三十二条情形，可多次指定：" + "；".join(f"{k}={v}" for k, v in ART32_CIRCUMSTANCES.items()),
    )
    facts.add_argument(
        "--circumstance", action="append", default=[], help="条文列举的情形（见 discretion show）"
    )
    facts.add_argument("--age", type=int, help="当事人为自然人时的年龄（第三十条）")
    facts.add_argument("--act-date", type=parse_date, help="违法行为发生日期（默认取案件记录）")
    facts.add_argument("--act-ended", type=parse_date, help="连续或继续状态的违法行为终了日期")
    facts.add_argument("--discovered", type=parse_date, help="发现日期（默认取案件记录）")
    facts.add_argument("--life-health-harm", action="store_true", help="涉及公民生命健康安全且有危害后果")


def _facts(args: argparse.Namespace) -> Facts:
    return Facts(
        illegal_gains=args.gains or Decimal(0),
        goods_value=args.goods_value or Decimal(0),
        duration_days=args.days,
        persons_affected=args.persons,
        harm=args.harm,
        repeat_within_year=args.repeat,
        first_offence=args.first,
        corrected_promptly=args.corrected,
        minor=args.minor,
        overdue_uncorrected=args.overdue,
        refused_supervision=args.refused,
        previously_punished=args.previously_punished,
        no_fault_proven=args.no_fault,
        art32=frozenset(args.art32),
        circumstances=frozenset(args.circumstance),
        party_age=args.age,
        act_date=args.act_date,
        act_ended_on=args.act_ended,
        discovered_on=args.discovered,
        life_health_harm=args.life_health_harm,
    )


def add_parsers(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("discretion", help="行政处罚裁量基准").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    listing = group.add_parser("list", help="基准库中的违法行为")
    listing.add_argument("--area", help="领域，如 公共场所、生活饮用水")
    listing.add_argument("--text", default="", help="名称或编码包含的文字")
    show = group.add_parser("show", help="一个违法行为的条款、法定罚款和裁量阶次")
    show.add_argument("code", help="违法行为编码，如 YL-001")
    for name, text in (("compute", "按认定的事实计算建议罚款（不保存）"), ("suggest", "同 compute")):
        compute = group.add_parser(name, help=text)
        compute.add_argument("--case", help="案件编号（受理编号、文号或 #id）；不指定时须给出 --code")
        compute.add_argument(
            "--code", action="append", default=[], help="违法行为编码；同一行为违反多个规定时可多次指定"
        )
        compute.add_argument("--level", choices=LEVELS, help="指定裁量阶次（默认按基准推荐）")
        _add_fact_options(compute)
    choose = group.add_parser("choose", help="确定本案的裁量意见并保存为拟处理意见（承办人）")
    choose.add_argument("case")
    choose.add_argument("--code", action="append", default=[], help="违法行为编码（默认取案件记录）")
    choose.add_argument("--level", choices=LEVELS)
    choose.add_argument("--fine", type=parse_money, help="罚款金额（默认取建议金额）")
    choose.add_argument("--reason", default="", help="偏离建议阶次或幅度时的书面理由")
    _add_fact_options(choose)
    imported = group.add_parser("import", help="导入本机关裁量基准表（.xlsx/.csv），先预览，确认后启用")
    imported.add_argument("file")
    imported.add_argument("--name", default="", help="基准表名称（默认取文件名）")
    confirm = group.add_parser("confirm", help="启用一次导入的基准表")
    confirm.add_argument("id", type=int)
    discard = group.add_parser("discard", help="放弃一次导入")
    discard.add_argument("id", type=int)
    group.add_parser("tables", help="本机关历次导入的基准表")


@command("discretion list")
def cmd_discretion_list(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import list_violations

    ctx = open_context(args)
    rows = list_violations(ctx, login_actor(ctx, args), area=args.area or "", text=args.text)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["编码", "违法行为", "领域", "处罚依据", "法定罚款"],
            [[r.code, r.name, r.area, r.penalty_basis, r.statutory] for r in rows],
        )
    return 0


@command("discretion show")
def cmd_discretion_show(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import show_violation

    ctx = open_context(args)
    detail = show_violation(ctx, login_actor(ctx, args), args.code)
    if args.json:
        print_json(detail)
        return 0
    print(f"{detail.code} {detail.name}（{detail.area}；基准库 {detail.library_version}）")
    print(f"规范用语：{detail.phrasing}")
    for version in detail.versions:
        until = f"至 {version.effective_to}" if version.effective_to else "起施行"
        print(f"\n【{version.effective_from} {until}】")
        print(f"违反：{version.violated}")
        print(f"依据：{version.penalty}")
        print(f"处罚种类：{'、'.join(version.kinds)}；罚款：{'；'.join(version.fines)}")
    if detail.circumstances:
        print(f"\n条文列举的情形：{'；'.join(detail.circumstances)}")
    print()
    print_table(
        ["裁量阶次", "适用情形", "裁量幅度", "说明"],
        [[lv.level, lv.conditions, lv.range, lv.description] for lv in detail.levels],
    )
    return 0


def _print_recommendation(result: Recommendation) -> None:
    print(f"{result.code} {result.name}（基准库 {result.library_version}）")
    print(f"处罚依据：{result.penalty_basis}")
    if result.statutory:
        counted = "倍" in result.statutory.working or "不足" in result.statutory.working
        print(f"法定罚款：{result.statutory.text}" + (f"（{result.statutory.working}）" if counted else ""))
    print(
        f"裁量阶次：{result.level}（建议：{result.recommended_level}；可选：{'、'.join(result.allowed_levels)}）"
    )
    if result.level_range:
        print(f"阶次幅度：{result.level_range.text}")
    print(f"建议罚款：{result.recommended_fine} 元；没收违法所得：{result.confiscation} 元")
    if result.kinds:
        print(f"处罚种类：{'、'.join(result.kinds)}")
    if result.mitigated:
        print("减轻处罚：须经法制审核（重大执法决定）")
    print("适用规则：")
    for rule in result.explanation:
        print(f"  · {rule.article}：{rule.text}")
    for warning in result.warnings:
        print(f"  ! {warning}")


def _compute(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import compute_for_case, compute_for_violation

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    facts = _facts(args)
    if args.case:
        result = compute_for_case(
            ctx, actor, resolve_case(ctx, actor, args.case), facts, codes=tuple(args.code), level=args.level
        )
    elif args.code:
        result = compute_for_violation(ctx, actor, tuple(args.code), facts, level=args.level)
    else:
        raise DomainError("请用 --case 指定案件，或用 --code 指定违法行为编码")
    print_json(result.to_json()) if args.json else _print_recommendation(result)
    return 0


command("discretion compute")(_compute)
command("discretion suggest")(_compute)


@command("discretion choose")
def cmd_discretion_choose(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import choose_for_case
    from enforcement_desk.procedure.cases import get_case

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    case_id = resolve_case(ctx, actor, args.case)
    detail = choose_for_case(
        ctx,
        actor,
        case_id,
        get_case(ctx, actor, case_id).version,
        _facts(args),
        codes=tuple(args.code),
        level=args.level,
        fine=args.fine,
        reason=args.reason,
    )
    if args.json:
        print_json(detail.discretion)
    else:
        print(
            f"已保存案件 {detail.case_no} 的裁量意见：{detail.discretion.get('level')}，"
            f"罚款 {detail.fine_amount or 0} 元（基准库 {detail.discretion.get('library_version')}）"
        )
    return 0


def _print_preview(preview) -> None:  # noqa: ANN001
    from enforcement_desk.discretion.service import STATUS_LABELS

    print(f"导入 #{preview.id}（第 {preview.version} 版“{preview.name}”，{STATUS_LABELS[preview.status]}）")
    print(f"可用 {len(preview.accepted)} 行，拒绝 {len(preview.rejected)} 行")
    if preview.rejected:
        print_table(
            ["行号", "编码", "阶次", "拒绝原因"],
            [[r.row, r.code, r.level, r.reason] for r in preview.rejected],
        )


@command("discretion import")
def cmd_discretion_import(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import preview_import

    ctx = open_context(args)
    preview = preview_import(ctx, login_actor(ctx, args), Path(args.file), name=args.name)
    if args.json:
        print_json(preview)
    else:
        _print_preview(preview)
        print(f"确认无误后运行：enforcement-desk discretion confirm {preview.id}")
    return 0


@command("discretion confirm")
def cmd_discretion_confirm(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import confirm_import

    ctx = open_context(args)
    preview = confirm_import(ctx, login_actor(ctx, args), args.id)
    print_json(preview) if args.json else print(
        f"已启用本机关裁量基准第 {preview.version} 版（{len(preview.accepted)} 行）"
    )
    return 0


@command("discretion discard")
def cmd_discretion_discard(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import discard_import

    ctx = open_context(args)
    preview = discard_import(ctx, login_actor(ctx, args), args.id)
    print_json(preview) if args.json else print(f"已放弃导入 #{preview.id}")
    return 0


@command("discretion tables")
def cmd_discretion_tables(args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import STATUS_LABELS, list_imports

    ctx = open_context(args)
    tables = list_imports(ctx, login_actor(ctx, args))
    if args.json:
        print_json(tables)
    else:
        print_table(
            ["编号", "版本", "名称", "状态", "可用行", "拒绝行"],
            [
                [t.id, t.version, t.name, STATUS_LABELS[t.status], len(t.accepted), len(t.rejected)]
                for t in tables
            ],
        )
    return 0
