"""`enforcement-desk review …`: the legal reviewer's queue and verdicts from the terminal."""

from __future__ import annotations

import argparse

from enforcement_desk.cli.main import presents, resolve_case
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.commands.arguments import parse_params
from enforcement_desk.commands.procedure import REVIEW_OUTCOME_WORDS
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError


@presents("review queue")
def cmd_review_queue(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.review import review_queue

    rows = review_queue(ctx, actor)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["案号", "当事人", "案由", "轮次", "提交人", "审核期限"],
            [[r.case_no, r.party_name, r.cause[:24], r.round, r.submitted_by, r.due_on] for r in rows],
        )
    return 0


@presents("review history")
def cmd_review_history(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.review import review_history

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


@presents("review decide")
def cmd_review_decide(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.review import ReviewCheck, all_passed, record_review

    problems = parse_params(args.problem)
    checks = [ReviewCheck(c.item, c.item not in problems, problems.get(c.item, "")) for c in all_passed()]
    unknown = set(problems) - {c.item for c in checks}
    if unknown:
        raise DomainError(f"未知的审核事项：{'、'.join(sorted(unknown))}")
    detail = record_review(
        ctx,
        actor,
        resolve_case(ctx, actor, args.case),
        REVIEW_OUTCOME_WORDS[args.outcome],
        checks,
        args.opinion,
    )
    print_json(detail) if args.json else print(
        f"已作出审核结论：{args.outcome}；案件 {detail.filing_no or detail.case_no} 现处于“{detail.stage.label}”阶段"
    )
    return 0
