"""The procedure's commands: parties, cases from acceptance to closing, deadlines and legal review."""

from __future__ import annotations

from enforcement_desk.commands.arguments import parse_count, parse_date, parse_datetime, parse_money
from enforcement_desk.commands.table import Access, Arg, Command, OneOf, declare
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CaseSource, Outcome, Stage

# The reviewer's verdict as typed (Chinese or English) → the recorded outcome.
REVIEW_OUTCOME_WORDS = {
    "同意": "approved",
    "approve": "approved",
    "建议修改": "returned",
    "退回": "returned",
    "return": "returned",
    "不同意": "rejected",
    "reject": "rejected",
}

declare(
    Command(
        "party add",
        "登记当事人",
        services=("enforcement_desk.procedure.parties:add_party",),
        roles=(Role.OFFICER, Role.HEAD, Role.ADMIN),
        args=(
            Arg("--kind", required=True, choices=("person", "organisation")),
            Arg("--name", required=True),
            Arg("--id-number", help="居民身份证号或统一社会信用代码"),
            Arg("--legal-representative"),
            Arg("--address"),
            Arg("--phone"),
            Arg("--business-type"),
        ),
    ),
    Command(
        "party list",
        "查找当事人",
        services=("enforcement_desk.procedure.parties:search_parties",),
        args=(
            Arg("--search"),
            Arg("--limit", type=int, default=50),
        ),
    ),
    Command(
        "case create",
        "受理案件",
        services=("enforcement_desk.procedure.cases:create_case",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("--source", required=True, choices=tuple(s.value for s in CaseSource)),
            Arg("--party", required=True, type=int, help="当事人 ID"),
            Arg("--cause", required=True, help="案由"),
            Arg("--handlers", required=True, help="承办人登录名，逗号分隔（至少两人）"),
            Arg("--discovered-on", type=parse_date),
            Arg("--category", help="执法类别：医/公/水/职/放/传/消/妆/计", default="医"),
            Arg("--violation", help="违法行为编码（裁量基准）"),
            Arg("--source-detail"),
            Arg("--act-date", type=parse_date),
            Arg("--location"),
            Arg("--facts"),
        ),
    ),
    Command(
        "case list",
        "案件列表",
        services=("enforcement_desk.procedure.cases:list_cases",),
        args=(
            Arg("--stage", choices=tuple(s.value for s in Stage)),
            Arg("--text", help="全文检索：当事人、案情、编号"),
            Arg("--party"),
            Arg("--limit", type=int, default=50),
            Arg("--offset", type=int, default=0),
        ),
    ),
    Command(
        "case show",
        "案件详情与可办理操作",
        services=("enforcement_desk.procedure.cases:get_case",),
        args=(Arg("case", help="案件编号、文号或 #ID"),),
    ),
    Command(
        "case history",
        "办理过程",
        services=("enforcement_desk.procedure.cases:get_case",),
        args=(Arg("case", help="案件编号、文号或 #ID"),),
    ),
    Command(
        "case update",
        "修改案情（承办人）",
        services=("enforcement_desk.procedure.cases:update_case",),
        args=(
            Arg("case"),
            Arg(
                "--set",
                required=True,
                nargs="+",
                metavar="字段=值",
                help="facts, cause, location, act_date, …",
            ),
            Arg("--version", type=int, help="编辑时看到的版本号（防止覆盖他人修改）"),
        ),
    ),
    Command(
        "case propose",
        "提出处理意见和裁量",
        services=("enforcement_desk.procedure.cases:set_proposal",),
        args=(
            Arg("case"),
            Arg("--outcome", required=True, choices=tuple(o.value for o in Outcome)),
            Arg("--kinds", help="处罚种类，逗号分隔，如 警告,罚款,没收违法所得"),
            Arg("--fine", type=parse_money),
            Arg("--confiscation", type=parse_money),
            Arg("--mitigated", action="store_true", help="减轻处罚"),
            Arg("--level", help="裁量阶次"),
            Arg("--reason", help="裁量理由"),
            Arg("--violated", help="违反的条款，如《医疗机构管理条例》第十四条"),
            Arg("--basis", help="处罚依据，如《基本医疗卫生与健康促进法》第九十九条第一款"),
            Arg("--version", type=int, help="编辑时看到的版本号（防止覆盖他人修改）"),
        ),
    ),
    Command(
        "case advance",
        "办理下一步（见 case show 列出的操作）",
        services=("enforcement_desk.procedure.steps:advance",),
        args=(
            Arg("case"),
            Arg("action"),
            Arg("--reason"),
            Arg(
                "--param",
                nargs="*",
                metavar="名称=值",
                help="如 served_on=2026-11-20 method=直接送达 amount=50000",
            ),
        ),
    ),
    Command(
        "case hearing",
        "登记听证",
        services=("enforcement_desk.procedure.steps:record_hearing",),
        roles=(Role.OFFICER, Role.HEAD),
        stages=(Stage.HEARING,),
        args=(
            Arg("case"),
            Arg("--held-on", type=parse_date),
            Arg("--host", required=True),
            Arg("--record", required=True),
            Arg("--opinion", help="听证意见（听证意见书）"),
            Arg("--recorder", help="记录人（非本案调查人员）"),
            Arg("--place", help="听证地点（默认取听证通知书）"),
            OneOf(
                Arg("--public", action="store_true", help="公开举行", default=None),
                Arg("--not-public", dest="public", action="store_false", help="不公开举行"),
            ),
            Arg("--attendees", help="参加人员，逗号或顿号分隔"),
            Arg("--statements", help="当事人的陈述、申辩和质证意见"),
            Arg("--signature", choices=("已签名", "拒绝签名", "未到场"), help="当事人在笔录上的签名情况"),
        ),
    ),
    Command(
        "case payment-plan",
        "批准暂缓或分期缴纳罚款（负责人，《行政处罚法》第六十六条）",
        services=("enforcement_desk.procedure.steps:approve_payment_plan",),
        roles=(Role.HEAD,),
        stages=(Stage.SERVED, Stage.EXECUTING),
        args=(
            Arg("case"),
            Arg(
                "--instalment",
                action="append",
                required=True,
                metavar="日期=金额",
                help="每期的缴款期限和金额，如 2026-12-31=1500；暂缓缴纳只写一期",
            ),
            Arg("--reason", required=True, help="当事人确有经济困难的情况"),
            Arg("--applied-on", type=parse_date, help="当事人书面申请的日期（默认今天）"),
        ),
    ),
    Command(
        "case hearing-notice",
        "登记听证安排和听证通知书的送达",
        services=("enforcement_desk.procedure.steps:arrange_hearing",),
        roles=(Role.OFFICER, Role.HEAD),
        stages=(Stage.HEARING,),
        args=(
            Arg("case"),
            Arg("--at", required=True, type=parse_datetime, help="听证时间，如 2026-12-10 09:30"),
            Arg("--place", required=True),
            Arg("--host", required=True, help="听证主持人（非本案调查人员）"),
            Arg("--recorder", help="记录人（非本案调查人员）"),
            OneOf(
                Arg("--public", action="store_true", help="公开举行（默认）", default=None),
                Arg("--not-public", dest="public", action="store_false", help="不公开举行"),
            ),
            Arg("--not-public-reason", help="不公开的理由（国家秘密、商业秘密或者个人隐私）"),
            Arg("--served-on", type=parse_date, help="听证通知书送达日期（默认今天）"),
        ),
    ),
    Command(
        "case waive-defence",
        "登记当事人书面放弃陈述申辩",
        services=("enforcement_desk.procedure.steps:waive_defence",),
        stages=(Stage.PRIOR_NOTICE,),
        args=(
            Arg("case"),
            Arg("--note", required=True),
        ),
    ),
    Command(
        "case discussion",
        "登记集体讨论（负责人）",
        services=("enforcement_desk.procedure.steps:record_discussion",),
        roles=(Role.HEAD,),
        stages=(Stage.COLLECTIVE_DISCUSSION,),
        args=(
            Arg("case"),
            Arg("--held-on", type=parse_date),
            Arg("--participants", required=True, help="参加人，逗号或顿号分隔"),
            Arg(
                "--opinion",
                nargs="*",
                metavar="姓名：意见",
                help="各人意见，每项 姓名：意见（也可写 姓名=意见）",
            ),
            Arg("--conclusion", required=True),
        ),
    ),
    Command(
        "case extend",
        "延长办案期限（负责人）",
        services=("enforcement_desk.procedure.steps:extend_decision_deadline",),
        roles=(Role.HEAD,),
        args=(
            Arg("case"),
            Arg("--days", required=True, type=int),
            Arg("--reason", required=True),
        ),
    ),
    Command(
        "deadlines",
        "到期和逾期的法定期限",
        services=("enforcement_desk.procedure.deadlines:due_deadlines",),
        args=(
            Arg("--days", type=int, help="列出多少天内到期的（默认 7）", default=7),
            Arg("--mine", action="store_true", help="只列本人承办的案件"),
        ),
    ),
    Command(
        "deadlines compute",
        "期限计算器：自某日起若干工作日或日，列出跳过的节假日",
        services=("enforcement_desk.procedure.deadlines:compute_period",),
        access=Access.DATABASE,
        args=(
            Arg("--from", dest="start", required=True, type=parse_date, help="起算日（当日不计入）"),
            OneOf(
                Arg("--working-days", type=parse_count, help="工作日数"),
                Arg("--days", type=parse_count, help="日数（自然日，末日为节假日的顺延）"),
                required=True,
            ),
        ),
    ),
    Command(
        "review queue",
        "待我审核的案件",
        services=("enforcement_desk.procedure.review:review_queue",),
        roles=(Role.REVIEWER,),
    ),
    Command(
        "review history",
        "案件的各轮法制审核",
        services=("enforcement_desk.procedure.review:review_history",),
        args=(Arg("case"),),
    ),
    Command(
        "review decide",
        "作出审核结论（七项审核事项未列问题的视为通过）",
        services=("enforcement_desk.procedure.review:record_review",),
        args=(
            Arg("case"),
            Arg(
                "--outcome",
                required=True,
                choices=sorted(REVIEW_OUTCOME_WORDS),
                help="同意 / 建议修改 / 不同意",
            ),
            Arg("--opinion", required=True, help="审核意见"),
            Arg("--problem", nargs="*", metavar="事项=问题", help="如 证据=缺少询问笔录原件"),
        ),
    ),
)
