"""`enforcement-desk transfer …`: the report of a suspected crime, the package for the police, its
verification (the receiver needs only the file), the receipt, and the agency's public key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from enforcement_desk.cli.main import command, login_actor, open_context, parse_date, resolve_case
from enforcement_desk.cli.output import print_json
from enforcement_desk.core.errors import DomainError


def add_parsers(sub: argparse._SubParsersAction) -> None:
    transfer = sub.add_parser("transfer", help="涉嫌犯罪案件移送公安机关").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    report = transfer.add_parser("report", help="提出移送涉嫌犯罪案件的书面报告（2 名以上执法人员）")
    report.add_argument("case")
    report.add_argument("--officers", required=True, help="报告人登录名，逗号分隔（须含本人，至少 2 名）")
    report.add_argument("--findings", required=True, help="涉嫌犯罪的事实和理由")
    package = transfer.add_parser("package", help="制作移送材料包（ZIP）")
    package.add_argument("case")
    package.add_argument("--out", "-o", required=True, help="保存的 ZIP 文件")
    verify = transfer.add_parser("verify", help="核对移送材料包（接收单位也可使用，无需数据库）")
    verify.add_argument("file")
    verify.add_argument("--public-key", help="移送机关提供的公钥文件（PEM）")
    receipt = transfer.add_parser("receipt", help="登记公安机关签收的回执（扫描件）")
    receipt.add_argument("case")
    receipt.add_argument("--scan", required=True, help="回执扫描件")
    receipt.add_argument("--receiver", required=True, help="接收人")
    receipt.add_argument("--unit", help="接收单位（默认为批准移送时填写的公安机关）")
    receipt.add_argument("--received-on", type=parse_date, help="接收日期（默认今天）")
    status = transfer.add_parser("status", help="查看移送报告、审批、材料包和回执")
    status.add_argument("case")
    key = transfer.add_parser("public-key", help="导出本机关的签名公钥")
    key.add_argument("--out", help="保存为 PEM 文件")
    export = transfer.add_parser("key-export", help="导出签名私钥（口令加密），供本机关其他电脑导入")
    export.add_argument("--out", required=True)
    imported = transfer.add_parser("key-import", help="导入在本机关其他电脑上导出的签名私钥")
    imported.add_argument("file")
    imported.add_argument("--replace", action="store_true", help="替换本机已有的另一把私钥")


def _print_status(status) -> None:  # noqa: ANN001
    report = status.report
    if report:
        print(f"移送报告：{'、'.join(report.officers)}，{report.submitted_at:%Y-%m-%d %H:%M} 提出")
    else:
        print("移送报告：未提出")
    if status.decision:
        decided = f"（{status.decided_by}，{status.decided_at:%Y-%m-%d %H:%M}）" if status.decided_at else ""
        print(f"审批：{status.decision}{decided}")
    if status.reason:
        print(f"理由：{status.reason}")
    if status.police_unit:
        print(f"接收单位：{status.police_unit}　抄送：{status.procuratorate or '—'}")
    print(f"已制作材料包：{status.packages_built} 次")
    receipt = status.receipt
    if receipt:
        timing = "按时" if receipt.on_time else "超过 24 小时"
        print(f"回执：{receipt.receiving_unit} {receipt.receiver} {receipt.received_on}（{timing}）")


@command("transfer report")
def cmd_transfer_report(args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import find_user_by_login
    from enforcement_desk.transfer.service import submit_transfer_report

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    officer_ids = [
        find_user_by_login(ctx, login.strip()).id for login in args.officers.split(",") if login.strip()
    ]
    status = submit_transfer_report(
        ctx, actor, resolve_case(ctx, actor, args.case), officer_ids, args.findings
    )
    if args.json:
        print_json(status)
    else:
        _print_status(status)
    return 0


@command("transfer package")
def cmd_transfer_package(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import build_transfer_package

    ctx = open_context(args)
    actor = login_actor(ctx, args)

    def progress(done: int, total: int, name: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{done * 100 // max(total, 1):3d}% {name[:40]}", end="", file=sys.stderr, flush=True)

    manifest = build_transfer_package(
        ctx, actor, resolve_case(ctx, actor, args.case), Path(args.out), progress=progress
    )
    if args.json:
        print_json(manifest)
    else:
        print(f"\n已生成移送材料包：{args.out}（{len(manifest['files'])} 份材料）")
        print(f"签名公钥指纹：{manifest['public_key_fingerprint']}")
    return 0


@command("transfer verify")
def cmd_transfer_verify(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import verify_transfer_package

    report = verify_transfer_package(Path(args.file), Path(args.public_key) if args.public_key else None)
    if args.json:
        print_json({"ok": report.ok, "files_checked": report.files_checked, "problems": report.problems,
                    "fingerprint": report.fingerprint})  # fmt: skip
    else:
        print(f"已核对 {report.files_checked} 份材料；签名公钥指纹 {report.fingerprint or '—'}")
        print(
            "核对通过：清单签名有效，全部文件完整"
            if report.ok
            else "\n".join(f"问题：{p}" for p in report.problems)
        )
    return 0 if report.ok else 1


@command("transfer receipt")
def cmd_transfer_receipt(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import record_transfer_receipt

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    status = record_transfer_receipt(
        ctx, actor, resolve_case(ctx, actor, args.case), Path(args.scan),
        received_on=args.received_on or ctx.today(), receiver=args.receiver, receiving_unit=args.unit,
    )  # fmt: skip
    if args.json:
        print_json(status)
    else:
        _print_status(status)
    return 0


@command("transfer status")
def cmd_transfer_status(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import transfer_status

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    status = transfer_status(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(status)
    else:
        _print_status(status)
    return 0


@command("transfer public-key")
def cmd_transfer_public_key(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import public_key

    ctx = open_context(args)
    pem, print_fingerprint = public_key(ctx, login_actor(ctx, args))
    if args.out:
        Path(args.out).write_bytes(pem)
    if args.json:
        print_json({"pem": pem.decode(), "fingerprint": print_fingerprint, "file": args.out})
    else:
        print(pem.decode() if not args.out else f"已保存：{args.out}")
        print(f"公钥指纹：{print_fingerprint}")
    return 0


PASSPHRASE_ENV = "ENFORCEMENT_DESK_KEY_PASSPHRASE"


def _passphrase(confirm: bool) -> str:
    """From the environment for scripts, else typed twice (a typo would lock the key away)."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise DomainError(f"未提供私钥口令：请在终端中运行以输入口令，或设置环境变量 {PASSPHRASE_ENV}")
    first = getpass.getpass("私钥口令：")
    if confirm and getpass.getpass("再次输入口令：") != first:
        raise DomainError("两次输入的口令不一致")
    return first


@command("transfer key-export")
def cmd_transfer_key_export(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import export_signing_key, public_key

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    Path(args.out).write_bytes(export_signing_key(ctx, actor, _passphrase(confirm=True)))
    _, print_fingerprint = public_key(ctx, actor)
    if args.json:
        print_json({"file": args.out, "fingerprint": print_fingerprint})
    else:
        print(f"已导出（口令加密）：{args.out}　公钥指纹：{print_fingerprint}")
    return 0


@command("transfer key-import")
def cmd_transfer_key_import(args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import import_signing_key

    ctx = open_context(args)
    actor = login_actor(ctx, args)
    data = Path(args.file).read_bytes()
    print_fingerprint = import_signing_key(ctx, actor, data, _passphrase(confirm=False), replace=args.replace)
    if args.json:
        print_json({"fingerprint": print_fingerprint})
    else:
        print(f"已导入移送签名私钥，公钥指纹：{print_fingerprint}")
    return 0
