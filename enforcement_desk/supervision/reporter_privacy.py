"""投诉举报人身份保密 for a case: who complained about it (from the complaints linked to it), and the refusal
to let any of them into a document, a publicity row or a case field.

Services that produce text from a case call `refuse_reporter_identity` inside their transaction, with the
fields they are about to use labelled as the user knows them (“违法事实”, “证据摘要”…).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.supervision.reporter_privacy import (
    CONFIDENTIALITY_RULE,
    Leak,
    ReporterIdentity,
    find_leaks,
)
from enforcement_desk.store.models_supervision import Complaint


def reporter_identities(session: Session, case_id: int) -> tuple[ReporterIdentity, ...]:
    """The identities (name, phone, ID number) of everyone whose complaint became or was linked to the case;
    anonymous complaints add nothing."""
    rows = session.execute(
        select(Complaint.reporter_name, Complaint.reporter_phone, Complaint.reporter_id_number)
        .where(Complaint.case_id == case_id)
        .order_by(Complaint.id)
    )
    return tuple(
        ReporterIdentity(name or "", phone or "", id_number or "")
        for name, phone, id_number in rows
        if name or phone or id_number
    )


def leak_message(leaks: list[Leak], what: str) -> DomainError:
    """The refusal for leaks found in text meant for `what` (e.g. “文书”, “公示”): the first field named in
    the message, every one in the details."""
    first = leaks[0]
    return DomainError(
        f"{first.label}，不能用于{what}；投诉举报人的身份依法保密（{CONFIDENTIALITY_RULE}）",
        details=[leak.label for leak in leaks[1:]],
    )


def refuse_reporter_identity(
    session: Session, case_id: int, fields: Mapping[str, str | None], what: str
) -> None:
    """Raises DomainError naming the field when any of `fields` (label → text) carries the name, phone or
    ID number of a reporter whose complaint is linked to the case; `what` says where the text was going
    (“文书”, “公示”, “案件信息”). Returns quietly otherwise, and at once for a case without complaints."""
    identities = reporter_identities(session, case_id)
    if not identities:
        return
    leaks = find_leaks(identities, fields)
    if leaks:
        raise leak_message(leaks, what)
