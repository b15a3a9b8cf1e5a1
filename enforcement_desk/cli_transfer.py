"""`enforcement-desk transfer …`: the package for the police, its verification, the agency's public key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from enforcement_desk.cli import command, login_actor, open_context, resolve_case
from enforcement_desk.cli_output import print_json


def add_parsers(sub: argparse._SubParsersAction) -> None:
    transfer = sub.add_parser("transfer", help="涉嫌犯罪案件移送").add_subparsers(
        dest="subcommand", metavar="子命令"
    )
    package = transfer.add_parser("package", help="制作移送材料包（ZIP）")
    package.add_argument("case")
    package.add_argument("--out", required=True)
    verify = transfer.add_parser("verify", help="核对移送材料包（接收单位也可使用）")
    verify.add_argument("file")
    verify.add_argument("--public-key", help="移送机关提供的公钥文件（PEM）")
    key = transfer.add_parser("public-key", help="导出本机关的签名公钥")
    key.add_argument("--out", help="保存为 PEM 文件")


@command("transfer package")
def cmd_transfer_package(args: argparse.Namespace) -> int:
    from enforcement_desk.services.transfer import build_transfer_package

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
    from enforcement_desk.services.transfer import verify_transfer_package

    report = verify_transfer_package(Path(args.file), Path(args.public_key) if args.public_key else None)
    if args.json:
        print_json({"ok": report.ok, "files_checked": report.files_checked, "problems": report.problems,
                    "fingerprint": report.fingerprint})  # fmt: skip
    else:
        print(f"已核对 {report.files_checked} 份材料；签名公钥指纹 {report.fingerprint}")
        print(
            "核对通过：清单签名有效，全部文件完整"
            if report.ok
            else "\n".join(f"问题：{p}" for p in report.problems)
        )
    return 0 if report.ok else 1


@command("transfer public-key")
def cmd_transfer_public_key(args: argparse.Namespace) -> int:
    from enforcement_desk.services.transfer import public_key

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
