"""The procedure's commands: parties, cases from acceptance to closing, deadlines and legal review."""

from __future__ import annotations

from enforcement_desk.commands.arguments import (
    parse_count,
    parse_date,
    parse_datetime,
    parse_money,
    parse_whole_number,
)
from enforcement_desk.commands.table import Access, Arg, Command, OneOf, declare
from enforcement_desk.core.procedure.periods import DECISION_PAUSE_KINDS
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import PRE_DECISION_STAGES, CaseSource, Outcome, Stage

# The stages the decision period runs in: from filing to the decision (卫生健康行政处罚程序规定 art. 42).
DECISION_PERIOD_STAGES = tuple(
    s for s in Stage if s in PRE_DECISION_STAGES and s is not Stage.ACCEPTED
)

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
        "case deadlines",
        "案件的全部法定期限（24 小时期限显示到时、分）",
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
                "--late-reason",
                help="decide：办案期限已届满时，超过期限作出决定的理由（《卫生健康行政处罚程序规定》第四十二条）",
            ),
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
            Arg("--agents", help="当事人委托的代理人（一至二人），逗号或顿号分隔"),
            Arg(
                "--terminated",
                metavar="事由",
                help="终止听证（视为放弃听证权利，《行政处罚法》第六十四条第（六）项）：无正当理由拒不出席 或 中途退出；"
                "--record 写明经过",
            ),
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
        "登记集体讨论（负责人，《卫生健康行政处罚程序规定》第四十条）",
        services=("enforcement_desk.procedure.steps:record_discussion",),
        roles=(Role.HEAD,),
        # After a passed review in its own stage; a case art. 40 sends to discussion without review, where it
        # is decided (procedure/steps/hearing.record_discussion).
        stages=(Stage.PRIOR_NOTICE, Stage.HEARING, Stage.COLLECTIVE_DISCUSSION),
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
        "case discussion-grounds",
        "标记集体讨论的事由：重大安全问题、重大社会影响，负责人提交（《卫生健康行政处罚程序规定》第四十条）",
        services=("enforcement_desk.procedure.steps:mark_discussion_grounds",),
        roles=(Role.OFFICER, Role.HEAD),
        stages=tuple(s for s in Stage if s in PRE_DECISION_STAGES),
        args=(
            Arg("case"),
            Arg(
                "--ground",
                action="append",
                choices=("重大安全问题", "重大社会影响", "负责人提交"),
                help="本案的事由，可写多次；不写的为撤销全部标记（负责人提交的只能由负责人标记或撤销）",
            ),
            Arg("--note", required=True, help="标记的理由"),
        ),
    ),
    Command(
        "case extend",
        "延长办案期限（负责人，《卫生健康行政处罚程序规定》第四十二条第二款）",
        services=("enforcement_desk.procedure.steps:extend_decision_deadline",),
        roles=(Role.HEAD,),
        args=(
            Arg("case"),
            Arg(
                "--days",
                required=True,
                type=parse_whole_number,
                help="延长的日数：第一次经负责人批准最多 60 日；第二次经集体讨论决定最多 30 日",
            ),
            Arg("--reason", required=True),
            Arg("--discussion-date", type=parse_date, help="第二次延长：集体讨论的日期"),
            Arg("--participants", help="第二次延长：参加集体讨论的负责人（至少两人），逗号或顿号分隔"),
            Arg("--conclusion", help="第二次延长：集体讨论的结论（案情重大或者特别复杂，同意再延长）"),
        ),
    ),
    Command(
        "case pause-period",
        "登记不计入办案期限的期间（听证、检验、鉴定等，《卫生健康行政处罚程序规定》第四十二条第三款）",
        services=("enforcement_desk.procedure.steps:record_decision_pause",),
        roles=(Role.OFFICER,),
        stages=DECISION_PERIOD_STAGES,
        args=(
            Arg("case"),
            Arg("--kind", required=True, choices=DECISION_PAUSE_KINDS),
            Arg("--from", dest="started_on", required=True, type=parse_date, help="开始日期"),
            Arg("--to", dest="ended_on", type=parse_date, help="结束日期（尚未结束的不填，结束时用 case pause-end 登记）"),
            Arg("--note", help="说明（如送检的样品和检验机构）"),
        ),
    ),
    Command(
        "case pause-end",
        "登记不计入期间的结束（办案期限恢复计算）",
        services=("enforcement_desk.procedure.steps:end_decision_pause",),
        roles=(Role.OFFICER,),
        stages=DECISION_PERIOD_STAGES,
        args=(
            Arg("case"),
            Arg("--to", dest="ended_on", type=parse_date, help="结束日期（默认今天）"),
            Arg("--note", help="说明（如收到检验报告）"),
        ),
    ),
    Command(
        "case extend-filing",
        "延长立案期限（负责人，《卫生健康行政处罚程序规定》第三十二条）",
        services=("enforcement_desk.procedure.steps:extend_filing_deadline",),
        roles=(Role.HEAD,),
        stages=(Stage.ACCEPTED,),
        args=(
            Arg("case"),
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

# Execution beside the workflow's steps (行政强制法 arts. 53–58; 行政处罚法 arts. 72, 73): presented by cli/execution.py.
EXECUTION_STAGES = (Stage.SERVED, Stage.EXECUTING)
SERVICE_METHOD_CHOICES = ("直接送达", "留置送达", "邮寄送达", "委托送达", "公告送达", "电子送达")
MONEY_KINDS = {"罚款": "fine", "加处罚款": "surcharge", "没收违法所得": "confiscation",
               "fine": "fine", "surcharge": "surcharge", "confiscation": "confiscation"}  # fmt: skip

declare(
    Command(
        "case reminder-served",
        "登记催告书的送达（十个工作日自送达之日起算）",
        services=("enforcement_desk.procedure.steps:record_reminder_service",),
        roles=(Role.OFFICER,),
        stages=EXECUTION_STAGES,
        args=(
            Arg("case"),
            Arg("--served-on", type=parse_date, help="催告书送达日期（默认今天）"),
            Arg("--method", choices=SERVICE_METHOD_CHOICES, default="直接送达", help="送达方式（默认直接送达）"),
            Arg("--receiver", required=True, help="受送达人/签收人"),
            Arg("--consent", action="store_true", help="电子送达：受送达人已同意并签订确认书"),
        ),
    ),
    Command(
        "case challenge",
        "登记当事人申请行政复议或提起行政诉讼",
        services=("enforcement_desk.procedure.steps:record_challenge",),
        roles=(Role.OFFICER, Role.HEAD),
        stages=(*EXECUTION_STAGES, Stage.CLOSED),
        args=(
            Arg("case"),
            Arg("--kind", required=True, choices=("复议", "诉讼")),
            Arg("--filed-on", type=parse_date, help="申请复议或起诉的日期（默认今天）"),
            Arg("--body", required=True, help="复议机关或人民法院"),
            Arg("--note"),
        ),
    ),
    Command(
        "case challenge-outcome",
        "登记行政复议或行政诉讼的结果",
        services=("enforcement_desk.procedure.steps:record_challenge_outcome",),
        roles=(Role.OFFICER, Role.HEAD),
        stages=(*EXECUTION_STAGES, Stage.CLOSED),
        args=(
            Arg("case"),
            Arg("--outcome", required=True, choices=("维持", "驳回", "变更", "撤销", "确认违法", "确认无效", "撤回")),
            Arg("--decided-on", type=parse_date, help="复议决定或裁判的日期（默认今天）"),
            Arg("--document-no", required=True, help="复议决定书或裁判文书的文号"),
            Arg("--note"),
        ),
    ),
    Command(
        "case court-reply",
        "登记人民法院对强制执行申请的答复",
        services=("enforcement_desk.procedure.steps:record_court_reply",),
        roles=(Role.OFFICER, Role.HEAD),
        stages=EXECUTION_STAGES,
        args=(
            Arg("case"),
            Arg("--kind", required=True, choices=("受理", "不予受理", "准予执行", "不予执行", "执行完毕", "终结执行")),
            Arg("--replied-on", type=parse_date, help="答复或裁定的日期（默认今天）"),
            Arg("--document-no", required=True, help="人民法院的案号或裁定书文号"),
            Arg("--fine", type=parse_money, help="执行到位的罚款（元）"),
            Arg("--surcharge", type=parse_money, help="执行到位的加处罚款（元）"),
            Arg("--confiscation", type=parse_money, help="执行到位的没收违法所得（元）"),
            Arg("--note"),
        ),
    ),
    Command(
        "case waive",
        "登记依决定减免的款项（负责人）",
        services=("enforcement_desk.procedure.steps:record_execution_waiver",),
        roles=(Role.HEAD,),
        stages=EXECUTION_STAGES,
        args=(
            Arg("case"),
            Arg("--kind", required=True, choices=tuple(MONEY_KINDS), help="罚款 / 加处罚款 / 没收违法所得"),
            Arg("--amount", required=True, type=parse_money),
            Arg("--decision-no", required=True, help="减免决定（复议决定书、裁判文书或本机关决定）的文号"),
            Arg("--decided-on", type=parse_date, help="减免决定的日期（默认今天）"),
            Arg("--reason", required=True),
        ),
    ),
)
