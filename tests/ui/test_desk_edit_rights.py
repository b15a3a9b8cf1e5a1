"""Who may edit a case's facts and proposal in the workspace: its handlers, before the decision.
Everyone else sees the fields read-only with the reason, and the service refuses them anyway."""

from __future__ import annotations

import pytest
from case_builders import new_case
from desk_driver import Desk

from enforcement_desk.core.errors import DomainError
from enforcement_desk.procedure.cases import get_case, update_case


@pytest.fixture
def desk(qtbot, sqlite_office):
    return Desk(qtbot, sqlite_office)


def test_only_a_handler_of_the_case_can_edit_its_facts_in_the_workspace(desk):
    office = desk.office
    case_id = new_case(office).id
    for outsider, reason in (
        (office.reviewer, "只有本案承办人可以修改违法事实"),
        (office.head, "只有本案承办人可以修改违法事实"),
        (office.officer3, "只有本案承办人可以修改违法事实"),  # an officer, but not on this case
    ):
        summary = desk.workspace(outsider, case_id).summary
        assert summary.facts.isReadOnly() and not summary.save.isEnabled()
        assert summary.save.toolTip() == reason and reason in summary.message.text()
        proposal = desk.workspace(outsider, case_id).proposal
        assert not proposal.save.isEnabled() and not proposal.fine.isEnabled()
        with pytest.raises(DomainError, match="只有本案承办人"):  # the service is the authority
            update_case(
                office.ctx, outsider, case_id, get_case(office.ctx, outsider, case_id).version, facts="x"
            )

    summary = desk.workspace(office.officer, case_id).summary
    assert not summary.facts.isReadOnly() and summary.save.isEnabled() and summary.message.text() == ""
    desk.type_into(summary.facts, "无证经营住宿业务，客房 3 间。")
    desk.click(summary.save)
    assert summary.message.text() == "已保存"
    assert get_case(office.ctx, office.officer, case_id).facts == "无证经营住宿业务，客房 3 间。"
