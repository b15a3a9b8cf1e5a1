"""`enforcement-desk case reminder-served | challenge | challenge-outcome | court-reply | waive`: the execution of
a penalty decision beside the workflow's steps (how `case show` prints it: cli/output.execution_lines)."""

from __future__ import annotations

import argparse

from enforcement_desk.cli.main import presents, resolve_case
from enforcement_desk.cli.output import print_json
from enforcement_desk.commands.procedure import MONEY_KINDS
from enforcement_desk.context import Actor, AppContext


def _done(detail, args: argparse.Namespace, text: str) -> int:
    print_json(detail) if args.json else print(text)
    return 0


@presents("case reminder-served")
def cmd_reminder_served(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_reminder_service

    detail = record_reminder_service(ctx, actor, resolve_case(ctx, actor, args.case),
                                     served_on=args.served_on or ctx.today(), method=args.method,
                                     receiver=args.receiver, consent=args.consent)  # fmt: skip
    execution = detail.execution
    return _done(detail, args, f"已登记催告书的送达：{execution.reminder_served_on}，当事人可在十个工作日内"
                               f"（至 {execution.reminder_ends_on}）履行")  # fmt: skip


@presents("case challenge")
def cmd_challenge(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_challenge

    detail = record_challenge(ctx, actor, resolve_case(ctx, actor, args.case), kind=args.kind,
                              filed_on=args.filed_on or ctx.today(), body=args.body, note=args.note or "")  # fmt: skip
    return _done(detail, args, f"已登记当事人{'申请行政复议' if args.kind == '复议' else '提起行政诉讼'}；"
                               "结果登记前加处罚款不予计算，不能申请强制执行")  # fmt: skip


@presents("case challenge-outcome")
def cmd_challenge_outcome(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_challenge_outcome

    detail = record_challenge_outcome(ctx, actor, resolve_case(ctx, actor, args.case), outcome=args.outcome,
                                      decided_on=args.decided_on or ctx.today(), document_no=args.document_no,
                                      note=args.note or "")  # fmt: skip
    hint = "；变更后减少的款项请由负责人登记减免（case waive）" if args.outcome == "变更" else ""
    return _done(detail, args, f"已登记结果：{args.outcome}（{args.document_no}）{hint}")


@presents("case court-reply")
def cmd_court_reply(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_court_reply

    recovered = {"fine": args.fine, "surcharge": args.surcharge, "confiscation": args.confiscation}
    detail = record_court_reply(ctx, actor, resolve_case(ctx, actor, args.case), kind=args.kind,
                                replied_on=args.replied_on or ctx.today(), document_no=args.document_no,
                                recovered={k: v for k, v in recovered.items() if v is not None},
                                note=args.note or "")  # fmt: skip
    return _done(detail, args, f"已登记人民法院的答复：{args.kind}（{args.document_no}）")


@presents("case waive")
def cmd_waive(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_execution_waiver

    detail = record_execution_waiver(ctx, actor, resolve_case(ctx, actor, args.case), kind=MONEY_KINDS[args.kind],
                                     amount=args.amount, decision_no=args.decision_no,
                                     decided_on=args.decided_on or ctx.today(), reason=args.reason)  # fmt: skip
    return _done(detail, args, f"已登记减免：{args.kind} {args.amount:,.2f} 元（{args.decision_no}）")
