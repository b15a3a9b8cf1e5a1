"""Random sequences of service calls over one case never lose or change a step's record through another
step's write; a refused call writes nothing; the audit trail rebuilds every record at every point."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from conftest import make_office
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from test_step_records import BASIS, _fields, _rebuilt, _step_rows, case_at_hearing

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import Outcome
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import HearingMinutes, advance, arrange_hearing, record_hearing
from enforcement_desk.transfer.service import submit_transfer_report, transfer_status

texts = st.text(alphabet="听证笔录当事人承认违法事实请求从轻意见报告移送线索", min_size=2, max_size=12)


class CaseRecordMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="steps-"))
        self.office = make_office(f"sqlite:///{self.folder / 'desk.sqlite3'}", self.folder / "evidence")
        self.case_id = case_at_hearing(self.office).id
        self.office.at(date(2026, 11, 17))
        self.expected = {"basis": BASIS, "hearing": None, "report": None, "facts": "未取得医疗机构执业许可证开展诊疗活动"}

    def teardown(self) -> None:
        self.office.ctx.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _version(self) -> int:
        return get_case(self.office.ctx, self.office.officer, self.case_id).version

    def _write(self, call) -> bool:
        """Run one write; earlier rows of every step stay exactly as they were, a refusal adds nothing."""
        before = _step_rows(self.office)
        try:
            call()
        except DomainError:
            assert _step_rows(self.office) == before
            return False
        after = _step_rows(self.office)
        for table, rows in before.items():
            assert {row_id: after[table][row_id] for row_id in rows} == rows, table
        return True

    @rule(fine=st.sampled_from(["20000", "50000", "80000"]), level=st.sampled_from(["从轻", "一般", "从重"]),
          basis=st.sampled_from(["", "《医疗机构管理条例》第四十三条"]))  # fmt: skip
    def propose(self, fine: str, level: str, basis: str) -> None:
        proposal = Proposal(Outcome.PENALTY, ("罚款",), Decimal(fine), level=level, reason="情节", legal_basis=basis)
        if self._write(lambda: set_proposal(self.office.ctx, self.office.officer, self.case_id, self._version(), proposal)):
            self.expected["basis"] = basis or self.expected["basis"]

    @rule(text=texts, signature=st.sampled_from(["", "已签名", "拒绝签名"]))
    def hearing(self, text: str, signature: str) -> None:
        minutes = HearingMinutes(held_on=self.office.ctx.today(), host="刘洋", record=text, party_signature=signature)
        if self._write(lambda: record_hearing(self.office.ctx, self.office.officer, self.case_id, minutes)):
            self.expected["hearing"] = text

    @rule(place=st.sampled_from(["听证室", "第二会议室"]))
    def arrange(self, place: str) -> None:
        self._write(lambda: arrange_hearing(
            self.office.ctx, self.office.officer, self.case_id, scheduled_at=datetime(2026, 11, 26, 9, 30), place=place,
            host="刘洋", served_on=self.office.ctx.today(),
        ))  # fmt: skip

    @rule(findings=texts)
    def report(self, findings: str) -> None:
        ids = (self.office.officer.user_id, self.office.officer2.user_id)
        if self._write(lambda: submit_transfer_report(self.office.ctx, self.office.officer, self.case_id, ids, findings)):
            self.expected["report"] = findings

    @rule(reason=texts)
    def refuse(self, reason: str) -> None:
        self._write(lambda: advance(self.office.ctx, self.office.head, self.case_id, "refuse_transfer", {"reason": reason}))

    @rule(facts=texts)
    def facts(self, facts: str) -> None:
        if self._write(lambda: update_case(self.office.ctx, self.office.officer, self.case_id, self._version(), facts=facts)):
            self.expected["facts"] = facts

    @invariant()
    def every_record_is_as_last_written(self) -> None:
        fields = _fields(self.office, self.case_id)
        assert fields["legal_basis"] == self.expected["basis"]
        assert fields["facts"] == self.expected["facts"]
        if self.expected["hearing"] is not None:
            assert fields["hearing_record"] == self.expected["hearing"]
        status = transfer_status(self.office.ctx, self.office.officer, self.case_id)
        assert (status.report.findings if status.report else None) == self.expected["report"]
        rows = _step_rows(self.office)
        assert {table: r for table, r in rows.items() if r} == _rebuilt(self.office)


CaseRecordMachine.TestCase.settings = settings(
    max_examples=12, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)  # fmt: skip
test_no_step_record_is_lost_or_changed_by_another_steps_write = CaseRecordMachine.TestCase
