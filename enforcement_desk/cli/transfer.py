"""`enforcement-desk transfer …`: the report of a suspected crime, the package for the police, its
verification (the receiver needs only the file), the receipt, and the agency's public key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from enforcement_desk.cli.main import presents, resolve_case
from enforcement_desk.cli.output import print_json
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError


def _print_status(status) -> None:
    report = status.report
    if report:
        print(f"移送报告：{'、'.join(report.officers)}，{report.submitted_at:%Y-%m-%d %H:%M} 提出")
    else:
        print("移送报告：未提出")
    if status.decision:
        capacity = f"，{status.capacity}" if status.capacity else ""
        decided = (
            f"（{status.decided_by}{capacity}，{status.decided_at:%Y-%m-%d %H:%M}）"
            if status.decided_at
            else ""
        )
        print(f"审批：{status.decision}{decided}")
    if status.reason:
        print(f"理由：{status.reason}")
    if status.police_unit:
        print(f"接收单位：{status.police_unit}　抄送：{status.procuratorate or '—'}")
    if status.handover_due_at:
        print(f"移送期限：{status.handover_due_at:%Y-%m-%d %H:%M} 前（批准后 24 小时）")
    print(f"已制作材料包：{status.packages_built} 次")
    receipt = status.receipt
    if receipt:
        timing = "在 24 小时内" if receipt.on_time else "超过 24 小时"
        print(f"回执：{receipt.receiving_unit} {receipt.receiver} {receipt.when}（{timing}）")
    answer = status.police_answer
    if answer:
        verdict = "决定立案" if answer.accepted else "不予立案"
        print(
            f"公安机关：{verdict}（{answer.answered_on} 收到书面通知）{('理由：' + answer.reason) if answer.reason else ''}"
        )
    for item in status.follow_ups:
        what = "提请复议" if item.kind == "reconsideration" else "移交涉案物品"
        print(f"{what}：{item.on} {item.text}（{'3 日内' if item.on_time else '超过 3 日'}）")
    for period in status.periods:
        if period.status == "open":
            print(f"期限：{period.name} 至 {period.due}（{period.article}）")


@presents("transfer report")
def cmd_transfer_report(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.users import find_user_by_login
    from enforcement_desk.transfer.service import submit_transfer_report

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


@presents("transfer package")
def cmd_transfer_package(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import build_transfer_package

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


@presents("transfer verify")
def cmd_transfer_verify(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import verify_transfer_package

    report = verify_transfer_package(
        Path(args.file), Path(args.public_key) if args.public_key else None, args.fingerprint
    )
    if args.json:
        print_json({"ok": report.ok, "files_checked": report.files_checked, "problems": report.problems,
                    "fingerprint": report.fingerprint, "signatures_valid": report.signatures_valid,
                    "signer": report.signer, "untrusted": report.untrusted,
                    "audit_head": report.audit_head if report.ok else None})  # fmt: skip
        return 0 if report.ok else 1
    print(f"已核对 {report.files_checked} 份材料；签名公钥指纹 {report.fingerprint or '—'}")
    if report.signer:
        print(f"签名人已确认：{report.signer}")
    if report.ok and report.audit_head:  # the manifest's word counts only once its signer is confirmed
        head = report.audit_head
        print(f"移送机关制作材料包时的审计记录链头：第 {head['seq']} 条，哈希 {head['hash']}")
    for problem in report.problems:
        print(f"问题：{problem}")
    if report.untrusted:
        print(report.untrusted)
    if report.ok:
        print("核对通过：签名人已确认，清单签名有效，全部文件完整")
    return 0 if report.ok else 1


@presents("transfer trust-key")
def cmd_transfer_trust_key(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.trust import store_path, trust_key

    entry, added = trust_key(Path(args.file), args.name)
    if args.json:
        print_json({"added": added, "name": entry.name, "fingerprint": entry.fingerprint,
                    "added_at": entry.added_at, "store": str(store_path())})  # fmt: skip
        return 0
    print(f"{'已导入' if added else '本机已信任该公钥'}：{entry.name}　公钥指纹：{entry.fingerprint}")
    print("请确认此指纹与移送机关盖章的移送书上印的指纹一致（或电话向移送机关核实）；不一致请勿使用。")
    return 0


@presents("transfer trusted-keys")
def cmd_transfer_trusted_keys(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.trust import store_path, trusted_keys

    keys = trusted_keys()
    if args.json:
        print_json([{"name": k.name, "fingerprint": k.fingerprint, "added_at": k.added_at} for k in keys])
        return 0
    if not keys:
        print(f"本机信任库中还没有移送机关的公钥（{store_path()}）；用 transfer trust-key 导入")
    for key in keys:
        print(f"{key.name}　公钥指纹：{key.fingerprint}　（{key.added_at.replace('T', ' ')} 导入）")
    return 0


@presents("transfer receipt")
def cmd_transfer_receipt(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import record_transfer_receipt

    status = record_transfer_receipt(
        ctx, actor, resolve_case(ctx, actor, args.case), Path(args.scan),
        received_at=args.received_at, receiver=args.receiver, receiving_unit=args.unit,
    )  # fmt: skip
    if args.json:
        print_json(status)
    else:
        _print_status(status)
    return 0


@presents("transfer reconsider")
def cmd_transfer_reconsider(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.follow_up import request_reconsideration

    status = request_reconsideration(
        ctx, actor, resolve_case(ctx, actor, args.case), requested_on=args.requested_on or ctx.today(),
        reason=args.reason,
    )  # fmt: skip
    print_json(status) if args.json else _print_status(status)
    return 0


@presents("transfer items")
def cmd_transfer_items(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.follow_up import record_item_handover

    status = record_item_handover(
        ctx, actor, resolve_case(ctx, actor, args.case), handed_on=args.handed_on or ctx.today(), items=args.items,
        receiver=args.receiver, receipt_ref=args.receipt,
    )  # fmt: skip
    print_json(status) if args.json else _print_status(status)
    return 0


@presents("transfer status")
def cmd_transfer_status(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import transfer_status

    status = transfer_status(ctx, actor, resolve_case(ctx, actor, args.case))
    if args.json:
        print_json(status)
    else:
        _print_status(status)
    return 0


@presents("transfer public-key")
def cmd_transfer_public_key(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import public_key

    pem, print_fingerprint = public_key(ctx, actor)
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


@presents("transfer key-export")
def cmd_transfer_key_export(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import export_signing_key, public_key

    Path(args.out).write_bytes(export_signing_key(ctx, actor, _passphrase(confirm=True)))
    _, print_fingerprint = public_key(ctx, actor)
    if args.json:
        print_json({"file": args.out, "fingerprint": print_fingerprint})
    else:
        print(f"已导出（口令加密）：{args.out}　公钥指纹：{print_fingerprint}")
    return 0


@presents("transfer key-import")
def cmd_transfer_key_import(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.transfer.service import import_signing_key

    data = Path(args.file).read_bytes()
    print_fingerprint = import_signing_key(ctx, actor, data, _passphrase(confirm=False), replace=args.replace)
    if args.json:
        print_json({"fingerprint": print_fingerprint})
    else:
        print(f"已导入移送签名私钥，公钥指纹：{print_fingerprint}")
    return 0
