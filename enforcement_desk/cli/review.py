"""`enforcement-desk review …`: the legal reviewer's queue and verdicts from the terminal."""

from __future__ import annotations

import argparse

from enforcement_desk.cli.main import command, login_actor, open_context, parse_params, resolve_case
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.core.errors import DomainError

OUTCOME_WORDS = {
    "同意": "approved",
    "approve": "approved",
    "建议修改": "returned",
    "退回": "returned",
    "return": "returned",
    "不同意": "rejected",
    "reject": "rejected",
}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="法制审核").add_subparsers(dest="subcommand", metavar="子命令")
    review.add_parser("queue", help="待我审核的案件")
    history = review.add_parser("history", help="案件的各轮法制审核")
    history.add_argument("case")
    decide = review.add_parser("decide", help="作出审核结论（七项审核事项未列问题的视为通过）")
    decide.add_argument("case")
    decide.add_argument(
        "--outcome", required=True, choices=sorted(OUTCOME_WORDS), help="同意 / 建议修改 / 不同意"
    )
    decide.add_argument("--opinion", required=True, help="审核意见")
    decide.add_argument("--problem", nargs="*", metavar="事项=问题", help="如 证据=缺少询问笔录原件")


@command("review queue")
def cmd_review_queue(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.review import review_queue

    ctx = open_context(args)
    rows = review_queue(ctx, login_actor(ctx, args))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["案号", "当事人", "案由", "轮次", "提交人", "审核期限"],
            [[r.case_no, r.party_name, r.cause[:24], r.round, r.submitted_by, r.due_on] for r in rows],
        )
    return 0


@command("review history")
def cmd_review_history(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.review import review_history

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    rows = review_history(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(
            f"第{r.round}轮  提交：{r.submitted_by} {r.submitted_at:%Y-%m-%d %H:%M}  结论：{r.outcome_label}"
        )
        for check in r.checks:
            print(f"    {check['item']}：{check['result']} {check.get('comment') or ''}".rstrip())
        if r.opinion:
            print(f"    意见：{r.opinion}")
    return 0


@command("review decide")
def cmd_review_decide(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.review import ReviewCheck, all_passed, record_review

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    problems = parse_params(args.problem)
    checks = [ReviewCheck(c.item, c.item not in problems, problems.get(c.item, "")) for c in all_passed()]
    unknown = set(problems) - {c.item for c in checks}
    if unknown:
        raise DomainError(f"未知的审核事项：{'、'.join(sorted(unknown))}")
    detail = record_review(
        ctx, actor, resolve_case(ctx, actor, args.case), OUTCOME_WORDS[args.outcome], checks, args.opinion
    )
    print_json(detail) if args.json else print(
        f"已作出审核结论：{args.outcome}；案件 {detail.filing_no or detail.case_no} 现处于“{detail.stage.label}”阶段"
    )
    return 0
