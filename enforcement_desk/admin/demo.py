"""A demo database: a county health-supervision unit with cases in every stage, each carried
there through the same services an officer uses (so history, deadlines and audit are real)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from enforcement_desk.admin.agency_settings import set_transfer_approvers
from enforcement_desk.admin.auth import login
from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize, is_initialized
from enforcement_desk.admin.users import UserDraft, add_user
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import ORDINARY_MAIN_LINE, CaseSource, Outcome, Stage
from enforcement_desk.procedure import steps as procedure
from enforcement_desk.procedure.cases import (
    CaseDraft,
    Proposal,
    create_case,
    create_onsite_case,
    set_major_flags,
    set_proposal,
    update_case,
)
from enforcement_desk.procedure.parties import PartyDraft, add_party
from enforcement_desk.transfer.service import submit_transfer_report

DEMO_PASSWORD = "demo-pass-2026"

DEMO_AGENCY = AgencyDraft(
    name="沂水县卫生健康综合监督执法局",
    short_name="沂",
    uscc="12371323MB2853161H",
    address="山东省临沂市沂水县沂城街道健康路 18 号",
    phone="0539-2251234",
    reconsideration_body="沂水县人民政府",
    court="沂水县人民法院",
    bank_name="中国农业银行沂水县支行",
    bank_account="15-411101040001234",
    payee="沂水县财政局非税收入专户",
)

DEMO_USERS = (
    UserDraft("wangqiang", "王强", Role.OFFICER, DEMO_PASSWORD, "37130020230101", date(2028, 12, 31)),
    UserDraft("lina", "李娜", Role.OFFICER, DEMO_PASSWORD, "37130020230102", date(2028, 12, 31)),
    UserDraft("zhaolei", "赵磊", Role.OFFICER, DEMO_PASSWORD, "37130020230103", date(2028, 6, 30)),
    UserDraft("sunli", "孙丽", Role.OFFICER, DEMO_PASSWORD, "37130020230104", date(2028, 6, 30)),
    UserDraft("zhoumin", "周敏", Role.REVIEWER, DEMO_PASSWORD, None, None, legal_qualified=True),
    UserDraft("chenjun", "陈军", Role.HEAD, DEMO_PASSWORD, None, None),
    UserDraft("liuyang", "刘洋", Role.HEAD, DEMO_PASSWORD, None, None),
)

DEMO_PARTIES = (
    PartyDraft(
        "person", "张某某", "370323198503150010", address="沂水县许家湖镇某村 56 号", phone="13805391234"
    ),
    PartyDraft(
        "organisation",
        "沂水县悦来宾馆有限公司",
        "91371323MA3C7X2Y1L",
        legal_representative="刘某",
        address="沂水县长安路 88 号",
        phone="0539-2261111",
        business_type="住宿",
    ),
    PartyDraft(
        "organisation",
        "沂水县清泉供水有限公司",
        "91371323MA3D8K5P2K",
        legal_representative="高某",
        address="沂水县泉庄镇工业路 3 号",
        phone="0539-2271234",
        business_type="集中式供水",
    ),
    PartyDraft(
        "organisation",
        "沂水康宁口腔诊所",
        "92371323MA3E9R4T5W",
        legal_representative="赵某",
        address="沂水县正阳路 120 号",
        phone="0539-2289876",
        business_type="医疗机构",
    ),
    PartyDraft(
        "organisation",
        "沂水县金盾机械制造有限公司",
        "91371323MA3F1A2B37",
        legal_representative="孙某",
        address="沂水县经济开发区 9 号",
        phone="0539-2290001",
        business_type="职业卫生",
    ),
    PartyDraft(
        "person", "李某", "371323199001010021", address="沂水县沂城街道某小区 3 号楼", phone="13905395678"
    ),
)

# (target stage, party index, category, cause, facts, proposal)
# The benchmark entry of each scenario's violation: its penalty article names the order to correct.
_BENCHMARK_CODES = {"unlicensed": "YL-001", "hotel": "GG-001", "water": "SY-001", "clinic": "YL-004", "factory": "ZY-003"}

_SCENARIOS = (
    (
        "unlicensed",
        0,
        "医",
        "未取得医疗机构执业许可证擅自执业",
        "当事人未取得《医疗机构执业许可证》，在沂水县许家湖镇某村 56 号开展静脉输液等诊疗活动，违法所得 3000 元。",
        Proposal(
            Outcome.PENALTY,
            ("没收违法所得", "没收药品器械", "罚款"),
            Decimal("50000"),
            Decimal("3000"),
            level="一般",
            reason="违法所得不足一万元按一万元计，执业时间不足三个月，未造成患者人身损害",
            violated_provision="《中华人民共和国基本医疗卫生与健康促进法》第三十八条第二款",
            legal_basis="《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款",
        ),
    ),
    (
        "hotel",
        1,
        "公",
        "公共场所未取得卫生许可证擅自营业",
        "当事人未取得公共场所卫生许可证，于 2026 年 9 月起经营住宿业务。",
        Proposal(
            Outcome.PENALTY,
            ("警告", "罚款"),
            Decimal("3000"),
            level="一般",
            reason="首次发现，已停止营业并申请许可",
            violated_provision="《公共场所卫生管理条例》第八条",
            legal_basis="《公共场所卫生管理条例实施细则》第三十五条第一款",
        ),
    ),
    (
        "water",
        2,
        "水",
        "集中式供水单位安排未取得体检合格证的人员从事直接供、管水工作",
        "当事人安排 1 名未取得健康体检合格证明的人员从事直接供、管水工作。",
        Proposal(
            Outcome.PENALTY,
            ("罚款",),
            Decimal("300"),
            level="一般",
            reason="当事人安排未取得体检合格证的人员仅 1 人，且已安排其停止供、管水工作",
            violated_provision="《生活饮用水卫生监督管理办法》第十一条第一款",
            legal_basis="《生活饮用水卫生监督管理办法》第二十五条",
        ),
    ),
    (
        "clinic",
        3,
        "医",
        "使用非卫生技术人员从事医疗卫生技术工作",
        "当事人使用 1 名未取得执业资格的人员从事口腔诊疗工作。",
        Proposal(
            Outcome.PENALTY,
            ("罚款",),
            Decimal("10000"),
            level="从轻",
            reason="已辞退该人员，主动改正",
            violated_provision="《医疗机构管理条例》第二十七条",
            legal_basis="《医疗机构管理条例》第四十七条",
        ),
    ),
    (
        "factory",
        4,
        "职",
        "未按照规定组织劳动者进行职业健康检查",
        "当事人未组织接触噪声的 12 名劳动者进行上岗前和在岗期间职业健康检查。",
        Proposal(
            Outcome.PENALTY,
            ("警告", "罚款"),
            Decimal("80000"),
            level="一般",
            reason="接触噪声的劳动者达 12 人，未组织职业健康检查的时间较长",
            violated_provision="《中华人民共和国职业病防治法》第三十五条第一款",
            legal_basis="《中华人民共和国职业病防治法》第七十一条第（四）项",
        ),
    ),
)

_TARGETS = ORDINARY_MAIN_LINE  # a case or two stopped at every stage of the main line

# Roughly how long the driver takes to bring a case to each stage, with room for a long holiday inside a
# waiting period: cases then reach their stage in the last days or weeks, as in a live office.
_DAYS_TO_REACH = {
    Stage.ACCEPTED: 0, Stage.INVESTIGATING: 1, Stage.INVESTIGATION_CLOSED: 6, Stage.DELIBERATED: 6,
    Stage.PRIOR_NOTICE: 7, Stage.HEARING: 9, Stage.LEGAL_REVIEW: 28, Stage.COLLECTIVE_DISCUSSION: 30,
    Stage.DECIDED: 24, Stage.SERVED: 25, Stage.EXECUTING: 30, Stage.CLOSED: 31, Stage.ARCHIVED: 60,
}  # fmt: skip
_MAJOR_ONLY_TARGETS = (Stage.HEARING, Stage.LEGAL_REVIEW, Stage.COLLECTIVE_DISCUSSION)
_MAJOR_SCENARIOS = tuple(s for s in _SCENARIOS if s[0] in ("unlicensed", "factory"))
_OFFICER_PAIRS = (("wangqiang", "lina"), ("zhaolei", "sunli"), ("lina", "zhaolei"))


@dataclass(frozen=True)
class DemoReport:
    """What the demo made: the number of cases and the (login, role) of each user."""

    cases: int
    users: tuple[tuple[str, str], ...]


class _Driver:
    """Carries one case to a target stage, moving the business date forward like real work."""

    def __init__(self, ctx: AppContext, actors: dict[str, Actor], start: date, officers: tuple[str, str]):
        self.ctx, self.actors, self.day = ctx, actors, start
        self.limit = ctx.today_override or date.today()
        self.lead, self.second = officers

    def wait(self, days: int) -> None:
        """Move on `days`, to a weekday when possible; never past the real today (no future records)."""
        target = self.day + timedelta(days=days)
        day = target
        while day.weekday() >= 5:
            day += timedelta(days=1)
        self.day = day if day <= self.limit else min(target, self.limit)
        self.ctx.today_override = self.day

    def wait_past_deadline(self, case_id: int, *keys: str) -> None:
        """Move to the first working day after an open period ends (holidays make fixed waits wrong)."""
        from enforcement_desk.procedure.cases import get_case

        detail = get_case(self.ctx, self.actors[self.lead], case_id)
        due = max(d.due_on for d in detail.deadlines if d.key in keys and d.status == "open")
        self.day = max(self.day, due)
        self.wait(1)

    def _publish(self, case_id: int) -> None:
        """The decision goes to the credit platform the day after it is served."""
        from enforcement_desk.supervision.publicity import list_publicity, mark_published

        for record in list_publicity(self.ctx, self.actors[self.lead], pending_only=True):
            if record.case_id == case_id:
                mark_published(self.ctx, self.actors[self.lead], record.id, self.day)

    def step(self, who: str, case_id: int, action: str, **params) -> None:
        procedure.advance(self.ctx, self.actors[who], case_id, action, params)

    def issue(self, who: str, case_id: int, *kinds: str) -> None:
        """The documents of the step just taken, as the officer prints them then (so an archived demo
        case has its file)."""
        from enforcement_desk.documents.service import issue_document

        for kind in kinds:
            issue_document(self.ctx, self.actors[who], case_id, kind)

    def run(self, scenario, target: Stage, party_ids: list[int]) -> int:
        key, party_index, category, cause, facts, proposal = scenario
        major = (
            proposal.fine is not None
            and proposal.fine > Decimal("10000")
            and party_index == 0
            or key == "factory"
        )
        self.ctx.today_override = self.day
        officer = self.actors[self.lead]
        handlers = (officer.user_id, self.actors[self.second].user_id)
        case = create_case(
            self.ctx,
            officer,
            CaseDraft(
                CaseSource.INSPECTION if key != "hotel" else CaseSource.COMPLAINT,
                party_ids[party_index],
                cause,
                handlers,
                self.day - timedelta(days=1),
                category=category,
                act_date=self.day - timedelta(days=40),
                location=f"{DEMO_PARTIES[party_index].address}",
                source_detail="日常监督检查中发现" if key != "hotel" else "群众投诉：宾馆无卫生许可证营业",
                violation_code=_BENCHMARK_CODES[key],
            ),
        )
        cid = case.id
        if target is Stage.ACCEPTED:
            return cid
        self.wait(1)
        self.step("chenjun", cid, "file", opinion="同意立案")
        self.issue(self.lead, cid, "case_acceptance", "filing_report")
        if target is Stage.INVESTIGATING:
            return cid
        self.wait(5)
        update_case(
            self.ctx,
            officer,
            cid,
            _version(self.ctx, officer, cid),
            facts=facts,
            evidence_summary="现场笔录、询问笔录、现场照片 6 张、执法记录仪视频 1 段",
        )
        # The 调查终结报告 states the handling the handlers propose, so the proposal comes first.
        set_proposal(self.ctx, officer, cid, _version(self.ctx, officer, cid), proposal)
        self.step(self.lead, cid, "close_investigation")
        self.issue(self.lead, cid, "investigation_report")
        if target is Stage.INVESTIGATION_CLOSED:
            return cid
        if (
            key == "factory"
        ):  # 12 workers exposed to noise: the head marks it as touching major public interest
            set_major_flags(
                self.ctx, self.actors["chenjun"], cid, {"public_interest"}, note="涉及劳动者 12 人的职业健康"
            )
        self.step(self.lead, cid, "deliberate")
        self.issue(self.lead, cid, "deliberation_record")
        if target is Stage.DELIBERATED:
            return cid
        self.wait(1)
        self.issue(self.lead, cid, "prior_notice", *(("hearing_right_notice",) if major or key == "unlicensed" else ()))
        self.step(self.lead, cid, "send_prior_notice", served_on=self.day)
        if target is Stage.PRIOR_NOTICE:
            return cid
        hearing_path = major and target in (Stage.HEARING,) or key == "unlicensed"
        if hearing_path:
            self.wait(2)
            self.step(self.lead, cid, "request_hearing", requested_on=self.day)
            if target is Stage.HEARING:
                return cid
            notice_day = self.day
            hearing_day = procedure.earliest_hearing_day(notice_day, AgencySettings())
            procedure.arrange_hearing(
                self.ctx, officer, cid, scheduled_at=datetime.combine(hearing_day, time(9, 30)),
                place="本机关听证室", host="刘洋", recorder="李静", served_on=notice_day,
            )  # fmt: skip
            self.issue(self.lead, cid, "hearing_notice")
            self.wait((hearing_day - self.day).days)
            procedure.record_hearing(self.ctx, officer, cid, procedure.HearingMinutes(
                held_on=self.day, host="刘洋", recorder="李静", place="本机关听证室", public=True,
                attendees=("当事人委托代理人", "案件调查人员"), party_statements="对违法事实无异议，请求从轻处罚",
                record="当事人对违法事实无异议，请求从轻处罚", opinion="维持拟处罚意见", party_signature="已签名",
            ))  # fmt: skip
            self.issue(self.lead, cid, "hearing_record", "hearing_opinion")
        else:
            self.wait_past_deadline(cid, "defence", "hearing_request")
        if major:
            self.step(self.lead, cid, "submit_review", note="重大执法决定，提请法制审核")
            if target is Stage.LEGAL_REVIEW:
                return cid
            self.wait(2)
            checks = [{"item": item, "result": "通过", "comment": ""} for item in procedure.REVIEW_CHECKS]
            self.step(
                "zhoumin",
                cid,
                "approve_review",
                checks=checks,
                opinion="事实清楚，证据确凿，程序合法，裁量适当，同意",
            )
            self.issue("zhoumin", cid, "legal_review_opinion")
            if target is Stage.COLLECTIVE_DISCUSSION:
                return cid
            self.wait(1)
            procedure.record_discussion(
                self.ctx,
                self.actors["chenjun"],
                cid,
                held_on=self.day,
                participants=["陈军", "刘洋", "周敏"],
                opinions=[{"name": "陈军", "opinion": "同意"}, {"name": "刘洋", "opinion": "同意"}],
                conclusion="同意按拟处罚意见作出行政处罚决定",
            )
            self.issue("chenjun", cid, "collective_discussion_record")
        elif target in (Stage.HEARING, Stage.LEGAL_REVIEW, Stage.COLLECTIVE_DISCUSSION):
            return cid
        # After a hearing the decision answers the party's arguments: adopted or not, and why.
        adoption = (
            "当事人请求从轻处罚，但其违法所得不足一万元已按一万元计算、执业时间不足三个月且未造成患者人身损害等情节"
            "已在裁量中考虑，无其他从轻或者减轻处罚情形，该请求不予采纳"
        ) if hearing_path else ""  # fmt: skip
        self.step("chenjun", cid, "decide", **({"reason": adoption} if adoption else {}))
        self.issue(self.lead, cid, "penalty_decision", "service_receipt")
        if target is Stage.DECIDED:
            return cid
        self.wait(1)
        self.step(self.lead, cid, "serve", served_on=self.day, method="直接送达", recipient="当事人本人")
        self._publish(cid)
        if target is Stage.SERVED:
            return cid
        self.wait(5)
        fine = proposal.fine or Decimal(0)
        partial = (fine / 2).quantize(Decimal("0.01")) if target is Stage.EXECUTING else fine
        self.step(
            self.lead, cid, "record_payment", amount=str(partial), paid_on=self.day, receipt_no="NS2026-0815"
        )
        if target is Stage.EXECUTING:
            return cid
        self.wait(1)
        self.step("chenjun", cid, "close", summary="罚款已全额缴纳，违法行为已改正")
        self.issue(self.lead, cid, "closing_report")
        if target is Stage.CLOSED:
            return cid
        self.wait(2)
        self.step(self.lead, cid, "archive")
        return cid


def _side_exits(ctx: AppContext, actors: dict[str, Actor], party_ids: list[int], today: date) -> int:
    """Cases that leave the main line: a complaint not filed, and suspected 非法行医 sent to the police."""
    ctx.today_override = today - timedelta(days=6)
    officers = (actors["zhaolei"].user_id, actors["sunli"].user_id)
    complaint = create_case(
        ctx, actors["zhaolei"],
        CaseDraft(CaseSource.COMPLAINT, party_ids[1], "投诉宾馆床上用品未按规定更换", officers,
                  today - timedelta(days=7), category="公", source_detail="12345 热线转办",
                  location=DEMO_PARTIES[1].address),
    )  # fmt: skip
    procedure.advance(ctx, actors["chenjun"], complaint.id, "not_file",
                      {"reason": "经现场核查，床上用品已按规定一客一换，投诉反映问题不属实"})  # fmt: skip
    ctx.today_override = today - timedelta(days=1)
    crime = create_case(
        ctx, actors["zhaolei"],
        CaseDraft(CaseSource.TRANSFER, party_ids[0], "未取得医生执业资格非法行医", officers, today - timedelta(days=3),
                  category="医", act_date=today - timedelta(days=200),
                  source_detail="乡镇卫生院报告：就诊患者出现严重不良反应", location=DEMO_PARTIES[0].address),
    )  # fmt: skip
    procedure.advance(ctx, actors["chenjun"], crime.id, "file")
    ctx.today_override = today
    # What the investigation found: the 调查终结报告 that goes with the package states it.
    update_case(ctx, actors["zhaolei"], crime.id, _version(ctx, actors["zhaolei"], crime.id),
                facts="当事人未取得医生执业资格，在其住所为就诊人静脉输液，就诊人用药后出现严重不良反应，经送医抢救脱险。",
                evidence_summary="现场笔录、询问笔录 3 份、乡镇卫生院病历、药品及输液器具照片 12 张")  # fmt: skip
    submit_transfer_report(ctx, actors["zhaolei"], crime.id, officers,
                           "就诊人用药后出现严重不良反应，当事人无医生执业资格，情节严重，涉嫌非法行医罪。")  # fmt: skip
    # 陈军 is the 正职负责人 the settings name: only he (or a head presiding) approves (310号 art. 5).
    procedure.advance(ctx, actors["chenjun"], crime.id, "transfer_police",
                      {"reason": "当事人未取得医生执业资格非法行医，造成就诊人身体严重损害，涉嫌非法行医罪（刑法第三百三十六条）",
                       "police_unit": "沂水县公安局", "procuratorate": "沂水县人民检察院"})  # fmt: skip
    return 2


def _reminder_served(ctx: AppContext, actors: dict[str, Actor], party_ids: list[int], today: date) -> int:
    """A fine left unpaid past its 15 days: the 催告书 issued and served, the party's ten working days running
    (行政强制法 arts. 54, 69); the agency may apply to the court only after the period to sue (art. 53)."""
    ctx.today_override = today
    driver = _Driver(ctx, actors, today - timedelta(days=70), ("wangqiang", "lina"))
    case_id = driver.run(next(s for s in _SCENARIOS if s[0] == "hotel"), Stage.SERVED, party_ids)
    driver.wait_past_deadline(case_id, "payment")
    driver.issue(driver.lead, case_id, "payment_reminder")
    driver.wait(2)
    procedure.record_reminder_service(ctx, actors[driver.lead], case_id, served_on=driver.day, method="直接送达",
                                      receiver="当事人的法定代表人")  # fmt: skip
    return 1


def _version(ctx: AppContext, actor: Actor, case_id: int) -> int:
    from enforcement_desk.procedure.cases import get_case

    return get_case(ctx, actor, case_id).version


class DemoCancelled(Exception):
    """The user stopped the demo part way: the database holds an unfinished demo."""


def build_demo(
    ctx: AppContext,
    cases_per_stage: int = 2,
    today: date | None = None,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoReport:
    """Fill an empty database; on a fresh machine it creates the schema itself. `progress(done,
    total, text)` hears of each case; `cancelled()` is asked before each (DemoCancelled then)."""
    from enforcement_desk.core.errors import DomainError

    total = len(_TARGETS) * cases_per_stage + 3  # the stages, the side exits, a reminder served, the on-site case

    def step(done: int, text: str) -> None:
        if cancelled is not None and cancelled():
            raise DemoCancelled()
        if progress is not None:
            progress(done, total, text)

    if is_initialized(ctx):
        raise DomainError("该数据库已有数据，演示数据只能生成到新的空数据库（用 --db 指定新文件）")
    real_today = today or ctx.today()
    admin = initialize(ctx, DEMO_AGENCY, AdminDraft("admin", "系统管理员", DEMO_PASSWORD), training=True)
    for draft in DEMO_USERS:
        add_user(ctx, admin, draft)
    set_transfer_approvers(ctx, admin, "chenjun", note="本局局长（正职负责人），审批涉嫌犯罪案件的移送")
    actors = {u.login: login(ctx, u.login, DEMO_PASSWORD) for u in DEMO_USERS}
    party_ids = [add_party(ctx, actors["wangqiang"], p).id for p in DEMO_PARTIES]
    count = 0
    for stage_index, target in enumerate(_TARGETS):
        for n in range(cases_per_stage):
            scenario = _SCENARIOS[(stage_index + n) % len(_SCENARIOS)]
            if target in _MAJOR_ONLY_TARGETS:  # only a major case stops at review or discussion
                scenario = _MAJOR_SCENARIOS[n % len(_MAJOR_SCENARIOS)]
            # Later stages start further back so that every step's date lies in the past.
            step(count, f"正在生成演示案件 {count + 1}/{total}（{target.label}）…")
            start = real_today - timedelta(days=_DAYS_TO_REACH[target] + 2 + 3 * n)
            ctx.today_override = real_today
            driver = _Driver(ctx, actors, start, _OFFICER_PAIRS[(stage_index + n) % len(_OFFICER_PAIRS)])
            driver.run(scenario, target, party_ids)
            if driver.day > real_today:
                raise RuntimeError(f"demo scenario for {target} ran past today ({driver.day})")
            count += 1
    step(count, "正在生成不予立案、移送等案件…")
    count += _side_exits(ctx, actors, party_ids, real_today)
    count += _reminder_served(ctx, actors, party_ids, real_today)
    step(total - 1, "正在生成当场处罚案件…")
    ctx.today_override = real_today
    onsite = create_onsite_case(
        ctx,
        actors["zhaolei"],
        CaseDraft(
            CaseSource.INSPECTION,
            party_ids[5],
            "公共场所未按照规定对顾客用品用具进行清洗、消毒",
            (actors["zhaolei"].user_id, actors["sunli"].user_id),
            real_today,
            category="公",
            facts="当事人经营的美容店未对供顾客使用的毛巾进行清洗、消毒，现场查见重复使用未经消毒的毛巾 12 条。",
            location="沂水县沂城街道某美容店",
            source_detail="日常监督检查中发现",
            violation_code="GG-003",
        ),
        # 0–2000 元 under art. 36: a citizen may be fined up to 200 元 on the spot (行政处罚法 art. 51).
        penalty_kinds=("警告", "罚款"),
        fine=Decimal("200"),
        violated_provision="《公共场所卫生管理条例实施细则》第十四条第一款",
        legal_basis="《公共场所卫生管理条例实施细则》第三十六条第（二）项",
    )
    from enforcement_desk.documents.service import issue_document

    issue_document(ctx, actors["zhaolei"], onsite.id, "onsite_decision")  # handed over on the spot (art. 52)
    count += 1
    ctx.today_override = today
    users = tuple((u.login, u.role.label) for u in DEMO_USERS) + (("admin", Role.ADMIN.label),)
    return DemoReport(cases=count, users=users)
