"""`enforcement-desk`: the desktop app with no arguments; the same services from a terminal otherwise.

Every command that acts on cases runs as a user: `--user LOGIN` (or ENFORCEMENT_DESK_USER) with
the password from ENFORCEMENT_DESK_PASSWORD or a prompt. Refusals print the rule and exit 1; a database
kept busy by another user's save past the wait says so in Chinese and exits 75 (try again later).
"""

from __future__ import annotations

import argparse
import gc
import getpass
import importlib
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from enforcement_desk import APP_TITLE, __version__
from enforcement_desk.cli.output import ChineseArgumentParser, execution_lines, print_json, print_table
from enforcement_desk.commands import command_table
from enforcement_desk.commands.arguments import parse_date, parse_opinions, parse_params
from enforcement_desk.commands.table import GROUPS, Access, Arg, Command, OneOf
from enforcement_desk.core.errors import DatabaseBusy, DomainError, PermissionDenied
from enforcement_desk.core.stages import CaseSource, Outcome, Stage

if TYPE_CHECKING:
    from enforcement_desk.context import Actor, AppContext

# A presenter runs a command for the terminal: it calls the command's services and prints the result.
# It receives the database (None for Access.NONE) and the signed-in user (None unless Access.USER).
Presenter = Callable[["AppContext | None", "Actor | None", argparse.Namespace], int]
_PRESENTERS: dict[str, Presenter] = {}

_MAIN = "enforcement_desk.cli.main"
_SERVER = "enforcement_desk.cli.server"
_SUPERVISION = "enforcement_desk.cli.supervision"
_EXECUTION = "enforcement_desk.cli.execution"

# The module holding each command's presenter, by the command's first word, and the commands that live
# elsewhere than their word's module. Running a command imports only that module: importing every
# presenter module pulled in the services of all of them and was half of a `document issue`'s time.
# tests/cli/test_lazy_commands.py checks the maps against where @presents registered each presenter.
PRESENTER_MODULE_OF_GROUP: dict[str, str] = {
    "gui": _MAIN,
    "init": _MAIN,
    "user": _MAIN,
    "party": _MAIN,
    "case": _MAIN,
    "deadlines": _MAIN,
    "demo": _MAIN,
    "audit": _MAIN,
    "review": "enforcement_desk.cli.review",
    "settings": "enforcement_desk.cli.settings",
    "document": "enforcement_desk.cli.documents",
    "evidence": "enforcement_desk.cli.evidence",
    "discretion": "enforcement_desk.cli.discretion",
    "migrate-to": _SERVER,
    "backup": _SERVER,
    "restore": _SERVER,
    "backup-verify": _SERVER,
    "server": _SERVER,
    "transfer": "enforcement_desk.cli.transfer",
    "publicity": "enforcement_desk.cli.publicity",
    "inspection": _SUPERVISION,
    "credit": _SUPERVISION,
    "complaint": _SUPERVISION,
    "stats": _SUPERVISION,
}
PRESENTER_MODULE_OF_COMMAND: dict[str, str] = {
    "case reminder-served": _EXECUTION,
    "case challenge": _EXECUTION,
    "case challenge-outcome": _EXECUTION,
    "case court-reply": _EXECUTION,
    "case waive": _EXECUTION,
}
PRESENTER_MODULES: tuple[str, ...] = tuple(
    dict.fromkeys([*PRESENTER_MODULE_OF_GROUP.values(), *PRESENTER_MODULE_OF_COMMAND.values()])
)


def presents(name: str) -> Callable[[Presenter], Presenter]:
    """Register the terminal presenter of the command `name` in the command table."""

    def register(func: Presenter) -> Presenter:
        _PRESENTERS[name] = func
        return func

    return register


def presenter_module(name: str) -> str | None:
    """The module that registers the presenter of the command `name` (None if no map names one)."""
    return PRESENTER_MODULE_OF_COMMAND.get(name) or PRESENTER_MODULE_OF_GROUP.get(name.split()[0])


def presenter(name: str) -> Presenter:
    """The presenter of the command `name`, only its own module loaded."""
    module = presenter_module(name)
    if name not in _PRESENTERS and module is not None:
        importlib.import_module(module)
    # A presenter the maps place wrongly still runs, only as slowly as before; the test catches it.
    return _PRESENTERS[name] if name in _PRESENTERS else presenters()[name]


def presenters() -> dict[str, Presenter]:
    """Every presenter by command name, their modules loaded."""
    for module_name in PRESENTER_MODULES:
        importlib.import_module(module_name)
    return dict(_PRESENTERS)


