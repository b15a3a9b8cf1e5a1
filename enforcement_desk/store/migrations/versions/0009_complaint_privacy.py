"""complaints: the reporter's ID number, and the complaint text taken back out of the cases made from it

Until now `complaint convert` copied the complaint's words into the new case's facts, and the facts go
into the 卫生监督意见书, the 事先告知书, the 决定书 and the public 违法事实 column: "举报人刘某某（电话…）"
reached the reported party and the public. Complaints gain `reporter_id_number` and `withheld_from_case`.
For every case made from a complaint, the copied complaint text and every sentence that still names
the reporter (name, phone, ID number, however written) leave the case's text fields and its publicity
records; what is not already the complaint's own content is kept in `withheld_from_case`, which only the
handling officer and the heads read. Each cleaned case gets one audit event (numbers and field names,
never the text). Issued documents, legal-review packages, stage notes and audit events are records of
what happened and are not rewritten: the log names the cases where they still carry the identity.

Revision ID: 0009_complaint_privacy
Revises: 0008_corrections_append_only, 0003_supervision (the complaints table lives on that branch; this
revision joins the two, so the cleaning always finds it)
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from enforcement_desk.core.supervision.reporter_privacy import (
    ReporterIdentity,
    carries_identity,
    withdraw_identity,
)

revision = "0009_complaint_privacy"
down_revision = ("0008_corrections_append_only", "0003_supervision")
branch_labels = None
depends_on = None

log = logging.getLogger("enforcement_desk.migrations.0009_complaint_privacy")

# Case text fields cleaned here, with the labels the desk shows. 案由 (cause) is required and short: it is
# reported when it names the reporter, not emptied.
CASE_TEXT_FIELDS = {
    "facts": "违法事实",
    "evidence_summary": "证据摘要",
    "location": "检查地点",
    "source_detail": "案件来源说明",
    "closing_summary": "结案情况",
}

complaints = sa.table(
    "complaints",
    sa.column("id", sa.Integer),
    sa.column("number", sa.String),
    sa.column("case_id", sa.Integer),
    sa.column("content", sa.Text),
    sa.column("reporter_name", sa.String),
    sa.column("reporter_phone", sa.String),
    sa.column("reporter_id_number", sa.String),
    sa.column("withheld_from_case", sa.Text),
)
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("case_no", sa.String),
    sa.column("filing_no", sa.String),
    sa.column("decision_no", sa.String),
    sa.column("party_id", sa.Integer),
    sa.column("cause", sa.String),
    sa.column("decided_on", sa.Date),
    sa.column("version", sa.Integer),
    sa.column("updated_at", sa.DateTime),
    sa.column("search_text", sa.Text),
    *(sa.column(name, sa.Text) for name in CASE_TEXT_FIELDS),
)
parties = sa.table("parties", sa.column("id", sa.Integer), sa.column("name"), sa.column("id_number"))
publicity = sa.table(
    "publicity_records",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("fields", sa.JSON),
)
# Records of what happened, counted but never rewritten: (table, text column, label for the log).
RECORDS = (
    ("documents", "content", "已出具文书"),
    ("legal_reviews", "package", "法制审核材料"),
    ("stage_changes", "note", "办理记录备注"),
    ("audit_events", "payload", "审计记录"),
)


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(
            sa.Column("reporter_id_number", sa.String(length=30), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("withheld_from_case", sa.Text(), nullable=False, server_default=""))
    cleaned = withdraw_complaint_text(op.get_bind())
    if cleaned:
        log.warning("0009：已从 %d 件由投诉举报转来的案件中移出投诉举报内容或举报人身份", cleaned)
    else:
        log.info("0009：没有需要移出投诉举报内容的案件")


def _search_text(case: sa.Row, party: sa.Row | None, values: dict[str, str]) -> str:
    """As services.cases.refresh_search_text builds it (the case list's full-text search)."""
    parts = [case.case_no, case.filing_no or "", case.decision_no or "", party.name if party else "",
             (party.id_number or "") if party else "", case.cause, values["location"], values["facts"]]  # fmt: skip
    return " ".join(p for p in parts if p)


def withdraw_complaint_text(connection: sa.Connection) -> int:
    """Cleans every case linked from a complaint; returns how many cases changed."""
    linked = defaultdict(list)
    for row in connection.execute(
        sa.select(complaints).where(complaints.c.case_id.is_not(None)).order_by(complaints.c.id)
    ):
        linked[row.case_id].append(row)
    changed = 0
    for case_id, rows in linked.items():
        case = connection.execute(sa.select(cases).where(cases.c.id == case_id)).first()
        if case is None:
            continue
        if _clean_case(connection, case, rows):
            changed += 1
    return changed


def _clean_case(connection: sa.Connection, case: sa.Row, rows: list[sa.Row]) -> bool:
    identities = [ReporterIdentity(r.reporter_name or "", r.reporter_phone or "", r.reporter_id_number or "")
                  for r in rows]  # fmt: skip
    contents = {(r.content or "").strip() for r in rows} - {""}
    values = {name: getattr(case, name) or "" for name in CASE_TEXT_FIELDS}
    withheld: list[str] = []
    touched: list[str] = []
    for name, label in CASE_TEXT_FIELDS.items():
        text, moved = values[name], []
        for content in sorted(contents, key=len, reverse=True) if name == "facts" else ():
            result = withdraw_identity(text, [], copied=content)
            text, moved = result.kept, moved + list(result.moved)
        result = withdraw_identity(text, identities)
        text, moved = result.kept, moved + list(result.moved)
        if text != values[name]:
            touched.append(label)
            values[name] = text
            withheld += [f"【{label}】{m}" for m in moved if m not in contents]
    if carries_identity(identities, case.cause or ""):
        log.warning("0009：案件 %s 的案由中含有投诉举报人的身份，请人工修改案由", case.case_no)
    publicity_changed = _clean_publicity(connection, case.id, identities, contents)
    _report_records(connection, case, identities, contents)
    if not touched and not publicity_changed:
        return False
    if touched:
        party = connection.execute(sa.select(parties).where(parties.c.id == case.party_id)).first()
        connection.execute(
            cases.update().where(cases.c.id == case.id).values(
                **values, search_text=_search_text(case, party, values), version=case.version + 1,
                updated_at=datetime.now(),
            )
        )  # fmt: skip
    if withheld:
        first = rows[0]
        kept = "\n".join(x for x in [first.withheld_from_case or "", *withheld] if x)
        connection.execute(
            complaints.update().where(complaints.c.id == first.id).values(withheld_from_case=kept)
        )
    numbers = [r.number for r in rows]
    said = f"已移出{'、'.join(touched)}中的投诉举报内容或举报人身份" if touched else "案件字段无需改动"
    if publicity_changed:
        said += f"；公示记录 {publicity_changed} 条的违法事实已同步"
    if touched and not values["facts"] and case.decided_on:
        said += "；违法事实现为空，而案件已作出决定，请按更正程序补正"
    log.warning("0009：案件 %s（来自投诉举报 %s）：%s", case.case_no, "、".join(numbers), said)
    _audit(connection, case.id, numbers, touched, publicity_changed)
    return True


def _clean_publicity(connection: sa.Connection, case_id: int, identities: list, contents: set[str]) -> int:
    """The 违法事实 of the case's publicity records, cleaned as the case's facts are (the other columns
    come from the party and the decision; the export refuses any of them that names the reporter)."""
    changed = 0
    for record in connection.execute(sa.select(publicity).where(publicity.c.case_id == case_id)):
        fields = record.fields if isinstance(record.fields, dict) else json.loads(record.fields or "{}")
        value = fields.get("facts")
        if not isinstance(value, str):
            continue
        for content in sorted(contents, key=len, reverse=True):
            value = withdraw_identity(value, [], copied=content).kept
        new = {**fields, "facts": withdraw_identity(value, identities).kept}
        if new != fields:
            connection.execute(publicity.update().where(publicity.c.id == record.id).values(fields=new))
            changed += 1
    return changed


def _readable(value: object) -> str:
    r"""A stored value as text with its Chinese as written (JSON columns may hold \u escapes)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
        if isinstance(value, str):
            return value
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _report_records(connection: sa.Connection, case: sa.Row, identities: list, contents: set[str]) -> None:
    """Counts the records of what happened that still carry the reporter's identity or the complaint text."""
    found = []
    for table, column, label in RECORDS:
        rows = connection.execute(
            sa.text(f"SELECT {column} FROM {table} WHERE case_id = :id"), {"id": case.id}
        )
        count = 0
        for (value,) in rows:
            text = _readable(value)
            if carries_identity(identities, text) or any(c in text for c in contents):
                count += 1
        if count:
            found.append(f"{label} {count} 条")
    if found:
        log.warning(
            "0009：案件 %s 的%s仍含投诉举报内容或举报人身份；这些是已形成的记录，本次升级不改动，请人工核查处理",
            case.case_no, "、".join(found),
        )  # fmt: skip


def _audit(
    connection: sa.Connection, case_id: int, numbers: list[str], touched: list[str], publicity_changed: int
) -> None:
    """One event on the chain, through the one function that appends to it (no text, only what changed)."""
    from sqlalchemy.orm import Session

    from enforcement_desk.store.audit import append_event

    session = Session(bind=connection)
    try:
        append_event(
            session, actor_id=None, actor_login="系统升级", action="case_reporter_identity_withdrawn",
            entity="case", entity_id=case_id, case_id=case_id,
            payload={"migration": revision, "complaints": numbers, "fields": touched,
                     "publicity_records": publicity_changed},
        )  # fmt: skip
    finally:
        session.close()


def downgrade() -> None:
    """Refused while a complaint holds text taken out of a case or a reporter's ID number: dropping the
    columns would lose them, and putting the text back would expose the reporter again."""
    connection = op.get_bind()
    kept = connection.execute(
        sa.select(sa.func.count()).select_from(complaints).where(
            sa.or_(complaints.c.withheld_from_case != "", complaints.c.reporter_id_number != "")
        )
    ).scalar()  # fmt: skip
    if kept:
        raise RuntimeError(
            f"不能降级到 0008：{kept} 件投诉举报保存着从案件中移出的内容或举报人证件号码，降级会丢失这些内容"
            "或重新泄露举报人身份"
        )
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("withheld_from_case")
        batch.drop_column("reporter_id_number")
