"""Administration's commands: the desk itself, setting up, users, settings, audit, backups and the server."""

from __future__ import annotations

from enforcement_desk.commands.arguments import parse_date, parse_role
from enforcement_desk.commands.table import Access, Arg, Command, declare
from enforcement_desk.core.roles import Role

declare(
    Command(
        "gui",
        "打开桌面程序（不带参数运行时的默认行为）",
        services=("enforcement_desk.desk.app:run_gui",),
        access=Access.NONE,
        args=(
            Arg("--demo", action="store_true", help="打开演示数据库（不存在时先生成）"),
            Arg(
                "--exit-after-start",
                action="store_true",
                help="主窗口显示后立即退出（检查安装、测量启动时间用）",
            ),
        ),
    ),
    Command(
        "init",
        "创建数据库、机构和首个管理员（管理员密码取自环境变量 ENFORCEMENT_DESK_PASSWORD 或终端输入）",
        services=("enforcement_desk.admin.setup:initialize",),
        access=Access.DATABASE,
        args=(
            Arg("--agency", required=True, help="机构全称"),
            Arg("--short-name", required=True, help="地区简称（文号用，如“沂”）"),
            Arg("--uscc", help="机构统一社会信用代码"),
            Arg("--address", default=""),
            Arg("--phone", default=""),
            Arg("--reconsideration-body", help="决定书载明的行政复议机关", default=""),
            Arg("--court", help="决定书载明的行政诉讼法院", default=""),
            Arg("--admin-login", required=True),
            Arg("--admin-name", required=True),
            Arg(
                "--training",
                action="store_true",
                help="建立培训数据库：文书标注“培训用，非正式文书”，可用 ENFORCEMENT_DESK_TODAY 指定业务日期；建库后不能更改",
            ),
        ),
    ),
    Command(
        "user add",
        "新增用户（管理员；初始密码取自环境变量 ENFORCEMENT_DESK_NEW_PASSWORD 或终端输入）",
        services=("enforcement_desk.admin.users:add_user",),
        roles=(Role.ADMIN,),
        args=(
            Arg("--login", required=True),
            Arg("--name", required=True),
            Arg(
                "--role",
                required=True,
                type=parse_role,
                help="officer/执法人员, reviewer/法制审核人员, head/负责人, admin/管理员",
            ),
            Arg("--cert-no", help="执法证号"),
            Arg("--cert-valid-until", type=parse_date, help="执法证有效期至"),
            Arg("--legal-qualified", action="store_true", help="具有法律职业资格"),
        ),
    ),
    Command(
        "user list",
        "列出用户",
        services=("enforcement_desk.admin.users:list_users",),
    ),
    Command(
        "user set-cert",
        "登记换发或变更后的执法证（管理员）",
        services=("enforcement_desk.admin.users:set_certificate",),
        roles=(Role.ADMIN,),
        args=(
            Arg("login", help="执法人员的登录名"),
            Arg("--cert-no", required=True, help="执法证号"),
            Arg("--cert-valid-until", required=True, type=parse_date, help="执法证有效期至"),
        ),
    ),
    Command(
        "user unlock",
        "解除因多次登录失败而锁定的账户（管理员）",
        services=("enforcement_desk.admin.users:unlock_user",),
        roles=(Role.ADMIN,),
        args=(Arg("login", help="被锁定用户的登录名"),),
    ),
    Command(
        "demo",
        "生成演示数据库（各阶段的真实感案件）",
        services=("enforcement_desk.admin.demo:build_demo",),
        access=Access.DATABASE,
        args=(Arg("--cases-per-stage", type=int, default=2),),
    ),
    Command(
        "audit verify",
        "校验审计链和全部证据文件的哈希，并与本机及所给备份中签名的审计链检查点核对",
        services=("enforcement_desk.admin.audit_check:verify_all",),
        args=(
            Arg(
                "--backup",
                action="append",
                default=[],
                help="也与该备份（文件夹或 .zip）清单中签名的链头检查点核对；可重复",
            ),
        ),
    ),
    Command(
        "settings show",
        "查看设置",
        services=("enforcement_desk.admin.agency_settings:get_settings",),
    ),
    Command(
        "settings set",
        "修改设置（管理员）",
        services=("enforcement_desk.admin.agency_settings:update_settings",),
        roles=(Role.ADMIN,),
        args=(
            Arg("pairs", nargs="+", metavar="名称=值", help="如 major_fine_person=20000"),
            Arg("--note", help="修改说明", default=""),
        ),
    ),
    Command(
        "settings transfer-approvers",
        "指定移送审批负责人：正职负责人、主持工作的负责人（管理员；国务院令第310号第五条）",
        services=("enforcement_desk.admin.agency_settings:set_transfer_approvers",),
        roles=(Role.ADMIN,),
        args=(
            Arg("--principal", required=True, help="正职负责人的登录名（空串表示暂缺）"),
            Arg("--presiding", help="主持工作的负责人的登录名（正职负责人外出等期间；不填表示无）", default=""),
            Arg("--note", help="修改说明，如“局长外出学习期间由刘洋主持工作”", default=""),
        ),
    ),
    Command(
        "settings holidays",
        "录入某年节假日安排（JSON 文件）",
        services=("enforcement_desk.admin.agency_settings:save_holiday_table",),
        args=(Arg("file", help='{"year": 2027, "holidays": ["2027-01-01", …], "workdays": [...]}'),),
    ),
    Command(
        "settings history",
        "设置的历次版本",
        services=("enforcement_desk.admin.agency_settings:settings_history",),
        roles=(Role.REVIEWER, Role.HEAD, Role.ADMIN),
    ),
    Command(
        "migrate-to",
        "把本机数据库和证据文件库迁移到共享服务器（管理员）",
        services=("enforcement_desk.admin.migration_to_server:migrate_to_server",),
        roles=(Role.ADMIN,),
        args=(
            Arg(
                "url", help="服务器地址，如 postgresql+psycopg://用户@主机:5432/数据库（密码不必写在地址里）"
            ),
            Arg(
                "--to-evidence-dir", required=True, help="服务器使用的证据文件库目录（各台电脑共享的文件夹）"
            ),
        ),
    ),
    Command(
        "backup",
        "备份本机数据库和证据文件库（程序运行中也可备份；管理员）",
        services=("enforcement_desk.admin.backup:make_backup",),
        roles=(Role.ADMIN,),
        args=(Arg("destination", help="新的备份文件夹，或以 .zip 结尾的备份文件"),),
    ),
    Command(
        "restore",
        "把备份恢复到新的位置（并校验）",
        services=("enforcement_desk.admin.backup:restore_backup",),
        access=Access.NONE,
        args=(
            Arg("backup", help="备份文件夹或 .zip 文件"),
            Arg("--to", required=True, help="恢复出的数据库文件路径"),
            Arg("--to-evidence-dir", help="恢复出的证据文件库目录（默认：数据库旁的 evidence_store）"),
            Arg(
                "--replace",
                action="store_true",
                help="目标已有数据库时确认覆盖（须以该数据库的管理员 --user 登录）",
            ),
        ),
    ),
    Command(
        "backup-verify",
        "按清单校验备份（不恢复）",
        services=("enforcement_desk.admin.backup:verify_backup",),
        access=Access.NONE,
        args=(Arg("backup"),),
    ),
    Command(
        "server login",
        "测试连接并把密码记在系统密钥环中",
        services=("enforcement_desk.admin.server_connection:check_connection",),
        access=Access.NONE,
        args=(Arg("url"),),
    ),
    Command(
        "server forget",
        "从系统密钥环删除记住的密码",
        services=("enforcement_desk.store.credentials:delete_password",),
        access=Access.NONE,
        args=(Arg("url"),),
    ),
    Command(
        "server check",
        "测试连接（服务器版本、数据表状态）",
        services=("enforcement_desk.admin.server_connection:check_connection",),
        access=Access.NONE,
        args=(Arg("url"),),
    ),
    Command(
        "server setup",
        "在服务器上建立数据库、属主角色和程序账号（最小权限；数据库管理员）",
        services=("enforcement_desk.store.server_roles:provision",),
        access=Access.NONE,
        args=(
            Arg(
                "admin_url",
                help="管理员账号的连接地址，如 postgresql+psycopg://postgres@主机:5432/postgres（密码不必写在地址里）",
            ),
            Arg("--database", default="enforcement", help="要建立或接管的数据库名（默认 enforcement）"),
            Arg("--app-user", default="enforcement", help="各台电脑使用的程序账号（默认 enforcement）"),
            Arg(
                "--new-password",
                action="store_true",
                help="为已有的程序账号重设密码（取自环境变量 ENFORCEMENT_DESK_APP_PASSWORD 或终端输入）",
            ),
        ),
    ),
    Command(
        "server upgrade",
        "以属主角色升级服务器上的数据表并重新授予程序权限（数据库管理员）",
        services=("enforcement_desk.store.server_roles:upgrade_server",),
        access=Access.NONE,
        args=(Arg("admin_url", help="管理员账号连接到该数据库的地址，如 postgresql+psycopg://postgres@主机/enforcement"),),
    ),
    Command(
        "server keyring",
        "本机密钥环是否可用",
        services=("enforcement_desk.store.credentials:keyring_status",),
        access=Access.NONE,
    ),
)
