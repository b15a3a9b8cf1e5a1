"""The record's commands: discretion, evidence, documents and the transfer to the police."""

from __future__ import annotations

from enforcement_desk.commands.arguments import parse_date, parse_datetime, parse_moment, parse_money
from enforcement_desk.commands.table import Access, Arg, Command, declare
from enforcement_desk.core.discretion.benchmarks import HARM_VALUES, LEVELS
from enforcement_desk.core.discretion.engine import ART32_CIRCUMSTANCES
from enforcement_desk.core.roles import Role

# The facts the discretion engine weighs, typed the same way for compute, suggest and choose.
FACT_OPTIONS = (
    Arg("--gains", type=parse_money, help="违法所得（元）"),
    Arg("--goods-value", type=parse_money, help="货值金额（元）"),
    Arg("--days", type=int, help="违法行为持续天数（默认按案件的违法行为发生和终了日期计算）"),
    Arg("--persons", type=int, help="涉及人数", default=0),
    Arg("--harm", choices=HARM_VALUES, help="危害后果：无/轻微/严重", default="none"),
    Arg("--repeat", action="store_true", help="一年内再次违法"),
    Arg("--first", action="store_true", help="初次违法"),
    Arg("--corrected", action="store_true", help="及时改正"),
    Arg("--minor", action="store_true", help="违法行为轻微"),
    Arg("--overdue", action="store_true", help="逾期不改正"),
    Arg("--refused", action="store_true", help="拒绝、阻挠监督检查"),
    Arg("--previously-punished", action="store_true", help="曾因同类违法行为受过处罚"),
    Arg(
        "--no-fault",
        action="store_true",
        help="当事人有证据足以证明没有主观过错（第三十三条第二款）",
    ),
    Arg(
        "--art32",
        action="append",
        choices=sorted(ART32_CIRCUMSTANCES),
        help="第三十二条情形，可多次指定：" + "；".join(f"{k}={v}" for k, v in ART32_CIRCUMSTANCES.items()),
        default=[],
    ),
    Arg("--circumstance", action="append", help="条文列举的情形（见 discretion show）", default=[]),
    Arg("--age", type=int, help="当事人为自然人时的年龄（第三十条）"),
    Arg("--act-date", type=parse_date, help="违法行为发生日期（默认取案件记录）"),
    Arg("--act-ended", type=parse_date, help="连续或继续状态的违法行为终了日期"),
    Arg("--discovered", type=parse_date, help="发现日期（默认取案件记录）"),
    Arg("--life-health-harm", action="store_true", help="涉及公民生命健康安全且有危害后果"),
)

COMPUTE_OPTIONS = (
    Arg("--case", help="案件编号（受理编号、文号或 #id）；不指定时须给出 --code"),
    Arg("--code", action="append", help="违法行为编码；同一行为违反多个规定时可多次指定", default=[]),
    Arg("--level", choices=LEVELS, help="指定裁量阶次（默认按基准推荐）"),
    *FACT_OPTIONS,
)

