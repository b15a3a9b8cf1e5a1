"""`enforcement-desk inspection|credit|complaint|stats …`: random inspections, credit records,
complaints and reports, and the statistics for the monthly report."""

from __future__ import annotations

import argparse
from pathlib import Path

from enforcement_desk.cli.main import presents
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.periods import URGENCY_LABELS


def _user_ids(ctx, logins: str) -> tuple[int, ...]:  # AppContext
    from enforcement_desk.admin.users import find_user_by_login

    return tuple(find_user_by_login(ctx, login.strip()).id for login in logins.split(",") if login.strip())


# ---- inspections -----------------------------------------------------------------------------


@presents("inspection import")
def cmd_inspection_import(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import import_objects

    report = import_objects(ctx, actor, Path(args.file))
    if args.json:
        print_json(report)
    else:
        print(f"新增 {report.added} 个，更新 {report.updated} 个检查对象")
        for line in report.rejected:
            print(f"未导入 {line}")
    return 0


@presents("inspection objects")
def cmd_inspection_objects(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import list_objects

    rows = list_objects(ctx, actor, args.category)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "编码", "名称", "类别", "网格", "风险"],
            [[o.id, o.code, o.name, o.category, o.grid, o.risk_level] for o in rows],
        )
    return 0


@presents("inspection conflict")
def cmd_inspection_conflict(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import declare_conflict

    user_id = _user_ids(ctx, args.inspector)[0] if args.inspector else actor.user_id
    declare_conflict(ctx, actor, args.object_id, user_id, args.reason)
    print_json({"object_id": args.object_id, "user_id": user_id}) if args.json else print("已登记回避")
    return 0


def _print_draw(view) -> None:  # DrawView
    print(f"抽查任务 #{view.id}：{view.title}（{view.drawn_on} 抽取，种子 {view.seed}）")
    print_table(
        ["任务ID", "检查对象", "类别", "检查人员", "结果", "检查日期", "公示期限", "案件"],
        [[t.id, t.object_name, t.category, "、".join(t.inspectors), t.label, t.inspected_on or "",
          t.publish_due_on or "", f"#{t.case_id}" if t.case_id else ""] for t in view.tasks],
    )  # fmt: skip


@presents("inspection draw")
def cmd_inspection_draw(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import draw_inspections

    view = draw_inspections(ctx, actor, args.title, args.quota, seed=args.seed, grid=args.grid)
    print_json(view) if args.json else _print_draw(view)
    return 0


@presents("inspection show")
def cmd_inspection_show(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import get_draw, verify_draw

    view = get_draw(ctx, actor, args.draw_id)
    verified = verify_draw(ctx, actor, args.draw_id) if args.verify else None
    if args.json:
        print_json({"draw": view, "verified": verified})
    else:
        _print_draw(view)
        if verified is not None:
            print(
                "复核：按记录的种子重新抽取，结果一致" if verified else "复核：重新抽取的结果与记录不一致！"
            )
    return 0 if verified in (None, True) else 1


@presents("inspection result")
def cmd_inspection_result(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import open_case_from_finding, record_result

    view = record_result(ctx, actor, args.task_id, args.outcome, args.on or ctx.today(), args.note)
    case_id = open_case_from_finding(ctx, actor, args.task_id, args.open_case) if args.open_case else None
    if args.json:
        print_json({"task": view, "case_id": case_id})
    else:
        print(f"已登记 {view.object_name}：{view.label}，结果应于 {view.publish_due_on} 前公示")
        if case_id:
            print(f"已立为案件 #{case_id}")
    return 0


@presents("inspection export")
def cmd_inspection_export(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import export_results

    path = export_results(ctx, actor, args.draw_id, Path(args.out))
    print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
    return 0


@presents("inspection publish")
def cmd_inspection_publish(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import mark_results_published

    view = mark_results_published(ctx, actor, args.draw_id, args.on)
    print_json(view) if args.json else print(f"已登记抽查结果公示（{view.results_published_on}）")
    return 0


# ---- credit ----------------------------------------------------------------------------------


def _print_credit(summary) -> None:  # CreditSummary
    print(
        f"{summary.party_name}（{summary.subject_label}）{summary.scoring_year} 记分年度：{summary.year_points} 分"
    )
    for threshold in summary.measures:
        print(f"  已达 {threshold.points} 分：{threshold.measure}")
    if summary.warning:
        print(f"提示：{summary.warning}")
    if summary.points:
        print_table(
            ["日期", "规则", "分值", "行为", "年度"],
            [[p.occurred_on, p.rule_code, p.points, p.description, p.scoring_year] for p in summary.points],
        )
    if summary.blacklist:
        print_table(
            ["记录ID", "列入日期", "期满日期", "状态", "理由"],
            [[b.id, b.entered_on, b.ends_on, b.status, b.reason] for b in summary.blacklist],
        )


@presents("credit show")
def cmd_credit_show(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.credit import credit_summary

    summary = credit_summary(ctx, actor, args.party_id)
    print_json(summary) if args.json else _print_credit(summary)
    return 0


@presents("credit score")
def cmd_credit_score(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.credit import record_points

    summary = record_points(ctx, actor, args.party_id, args.rule, args.on or ctx.today(), args.case)
    print_json(summary) if args.json else _print_credit(summary)
    return 0


@presents("credit blacklist")
def cmd_credit_blacklist(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision import credit

    if args.add is None and args.exit is None and args.repair is None:
        rows = credit.current_blacklist(ctx, actor)
        if args.json:
            print_json([{"party": name, "entry": entry} for name, entry in rows])
        else:
            print_table(
                ["记录ID", "当事人", "列入日期", "期满日期", "理由"],
                [[e.id, name, e.entered_on, e.ends_on, e.reason] for name, e in rows],
            )
        return 0
    if not args.reason:
        raise DomainError("请用 --reason 说明理由（信用修复时写明整改情况）")
    if args.add is not None:
        view = credit.add_to_blacklist(ctx, actor, args.add, args.reason)
    elif args.exit is not None:
        view = credit.remove_from_blacklist(ctx, actor, args.exit, args.reason)
    else:
        view = credit.repair_credit(ctx, actor, args.repair, args.reason)
    print_json(view) if args.json else print(f"黑名单记录 #{view.id}：{view.status}（期满 {view.ends_on}）")
    return 0


# ---- complaints ------------------------------------------------------------------------------


@presents("complaint add")
def cmd_complaint_add(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import ComplaintDraft, add_complaint

    view = add_complaint(
        ctx,
        actor,
        ComplaintDraft(
            channel=args.channel,
            subject_name=args.subject,
            content=args.content,
            assigned_to=_user_ids(ctx, args.assign)[0],
            received_on=args.received_on or ctx.today(),
            reporter_name=args.reporter,
            reporter_phone=args.phone,
            reporter_id_number=args.reporter_id,
            anonymous=args.anonymous,
            subject_address=args.address,
            category=args.category,
        ),  # fmt: skip
    )
    print_json(view) if args.json else print(f"已登记投诉举报 {view.number}，应于 {view.reply_due_on} 前答复")
    return 0


@presents("complaint list")
def cmd_complaint_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import list_complaints

    rows = list_complaints(ctx, actor, open_only=args.open)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "编号", "收到日期", "渠道", "举报人", "被投诉对象", "承办人", "答复期限", "状态"],
            [[c.id, c.number, c.received_on, c.channel, c.reporter, c.subject_name, c.assigned_name, c.reply_due_on,
              c.label if c.status != "open" else URGENCY_LABELS.get(c.urgency, c.urgency)] for c in rows],
        )  # fmt: skip
    return 0


@presents("complaint show")
def cmd_complaint_show(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import get_complaint

    c = get_complaint(ctx, actor, args.complaint_id)
    if args.json:
        print_json(c)
        return 0
    state = c.label if c.status != "open" else URGENCY_LABELS.get(c.urgency, c.urgency)
    lines = [
        f"投诉举报 {c.number}（#{c.id}）　{state}",
        f"收到日期：{c.received_on}　渠道：{c.channel}　答复期限：{c.reply_due_on}",
        f"被投诉举报对象：{c.subject_name}" + (f"（{c.subject_address}）" if c.subject_address else ""),
        f"承办人：{c.assigned_name}",
        f"投诉举报人：{c.reporter}" + (f"　证件号码：{c.reporter_id_number}" if c.reporter_id_number else ""),
        f"内容：{c.content}",
    ]
    if c.case_id:
        lines.append(f"已转为案件 #{c.case_id}")
    if c.close_reason:
        lines.append(f"办结理由：{c.close_reason}")
    if c.withheld_from_case:
        lines.append(f"从案件中移出的内容（升级时移出，仅承办人和负责人可见）：\n{c.withheld_from_case}")
    print("\n".join(lines))
    return 0


@presents("complaint convert")
def cmd_complaint_convert(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import convert_to_case

    case_id = convert_to_case(
        ctx,
        actor,
        args.complaint_id,
        party_id=args.party,
        cause=args.cause,
        handler_ids=_user_ids(ctx, args.handlers),
    )
    from enforcement_desk.procedure.cases import get_case

    case_no = get_case(ctx, actor, case_id).case_no
    if args.json:
        print_json({"case_id": case_id, "case_no": case_no})
    else:
        print(
            f"已转为案件 {case_no}（#{case_id}）；违法事实请在调查后填写，投诉举报内容和举报人信息留在投诉举报记录中"
        )
    return 0


@presents("complaint close")
def cmd_complaint_close(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import close_complaint

    view = close_complaint(ctx, actor, args.complaint_id, args.reason)
    print_json(view) if args.json else print(f"投诉举报 {view.number} 已办结：{view.close_reason}")
    return 0


# ---- statistics ------------------------------------------------------------------------------


@presents("stats")
def cmd_stats(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.core.money import format_yuan
    from enforcement_desk.supervision.statistics import collect_statistics, export_statistics

    if args.out:
        path = export_statistics(ctx, actor, Path(args.out), args.year)
        print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
        return 0
    stats = collect_statistics(ctx, actor, args.year)
    if args.json:
        print_json(stats)
        return 0
    print(f"受理案件 {stats.total_cases} 件，处罚决定 {stats.penalties} 件，罚款 {format_yuan(stats.fines_imposed)}，"
          f"已收缴 {format_yuan(stats.fines_collected)}，逾期未办 {stats.overdue_total} 项")  # fmt: skip
    for title, rows in (("按月", stats.by_month), ("按类别", stats.by_category), ("按阶段", stats.by_stage),
                        ("按来源", stats.by_source)):  # fmt: skip
        print()
        print_table([title, "件数"], [list(r) for r in rows])
    print()
    print_table(
        ["办理阶段", "平均天数", "案件数"],
        [[d.stage, d.average_days, d.cases] for d in stats.stage_durations],
    )
    return 0
