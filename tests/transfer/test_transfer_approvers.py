"""国务院令第310号 art. 5: only the 正职负责人 or the 主持工作的负责人 approves or refuses a transfer to the
police. The administrator names them in the agency's settings; the decision records the capacity."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from transfer_cases import POLICE_UNIT, PROCURATORATE, TRANSFER_REASON, investigating_case

from enforcement_desk.admin.agency_settings import get_settings, set_transfer_approvers, update_settings
from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.admin.users import UserDraft, add_user
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.roles import Role
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.models import AuditEvent
from enforcement_desk.store.models_steps import TransferDecision
from enforcement_desk.transfer.service import submit_transfer_report, transfer_status

pytestmark = pytest.mark.usefixtures("file_keyring")
ART_5 = "《行政执法机关移送涉嫌犯罪案件的规定》第五条第一款"
APPROVE = {"reason": TRANSFER_REASON, "police_unit": POLICE_UNIT, "procuratorate": PROCURATORATE}


def _reported(office, tmp_path) -> int:
    case_id = investigating_case(office, tmp_path)
    submit_transfer_report(office.ctx, office.officer, case_id, (office.officer.user_id, office.officer2.user_id),
                           "就诊人重度损害，涉嫌非法行医罪。")  # fmt: skip
    return case_id


def _decisions(office, case_id: int) -> list[tuple[bool, str, str | None]]:
    with office.ctx.db.read() as session:
        rows = session.scalars(select(TransferDecision).where(TransferDecision.case_id == case_id))
        return [(r.approved, r.decided_by_name, r.capacity) for r in rows]


def test_only_the_named_principal_approves_and_the_decision_records_the_capacity(office, tmp_path):
    set_transfer_approvers(office.ctx, office.admin, "chen", "", note="局长")  # 刘洋 no longer presides
    case_id = _reported(office, tmp_path)
    before = get_case(office.ctx, office.head2, case_id)
    (offered,) = [a for a in before.actions if a.action.key == "transfer_police"]
    assert (
        not offered.allowed and "陈军（正职负责人）" in offered.reasons[0]
    )  # the desk says why, before the form
    with pytest.raises(DomainError) as refused:
        advance(office.ctx, office.head2, case_id, "transfer_police", APPROVE)
    assert refused.value.rule == ART_5 and "刘洋不能审批" in refused.value.message
    with pytest.raises(DomainError) as refused:
        advance(office.ctx, office.head2, case_id, "refuse_transfer", {"reason": "证据不足"})
    assert refused.value.rule == ART_5
    assert _decisions(office, case_id) == []  # nothing written by the refusals
    advance(office.ctx, office.head, case_id, "transfer_police", APPROVE)
    assert _decisions(office, case_id) == [(True, "陈军", "正职负责人")]
    status = transfer_status(office.ctx, office.officer, case_id)
    assert (status.decided_by, status.capacity) == ("陈军", "正职负责人")
    with office.ctx.db.read() as session:
        payload = json.loads(
            session.scalars(
                select(AuditEvent.payload).where(AuditEvent.action == "stage:transfer_police")
            ).one()
        )
    assert payload["capacity"] == "正职负责人" and payload["records"][0]["row"]["capacity"] == "正职负责人"
    assert verify_all(office.ctx, office.admin).ok


def test_the_head_presiding_over_the_work_acts_in_that_capacity(office, tmp_path):
    set_transfer_approvers(office.ctx, office.admin, "", "liu", note="正职暂缺，由刘洋主持工作")
    case_id = _reported(office, tmp_path)
    with pytest.raises(DomainError, match="陈军不能审批"):
        advance(office.ctx, office.head, case_id, "refuse_transfer", {"reason": "证据不足"})
    advance(office.ctx, office.head2, case_id, "refuse_transfer", {"reason": "现有证据不足以证明涉嫌犯罪"})
    assert _decisions(office, case_id) == [(False, "刘洋", "主持工作的负责人")]
    assert transfer_status(office.ctx, office.officer, case_id).capacity == "主持工作的负责人"


def test_nobody_approves_until_the_admin_names_someone(office, tmp_path):
    set_transfer_approvers(office.ctx, office.admin, "", "")
    case_id = _reported(office, tmp_path)
    for head in (office.head, office.head2):
        with pytest.raises(DomainError, match="本机关尚未指定") as refused:
            advance(office.ctx, head, case_id, "transfer_police", APPROVE)
        assert refused.value.rule == ART_5
    assert _decisions(office, case_id) == []


def test_a_named_head_who_leaves_the_post_approves_nothing(office, tmp_path):
    from enforcement_desk.store.models import User

    case_id = _reported(office, tmp_path)
    with office.ctx.db.write() as session:  # 陈军 retired: his account was closed
        session.scalar(select(User).where(User.login == "chen")).active = False
    with pytest.raises(DomainError, match="本机关为刘洋（主持工作的负责人）"):
        advance(office.ctx, office.head, case_id, "transfer_police", APPROVE)


@pytest.mark.parametrize(
    ("principal", "presiding", "message"),
    [
        ("nobody", "", "没有登录名为“nobody”的用户"),
        ("wang", "", "王强（wang）不是在职的负责人"),
        ("chen", "zhou", "周敏（zhou）不是在职的负责人"),
        ("chen", "chen", "不能是同一人"),
    ],
)
def test_the_settings_name_only_active_heads_and_nothing_is_saved_otherwise(
    office, principal, presiding, message
):
    before = get_settings(office.ctx, office.admin)
    with pytest.raises(DomainError, match=message):
        set_transfer_approvers(office.ctx, office.admin, principal, presiding)
    with pytest.raises(DomainError, match=message):
        update_settings(office.ctx, office.admin, {"transfer_principal_head": principal,
                                                   "transfer_presiding_head": presiding})  # fmt: skip
    assert get_settings(office.ctx, office.admin) == before


def test_only_the_admin_names_the_approvers_and_each_change_is_a_version(office):
    with pytest.raises(PermissionDenied):
        set_transfer_approvers(office.ctx, office.head, "chen")
    add_user(office.ctx, office.admin, UserDraft("sun", "孙杰", Role.HEAD, "test-pass-123"))
    saved = set_transfer_approvers(office.ctx, office.admin, "sun", "chen", note="新任局长到任")
    assert (saved.settings.transfer_principal_head, saved.settings.transfer_presiding_head) == ("sun", "chen")
    with office.ctx.db.read() as session:
        payload = json.loads(session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "settings_changed")
                                             .order_by(AuditEvent.seq.desc())).first())  # fmt: skip
    assert payload["after"] == {"transfer_principal_head": "sun", "transfer_presiding_head": "chen"}
    assert payload["note"] == "新任局长到任"
