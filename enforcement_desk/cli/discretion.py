"""`enforcement-desk discretion …`: the benchmark library, a case's recommended fine, and the agency's
own table (import, confirm)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from enforcement_desk.cli.main import presents, resolve_case
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.discretion.benchmarks import sources_label
from enforcement_desk.core.discretion.engine import Facts, Recommendation
from enforcement_desk.core.errors import DomainError


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


@presents("discretion list")
def cmd_discretion_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import list_violations

    if args.suggested and not args.case:
        raise DomainError("--suggested 须与 --case 同用")
    case_id = resolve_case(ctx, actor, args.case) if args.case else None
    rows = list_violations(ctx, actor, area=args.area or "", text=args.text, case_id=case_id)
    if args.suggested:
        rows = [r for r in rows if r.suggested]
    if args.json:
        print_json(rows)
        return 0
    if case_id is None:
        print_table(
            ["编码", "违法行为", "领域", "处罚依据", "法定罚款"],
            [[r.code, r.name, r.area, r.penalty_basis, r.statutory] for r in rows],
        )
        return 0
    print_table(
        ["", "编码", "违法行为", "领域", "处罚依据", "法定罚款", "建议理由"],
        [
            ["建议" if r.suggested else "", r.code, r.name, r.area, r.penalty_basis, r.statutory,
             "；".join(r.reasons)]
            for r in rows
        ],
    )  # fmt: skip
    if not any(r.suggested for r in rows):
        print("没有与本案案由、执法类别相符的建议，请从基准库中选择。")
    return 0


@presents("discretion show")
def cmd_discretion_show(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import show_violation

    detail = show_violation(ctx, actor, args.code)
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
        if version.source is not None:
            print(version.source.label)
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
    print(f"违反条款：{result.violated}")
    print(f"处罚依据：{result.penalty_basis}")
    print(sources_label(result.violated_source, result.penalty_source))
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


def _compute(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import compute_for_case, compute_for_violation

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


presents("discretion compute")(_compute)
presents("discretion suggest")(_compute)


@presents("discretion choose")
def cmd_discretion_choose(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import choose_for_case
    from enforcement_desk.procedure.cases import get_case

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


def _print_preview(preview) -> None:
    from enforcement_desk.discretion.service import STATUS_LABELS

    print(f"导入 #{preview.id}（第 {preview.version} 版“{preview.name}”，{STATUS_LABELS[preview.status]}）")
    print(f"可用 {len(preview.accepted)} 行，拒绝 {len(preview.rejected)} 行")
    if preview.rejected:
        print_table(
            ["行号", "编码", "阶次", "拒绝原因"],
            [[r.row, r.code, r.level, r.reason] for r in preview.rejected],
        )


@presents("discretion import")
def cmd_discretion_import(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import preview_import

    preview = preview_import(ctx, actor, Path(args.file), name=args.name)
    if args.json:
        print_json(preview)
    else:
        _print_preview(preview)
        print(f"确认无误后运行：enforcement-desk discretion confirm {preview.id}")
    return 0


@presents("discretion confirm")
def cmd_discretion_confirm(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import confirm_import

    preview = confirm_import(ctx, actor, args.id)
    print_json(preview) if args.json else print(
        f"已启用本机关裁量基准第 {preview.version} 版（{len(preview.accepted)} 行）"
    )
    return 0


@presents("discretion discard")
def cmd_discretion_discard(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import discard_import

    preview = discard_import(ctx, actor, args.id)
    print_json(preview) if args.json else print(f"已放弃导入 #{preview.id}")
    return 0


@presents("discretion tables")
def cmd_discretion_tables(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.discretion.service import STATUS_LABELS, list_imports

    tables = list_imports(ctx, actor)
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
