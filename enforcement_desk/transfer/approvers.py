"""Who approves a transfer to the police (国务院令第310号 art. 5): the agency's 正职负责人, or the head
presiding over its work (主持工作的负责人), as the administrator names them in the agency's settings.

Why settings and not a flag on the user: there is one principal head at a time (and at most one head
presiding in the principal's absence), so one value each holds that by construction; every change is a
settings version with who changed it, when and why (e.g. "局长外出学习期间由刘洋主持工作"), so the record
shows who held the office on the day of a decision; and each decision row records the capacity the
approver acted in, so a later change of the settings does not rewrite what was decided.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.workflow import TRANSFER_APPROVER_RULE, TransferApprover
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.store.models import User

PRINCIPAL = "正职负责人"
PRESIDING = "主持工作的负责人"
SETTING_CAPACITY = {"transfer_principal_head": PRINCIPAL, "transfer_presiding_head": PRESIDING}


def transfer_approvers(
    session: Session, agency_id: int, settings: AgencySettings
) -> tuple[TransferApprover, ...]:
    """The heads the settings name, each with the capacity they approve in; a named login that is no
    longer an active head of the agency approves nothing."""
    logins = {
        getattr(settings, key): capacity
        for key, capacity in SETTING_CAPACITY.items()
        if getattr(settings, key)
    }
    if not logins:
        return ()
    users = session.scalars(
        select(User).where(User.agency_id == agency_id, User.login.in_(logins), User.active.is_(True))
    ).all()
    approvers = [TransferApprover(u.id, u.name, logins[u.login]) for u in users if u.role == Role.HEAD.value]
    return tuple(sorted(approvers, key=lambda a: a.capacity != PRINCIPAL))


def capacity_of(session: Session, agency_id: int, settings: AgencySettings, user_id: int) -> str:
    """The capacity in which `user_id` approves a transfer; refuses anyone else (art. 5)."""
    for approver in transfer_approvers(session, agency_id, settings):
        if approver.user_id == user_id:
            return approver.capacity
    raise DomainError(
        "移送涉嫌犯罪案件须报经本机关正职负责人或者主持工作的负责人审批", rule=TRANSFER_APPROVER_RULE
    )


def check_named_heads(session: Session, agency_id: int, settings: AgencySettings, changed: set[str]) -> None:
    """Refuse settings that name as transfer approver someone who is not an active head of the agency, or
    the same head in both capacities."""
    principal, presiding = settings.transfer_principal_head, settings.transfer_presiding_head
    if principal and principal == presiding:
        raise DomainError(
            f"正职负责人和主持工作的负责人不能是同一人（{principal}）", rule=TRANSFER_APPROVER_RULE
        )
    for key in sorted(changed & set(SETTING_CAPACITY)):
        login = getattr(settings, key)
        if not login:
            continue
        user = session.scalar(select(User).where(User.agency_id == agency_id, User.login == login))
        if user is None:
            raise DomainError(f"没有登录名为“{login}”的用户，不能指定为{SETTING_CAPACITY[key]}")
        if user.role != Role.HEAD.value or not user.active:
            raise DomainError(
                f"{user.name}（{login}）不是在职的负责人，不能指定为{SETTING_CAPACITY[key]}",
                rule=TRANSFER_APPROVER_RULE,
            )
