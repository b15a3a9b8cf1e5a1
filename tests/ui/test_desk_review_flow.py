"""Legal review through the desk: submit, return with comments, resubmit, approve, discuss, decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS
from desk_driver import Desk

from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.review import review_history
from enforcement_desk.procedure.steps import advance


@pytest.fixture
def desk(qtbot, sqlite_office):
    return Desk(qtbot, sqlite_office)


def major_case_after_prior_notice(office) -> int:
    from case_builders import new_case

    ctx = office.ctx
    case_id = new_case(office).id
    advance(ctx, office.head, case_id, "file")
    update_case(
        ctx,
        office.officer,
        case_id,
        get_case(ctx, office.officer, case_id).version,
        facts="无证行医，违法所得3000元。",
    )
    advance(ctx, office.officer, case_id, "close_investigation")
    proposal = Proposal(
        Outcome.PENALTY, ("没收违法所得", "罚款"), Decimal("50000"), Decimal("3000"), level="一般", **LEGAL_BASIS
    )
    set_proposal(ctx, office.officer, case_id, get_case(ctx, office.officer, case_id).version, proposal)
    advance(ctx, office.officer, case_id, "deliberate")
    advance(ctx, office.officer, case_id, "send_prior_notice", {"served_on": "2026-11-02"})
    return case_id


def review(desk: Desk, case_id: int, outcome: str, problems: dict[str, str], opinion: str) -> None:
    workspace = desk.workspace(desk.office.reviewer, case_id)
    desk.click(desk.button(workspace, "action_review"))
    dialog = workspace.open_dialog
    for item, comment in problems.items():
        dialog.results[item].setCurrentText("有问题")
        desk.type_into(dialog.comments[item], comment)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(outcome))
    dialog.opinion.setPlainText(opinion)
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()


def test_a_major_case_is_reviewed_returned_revised_approved_discussed_and_decided(desk):
    office = desk.office
    case_id = major_case_after_prior_notice(office)
    desk.at(date(2026, 11, 10))  # defence (3) and hearing-request (5 working days) periods are over

    head_view = desk.workspace(office.head, case_id)
    assert not desk.button(head_view, "action_decide").isEnabled()
    assert "法制审核" in desk.button(head_view, "action_decide").toolTip()

    desk.act(office.officer, case_id, "action_submit_review", note="重大执法决定，提请审核")
    review(desk, case_id, "returned", {"证据": "缺少收费票据原件"}, "请补充违法所得的证据")
    assert get_case(office.ctx, office.officer, case_id).stage is Stage.PRIOR_NOTICE

    desk.act(office.officer2, case_id, "action_submit_review", note="已补充收费票据 12 张")
    review(desk, case_id, "approved", {}, "事实清楚，证据确凿，程序合法，裁量适当")
    assert get_case(office.ctx, office.officer, case_id).stage is Stage.COLLECTIVE_DISCUSSION

    desk.act(
        office.head, case_id, "side_discussion",
        participants="陈军、刘洋、周敏", opinions="陈军：同意\n刘洋：同意", conclusion="同意按拟处罚意见作出决定",
    )  # fmt: skip
    decided = desk.act(office.head2, case_id, "action_decide")
    assert decided.case.stage is Stage.DECIDED and decided.case.decision_no == "沂卫医罚〔2026〕1号"

    rounds = review_history(office.ctx, office.officer, case_id)
    assert [r.outcome for r in rounds] == ["returned", "approved"]
    assert {"item": "证据", "result": "有问题", "comment": "缺少收费票据原件"} in rounds[0].checks
    panel = desk.workspace(office.officer, case_id).review.view.toPlainText()
    assert "第1轮" in panel and "缺少收费票据原件" in panel and "第2轮" in panel
