"""Supervision's commands: publicity, random inspections (双随机), credit, complaints and statistics."""

from __future__ import annotations

from enforcement_desk.commands.arguments import parse_date, parse_quota
from enforcement_desk.commands.table import Arg, Command, OneOf, declare
from enforcement_desk.core.roles import Role

declare(
    Command(
        "publicity list",
        "公示记录",
        services=("enforcement_desk.supervision.publicity:list_publicity",),
        args=(Arg("--pending", action="store_true", help="只列出尚未公示的"),),
    ),
    Command(
        "publicity publish",
        "登记已在信用平台公示",
        services=("enforcement_desk.supervision.publicity:mark_published",),
        roles=(Role.OFFICER, Role.HEAD, Role.ADMIN),
        args=(
            Arg("record_id", type=int),
            Arg("--on", type=parse_date, help="公示日期（默认今天）"),
        ),
    ),
    Command(
        "publicity withdraw",
        "决定变更或撤销：撤回公示",
        services=("enforcement_desk.supervision.publicity:withdraw_publicity",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(
            Arg("case"),
            Arg("--reason", required=True),
        ),
    ),
    Command(
        "publicity export",
        "导出信用平台报送表（.xlsx 或 .csv）",
        services=("enforcement_desk.supervision.publicity:export_publicity",),
        args=(Arg("--out", required=True),),
    ),
    Command(
        "inspection import",
        "从 XLSX 导入检查对象库（同编码则更新）",
        services=("enforcement_desk.supervision.inspections:import_objects",),
        roles=(Role.OFFICER, Role.HEAD, Role.ADMIN),
        args=(Arg("file"),),
    ),
    Command(
        "inspection objects",
        "检查对象库",
        services=("enforcement_desk.supervision.inspections:list_objects",),
        args=(Arg("--category", help="执法类别，如 公"),),
    ),
    Command(
        "inspection conflict",
        "申报回避（与某检查对象有利害关系）",
        services=("enforcement_desk.supervision.inspections:declare_conflict",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("object_id", type=int),
            Arg("--inspector", help="执法人员登录名（默认本人）"),
            Arg("--reason", required=True),
        ),
    ),
    Command(
        "inspection draw",
        "抽取检查对象和执法人员（负责人）",
        services=("enforcement_desk.supervision.inspections:draw_inspections",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(
            Arg("--title", required=True, help="抽查任务名称"),
            Arg("--quota", action="append", required=True, type=parse_quota, metavar="类别=比例%|数量"),
            Arg("--seed", help="随机种子（默认随机生成并记录）"),
            Arg("--grid", help="只在该网格内抽取"),
        ),
    ),
    Command(
        "inspection show",
        "抽查任务及各对象结果",
        services=("enforcement_desk.supervision.inspections:get_draw",),
        args=(
            Arg("draw_id", type=int),
            Arg("--verify", action="store_true", help="用记录的种子重新抽取，核对结果是否一致"),
        ),
    ),
    Command(
        "inspection result",
        "登记对象的检查结果",
        services=(
            "enforcement_desk.supervision.inspections:record_result",
            "enforcement_desk.supervision.inspections:open_case_from_finding",
        ),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("task_id", type=int),
            Arg("--outcome", required=True, choices=("compliant", "finding", "corrected", "unreachable")),
            Arg("--on", type=parse_date, help="检查日期（默认今天）"),
            Arg("--note", help="发现的问题或处理情况", default=""),
            Arg("--open-case", metavar="案由", help="发现问题的，同时立为案件"),
        ),
    ),
    Command(
        "inspection export",
        "导出抽查结果供公示（.xlsx 或 .csv）",
        services=("enforcement_desk.supervision.inspections:export_results",),
        args=(
            Arg("draw_id", type=int),
            Arg("--out", required=True),
        ),
    ),
    Command(
        "inspection publish",
        "登记抽查结果已公示",
        services=("enforcement_desk.supervision.inspections:mark_results_published",),
        roles=(Role.OFFICER, Role.HEAD, Role.ADMIN),
        args=(
            Arg("draw_id", type=int),
            Arg("--on", type=parse_date),
        ),
    ),
    Command(
        "credit show",
        "当事人的记分和黑名单记录",
        services=("enforcement_desk.supervision.credit:credit_summary",),
        args=(Arg("party_id", type=int),),
    ),
    Command(
        "credit score",
        "不良执业行为记分",
        services=("enforcement_desk.supervision.credit:record_points",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("party_id", type=int),
            Arg("--rule", required=True, help="记分规则编码（resources/credit_rules.json）"),
            Arg("--on", type=parse_date, help="行为发生日期（默认今天）"),
            Arg("--case", type=int, help="相关案件 ID"),
        ),
    ),
    Command(
        "credit blacklist",
        "黑名单：不带选项时列出在列名单",
        services=(
            "enforcement_desk.supervision.credit:current_blacklist",
            "enforcement_desk.supervision.credit:add_to_blacklist",
            "enforcement_desk.supervision.credit:remove_from_blacklist",
            "enforcement_desk.supervision.credit:repair_credit",
        ),
        args=(
            OneOf(
                Arg("--add", type=int, metavar="当事人ID", help="列入黑名单（负责人）"),
                Arg("--exit", type=int, metavar="记录ID", help="提前移出"),
                Arg("--repair", type=int, metavar="记录ID", help="信用修复"),
            ),
            Arg("--reason", help="列入或移出理由；信用修复时为整改情况"),
        ),
    ),
    Command(
        "complaint add",
        "登记投诉举报",
        services=("enforcement_desk.supervision.complaints:add_complaint",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("--channel", required=True, help="电话、来信、来访、网络、12345热线转办、上级交办、其他"),
            Arg("--subject", required=True, help="被投诉举报对象"),
            Arg("--content", required=True),
            Arg("--assign", required=True, help="承办人登录名"),
            Arg("--received-on", type=parse_date),
            Arg("--reporter", help="投诉举报人姓名", default=""),
            Arg("--phone", help="投诉举报人电话", default=""),
            Arg("--reporter-id", help="投诉举报人证件号码（如有）", default=""),
            Arg("--anonymous", action="store_true"),
            Arg("--address", help="被投诉举报对象地址", default=""),
            Arg("--category", default="医"),
        ),
    ),
    Command(
        "complaint list",
        "投诉举报列表",
        services=("enforcement_desk.supervision.complaints:list_complaints",),
        args=(Arg("--open", action="store_true", help="只列办理中的"),),
    ),
    Command(
        "complaint show",
        "投诉举报详情（内容和举报人仅承办人和负责人可见）",
        services=("enforcement_desk.supervision.complaints:get_complaint",),
        args=(Arg("complaint_id", type=int),),
    ),
    Command(
        "complaint convert",
        "转为案件",
        services=("enforcement_desk.supervision.complaints:convert_to_case",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("complaint_id", type=int),
            Arg("--party", required=True, type=int, help="当事人 ID"),
            Arg("--cause", required=True),
            Arg("--handlers", required=True, help="承办人登录名，逗号分隔（至少两人）"),
        ),
    ),
    Command(
        "complaint close",
        "办结（不立案）并说明理由",
        services=("enforcement_desk.supervision.complaints:close_complaint",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("complaint_id", type=int),
            Arg("--reason", required=True),
        ),
    ),
    Command(
        "stats",
        "执法统计（可导出月报 XLSX）",
        services=("enforcement_desk.supervision.statistics:collect_statistics",),
        args=(
            Arg("--year", type=int, help="只统计该年受理的案件"),
            Arg("--out", help="导出 .xlsx 文件"),
        ),
    ),
)
