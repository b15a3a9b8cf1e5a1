"""`enforcement-desk`: the desktop app with no arguments; the same services from a terminal otherwise.

Every command that acts on cases runs as a user: `--user LOGIN` (or ENFORCEMENT_DESK_USER) with
the password from ENFORCEMENT_DESK_PASSWORD or a prompt. Refusals print the rule and exit 1.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from enforcement_desk import APP_TITLE, __version__
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CaseSource, Outcome, Stage

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}

# Command groups that live in their own modules; each has `add_parsers(subparsers)` and registers
# its handlers with @command when imported.
EXTENSION_MODULES: tuple[str, ...] = (
    "enforcement_desk.cli.review",
    "enforcement_desk.cli.settings",
    "enforcement_desk.cli.documents",
    "enforcement_desk.cli.evidence",
    "enforcement_desk.cli.discretion",
    "enforcement_desk.cli.server",
    "enforcement_desk.cli.transfer",
    "enforcement_desk.cli.publicity",
    "enforcement_desk.cli.supervision",
)


def command(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _COMMANDS[name] = func
        return func

    return register


# ---- argument types with Chinese messages ----------------------------------------------------


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期格式不正确：“{text}”（应为 年-月-日，如 2026-11-22）"
        ) from None


def parse_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"时间格式不正确：“{text}”（应为 年-月-日 时:分，如 2026-12-10 09:30）"
        ) from None


def parse_count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"天数应为正整数：“{text}”") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"天数应为正整数：“{text}”")
    return value


def parse_money(text: str) -> Decimal:
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"金额格式不正确：“{text}”") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise argparse.ArgumentTypeError(f"金额应为非负数且最多两位小数：“{text}”")
    return amount


def parse_role(text: str) -> Role:
    try:
        return Role.parse(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


# ---- context and login ---------------------------------------------------------------------


def open_context(args: argparse.Namespace):
    from enforcement_desk.context import AppContext

    url = args.db
    if url and url.startswith("postgresql"):
        from enforcement_desk.admin.server_connection import url_with_stored_password

        url = url_with_stored_password(url)  # the password lives in the OS keyring, never on the command line
    ctx = AppContext.open(url, Path(args.evidence_dir) if args.evidence_dir else None)
    pinned = os.environ.get("ENFORCEMENT_DESK_TODAY")
    if pinned:
        ctx.today_override = date.fromisoformat(pinned)
    return ctx


def require_initialized(ctx) -> None:
    from enforcement_desk.admin.setup import is_initialized

    if not is_initialized(ctx):
        raise DomainError(
            "数据库尚未初始化或需要升级：请先运行 enforcement-desk init（或 enforcement-desk demo 生成演示数据）"
        )


def login_actor(ctx, args: argparse.Namespace):
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


def resolve_case(ctx, actor, ref: str) -> int:
    from enforcement_desk.procedure.cases import find_case_id

    return find_case_id(ctx, actor, ref)


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise DomainError(f"参数应为 名称=值 的形式：“{pair}”")
        key, value = pair.split("=", 1)
        params[key.strip()] = value.strip()
    return params


# ---- commands ------------------------------------------------------------------------------


@command("init")
def cmd_init(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize

    password = args.admin_password or os.environ.get("ENFORCEMENT_DESK_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise DomainError("请用 --admin-password 或环境变量 ENFORCEMENT_DESK_PASSWORD 提供管理员密码")
        password = getpass.getpass("设置管理员密码：")
    ctx = open_context(args)
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
    )
    if args.json:
        print_json({"database": ctx.db.url, "admin": actor})
    else:
        print(f"已初始化：{args.agency}；管理员 {actor.login}；数据库 {ctx.db.url}")
    return 0


@command("user add")
def cmd_user_add(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import UserDraft, add_user

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    password = args.password or os.environ.get("ENFORCEMENT_DESK_NEW_PASSWORD")
    if not password:
        raise DomainError("请用 --password 或环境变量 ENFORCEMENT_DESK_NEW_PASSWORD 提供新用户的初始密码")
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


@command("user list")
def cmd_user_list(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import list_users

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    users = list_users(ctx, actor, active_only=False)
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
                    u.cert_valid_until,
                    "有" if u.legal_qualified else "",
                    "在用" if u.active else "停用",
                ]
                for u in users
            ],
        )
    return 0


@command("party add")
def cmd_party_add(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.parties import PartyDraft, add_party

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("party list")
def cmd_party_list(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.parties import search_parties

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    parties = search_parties(ctx, actor, args.search or "", limit=args.limit)
    if args.json:
        print_json(parties)
    else:
        print_table(
            ["ID", "类型", "名称", "证件号码", "地址"],
            [[p.id, p.kind_label, p.name, p.id_number, p.address] for p in parties],
        )
    return 0


@command("case create")
def cmd_case_create(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import find_user_by_login
    from enforcement_desk.procedure.cases import CaseDraft, create_case

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("case list")
def cmd_case_list(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import CaseFilter, list_cases

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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
    if detail.proposed_outcome:
        kinds = "、".join(detail.penalty_kinds)
        print(f"处理意见：{detail.proposed_outcome.label} {kinds} {detail.fine_amount or ''}")
    if detail.major.is_major:
        print("重大执法决定：" + "；".join(detail.major.reasons))
    print("可办理：")
    for item in detail.actions:
        mark = "✓" if item.allowed else "✗"
        why = "" if item.allowed else "：" + "；".join(item.reasons)
        print(f"  {mark} {item.action.key}（{item.action.label}）{why}")
    open_deadlines = [d for d in detail.deadlines if d.status == "open"]
    if open_deadlines:
        print("期限：")
        for d in open_deadlines:
            print(f"  {d.name} 至 {d.due_on}（{d.article}）{' '.join(d.warnings)}")


@command("case show")
def cmd_case_show(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import get_case

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    detail = get_case(ctx, actor, resolve_case(ctx, actor, args.case))
    print_json(detail) if args.json else _print_case(detail)
    return 0


@command("case history")
def cmd_case_history(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import get_case

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("case update")
def cmd_case_update(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import get_case, update_case

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("case propose")
def cmd_case_propose(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("case advance")
def cmd_case_advance(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import advance

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    params = parse_params(args.param)
    if args.reason:
        params["reason"] = args.reason
    detail = advance(ctx, actor, resolve_case(ctx, actor, args.case), args.action, params)
    print_json(detail) if args.json else print(
        f"案件 {detail.filing_no or detail.case_no} 现处于“{detail.stage.label}”阶段"
    )
    return 0


@command("case hearing")
def cmd_case_hearing(args: argparse.Namespace) -> int:
    from enforcement_desk.context import split_list
    from enforcement_desk.procedure.steps import HearingMinutes, record_hearing

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    minutes = HearingMinutes(
        held_on=args.held_on or ctx.today(), host=args.host, record=args.record, opinion=args.opinion or "",
        recorder=args.recorder or "", place=args.place or "", public=args.public,
        attendees=tuple(split_list(args.attendees)), party_statements=args.statements or "",
        party_signature=args.signature or "",
    )  # fmt: skip
    detail = record_hearing(ctx, actor, resolve_case(ctx, actor, args.case), minutes)
    print_json(detail) if args.json else print("已登记听证")
    return 0


@command("case payment-plan")
def cmd_case_payment_plan(args: argparse.Namespace) -> int:
    from enforcement_desk.core.money import parse_amount
    from enforcement_desk.procedure.steps import approve_payment_plan

    instalments = []
    for item in args.instalment:
        day, _, amount = item.partition("=")
        try:
            instalments.append((parse_date(day.strip()), parse_amount(amount.strip())))
        except (argparse.ArgumentTypeError, DomainError) as exc:
            raise DomainError(f"分期“{item}”格式不正确：{exc}（应为 日期=金额，如 2026-12-31=1500）") from None
    ctx = open_context(args)
    actor = login_actor(ctx, args)
    detail = approve_payment_plan(ctx, actor, resolve_case(ctx, actor, args.case), instalments=instalments,
                                  reason=args.reason, applied_on=args.applied_on or ctx.today())  # fmt: skip
    print_json(detail) if args.json else print(f"已批准分 {len(instalments)} 期缴纳，尚欠罚款 {detail.fine_due:,.2f} 元")
    return 0


@command("case hearing-notice")
def cmd_case_hearing_notice(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import arrange_hearing

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    detail = arrange_hearing(
        ctx, actor, resolve_case(ctx, actor, args.case), scheduled_at=args.at, place=args.place, host=args.host,
        recorder=args.recorder or "", public=args.public is not False, not_public_reason=args.not_public_reason or "",
        served_on=args.served_on or ctx.today(),
    )  # fmt: skip
    print_json(detail) if args.json else print(f"已登记听证安排：{args.at:%Y-%m-%d %H:%M} {args.place}")
    return 0


@command("case waive-defence")
def cmd_case_waive(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import waive_defence

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    detail = waive_defence(ctx, actor, resolve_case(ctx, actor, args.case), note=args.note)
    print_json(detail) if args.json else print("已登记当事人书面放弃陈述申辩")
    return 0


@command("case discussion")
def cmd_case_discussion(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import record_discussion

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    participants = [p.strip() for p in args.participants.replace("，", ",").split(",") if p.strip()]
    opinions = [{"name": n, "opinion": o} for n, o in parse_params(args.opinion).items()]
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


@command("case extend")
def cmd_case_extend(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.steps import extend_decision_deadline

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    detail = extend_decision_deadline(
        ctx, actor, resolve_case(ctx, actor, args.case), days=args.days, reason=args.reason
    )
    print_json(detail) if args.json else print(
        f"已延长办案期限 {args.days} 日，新期限 {detail.decision_deadline}"
    )
    return 0


@command("deadlines compute")
def cmd_deadlines_compute(args: argparse.Namespace) -> int:
    from enforcement_desk.procedure.deadlines import compute_period

    ctx = open_context(args)
    working = args.working_days is not None
    result = compute_period(ctx, args.start, args.working_days if working else args.days, working_days=working)
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


@command("deadlines")
def cmd_deadlines(args: argparse.Namespace) -> int:
    from enforcement_desk.core.procedure.periods import URGENCY_LABELS
    from enforcement_desk.procedure.deadlines import due_deadlines

    ctx = open_context(args)
    actor = login_actor(ctx, args)
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


@command("demo")
def cmd_demo(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo

    ctx = open_context(args)
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


@command("audit verify")
def cmd_audit_verify(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.audit_check import verify_all

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    report = verify_all(ctx, actor)
    if args.json:
        print_json(report)
    else:
        print(f"审计事件：已校验 {report.events_checked} 条；证据文件：已校验 {report.blobs_checked} 个")
        for problem in report.problems:
            print(f"✗ {problem}")
        print("校验通过：审计链完整，证据文件未被改动" if report.ok else "校验未通过")
    return 0 if report.ok else 2


@command("gui")
def cmd_gui(args: argparse.Namespace) -> int:
    from enforcement_desk.desk.app import run_gui

    return run_gui(
        db_url=args.db,
        evidence_dir=args.evidence_dir,
        demo=getattr(args, "demo", False),
        user=args.user,
        exit_after_start=getattr(args, "exit_after_start", False),
    )


# ---- parser --------------------------------------------------------------------------------


def build_parser(with_extensions: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcement-desk", description=f"{APP_TITLE}：卫生健康行政处罚案件办理"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db", help="数据库地址（默认：用户数据目录下的 SQLite 文件；共享服务器用 postgresql+psycopg://…）"
    )
    parser.add_argument("--evidence-dir", help="证据文件库目录（默认：数据库旁的 evidence_store）")
    parser.add_argument(
        "--user",
        help="登录名（或环境变量 ENFORCEMENT_DESK_USER；密码取自 ENFORCEMENT_DESK_PASSWORD 或提示输入）",
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出，便于脚本处理")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    gui = sub.add_parser("gui", help="打开桌面程序（不带参数运行时的默认行为）")
    gui.add_argument("--demo", action="store_true", help="打开演示数据库（不存在时先生成）")
    gui.add_argument(
        "--exit-after-start", action="store_true", help="主窗口显示后立即退出（检查安装、测量启动时间用）"
    )

    init = sub.add_parser("init", help="创建数据库、机构和首个管理员")
    init.add_argument("--agency", required=True, help="机构全称")
    init.add_argument("--short-name", required=True, help="地区简称（文号用，如“沂”）")
    init.add_argument("--uscc", help="机构统一社会信用代码")
    init.add_argument("--address", default="")
    init.add_argument("--phone", default="")
    init.add_argument("--reconsideration-body", default="", help="决定书载明的行政复议机关")
    init.add_argument("--court", default="", help="决定书载明的行政诉讼法院")
    init.add_argument("--admin-login", required=True)
    init.add_argument("--admin-name", required=True)
    init.add_argument("--admin-password")

    user = sub.add_parser("user", help="用户管理").add_subparsers(dest="subcommand", metavar="子命令")
    user_add = user.add_parser("add", help="新增用户（管理员）")
    user_add.add_argument("--login", required=True)
    user_add.add_argument("--name", required=True)
    user_add.add_argument(
        "--role",
        required=True,
        type=parse_role,
        help="officer/执法人员, reviewer/法制审核人员, head/负责人, admin/管理员",
    )
    user_add.add_argument("--password")
    user_add.add_argument("--cert-no", help="执法证号")
    user_add.add_argument("--cert-valid-until", type=parse_date, help="执法证有效期至")
    user_add.add_argument("--legal-qualified", action="store_true", help="具有法律职业资格")
    user.add_parser("list", help="列出用户")

    party = sub.add_parser("party", help="当事人").add_subparsers(dest="subcommand", metavar="子命令")
    party_add = party.add_parser("add", help="登记当事人")
    party_add.add_argument("--kind", required=True, choices=["person", "organisation"])
    party_add.add_argument("--name", required=True)
    party_add.add_argument("--id-number", help="居民身份证号或统一社会信用代码")
    party_add.add_argument("--legal-representative")
    party_add.add_argument("--address")
    party_add.add_argument("--phone")
    party_add.add_argument("--business-type")
    party_list = party.add_parser("list", help="查找当事人")
    party_list.add_argument("--search")
    party_list.add_argument("--limit", type=int, default=50)

    case = sub.add_parser("case", help="案件").add_subparsers(dest="subcommand", metavar="子命令")
    create = case.add_parser("create", help="受理案件")
    create.add_argument("--source", required=True, choices=[s.value for s in CaseSource])
    create.add_argument("--party", required=True, type=int, help="当事人 ID")
    create.add_argument("--cause", required=True, help="案由")
    create.add_argument("--handlers", required=True, help="承办人登录名，逗号分隔（至少两人）")
    create.add_argument("--discovered-on", type=parse_date)
    create.add_argument("--category", default="医", help="执法类别：医/公/水/职/放/传/消/妆/计")
    create.add_argument("--violation", help="违法行为编码（裁量基准）")
    create.add_argument("--source-detail")
    create.add_argument("--act-date", type=parse_date)
    create.add_argument("--location")
    create.add_argument("--facts")
    listing = case.add_parser("list", help="案件列表")
    listing.add_argument("--stage", choices=[s.value for s in Stage])
    listing.add_argument("--text", help="全文检索：当事人、案情、编号")
    listing.add_argument("--party")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--offset", type=int, default=0)
    for name, help_text in (("show", "案件详情与可办理操作"), ("history", "办理过程")):
        p = case.add_parser(name, help=help_text)
        p.add_argument("case", help="案件编号、文号或 #ID")
    update = case.add_parser("update", help="修改案情（承办人）")
    update.add_argument("case")
    update.add_argument(
        "--set", nargs="+", required=True, metavar="字段=值", help="facts, cause, location, act_date, …"
    )
    update.add_argument("--version", type=int, help="编辑时看到的版本号（防止覆盖他人修改）")
    propose = case.add_parser("propose", help="提出处理意见和裁量")
    propose.add_argument("case")
    propose.add_argument("--outcome", required=True, choices=[o.value for o in Outcome])
    propose.add_argument("--kinds", help="处罚种类，逗号分隔，如 警告,罚款,没收违法所得")
    propose.add_argument("--fine", type=parse_money)
    propose.add_argument("--confiscation", type=parse_money)
    propose.add_argument("--mitigated", action="store_true", help="减轻处罚")
    propose.add_argument("--level", help="裁量阶次")
    propose.add_argument("--reason", help="裁量理由")
    propose.add_argument("--violated", help="违反的条款，如《医疗机构管理条例》第十四条")
    propose.add_argument("--basis", help="处罚依据，如《基本医疗卫生与健康促进法》第九十九条第一款")
    propose.add_argument("--version", type=int, help="编辑时看到的版本号（防止覆盖他人修改）")
    adv = case.add_parser("advance", help="办理下一步（见 case show 列出的操作）")
    adv.add_argument("case")
    adv.add_argument("action")
    adv.add_argument("--reason")
    adv.add_argument(
        "--param", nargs="*", metavar="名称=值", help="如 served_on=2026-11-20 method=直接送达 amount=50000"
    )
    hearing = case.add_parser("hearing", help="登记听证")
    hearing.add_argument("case")
    hearing.add_argument("--held-on", type=parse_date)
    hearing.add_argument("--host", required=True)
    hearing.add_argument("--record", required=True)
    hearing.add_argument("--opinion", help="听证意见（听证意见书）")
    hearing.add_argument("--recorder", help="记录人（非本案调查人员）")
    hearing.add_argument("--place", help="听证地点（默认取听证通知书）")
    public = hearing.add_mutually_exclusive_group()
    public.add_argument("--public", dest="public", action="store_true", default=None, help="公开举行")
    public.add_argument("--not-public", dest="public", action="store_false", help="不公开举行")
    hearing.add_argument("--attendees", help="参加人员，逗号或顿号分隔")
    hearing.add_argument("--statements", help="当事人的陈述、申辩和质证意见")
    hearing.add_argument("--signature", choices=("已签名", "拒绝签名", "未到场"), help="当事人在笔录上的签名情况")
    plan = case.add_parser("payment-plan", help="批准暂缓或分期缴纳罚款（负责人，《行政处罚法》第六十六条）")
    plan.add_argument("case")
    plan.add_argument("--instalment", action="append", required=True, metavar="日期=金额",
                      help="每期的缴款期限和金额，如 2026-12-31=1500；暂缓缴纳只写一期")  # fmt: skip
    plan.add_argument("--reason", required=True, help="当事人确有经济困难的情况")
    plan.add_argument("--applied-on", type=parse_date, help="当事人书面申请的日期（默认今天）")
    notice = case.add_parser("hearing-notice", help="登记听证安排和听证通知书的送达")
    notice.add_argument("case")
    notice.add_argument("--at", type=parse_datetime, required=True, help="听证时间，如 2026-12-10 09:30")
    notice.add_argument("--place", required=True)
    notice.add_argument("--host", required=True, help="听证主持人（非本案调查人员）")
    notice.add_argument("--recorder", help="记录人（非本案调查人员）")
    notice_public = notice.add_mutually_exclusive_group()
    notice_public.add_argument("--public", dest="public", action="store_true", default=None, help="公开举行（默认）")
    notice_public.add_argument("--not-public", dest="public", action="store_false", help="不公开举行")
    notice.add_argument("--not-public-reason", help="不公开的理由（国家秘密、商业秘密或者个人隐私）")
    notice.add_argument("--served-on", type=parse_date, help="听证通知书送达日期（默认今天）")
    waive = case.add_parser("waive-defence", help="登记当事人书面放弃陈述申辩")
    waive.add_argument("case")
    waive.add_argument("--note", required=True)
    discussion = case.add_parser("discussion", help="登记集体讨论（负责人）")
    discussion.add_argument("case")
    discussion.add_argument("--held-on", type=parse_date)
    discussion.add_argument("--participants", required=True, help="参加人，逗号分隔")
    discussion.add_argument("--opinion", nargs="*", metavar="姓名=意见")
    discussion.add_argument("--conclusion", required=True)
    extend = case.add_parser("extend", help="延长办案期限（负责人）")
    extend.add_argument("case")
    extend.add_argument("--days", type=int, required=True)
    extend.add_argument("--reason", required=True)

    deadlines = sub.add_parser("deadlines", help="到期和逾期的法定期限")
    deadlines.add_argument("--days", type=int, default=7, help="列出多少天内到期的（默认 7）")
    deadlines.add_argument("--mine", action="store_true", help="只列本人承办的案件")
    deadline_tools = deadlines.add_subparsers(dest="subcommand", metavar="子命令")
    calc = deadline_tools.add_parser("compute", help="期限计算器：自某日起若干工作日或日，列出跳过的节假日")
    calc.add_argument("--from", dest="start", type=parse_date, required=True, help="起算日（当日不计入）")
    length = calc.add_mutually_exclusive_group(required=True)
    length.add_argument("--working-days", type=parse_count, help="工作日数")
    length.add_argument("--days", type=parse_count, help="日数（自然日，末日为节假日的顺延）")

    demo = sub.add_parser("demo", help="生成演示数据库（各阶段的真实感案件）")
    demo.add_argument("--cases-per-stage", type=int, default=2)

    audit = sub.add_parser("audit", help="审计").add_subparsers(dest="subcommand", metavar="子命令")
    audit.add_parser("verify", help="校验审计链和全部证据文件的哈希")

    import importlib

    if with_extensions:
        for module_name in EXTENSION_MODULES:
            importlib.import_module(module_name).add_parsers(sub)
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("--demo", "--exit-after-start"):
        argv = ["gui", *argv]
    # Starting the desk needs none of the terminal command groups; importing them costs start-up time.
    parser = build_parser(with_extensions=_command_of(argv) != "gui")
    args = parser.parse_args(argv)
    key = args.command if not getattr(args, "subcommand", None) else f"{args.command} {args.subcommand}"
    handler = _COMMANDS.get(key)
    if handler is None:
        parser.parse_args([args.command, "--help"] if args.command else ["--help"])
        return 2
    try:
        return handler(args)
    except DomainError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