declare(
    Command(
        "document kinds",
        "文书种类；指定案件时列出此刻可否出具及原因",
        services=("enforcement_desk.documents.service:document_kinds",),
        access=Access.DATABASE,
        args=(Arg("case", nargs="?", help="案件编号、文号或 #ID"),),
    ),
    Command(
        "document issue",
        "出具（或再次打印）文书",
        services=("enforcement_desk.documents.service:issue_document",),
        roles=(Role.OFFICER, Role.REVIEWER, Role.HEAD),
        args=(
            Arg("case"),
            Arg("kind", help="文书种类，见 document kinds"),
            Arg("--correction", help="更正理由（出具更正后的新版本）"),
            Arg("--another", action="store_true", help="再出具一份同类文书（如另一人的询问笔录）"),
            Arg("--out", help="同时导出到此文件或文件夹"),
            Arg("--format", choices=("pdf", "docx"), default="pdf"),
        ),
    ),
    Command(
        "document list",
        "案件已出具的文书",
        services=("enforcement_desk.documents.service:list_documents",),
        args=(Arg("case"),),
    ),
    Command(
        "document export",
        "导出已出具的文书文件",
        services=("enforcement_desk.documents.service:export_document",),
        args=(
            Arg("document_id", type=int),
            Arg("--out", required=True),
            Arg("--format", choices=("pdf", "docx"), default="pdf"),
        ),
    ),
    Command(
        "document preview",
        "预览文书草稿（不编号、不登记，页面印有“草稿”）",
        services=("enforcement_desk.documents.service:preview_document",),
        roles=(Role.OFFICER, Role.REVIEWER, Role.HEAD),
        args=(
            Arg("case"),
            Arg("kind", help="文书种类，见 document kinds"),
            Arg("--out", required=True, help="草稿 PDF 的保存位置"),
        ),
    ),
    Command(
        "document void",
        "作废已出具的文书（负责人；文号保留并标注作废）",
        services=("enforcement_desk.documents.service:void_document",),
        roles=(Role.HEAD,),
        args=(
            Arg("document_id", type=int),
            Arg("--reason", required=True, help="作废理由"),
        ),
    ),
    Command(
        "document casefile",
        "组卷：封面、卷内目录、按程序排列并连续编页号的文书和卷内备考表，合成一个 PDF",
        services=("enforcement_desk.documents.case_file:build_case_file",),
        args=(
            Arg("case"),
            Arg("--out", required=True),
        ),
    ),
    Command(
        "document verify",
        "核验文书：PDF/DOCX 文件或纸质文书上的校验码是否与登记簿一致、是第几版、是否现行（无需登录）",
        services=("enforcement_desk.documents.verification:verify_document",),
        access=Access.DATABASE,
        args=(
            Arg("target", help="文书的 PDF/DOCX 文件，或纸质文书上印的文号和校验码（如 3F9A-C21B-77D0-5E41）"),
        ),
    ),
    Command(
        "evidence add",
        "登记一个证据文件",
        services=("enforcement_desk.evidence.service:add_evidence",),
        roles=(Role.OFFICER,),
        args=(
            Arg("case"),
            Arg("file"),
            Arg("--type", help="证据种类（默认按文件类型判断）"),
            Arg("--description", default=""),
            Arg("--place", help="收集地点", default=""),
            Arg("--device", help="采集设备，如执法记录仪编号", default=""),
        ),
    ),
    Command(
        "evidence list",
        "案件的证据",
        services=("enforcement_desk.evidence.service:list_evidence",),
        args=(Arg("case"),),
    ),
    Command(
        "evidence import-folder",
        "导入执法记录仪存储卡文件夹中的文件（可按文件名、时间选择）",
        services=("enforcement_desk.evidence.service:import_files",),
        access=Access.DATABASE,
        args=(
            Arg("case"),
            Arg("folder"),
            Arg("--only", action="append", metavar="文件名", help="只导入这些文件（可多次指定）", default=[]),
            Arg("--since", type=parse_datetime, help="只导入此时间及以后拍摄的文件"),
            Arg("--until", type=parse_datetime, help="只导入此时间及以前拍摄的文件"),
            Arg("--device", help="执法记录仪编号", default=""),
            Arg("--place", help="收集地点", default=""),
            Arg("--description", help="说明（默认用文件名）", default=""),
            Arg("--dry-run", action="store_true", help="只列出将导入的文件和拍摄时间"),
        ),
    ),
    Command(
        "evidence void",
        "作废证据（保留记录）",
        services=("enforcement_desk.evidence.service:void_evidence",),
        roles=(Role.OFFICER,),
        args=(
            Arg("evidence_id", type=int),
            Arg("--reason", required=True),
        ),
    ),
    Command(
        "evidence correct-time",
        "更正拍摄时间（原时间保留）",
        services=("enforcement_desk.evidence.service:correct_capture_time",),
        roles=(Role.OFFICER,),
        args=(
            Arg("evidence_id", type=int),
            Arg("captured_at", type=parse_datetime),
            Arg("--reason", required=True),
        ),
    ),
    Command(
        "evidence gc",
        "列出（--apply 时清理）中断的导入和备份留下的文件：无记录引用的证据文件、临时文件、备份暂存（管理员）",
        services=("enforcement_desk.evidence.leftovers:collect_leftovers",),
        roles=(Role.ADMIN,),
        args=(Arg("--apply", action="store_true", help="删除列出的文件并记入审计（默认只列出，不删除）"),),
    ),
    Command(
        "evidence repair",
        "用原始文件修复证据库中缺失或被改动的证据、文书文件（SHA-256 须与登记的一致）",
        services=("enforcement_desk.evidence.service:repair_evidence_file",),
        roles=(Role.ADMIN, Role.OFFICER),
        args=(Arg("file", help="原始文件，如执法记录仪存储卡上的文件"),),
    ),
    Command(
        "discretion list",
        "基准库中的违法行为；指定案件时按案由和执法类别把建议的排在前面并说明理由",
        services=(
            "enforcement_desk.discretion.service:list_violations",
            "enforcement_desk.discretion.service:suggest_for_case",
        ),
        args=(
            Arg("--area", help="领域，如 公共场所、生活饮用水"),
            Arg("--text", help="名称或编码包含的文字", default=""),
            Arg("--case", help="案件编号（受理编号、文号或 #id）：列出按案由、执法类别建议的违法行为"),
            Arg("--suggested", action="store_true", help="与 --case 同用：只列出建议的违法行为"),
        ),
    ),
    Command(
        "discretion show",
        "一个违法行为的条款、法定罚款和裁量阶次",
        services=("enforcement_desk.discretion.service:show_violation",),
        args=(Arg("code", help="违法行为编码，如 YL-001"),),
    ),
    Command(
        "discretion compute",
        "按认定的事实计算建议罚款（不保存）",
        services=(
            "enforcement_desk.discretion.service:compute_for_case",
            "enforcement_desk.discretion.service:compute_for_violation",
        ),
        args=(*COMPUTE_OPTIONS,),
    ),
    Command(
        "discretion suggest",
        "同 compute",
        services=(
            "enforcement_desk.discretion.service:compute_for_case",
            "enforcement_desk.discretion.service:compute_for_violation",
        ),
        args=(*COMPUTE_OPTIONS,),
    ),
    Command(
        "discretion choose",
        "确定本案的裁量意见并保存为拟处理意见（承办人）",
        services=("enforcement_desk.discretion.service:choose_for_case",),
        roles=(Role.OFFICER,),
        args=(
            Arg("case"),
            Arg("--code", action="append", help="违法行为编码（默认取案件记录）", default=[]),
            Arg("--level", choices=LEVELS),
            Arg("--fine", type=parse_money, help="罚款金额（默认取建议金额）"),
            Arg("--reason", help="偏离建议阶次或幅度时的书面理由", default=""),
            *FACT_OPTIONS,
        ),
    ),
    Command(
        "discretion import",
        "导入本机关裁量基准表（.xlsx/.csv），先预览，确认后启用",
        services=("enforcement_desk.discretion.service:preview_import",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(
            Arg("file"),
            Arg("--name", help="基准表名称（默认取文件名）", default=""),
        ),
    ),
    Command(
        "discretion confirm",
        "启用一次导入的基准表",
        services=("enforcement_desk.discretion.service:confirm_import",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(Arg("id", type=int),),
    ),
    Command(
        "discretion discard",
        "放弃一次导入",
        services=("enforcement_desk.discretion.service:discard_import",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(Arg("id", type=int),),
    ),
    Command(
        "discretion tables",
        "本机关历次导入的基准表",
        services=("enforcement_desk.discretion.service:list_imports",),
    ),
    Command(
        "transfer report",
        "提出移送涉嫌犯罪案件的书面报告（2 名以上执法人员）",
        services=("enforcement_desk.transfer.service:submit_transfer_report",),
        roles=(Role.OFFICER,),
        args=(
            Arg("case"),
            Arg("--officers", required=True, help="报告人登录名，逗号分隔（须含本人，至少 2 名）"),
            Arg("--findings", required=True, help="涉嫌犯罪的事实和理由"),
        ),
    ),
    Command(
        "transfer package",
        "制作移送材料包（ZIP）",
        services=("enforcement_desk.transfer.service:build_transfer_package",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("case"),
            Arg("--out", "-o", dest="out", required=True, help="保存的 ZIP 文件"),
        ),
    ),
    Command(
        "transfer verify",
        "核对移送材料包（接收单位也可使用，无需数据库）；签名人须经公钥文件、指纹或本机信任库确认",
        services=("enforcement_desk.transfer.service:verify_transfer_package",),
        access=Access.NONE,
        args=(
            Arg("file"),
            Arg("--public-key", help="移送机关提供的公钥文件（PEM）"),
            Arg("--fingerprint", help="移送机关的公钥指纹（移送书上印的或电话核实的 32 位十六进制数字）"),
        ),
    ),
    Command(
        "transfer trust-key",
        "接收单位：把核实过指纹的移送机关公钥导入本机信任库，以后核对其材料包无需再指定公钥（无需数据库）",
        services=("enforcement_desk.transfer.trust:trust_key",),
        access=Access.NONE,
        args=(
            Arg("file", help="移送机关提供的公钥文件（PEM）"),
            Arg("--name", help="移送机关名称"),
        ),
    ),
    Command(
        "transfer trusted-keys",
        "接收单位：列出本机信任库中的移送机关公钥（无需数据库）",
        services=("enforcement_desk.transfer.trust:trusted_keys",),
        access=Access.NONE,
    ),
    Command(
        "transfer receipt",
        "登记公安机关签收的回执（扫描件）",
        services=("enforcement_desk.transfer.service:record_transfer_receipt",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("case"),
            Arg("--scan", required=True, help="回执扫描件"),
            Arg("--receiver", required=True, help="接收人"),
            Arg("--unit", help="接收单位（默认为批准移送时填写的公安机关）"),
            Arg(
                "--received-at",
                required=True,
                type=parse_moment,
                help="回执上公安机关接收的日期和时间，如 2026-11-03 09:30（24 小时按小时计算）",
            ),
        ),
    ),
    Command(
        "transfer reconsider",
        "登记提请公安机关复议（不予立案通知书收到后 3 日内）",
        services=("enforcement_desk.transfer.follow_up:request_reconsideration",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("case"),
            Arg("--reason", required=True, help="认为依法应当由公安机关立案的理由"),
            Arg("--requested-on", type=parse_date, help="提请复议的日期（默认今天）"),
        ),
    ),
    Command(
        "transfer items",
        "登记向公安机关移交涉案物品和材料（立案通知书收到后 3 日内）",
        services=("enforcement_desk.transfer.follow_up:record_item_handover",),
        roles=(Role.OFFICER, Role.HEAD),
        args=(
            Arg("case"),
            Arg("--items", required=True, help="移交的涉案物品和其他材料"),
            Arg("--receiver", required=True, help="公安机关接收人"),
            Arg("--receipt", help="交接手续（交接清单编号等）", default=""),
            Arg("--handed-on", type=parse_date, help="移交日期（默认今天）"),
        ),
    ),
    Command(
        "transfer status",
        "查看移送报告、审批、材料包和回执",
        services=("enforcement_desk.transfer.service:transfer_status",),
        args=(Arg("case"),),
    ),
    Command(
        "transfer public-key",
        "导出本机关的签名公钥",
        services=("enforcement_desk.transfer.service:public_key",),
        args=(Arg("--out", help="保存为 PEM 文件"),),
    ),
    Command(
        "transfer key-export",
        "导出签名私钥（口令加密），供本机关其他电脑导入",
        services=("enforcement_desk.transfer.service:export_signing_key",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(Arg("--out", required=True),),
    ),
    Command(
        "transfer key-import",
        "导入在本机关其他电脑上导出的签名私钥",
        services=("enforcement_desk.transfer.service:import_signing_key",),
        roles=(Role.HEAD, Role.ADMIN),
        args=(
            Arg("file"),
            Arg("--replace", action="store_true", help="替换本机已有的另一把私钥"),
        ),
    ),
)
