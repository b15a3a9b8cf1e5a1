"""`enforcement-desk migrate-to | backup | restore | server …`: the shared server and safekeeping.

The server password is taken, in this order, from the URL itself, the keyring (`server login`
remembers it), the environment variable ENFORCEMENT_DESK_SERVER_PASSWORD, or a prompt. It is never
printed: every URL shown here is masked.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from enforcement_desk.cli.main import presents, sign_in
from enforcement_desk.cli.output import print_json, print_table
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError

SERVER_PASSWORD_ENV = "ENFORCEMENT_DESK_SERVER_PASSWORD"


def _typed_password(url: str) -> str:
    from enforcement_desk.store.credentials import masked_url

    password = os.environ.get(SERVER_PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise DomainError(f"未提供服务器密码：请在终端中运行以输入密码，或设置环境变量 {SERVER_PASSWORD_ENV}")
    return getpass.getpass(f"{masked_url(url)} 的密码：")


def server_url_with_password(url: str) -> str:
    """The URL completed with the remembered or typed password (for PostgreSQL URLs only)."""
    from enforcement_desk.admin.server_connection import is_server_url, url_with_stored_password

    if not is_server_url(url):
        raise DomainError(f"“{url}”不是 PostgreSQL 服务器地址（应以 postgresql+psycopg:// 开头）")
    resolved = url_with_stored_password(url)
    if make_url(resolved).password is not None:
        return resolved
    return make_url(url).set(password=_typed_password(url)).render_as_string(hide_password=False)


def _print_progress(what: str, done: int, total: int) -> None:
    if total and (done == total or done % 5000 == 0):
        print(f"  {what}：{done}/{total}", file=sys.stderr)


@presents("migrate-to")
def cmd_migrate_to(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.migration_to_server import migrate_to_server

    target = server_url_with_password(args.url)
    report = migrate_to_server(
        ctx, actor, target, Path(args.to_evidence_dir), progress=None if args.json else _print_progress
    )
    if args.json:
        print_json(report)
    else:
        print_table(
            ["表", "源数据库行数", "服务器行数"],
            [[t.table, t.source_rows, t.target_rows] for t in report.tables],
        )
        print(f"证据文件：已复制 {report.blobs_copied} 个；审计事件：已校验 {report.events_verified} 条")
        for problem in report.problems:
            print(f"✗ {problem}")
        print(f"迁移完成：{report.target}" if report.ok else "迁移后校验未通过")
    return 0 if report.ok else 2


@presents("backup")
def cmd_backup(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.backup import make_backup

    result = make_backup(ctx, actor, Path(args.destination), progress=None if args.json else _print_progress)
    if args.json:
        print_json({"path": str(result.path), "manifest": result.manifest})
    else:
        m = result.manifest
        print(
            f"已备份到 {result.path}：数据库 {m.database_bytes} 字节，审计事件 {m.audit_last_seq} 条，"
            f"证据文件 {m.blobs} 个（{m.blob_bytes} 字节）"
        )
    return 0


def _print_restore(report, json_output: bool, done_text: str) -> int:
    if json_output:
        print_json(
            {
                "database": str(report.database),
                "evidence_dir": str(report.evidence_dir),
                "events_checked": report.events_checked,
                "blobs_checked": report.blobs_checked,
                "problems": list(report.problems),
                "notes": list(report.notes),
                "ok": report.ok,
            }
        )
    else:
        print(f"审计事件：已校验 {report.events_checked} 条；证据文件：已校验 {report.blobs_checked} 个")
        for note in report.notes:
            print(note)
        for problem in report.problems:
            print(f"✗ {problem}")
        print(done_text if report.ok else "校验未通过")
    return 0 if report.ok else 2


@presents("restore")
def cmd_restore(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.backup import restore_backup
    from enforcement_desk.paths import default_evidence_dir

    target = Path(args.to)
    evidence = Path(args.to_evidence_dir) if args.to_evidence_dir else default_evidence_dir(target)
    replacing_as = None
    if args.replace and target.exists():
        from enforcement_desk.context import AppContext

        live = AppContext.open(f"sqlite:///{target}", evidence)
        try:
            replacing_as = sign_in(live, args)
        finally:
            live.close()
    report = restore_backup(
        Path(args.backup),
        target,
        evidence,
        replacing_as=replacing_as,
        progress=None if args.json else _print_progress,
    )
    return _print_restore(report, args.json, f"已恢复到 {target}（证据文件库 {evidence}），校验通过")


@presents("backup-verify")
def cmd_backup_verify(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.backup import verify_backup

    return _print_restore(verify_backup(Path(args.backup)), args.json, "备份完整，与清单一致")


@presents("server login")
def cmd_server_login(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.server_connection import check_connection
    from enforcement_desk.store.credentials import account_from_url, keyring_status, store_password

    status = keyring_status()
    if not status.available:
        raise DomainError(status.message)
    account = account_from_url(args.url)
    password = make_url(args.url).password or _typed_password(args.url)
    check = check_connection(make_url(args.url).set(password=password).render_as_string(hide_password=False))
    store_password(account, password)
    if args.json:
        print_json({"account": account.label, "server_version": check.server_version, "schema": check.schema})
    else:
        print(check.message)
        print(f"已把 {account.label} 的密码记在系统密钥环中")
    return 0


@presents("server forget")
def cmd_server_forget(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.store.credentials import account_from_url, delete_password

    account = account_from_url(args.url)
    removed = delete_password(account)
    if args.json:
        print_json({"account": account.label, "removed": removed})
    else:
        print(f"已删除 {account.label} 记住的密码" if removed else f"系统密钥环中没有 {account.label} 的密码")
    return 0


@presents("server check")
def cmd_server_check(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.admin.server_connection import check_connection

    check = check_connection(server_url_with_password(args.url))
    print_json(check) if args.json else print(check.message)
    return 0


@presents("server keyring")
def cmd_server_keyring(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.store.credentials import keyring_status

    status = keyring_status()
    print_json(status) if args.json else print(status.message)
    return 0 if status.available else 1


APP_PASSWORD_ENV = "ENFORCEMENT_DESK_APP_PASSWORD"


@presents("server setup")
def cmd_server_setup(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.cli.main import new_password
    from enforcement_desk.store.credentials import masked_url
    from enforcement_desk.store.server_roles import app_group, owner_role, provision

    admin_url = server_url_with_password(args.admin_url)
    exists = _login_exists(admin_url, args.app_user)
    password = None if exists and not args.new_password else new_password(
        APP_PASSWORD_ENV, f"程序账号 {args.app_user} 的密码"
    )
    report = provision(admin_url, args.database, args.app_user, password)
    app_url = make_url(admin_url).set(username=args.app_user, password=None, database=args.database)
    if args.json:
        print_json(report)
        return 0
    print(f"数据库 {report.database}：属主角色 {owner_role(report.database)}（不能登录，只用于建表和升级）")
    print(f"程序权限角色 {app_group(report.database)}：普通数据可读写；审计记录、证据等只能新增和查看")
    print(f"各台电脑使用的账号：{report.login}（{app_group(report.database)} 的成员）")
    if report.created:
        print("新建：" + "、".join(report.created))
    if report.adopted_from:
        print(f"原属 {report.adopted_from} 的数据表已转给 {report.owner}，{report.adopted_from} 今后只有程序权限")
    print(f"数据表为最新版本。各台电脑连接：{masked_url(app_url.render_as_string(hide_password=False))}")
    return 0


def _login_exists(admin_url: str, login: str) -> bool:
    from sqlalchemy import text

    from enforcement_desk.store.db import make_engine

    engine = make_engine(admin_url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).scalar())
    finally:
        engine.dispose()


@presents("server upgrade")
def cmd_server_upgrade(ctx: AppContext, actor: Actor, args: argparse.Namespace) -> int:
    from enforcement_desk.store.server_roles import upgrade_server

    database = upgrade_server(server_url_with_password(args.admin_url))
    print_json({"database": database, "schema": "current"}) if args.json else print(
        f"数据库 {database} 的数据表已升级到最新版本，程序权限已重新授予"
    )
    return 0