def _argparse_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """The shared parsers raise DomainError; argparse shows an ArgumentTypeError's message as is."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except DomainError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


# ---- context and login ---------------------------------------------------------------------


def open_context(args: argparse.Namespace):
    from enforcement_desk.context import AppContext

    url = args.db
    if url and url.startswith("postgresql"):
        from enforcement_desk.admin.server_connection import url_with_stored_password

        url = url_with_stored_password(url)  # the password lives in the OS keyring, never on the command line
    return AppContext.open(url, Path(args.evidence_dir) if args.evidence_dir else None)


def pin_business_date(ctx: AppContext, command: Command, args: argparse.Namespace) -> None:
    """ENFORCEMENT_DESK_TODAY pins the business date, on a training database only (or for the command
    creating one: `demo`, `init --training`); on a real one the command is refused before it does anything."""
    from enforcement_desk.admin.training import PIN_VARIABLE, parse_pinned_date
    from enforcement_desk.admin.training import pin_business_date as pin

    pinned = os.environ.get(PIN_VARIABLE)
    if pinned:
        creates = command.name == "demo" or (command.name == "init" and getattr(args, "training", False))
        pin(ctx, parse_pinned_date(pinned), creates_training_database=creates)


def require_initialized(ctx) -> None:
    from enforcement_desk.admin.setup import is_initialized

    if not is_initialized(ctx):
        raise DomainError(
            "数据库尚未初始化或需要升级：请先运行 enforcement-desk init（或 enforcement-desk demo 生成演示数据）"
        )


def sign_in(ctx: AppContext, args: argparse.Namespace) -> Actor:
    """The one place a terminal user signs in: the login from --user or ENFORCEMENT_DESK_USER, the
    password from ENFORCEMENT_DESK_PASSWORD or a prompt (never from the command line)."""
    from enforcement_desk.admin.auth import login

    require_initialized(ctx)
    user = args.user or os.environ.get("ENFORCEMENT_DESK_USER")
    if not user:
        raise DomainError("请用 --user 指定登录名（或设置环境变量 ENFORCEMENT_DESK_USER）")
    password = os.environ.get("ENFORCEMENT_DESK_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise DomainError(
                "未提供密码：请在终端中运行以输入密码，或设置环境变量 ENFORCEMENT_DESK_PASSWORD"
            )
        password = getpass.getpass(f"{user} 的密码：")
    return login(ctx, user, password)


def new_password(variable: str, what: str) -> str:
    """A password being set (the first administrator's, a new user's): from the environment variable or
    typed twice at a prompt — never from the command line, where every user of the computer can read it
    in the process list."""
    password = os.environ.get(variable)
    if password:
        return password
    if not sys.stdin.isatty():
        raise DomainError(
            f"未提供{what}：请在终端中运行以输入密码，或设置环境变量 {variable}（密码不能写在命令行参数里）"
        )
    password = getpass.getpass(f"设置{what}：")
    if getpass.getpass("再次输入以确认：") != password:
        raise DomainError("两次输入的密码不一致，未保存")
    return password


def remind_of_certificate(ctx: AppContext, actor: Actor) -> None:
    """After an officer signs in: a line on stderr when their 执法证 has run out (no enforcement step can be
    taken) or runs out within 30 days."""
    from enforcement_desk.core.roles import Role

    if actor.role is not Role.OFFICER:
        return
    from enforcement_desk.procedure.worklist import my_certificate_notice

    notice = my_certificate_notice(ctx, actor)
    if notice is not None:
        print(notice.text, file=sys.stderr)


def resolve_case(ctx, actor, ref: str) -> int:
    from enforcement_desk.procedure.cases import find_case_id

    return find_case_id(ctx, actor, ref)


# ---- commands ------------------------------------------------------------------------------


@presents("init")
def cmd_init(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize

    password = new_password("ENFORCEMENT_DESK_PASSWORD", "管理员密码")
    actor = initialize(
        ctx,
        AgencyDraft(
            name=args.agency,
            short_name=args.short_name,
            uscc=args.uscc,
            address=args.address,
            phone=args.phone,
            reconsideration_body=args.reconsideration_body,
            court=args.court,
        ),
        AdminDraft(login=args.admin_login, name=args.admin_name, password=password),
        training=args.training,
    )
    if args.json:
        print_json({"database": ctx.db.url, "admin": actor, "training": args.training})
    else:
        kind = "培训数据库（文书标注“培训用，非正式文书”）" if args.training else "数据库"
        print(f"已初始化：{args.agency}；管理员 {actor.login}；{kind} {ctx.db.url}")
    return 0


@presents("user add")
def cmd_user_add(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import UserDraft, add_user

    password = new_password("ENFORCEMENT_DESK_NEW_PASSWORD", f"用户 {args.login} 的初始密码")
    view = add_user(
        ctx,
        actor,
        UserDraft(
            login=args.login,
            name=args.name,
            role=args.role,
            password=password,
            cert_no=args.cert_no,
            cert_valid_until=args.cert_valid_until,
            legal_qualified=args.legal_qualified,
        ),
    )
    print_json(view) if args.json else print(f"已新增用户 #{view.id} {view.label}")
    return 0


@presents("user list")
def cmd_user_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import list_users

    users = list_users(ctx, actor, active_only=False)
    now = datetime.now()
    if args.json:
        print_json(users)
    else:
        print_table(
            ["ID", "登录名", "姓名", "角色", "执法证号", "有效期至", "法律职业资格", "状态"],
            [
                [
                    u.id,
                    u.login,
                    u.name,
                    u.role.label,
                    u.cert_no,
                    certificate_validity(u.role, u.cert_no, u.cert_valid_until, ctx.today()),
                    "有" if u.legal_qualified else "",
                    _user_state(u, now),
                ]
                for u in users
            ],
        )
    return 0


def certificate_validity(role, cert_no: str | None, valid_until, today) -> str:
    """An officer's 执法证 validity as listed, marked when it has run out or runs out within 30 days."""
    from enforcement_desk.core.procedure.workflow import certificate_notice
    from enforcement_desk.core.roles import Role

    shown = str(valid_until or "")
    notice = certificate_notice(cert_no, valid_until, today) if role is Role.OFFICER else None
    if notice is None:
        return shown
    if notice.expired:
        return f"{shown}（已过期）" if cert_no and valid_until else f"{shown}（未登记）"
    return f"{shown}（{notice.days_left} 天后到期）" if notice.days_left else f"{shown}（今天到期）"


