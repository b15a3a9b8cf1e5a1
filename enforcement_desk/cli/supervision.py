"""`enforcement-desk inspection|credit|complaint|stats …`: random inspections, credit records,
complaints and reports, and the statistics for the monthly report."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path

from enforcement_desk.cli.main import command, login_actor, open_context, parse_date
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.periods import URGENCY_LABELS
from enforcement_desk.core.supervision.random_draw import CategoryQuota


def parse_quota(text: str) -> CategoryQuota:
    """`公=20%` (a ratio) or `医=3` (a count)."""
    category, sep, amount = text.partition("=")
    if not sep or not category.strip() or not amount.strip():
        raise argparse.ArgumentTypeError(
            f"抽取数量应写作 类别=比例% 或 类别=数量，如 公=20% 或 医=3：“{text}”"
        )
    amount = amount.strip()
    try:
        if amount.endswith("%"):
            return CategoryQuota(category.strip(), ratio=Decimal(amount[:-1]) / 100)
        return CategoryQuota(category.strip(), count=int(amount))
    except (InvalidOperation, ValueError):
        raise argparse.ArgumentTypeError(f"抽取数量不是数字：“{text}”") from None


def _user_ids(ctx, logins: str) -> tuple[int, ...]:  # noqa: ANN001 - AppContext
    from enforcement_desk.admin.users import find_user_by_login

    return tuple(find_user_by_login(ctx, login.strip()).id for login in logins.split(",") if login.strip())


def add_parsers(sub: argparse._SubParsersAction) -> None:
    inspection = sub.add_parser("inspection", help="双随机抽查").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    imported = inspection.add_parser("import", help="从 XLSX 导入检查对象库（同编码则更新）")
    imported.add_argument("file")
    objects = inspection.add_parser("objects", help="检查对象库")
    objects.add_argument("--category", help="执法类别，如 公")
    conflict = inspection.add_parser("conflict", help="申报回避（与某检查对象有利害关系）")
    conflict.add_argument("object_id", type=int)
    conflict.add_argument("--inspector", help="执法人员登录名（默认本人）")
    conflict.add_argument("--reason", required=True)
    draw = inspection.add_parser("draw", help="抽取检查对象和执法人员（负责人）")
    draw.add_argument("--title", required=True, help="抽查任务名称")
    draw.add_argument("--quota", type=parse_quota, action="append", required=True, metavar="类别=比例%|数量")
    draw.add_argument("--seed", help="随机种子（默认随机生成并记录）")
    draw.add_argument("--grid", help="只在该网格内抽取")
    show = inspection.add_parser("show", help="抽查任务及各对象结果")
    show.add_argument("draw_id", type=int)
    show.add_argument("--verify", action="store_true", help="用记录的种子重新抽取，核对结果是否一致")
    result = inspection.add_parser("result", help="登记对象的检查结果")
    result.add_argument("task_id", type=int)
    result.add_argument(
        "--outcome", required=True, choices=["compliant", "finding", "corrected", "unreachable"]
    )  # fmt: skip
    result.add_argument("--on", type=parse_date, help="检查日期（默认今天）")
    result.add_argument("--note", default="", help="发现的问题或处理情况")
    result.add_argument("--open-case", metavar="案由", help="发现问题的，同时立为案件")
    export = inspection.add_parser("export", help="导出抽查结果供公示（.xlsx 或 .csv）")
    export.add_argument("draw_id", type=int)
    export.add_argument("--out", required=True)
    published = inspection.add_parser("publish", help="登记抽查结果已公示")
    published.add_argument("draw_id", type=int)
    published.add_argument("--on", type=parse_date)

    credit = sub.add_parser("credit", help="信用记录").add_subparsers(dest="subcommand", metavar="子命令")
    credit_show = credit.add_parser("show", help="当事人的记分和黑名单记录")
    credit_show.add_argument("party_id", type=int)
    score = credit.add_parser("score", help="不良执业行为记分")
    score.add_argument("party_id", type=int)
    score.add_argument("--rule", required=True, help="记分规则编码（resources/credit_rules.json）")
    score.add_argument("--on", type=parse_date, help="行为发生日期（默认今天）")
    score.add_argument("--case", type=int, help="相关案件 ID")
    blacklist = credit.add_parser("blacklist", help="黑名单：不带选项时列出在列名单")
    action = blacklist.add_mutually_exclusive_group()
    action.add_argument("--add", type=int, metavar="当事人ID", help="列入黑名单（负责人）")
    action.add_argument("--exit", type=int, metavar="记录ID", help="提前移出")
    action.add_argument("--repair", type=int, metavar="记录ID", help="信用修复")
    blacklist.add_argument("--reason", help="列入或移出理由；信用修复时为整改情况")

    complaint = sub.add_parser("complaint", help="投诉举报").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    add = complaint.add_parser("add", help="登记投诉举报")
    add.add_argument("--channel", required=True, help="电话、来信、来访、网络、12345热线转办、上级交办、其他")
    add.add_argument("--subject", required=True, help="被投诉举报对象")
    add.add_argument("--content", required=True)
    add.add_argument("--assign", required=True, help="承办人登录名")
    add.add_argument("--received-on", type=parse_date)
    add.add_argument("--reporter", default="", help="投诉举报人姓名")
    add.add_argument("--phone", default="", help="投诉举报人电话")
    add.add_argument("--reporter-id", default="", help="投诉举报人证件号码（如有）")
    add.add_argument("--anonymous", action="store_true")
    add.add_argument("--address", default="", help="被投诉举报对象地址")
    add.add_argument("--category", default="医")
    listing = complaint.add_parser("list", help="投诉举报列表")
    listing.add_argument("--open", action="store_true", help="只列办理中的")
    show_complaint = complaint.add_parser("show", help="投诉举报详情（内容和举报人仅承办人和负责人可见）")
    show_complaint.add_argument("complaint_id", type=int)
    convert = complaint.add_parser("convert", help="转为案件")
    convert.add_argument("complaint_id", type=int)
    convert.add_argument("--party", type=int, required=True, help="当事人 ID")
    convert.add_argument("--cause", required=True)
    convert.add_argument("--handlers", required=True, help="承办人登录名，逗号分隔（至少两人）")
    close = complaint.add_parser("close", help="办结（不立案）并说明理由")
    close.add_argument("complaint_id", type=int)
    close.add_argument("--reason", required=True)

    stats = sub.add_parser("stats", help="执法统计（可导出月报 XLSX）")
    stats.add_argument("--year", type=int, help="只统计该年受理的案件")
    stats.add_argument("--out", help="导出 .xlsx 文件")


# ---- inspections -----------------------------------------------------------------------------


@command("inspection import")
def cmd_inspection_import(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import import_objects

    ctx = open_context(args)
    report = import_objects(ctx, login_actor(ctx, args), Path(args.file))
    if args.json:
        print_json(report)
    else:
        print(f"新增 {report.added} 个，更新 {report.updated} 个检查对象")
        for line in report.rejected:
            print(f"未导入 {line}")
    return 0


@command("inspection objects")
def cmd_inspection_objects(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import list_objects

    ctx = open_context(args)
    rows = list_objects(ctx, login_actor(ctx, args), args.category)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "编码", "名称", "类别", "网格", "风险"],
            [[o.id, o.code, o.name, o.category, o.grid, o.risk_level] for o in rows],
        )
    return 0


@command("inspection conflict")
def cmd_inspection_conflict(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import declare_conflict

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    user_id = _user_ids(ctx, args.inspector)[0] if args.inspector else actor.user_id
    declare_conflict(ctx, actor, args.object_id, user_id, args.reason)
    print_json({"object_id": args.object_id, "user_id": user_id}) if args.json else print("已登记回避")
    return 0


def _print_draw(view) -> None:  # noqa: ANN001 - DrawView
    print(f"抽查任务 #{view.id}：{view.title}（{view.drawn_on} 抽取，种子 {view.seed}）")
    print_table(
        ["任务ID", "检查对象", "类别", "检查人员", "结果", "检查日期", "公示期限", "案件"],
        [[t.id, t.object_name, t.category, "、".join(t.inspectors), t.label, t.inspected_on or "",
          t.publish_due_on or "", f"#{t.case_id}" if t.case_id else ""] for t in view.tasks],
    )  # fmt: skip


@command("inspection draw")
def cmd_inspection_draw(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import draw_inspections

    ctx = open_context(args)
    view = draw_inspections(
        ctx, login_actor(ctx, args), args.title, args.quota, seed=args.seed, grid=args.grid
    )
    print_json(view) if args.json else _print_draw(view)
    return 0


@command("inspection show")
def cmd_inspection_show(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import get_draw, verify_draw

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("inspection result")
def cmd_inspection_result(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import open_case_from_finding, record_result

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    view = record_result(ctx, actor, args.task_id, args.outcome, args.on or ctx.today(), args.note)
    case_id = open_case_from_finding(ctx, actor, args.task_id, args.open_case) if args.open_case else None
    if args.json:
        print_json({"task": view, "case_id": case_id})
    else:
        print(f"已登记 {view.object_name}：{view.label}，结果应于 {view.publish_due_on} 前公示")
        if case_id:
            print(f"已立为案件 #{case_id}")
    return 0


@command("inspection export")
def cmd_inspection_export(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import export_results

    ctx = open_context(args)
    path = export_results(ctx, login_actor(ctx, args), args.draw_id, Path(args.out))
    print_json({"file": str(path)}) if args.json else print(f"已导出：{path}")
    return 0


@command("inspection publish")
def cmd_inspection_publish(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.inspections import mark_results_published

    ctx = open_context(args)
    view = mark_results_published(ctx, login_actor(ctx, args), args.draw_id, args.on)
    print_json(view) if args.json else print(f"已登记抽查结果公示（{view.results_published_on}）")
    return 0


# ---- credit ----------------------------------------------------------------------------------


def _print_credit(summary) -> None:  # noqa: ANN001 - CreditSummary
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


@command("credit show")
def cmd_credit_show(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.credit import credit_summary

    ctx = open_context(args)
    summary = credit_summary(ctx, login_actor(ctx, args), args.party_id)
    print_json(summary) if args.json else _print_credit(summary)
    return 0


@command("credit score")
def cmd_credit_score(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.credit import record_points

    ctx = open_context(args)
    summary = record_points(
        ctx, login_actor(ctx, args), args.party_id, args.rule, args.on or ctx.today(), args.case
    )
    print_json(summary) if args.json else _print_credit(summary)
    return 0


@command("credit blacklist")
def cmd_credit_blacklist(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision import credit

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("complaint add")
def cmd_complaint_add(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import ComplaintDraft, add_complaint

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("complaint list")
def cmd_complaint_list(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import list_complaints

    ctx = open_context(args)
    rows = list_complaints(ctx, login_actor(ctx, args), open_only=args.open)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["ID", "编号", "收到日期", "渠道", "举报人", "被投诉对象", "承办人", "答复期限", "状态"],
            [[c.id, c.number, c.received_on, c.channel, c.reporter, c.subject_name, c.assigned_name, c.reply_due_on,
              c.label if c.status != "open" else URGENCY_LABELS.get(c.urgency, c.urgency)] for c in rows],
        )  # fmt: skip
    return 0


@command("complaint show")
def cmd_complaint_show(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import get_complaint

    ctx = open_context(args)
    c = get_complaint(ctx, login_actor(ctx, args), args.complaint_id)
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


@command("complaint convert")
def cmd_complaint_convert(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import convert_to_case

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("complaint close")
def cmd_complaint_close(args: argparse.Namespace) -> int:
    from enforcement_desk.supervision.complaints import close_complaint

    ctx = open_context(args)
    view = close_complaint(ctx, login_actor(ctx, args), args.complaint_id, args.reason)
    print_json(view) if args.json else print(f"投诉举报 {view.number} 已办结：{view.close_reason}")
    return 0


# ---- statistics ------------------------------------------------------------------------------


@command("stats")
def cmd_stats(args: argparse.Namespace) -> int:
    from enforcement_desk.core.money import format_yuan
    from enforcement_desk.supervision.statistics import collect_statistics, export_statistics

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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