def _user_state(user, now: datetime) -> str:
    state = "在用" if user.active else "停用"
    if user.locked_at(now):
        state += f"；登录锁定至 {user.locked_until:%m-%d %H:%M}"
    return state


@presents("user set-cert")
def cmd_user_set_cert(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import set_certificate

    view = set_certificate(ctx, actor, args.login, cert_no=args.cert_no, valid_until=args.cert_valid_until)
    if args.json:
        print_json(view)
    else:
        print(f"已登记 {view.label} 的执法证：{view.cert_no}，有效期至 {view.cert_valid_until}")
    return 0


@presents("user unlock")
def cmd_user_unlock(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import unlock_user

    view = unlock_user(ctx, actor, args.login)
    print_json(view) if args.json else print(f"已解除 {view.label} 的登录锁定")
    return 0


@presents("party add")
def cmd_party_add(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.parties import PartyDraft, add_party

    view = add_party(
        ctx,
        actor,
        PartyDraft(
            kind=args.kind,
            name=args.name,
            id_number=args.id_number,
            legal_representative=args.legal_representative or "",
            address=args.address or "",
            phone=args.phone or "",
            business_type=args.business_type or "",
        ),
    )
    print_json(view) if args.json else print(f"已登记当事人 #{view.id} {view.name}（{view.kind_label}）")
    return 0


@presents("party list")
def cmd_party_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.parties import search_parties

    parties = search_parties(ctx, actor, args.search or "", limit=args.limit)
    if args.json:
        print_json(parties)
    else:
        print_table(
            ["ID", "类型", "名称", "证件号码", "地址"],
            [[p.id, p.kind_label, p.name, p.id_number, p.address] for p in parties],
        )
    return 0


@presents("case create")
def cmd_case_create(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import find_user_by_login
    from enforcement_desk.procedure.cases import CaseDraft, create_case

    handler_ids = tuple(
        find_user_by_login(ctx, login.strip()).id for login in args.handlers.split(",") if login.strip()
    )
    detail = create_case(
        ctx,
        actor,
        CaseDraft(
            source=CaseSource(args.source),
            party_id=args.party,
            cause=args.cause,
            handler_ids=handler_ids,
            discovered_on=args.discovered_on or ctx.today(),
            category=args.category,
            violation_code=args.violation,
            source_detail=args.source_detail or "",
            act_date=args.act_date,
            location=args.location or "",
            facts=args.facts or "",
        ),
    )
    print_json(detail) if args.json else print(f"已受理案件 {detail.case_no}（#{detail.id}）：{detail.cause}")
    return 0


@presents("case list")
def cmd_case_list(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import CaseFilter, list_cases

    flt = CaseFilter(
        stage=Stage(args.stage) if args.stage else None, text=args.text or "", party=args.party or ""
    )
    cases = list_cases(ctx, actor, flt, limit=args.limit, offset=args.offset)
    if args.json:
        print_json(cases)
    else:
        print_table(
            ["ID", "编号", "当事人", "案由", "阶段", "受理日期", "承办人"],
            [
                [c.id, c.display_no, c.party_name, c.cause[:24], c.stage.label, c.accepted_on, c.handlers]
                for c in cases
            ],
        )
    return 0


def _print_case(detail) -> None:
    print(
        f"案件 #{detail.id}  受理编号 {detail.case_no}  立案文号 {detail.filing_no or '—'}  决定书文号 {detail.decision_no or '—'}"
    )
    print(f"案由：{detail.cause}")
    print(
        f"当事人：{detail.party.name}（{detail.party.kind_label}，{detail.party.id_label} {detail.party.id_number or '—'}）"
    )
    print(f"承办人：{'、'.join(h.name for h in detail.handlers)}")
    print(f"阶段：{detail.stage.label}   来源：{detail.source_label}   类别：{detail.category_label}")
    if detail.decided_outcome and (detail.fine_due or detail.surcharge_due or detail.confiscation_due):
        print(f"尚欠：罚款 {detail.fine_due:,.2f} 元　加处罚款 {detail.surcharge_due:,.2f} 元"
              f"（每日按罚款数额的 3% 计，不超过罚款数额）　没收违法所得 {detail.confiscation_due:,.2f} 元")  # fmt: skip
    for line in execution_lines(detail.execution):
        print(line)
    if detail.proposed_outcome:
        kinds = "、".join(detail.penalty_kinds)
        print(f"处理意见：{detail.proposed_outcome.label} {kinds} {detail.fine_amount or ''}")
        if detail.proposal is not None:
            print(f"违反条款：{detail.proposal.violated_provision or '未填写'}")
            print(f"处罚依据：{detail.proposal.legal_basis or '未填写'}")
            source = detail.discretion.get("source") or {}
            if source:
                from enforcement_desk.core.discretion.benchmarks import sources_label

                print(sources_label(source.get("violated", ""), source.get("penalty", "")))
    if detail.major.is_major:
        print("重大执法决定：" + "；".join(detail.major.reasons))
    if detail.discussion.needed:
        print("须经负责人集体讨论决定（《卫生健康行政处罚程序规定》第四十条）：" + "；".join(detail.discussion.grounds))
    if detail.late_decision_reason:
        print(f"超过办案期限作出决定：{detail.late_decision_reason}")
    _print_pauses(detail)
    print("可办理：")
    for item in detail.actions:
        mark = "✓" if item.allowed else "✗"
        why = "" if item.allowed else "：" + "；".join(
            f"{r}（依据：{r.rule}）" if getattr(r, "rule", None) else r for r in item.reasons
        )
        print(f"  {mark} {item.action.key}（{item.action.label}）{why}")
    open_deadlines = [d for d in detail.deadlines if d.status == "open"]
    if open_deadlines:
        print("期限：")
        for d in open_deadlines:
            due = f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else d.due_on  # the 24 hours of a transfer: by the hour
            print(f"  {d.name} 至 {due}（{d.article}）{' '.join(d.warnings)}")


@presents("case deadlines")
def cmd_case_deadlines(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.core.procedure.periods import URGENCY_LABELS
    from enforcement_desk.procedure.cases import get_case

    detail = get_case(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(detail.deadlines)
        return 0
    closed = {"met": "已完成", "extended": "已延长", "moved": "已改期", "cancelled": "已取消", "late": "逾期完成",
              "paused": "暂停计算", "resumed": "已恢复计算"}  # fmt: skip
    print_table(
        ["期限", "起算", "到期", "状态", "依据"],
        [[d.name, d.start_on, f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else d.due_on,
          URGENCY_LABELS.get(d.urgency, d.urgency) if d.status == "open" else closed.get(d.status, d.status),
          d.article] for d in detail.deadlines],
    )  # fmt: skip
    _print_pauses(detail)
    return 0


def _print_pauses(detail) -> None:
    """The time not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3))."""
    if detail.decision_pauses:
        print("不计入办案期限的期间（《卫生健康行政处罚程序规定》第四十二条第三款）：")
        for pause in detail.decision_pauses:
            print(f"  {pause.text}" + (f"（{pause.note}）" if pause.note else ""))


@presents("case show")
def cmd_case_show(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import get_case

    detail = get_case(ctx, actor, resolve_case(ctx, actor, args.case))
    print_json(detail) if args.json else _print_case(detail)
    return 0


@presents("case history")
def cmd_case_history(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import get_case

    detail = get_case(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(detail.history)
    else:
        print_table(
            ["时间", "操作", "从", "到", "办理人", "说明"],
            [
                [
                    f"{h.at:%Y-%m-%d %H:%M}",
                    h.action,
                    h.from_stage.label if h.from_stage else "",
                    h.to_stage.label,
                    h.actor_name,
                    h.note,
                ]
                for h in detail.history
            ],
        )
    return 0


@presents("case update")
def cmd_case_update(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import get_case, update_case

    case_id = resolve_case(ctx, actor, args.case)
    changes: dict[str, object] = parse_params(args.set)
    for key in ("act_date", "act_ended_on"):
        if key in changes:
            changes[key] = parse_date(str(changes[key]))
    if "life_health_harm" in changes:
        changes["life_health_harm"] = str(changes["life_health_harm"]).lower() in ("1", "true", "是", "yes")
    version = args.version if args.version is not None else get_case(ctx, actor, case_id).version
    detail = update_case(ctx, actor, case_id, version, **changes)
    print_json(detail) if args.json else print(f"已保存案件 {detail.case_no} 的修改（版本 {detail.version}）")
    return 0


@presents("case propose")
def cmd_case_propose(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal

    case_id = resolve_case(ctx, actor, args.case)
    kinds = tuple(k.strip() for k in (args.kinds or "").replace("，", ",").split(",") if k.strip())
    proposal = Proposal(
        outcome=Outcome(args.outcome),
        penalty_kinds=kinds,
        fine=args.fine,
        confiscation=args.confiscation,
        mitigated=args.mitigated,
        level=args.level or "",
        reason=args.reason or "",
        violated_provision=args.violated or "",
        legal_basis=args.basis or "",
    )
    version = args.version if args.version is not None else get_case(ctx, actor, case_id).version
    detail = set_proposal(ctx, actor, case_id, version, proposal)
    print_json(detail) if args.json else print(
        f"已记录处理意见：{proposal.outcome.label} {'、'.join(kinds)} {args.fine or ''}"
    )
    return 0


@presents("case advance")
def cmd_case_advance(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import advance

    params = parse_params(args.param)
    if args.reason:
        params["reason"] = args.reason
    if args.late_reason:
        params["late_reason"] = args.late_reason
    detail = advance(ctx, actor, resolve_case(ctx, actor, args.case), args.action, params)
    print_json(detail) if args.json else print(
        f"案件 {detail.filing_no or detail.case_no} 现处于“{detail.stage.label}”阶段"
    )
    return 0


@presents("case hearing")
def cmd_case_hearing(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.context import split_list
    from enforcement_desk.procedure.steps import HearingMinutes, record_hearing

    minutes = HearingMinutes(
        held_on=args.held_on or ctx.today(), host=args.host, record=args.record, opinion=args.opinion or "",
        recorder=args.recorder or "", place=args.place or "", public=args.public,
        attendees=tuple(split_list(args.attendees)), party_statements=args.statements or "",
        party_signature=args.signature or "", agents=tuple(split_list(args.agents)), terminated=args.terminated or "",
    )  # fmt: skip
    detail = record_hearing(ctx, actor, resolve_case(ctx, actor, args.case), minutes)
    if args.json:
        print_json(detail)
    elif detail.hearing_terminated_on:
        print(f"已登记终止听证（{detail.hearing_terminated_on}）：视为放弃听证权利，可继续办理至决定")
    else:
        print("已登记听证")
    return 0


@presents("case payment-plan")
def cmd_case_payment_plan(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.core.money import parse_amount
    from enforcement_desk.procedure.steps import approve_payment_plan

    instalments = []
    for item in args.instalment:
        day, _, amount = item.partition("=")
        try:
            instalments.append((parse_date(day.strip()), parse_amount(amount.strip())))
        except (argparse.ArgumentTypeError, DomainError) as exc:
            raise DomainError(
                f"分期“{item}”格式不正确：{exc}（应为 日期=金额，如 2026-12-31=1500）"
            ) from None
    detail = approve_payment_plan(ctx, actor, resolve_case(ctx, actor, args.case), instalments=instalments,
                                  reason=args.reason, applied_on=args.applied_on or ctx.today())  # fmt: skip
    print_json(detail) if args.json else print(
        f"已批准分 {len(instalments)} 期缴纳，尚欠罚款 {detail.fine_due:,.2f} 元"
    )
    return 0


@presents("case hearing-notice")
def cmd_case_hearing_notice(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import arrange_hearing

    detail = arrange_hearing(
        ctx, actor, resolve_case(ctx, actor, args.case), scheduled_at=args.at, place=args.place, host=args.host,
        recorder=args.recorder or "", public=args.public is not False, not_public_reason=args.not_public_reason or "",
        served_on=args.served_on or ctx.today(),
    )  # fmt: skip
    print_json(detail) if args.json else print(f"已登记听证安排：{args.at:%Y-%m-%d %H:%M} {args.place}")
    return 0


@presents("case waive-defence")
def cmd_case_waive(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import waive_defence

    detail = waive_defence(ctx, actor, resolve_case(ctx, actor, args.case), note=args.note)
    print_json(detail) if args.json else print("已登记当事人书面放弃陈述申辩")
    return 0


@presents("case discussion")
def cmd_case_discussion(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.context import split_list
    from enforcement_desk.procedure.steps import record_discussion

    participants = split_list(args.participants)
    opinions = parse_opinions(args.opinion)  # 姓名：意见 or 姓名=意见, as the desk's box takes them
    detail = record_discussion(
        ctx,
        actor,
        resolve_case(ctx, actor, args.case),
        held_on=args.held_on or ctx.today(),
        participants=participants,
        opinions=opinions,
        conclusion=args.conclusion,
    )
    print_json(detail) if args.json else print("已登记集体讨论")
    return 0


@presents("case discussion-grounds")
def cmd_case_discussion_grounds(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import DISCUSSION_GROUND_WORDS, mark_discussion_grounds

    grounds = {DISCUSSION_GROUND_WORDS[word] for word in args.ground or ()}
    detail = mark_discussion_grounds(ctx, actor, resolve_case(ctx, actor, args.case), grounds=grounds, note=args.note)
    if args.json:
        print_json(detail)
    elif detail.discussion.needed:
        print("须经负责人集体讨论决定：" + "；".join(detail.discussion.grounds))
    else:
        print("本案不属于应当集体讨论的情形")
    return 0


@presents("case extend")
def cmd_case_extend(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.context import split_list
    from enforcement_desk.procedure.steps import ExtensionDiscussion, extend_decision_deadline

    given = [args.discussion_date is not None, bool(args.participants), bool(args.conclusion)]
    discussion = None
    if any(given):
        if not all(given):
            raise DomainError(
                "登记集体讨论须同时写明 --discussion-date、--participants 和 --conclusion",
                rule="《卫生健康行政处罚程序规定》第四十二条第二款",
            )
        discussion = ExtensionDiscussion(args.discussion_date, tuple(split_list(args.participants)), args.conclusion)
    detail = extend_decision_deadline(
        ctx, actor, resolve_case(ctx, actor, args.case), days=args.days, reason=args.reason, discussion=discussion
    )
    print_json(detail) if args.json else print(
        f"已延长办案期限 {args.days} 日，新期限 {detail.decision_deadline}"
    )
    return 0


@presents("case pause-period")
def cmd_case_pause_period(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_decision_pause

    detail = record_decision_pause(ctx, actor, resolve_case(ctx, actor, args.case), kind=args.kind,
                                   started_on=args.started_on, ended_on=args.ended_on, note=args.note or "")  # fmt: skip
    if args.json:
        print_json(detail)
    elif args.ended_on is None:
        print(f"已登记不计入办案期限的期间：{args.kind} 自 {args.started_on} 起，办案期限暂停计算，结束时请登记结束日期")
    else:
        print(f"已登记不计入办案期限的期间：{detail.decision_pauses[-1].text if detail.decision_pauses else args.kind}；"
              f"办案期限至 {detail.decision_deadline}")  # fmt: skip
    return 0


@presents("case pause-end")
def cmd_case_pause_end(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import end_decision_pause

    detail = end_decision_pause(ctx, actor, resolve_case(ctx, actor, args.case), ended_on=args.ended_on or ctx.today(),
                                note=args.note or "")  # fmt: skip
    print_json(detail) if args.json else print(f"不计入期间已结束，办案期限恢复计算，至 {detail.decision_deadline}")
    return 0


@presents("case extend-filing")
def cmd_case_extend_filing(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import extend_filing_deadline

    detail = extend_filing_deadline(ctx, actor, resolve_case(ctx, actor, args.case), reason=args.reason)
    due = next((d.due_on for d in detail.deadlines if d.key == "filing" and d.status == "open"), None)
    print_json(detail) if args.json else print(f"已延长立案期限，新期限 {due}")
    return 0


@presents("deadlines compute")
def cmd_deadlines_compute(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.deadlines import compute_period

    working = args.working_days is not None
    result = compute_period(
        ctx, args.start, args.working_days if working else args.days, working_days=working
    )
    if args.json:
        print_json({
            "from": result.start, "length": result.length, "unit": "working_days" if working else "days",
            "due_on": result.due_on, "skipped": [{"day": s.day, "reason": s.reason} for s in result.skipped],
            "makeup_workdays": list(result.makeup_workdays), "shifted_from": result.shifted_from,
            "explanation": list(result.explanation), "warnings": list(result.warnings),
        })  # fmt: skip
    else:
        print("\n".join(result.explanation))
        for warning in result.warnings:
            print(f"注意：{warning}")
    return 0


@presents("deadlines")
def cmd_deadlines(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.core.procedure.periods import URGENCY_LABELS
    from enforcement_desk.procedure.deadlines import due_deadlines

    rows = due_deadlines(ctx, actor, within_days=args.days, mine_only=args.mine)
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["状态", "到期", "期限", "案件", "当事人", "依据"],
            [
                [
                    URGENCY_LABELS.get(d.urgency, d.urgency),
                    f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else d.due_on,
                    d.name,
                    d.case_no,
                    d.party_name,
                    d.article,
                ]
                for d in rows
            ],
        )
        warnings = sorted({w for d in rows for w in d.warnings})
        for warning in warnings:
            print(f"注意：{warning}")
    return 0


@presents("demo")
def cmd_demo(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo

    report = build_demo(ctx, cases_per_stage=args.cases_per_stage)
    if args.json:
        print_json(report)
    else:
        print(f"已生成演示数据：{report.cases} 件案件，数据库 {ctx.db.url}")
        print(
            f"演示用户（密码均为 {DEMO_PASSWORD}）："
            + "、".join(f"{login}（{label}）" for login, label in report.users)
        )
    return 0


@presents("audit verify")
def cmd_audit_verify(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.audit_check import verify_all

    report = verify_all(ctx, actor, backups=[Path(b) for b in args.backup])
    if args.json:
        print_json(report)
    else:
        print(f"审计事件：已校验 {report.events_checked} 条；证据文件：已校验 {report.blobs_checked} 个")
        if not report.checkpoints:
            print("审计检查点：本机尚无该数据库的检查点（此后每次写入后自动记录）")
        for check in report.checkpoints:
            print(
                f"审计检查点：{check.source} {check.checkpoint.label}，{check.signature_label}，"
                + ("审计链包含该事件且未被改动" if check.ok else "不符")
            )
        for problem in report.problems:
            print(f"✗ {problem}")
        for note in report.notes:
            print(f"· {note}")
        print("校验通过：审计链完整，证据文件未被改动" if report.ok else "校验未通过")
    return 0 if report.ok else 2


@presents("gui")
def cmd_gui(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.desk.app import run_gui

    return run_gui(
        db_url=args.db,
        evidence_dir=args.evidence_dir,
        demo=getattr(args, "demo", False),
        user=args.user,
        exit_after_start=getattr(args, "exit_after_start", False),
    )


# ---- parser, generated from the command table ---------------------------------------------------


def _add_argument(target: argparse._ActionsContainer, arg: Arg) -> None:
    options = dict(arg.options)
    if "type" in options and options["type"] is not int:
        options["type"] = _argparse_type(options["type"])
    target.add_argument(*arg.flags, **options)


def _add_arguments(parser: argparse.ArgumentParser, command: Command) -> None:
    for item in command.args:
        if isinstance(item, OneOf):
            group = parser.add_mutually_exclusive_group(required=item.required)
            for arg in item.args:
                _add_argument(group, arg)
        else:
            _add_argument(parser, item)


def build_parser(commands: dict[str, Command] | None = None) -> argparse.ArgumentParser:
    """The argparse parser of every command in the table (or of `commands` only)."""
    commands = command_table() if commands is None else commands
    parser = ChineseArgumentParser(prog="enforcement-desk", description=f"{APP_TITLE}：卫生健康行政处罚案件办理")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号后退出")
    parser.add_argument(
        "--db", help="数据库地址（默认：用户数据目录下的 SQLite 文件；共享服务器用 postgresql+psycopg://…）"
    )
    parser.add_argument("--evidence-dir", help="证据文件库目录（默认：数据库旁的 evidence_store）")
    parser.add_argument(
        "--user",
        help="登录名（或环境变量 ENFORCEMENT_DESK_USER；密码取自 ENFORCEMENT_DESK_PASSWORD 或提示输入）",
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出，便于脚本处理")
    top = parser.add_subparsers(dest="command", metavar="命令")
    for word, group_help in GROUPS.items():
        own = commands.get(word)
        subcommands = [c for c in commands.values() if len(c.words) == 2 and c.words[0] == word]
        if own is None and not subcommands:
            continue
        word_parser = top.add_parser(word, help=own.label if own else group_help)
        if own is not None:
            _add_arguments(word_parser, own)
        if subcommands:
            nested = word_parser.add_subparsers(dest="subcommand", metavar="子命令")
            for command in subcommands:
                _add_arguments(nested.add_parser(command.words[1], help=command.label), command)
    return parser


GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--evidence-dir", "--user")


def _command_of(argv: list[str]) -> str | None:
    """The command word, found past the global options (e.g. `--db X --user Y gui`)."""
    tokens = iter(argv)
    for token in tokens:
        if token in GLOBAL_OPTIONS_WITH_VALUE:
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def run_command(
    command: Command, presenter: Presenter, args: argparse.Namespace, *, whole_process: bool = False
) -> int:
    """Open what the command needs, sign the user in and check the command's role rule (the one
    place the terminal authenticates), then present. `whole_process`: the command is all this process
    does (the program run from a terminal, not a test calling in), see _keep_until_exit."""
    if command.access is Access.NONE:
        _keep_until_exit(whole_process)
        return presenter(None, None, args)
    ctx = open_context(args)
    try:
        pin_business_date(ctx, command, args)
        actor = None
        if command.access is Access.USER:
            actor = sign_in(ctx, args)
            remind_of_certificate(ctx, actor)
            refusal = command.refusal(actor)
            if refusal:
                raise PermissionDenied(refusal)
        _keep_until_exit(whole_process)
        return presenter(ctx, actor, args)
    finally:
        _anchor_audit_chain(ctx)
        ctx.close()


def _keep_until_exit(whole_process: bool) -> None:
    """Take what is loaded so far (SQLAlchemy, the models, the services signing in used) out of the
    collector's sight: a terminal command keeps it until it exits, and each full collection walked all
    of it again — with the final one at exit, a fifth of a `document issue`. Only in a process of its own:
    in a caller's process (the tests) the garbage lying about would stay for good."""
    if whole_process:
        gc.freeze()


def _anchor_audit_chain(ctx: AppContext) -> None:
    """A command that wrote leaves this PC's signed checkpoint of the audit chain's head behind."""
    from enforcement_desk.admin.audit_anchor import anchor_after_writes

    warning = anchor_after_writes(ctx.db)
    if warning:
        print(f"警告：{warning}", file=sys.stderr)


# EX_TEMPFAIL: another user held the database past the wait; a script may run the same command again.
EXIT_BUSY = 75


def _busy_database(exc: Exception) -> DatabaseBusy | None:
    """A busy database reached outside the services' own transactions (start-up checks, the schema
    upgrade) as the same Chinese message they give."""
    from sqlalchemy.exc import DBAPIError

    from enforcement_desk.store.db import busy_error

    return busy_error(exc) if isinstance(exc, DBAPIError) else None


def main(argv: list[str] | None = None) -> int:
    """`enforcement-desk [options] command …`; with no command the desk opens."""
    whole_process = argv is None  # the program itself, not a test or a script calling in
    argv = sys.argv[1:] if whole_process else argv
    if not argv or argv[0] in ("--demo", "--exit-after-start"):
        argv = ["gui", *argv]
    table = command_table()
    parser = build_parser(table)
    args = parser.parse_args(argv)
    key = args.command if not getattr(args, "subcommand", None) else f"{args.command} {args.subcommand}"
    command = table.get(key)
    if command is None:
        parser.parse_args([args.command, "--help"] if args.command else ["--help"])
        return 2
    whole_process = whole_process and key != "gui"  # the desk runs for hours: the collector as Python sets it
    try:
        return _run_reporting_errors(command, key, args, whole_process)
    finally:
        _keep_until_exit(whole_process)  # freed as the process ends, without a last walk through it all


def _run_reporting_errors(command: Command, key: str, args: argparse.Namespace, whole_process: bool) -> int:
    """Run the command; refusals and a busy database as a Chinese message and an exit code."""
    try:
        return run_command(command, presenter(key), args, whole_process=whole_process)
    except DatabaseBusy as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BUSY
    except DomainError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`… | head`): stop quietly, and keep Python's exit-time flush from failing too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # last: BrokenPipeError above is one too
        busy = _busy_database(exc)
        if busy is None:
            raise
        print(f"错误：{busy}", file=sys.stderr)
        return EXIT_BUSY


if __name__ == "__main__":
    # Run as a script this file is `__main__`, while the presenter modules register with the
    # enforcement_desk.cli.main they import: start from that one.
    from enforcement_desk.cli.main import main as cli_main

    sys.exit(cli_main())
