"""step records: one append-only table per procedure step instead of the cases.discretion grab-bag

`cases.discretion` held the discretion proposal and also the hearing record, the transfer report,
refusals, approval, police receipt and package history; saving a proposal replaced it whole and erased
the others. Each step now has its own table (store/models_steps.py). This migration moves every value
out of `cases.discretion` (and the step facts kept only in stage-change notes: the head's transfer
decisions, the police's answers, applications for court enforcement) into those tables, appends one
audit event per moved row carrying its whole content (so the audit trail can rebuild it), makes the
tables append-only, and drops the column.

Revision ID: 0010_step_records
Revises: 0009_complaint_privacy
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0010_step_records"
down_revision = "0009_complaint_privacy"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = (
    "case_proposals", "hearing_notices", "hearing_records", "transfer_reports", "transfer_decisions",
    "police_answers", "transfer_receipts", "transfer_packages", "enforcement_applications", "document_voids",
)  # fmt: skip
PROPOSAL_KEYS = ("level", "reason", "violated_provision", "legal_basis")
OTHER_STEP_KEYS = ("hearing", "transfer", "transfer_report", "transfer_refusals", "transfer_receipt", "transfer_packages")
MIGRATION_LOGIN = "迁移0010"


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _case() -> sa.Column:
    return sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True)


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id"), nullable=nullable)



def _define() -> dict[str, sa.Table]:
    """The new tables as this revision writes them (frozen here: later model changes do not alter it)."""
    meta = sa.MetaData()
    meta.reflect(bind=op.get_bind(), only=("cases", "users", "documents"))
    text, s = sa.Text(), sa.String
    specs = {
        "case_proposals": (
            _id(), _case(), sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("outcome", s(20), nullable=False), sa.Column("penalty_kinds", sa.JSON(), nullable=False),
            sa.Column("fine", sa.BigInteger()), sa.Column("confiscation", sa.BigInteger()),
            sa.Column("mitigated", sa.Boolean(), nullable=False), sa.Column("level", s(20), nullable=False),
            sa.Column("reason", text, nullable=False), sa.Column("violated_provision", text, nullable=False),
            sa.Column("legal_basis", text, nullable=False), sa.Column("computation", sa.JSON(), nullable=False),
            sa.Column("changed_fields", sa.JSON(), nullable=False), _user("proposed_by"),
            sa.Column("proposed_at", sa.DateTime(), nullable=False),
            sa.UniqueConstraint("case_id", "version", name="uq_case_proposal_version"),
        ),
        "hearing_notices": (
            _id(), _case(), sa.Column("scheduled_at", sa.DateTime(), nullable=False),
            sa.Column("place", s(300), nullable=False), sa.Column("host", s(100), nullable=False),
            sa.Column("recorder", s(100), nullable=False), sa.Column("public", sa.Boolean(), nullable=False),
            sa.Column("not_public_reason", text, nullable=False), sa.Column("served_on", sa.Date(), nullable=False),
            _user("arranged_by"), sa.Column("arranged_at", sa.DateTime(), nullable=False),
        ),
        "hearing_records": (
            _id(), _case(), sa.Column("held_on", sa.Date(), nullable=False), sa.Column("place", s(300), nullable=False),
            sa.Column("host", s(100), nullable=False), sa.Column("recorder", s(100), nullable=False),
            sa.Column("public", sa.Boolean()), sa.Column("attendees", sa.JSON(), nullable=False),
            sa.Column("party_statements", text, nullable=False), sa.Column("record_text", text, nullable=False),
            sa.Column("opinion", text, nullable=False), sa.Column("party_signature", s(20), nullable=False),
            _user("recorded_by", nullable=True), sa.Column("recorded_at", sa.DateTime(), nullable=False),
        ),
        "transfer_reports": (
            _id(), _case(), sa.Column("officers", sa.JSON(), nullable=False), sa.Column("findings", text, nullable=False),
            _user("submitted_by", nullable=True), sa.Column("submitted_by_name", s(100), nullable=False),
            sa.Column("submitted_at", sa.DateTime(), nullable=False),
        ),
        "transfer_decisions": (
            _id(), _case(), sa.Column("approved", sa.Boolean(), nullable=False), sa.Column("reason", text, nullable=False),
            sa.Column("police_unit", s(200), nullable=False), sa.Column("procuratorate", s(200), nullable=False),
            sa.Column("decided_on", sa.Date(), nullable=False), _user("decided_by", nullable=True),
            sa.Column("decided_by_name", s(100), nullable=False), sa.Column("decided_at", sa.DateTime(), nullable=False),
        ),
        "police_answers": (
            _id(), _case(), sa.Column("accepted", sa.Boolean(), nullable=False), sa.Column("reason", text, nullable=False),
            sa.Column("answered_on", sa.Date(), nullable=False), _user("recorded_by"),
            sa.Column("recorded_at", sa.DateTime(), nullable=False),
        ),
        "transfer_receipts": (
            _id(), _case(), sa.Column("receiving_unit", s(200), nullable=False), sa.Column("receiver", s(100), nullable=False),
            sa.Column("received_on", sa.Date(), nullable=False), sa.Column("scan_name", s(300), nullable=False),
            sa.Column("scan_sha256", s(64), nullable=False), sa.Column("scan_size", sa.BigInteger(), nullable=False),
            sa.Column("on_time", sa.Boolean(), nullable=False), sa.Column("recorded_by_name", s(100), nullable=False),
            sa.Column("recorded_at", sa.DateTime()),
        ),
        "transfer_packages": (
            _id(), _case(), sa.Column("built_at", sa.DateTime(), nullable=False),
            sa.Column("built_by_name", s(100), nullable=False), sa.Column("manifest_sha256", s(64), nullable=False),
            sa.Column("files", sa.Integer(), nullable=False), sa.Column("bytes", sa.BigInteger(), nullable=False),
            sa.Column("key_fingerprint", s(100), nullable=False),
        ),
        "enforcement_applications": (
            _id(), _case(), sa.Column("applied_on", sa.Date(), nullable=False), sa.Column("court", s(300), nullable=False),
            sa.Column("amount", sa.BigInteger()), sa.Column("reason", text, nullable=False), _user("recorded_by"),
            sa.Column("recorded_at", sa.DateTime(), nullable=False),
        ),
        "document_voids": (
            _id(), sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False, unique=True),
            sa.Column("reason", text, nullable=False), _user("voided_by"), sa.Column("voided_at", sa.DateTime(), nullable=False),
        ),
    }  # fmt: skip
    return {name: sa.Table(name, meta, *columns) for name, columns in specs.items()}


def _install_append_only(table: str, dialect: str) -> None:
    """As 0001_initial_schema.install_append_only_triggers writes them, trigger for trigger."""
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )
    else:
        op.execute(
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only: % refused', TG_OP; END;
            $$ LANGUAGE plpgsql"""
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class _Mover:
    """Inserts the moved rows and records each one in the audit trail with its content."""

    def __init__(self, tables: dict[str, sa.Table]):
        self.bind = op.get_bind()
        self.tables = tables
        self.session = Session(bind=self.bind)
        self.moved: dict[str, int] = {}
        meta = sa.MetaData()
        self.events = sa.Table("audit_events", meta, autoload_with=self.bind)
        self.users = {row.id: row.name for row in self.bind.execute(sa.text("SELECT id, name FROM users"))}

    def latest_event(self, case_id: int, action: str) -> Any:
        rows = self.bind.execute(
            sa.select(self.events.c.actor_id, self.events.c.at, self.events.c.payload)
            .where(self.events.c.case_id == case_id, self.events.c.action == action)
            .order_by(self.events.c.seq)
        ).all()
        return rows

    def insert(self, table: str, case_id: int, values: dict[str, Any], money: tuple[str, ...] = ()) -> None:
        stored = {k: (int((v * 100).to_integral_value()) if k in money and v is not None else v) for k, v in values.items()}
        new_id = self.bind.execute(
            self.tables[table].insert().values(case_id=case_id, **stored).returning(self.tables[table].c.id)
        ).scalar_one()
        content = {"id": new_id, "case_id": case_id, **values}
        from enforcement_desk.store.audit import (
            append_event,  # the chain's one writer; its tables are older than 0010
        )

        append_event(
            self.session, actor_id=None, actor_login=MIGRATION_LOGIN, action="step_record_migrated", entity="case",
            entity_id=case_id, case_id=case_id,
            payload={"from": "cases.discretion / stage_changes (0010)", "records": [{"table": table, "row": content}]},
        )  # fmt: skip
        self.moved[table] = self.moved.get(table, 0) + 1


def _move_case(mover: _Mover, case: Any, stage_changes: list[Any], agency_court: str) -> None:
    record: dict[str, Any] = case.discretion if isinstance(case.discretion, dict) else json.loads(case.discretion or "{}")
    first_handler = case.first_handler
    updated_at = _as_datetime(case.updated_at)

    computation = {k: v for k, v in record.items() if k not in PROPOSAL_KEYS + OTHER_STEP_KEYS}
    if case.proposed_outcome or any(k in record for k in PROPOSAL_KEYS) or computation:
        events = mover.latest_event(case.id, "proposal_set") or mover.latest_event(case.id, "case_onsite_decided")
        # who proposed: the event's actor; else a handler, the approver of the filing, any user of the office
        by = (events[-1].actor_id if events else None) or first_handler or case.filing_approver_id or min(mover.users)
        at = _as_datetime(events[-1].at) if events else updated_at
        mover.insert("case_proposals", case.id, {
            "version": 1, "outcome": case.proposed_outcome or "", "penalty_kinds": list(case.penalty_kinds or []),
            "fine": _yuan(case.fine_amount), "confiscation": _yuan(case.confiscation_amount),
            "mitigated": bool(case.mitigated), "level": str(record.get("level", "")),
            "reason": str(record.get("reason", "")), "violated_provision": str(record.get("violated_provision", "")),
            "legal_basis": str(record.get("legal_basis", "")), "computation": computation,
            "changed_fields": [], "proposed_by": by, "proposed_at": at,
        }, money=("fine", "confiscation"))  # fmt: skip

    if record.get("hearing"):
        hearing = record["hearing"]
        events = mover.latest_event(case.id, "hearing_recorded")
        mover.insert("hearing_records", case.id, {
            "held_on": case.hearing_held_on or updated_at.date(), "place": "", "host": str(hearing.get("host", "")),
            "recorder": "", "public": None, "attendees": [], "party_statements": "",
            "record_text": str(hearing.get("record", "")), "opinion": str(hearing.get("opinion", "")),
            "party_signature": "", "recorded_by": events[-1].actor_id if events else None,
            "recorded_at": _as_datetime(events[-1].at) if events else updated_at,
        })  # fmt: skip

    if record.get("transfer_report"):
        report = record["transfer_report"]
        events = mover.latest_event(case.id, "transfer_report_submitted")
        mover.insert("transfer_reports", case.id, {
            "officers": list(report.get("officers", [])), "findings": str(report.get("findings", "")),
            "submitted_by": events[-1].actor_id if events else None,
            "submitted_by_name": str(report.get("submitted_by", "")),
            "submitted_at": _as_datetime(report.get("submitted_at")) or updated_at,
        })  # fmt: skip

    approvals = [json.loads(e.payload) for e in mover.latest_event(case.id, "stage:transfer_police")]
    transfer = record.get("transfer") or {}
    approval_index = 0
    for change in stage_changes:
        at = _as_datetime(change.at)
        if change.action in ("transfer_police", "refuse_transfer"):
            approved = change.action == "transfer_police"
            units = {"police_unit": "", "procuratorate": ""}
            if approved:
                payload = approvals[approval_index] if approval_index < len(approvals) else {}
                approval_index += 1
                units = {key: str(payload.get(key) or transfer.get(key) or "") for key in units}
            mover.insert("transfer_decisions", case.id, {
                "approved": approved, "reason": change.note or "", **units, "decided_on": at.date(),
                "decided_by": change.actor_id, "decided_by_name": mover.users.get(change.actor_id, ""), "decided_at": at,
            })  # fmt: skip
        elif change.action in ("police_accepted", "police_declined"):
            mover.insert("police_answers", case.id, {
                "accepted": change.action == "police_accepted", "reason": change.note or "", "answered_on": at.date(),
                "recorded_by": change.actor_id, "recorded_at": at,
            })  # fmt: skip
        elif change.action == "apply_enforcement":
            owed = (case.fine_amount or 0) - (case.paid_amount or 0)
            mover.insert("enforcement_applications", case.id, {
                "applied_on": case.enforcement_applied_on or at.date(), "court": agency_court, "amount": _yuan(owed),
                "reason": change.note or "", "recorded_by": change.actor_id, "recorded_at": at,
            }, money=("amount",))  # fmt: skip

    if record.get("transfer_receipt"):
        receipt = record["transfer_receipt"]
        events = mover.latest_event(case.id, "transfer_receipt_recorded")
        mover.insert("transfer_receipts", case.id, {
            "receiving_unit": str(receipt.get("receiving_unit", "")), "receiver": str(receipt.get("receiver", "")),
            "received_on": date.fromisoformat(receipt["received_on"]), "scan_name": str(receipt.get("scan_name", "")),
            "scan_sha256": str(receipt.get("scan_sha256", "")), "scan_size": int(receipt.get("scan_size") or 0),
            "on_time": bool(receipt.get("on_time")), "recorded_by_name": str(receipt.get("recorded_by", "")),
            "recorded_at": _as_datetime(events[-1].at) if events else None,
        })  # fmt: skip

    built_events = [json.loads(e.payload) for e in mover.latest_event(case.id, "transfer_package_built")]
    keys = {e.get("manifest_sha256"): e.get("signed_by_key", "") for e in built_events}
    for package in record.get("transfer_packages", []):
        mover.insert("transfer_packages", case.id, {
            "built_at": _as_datetime(package.get("built_at")) or updated_at, "built_by_name": str(package.get("by", "")),
            "manifest_sha256": str(package.get("manifest_sha256", "")), "files": int(package.get("files") or 0),
            "bytes": int(package.get("bytes") or 0), "key_fingerprint": str(keys.get(package.get("manifest_sha256"), "")),
        })  # fmt: skip


def upgrade() -> None:
    bind = op.get_bind()
    tables = _define()
    for table in tables.values():
        table.create(bind)
    mover = _Mover(tables)
    cases = bind.execute(
        sa.text(
            "SELECT c.id, c.agency_id, c.discretion, c.proposed_outcome, c.penalty_kinds, c.fine_amount,"
            " c.confiscation_amount, c.mitigated, c.paid_amount, c.hearing_held_on, c.enforcement_applied_on,"
            " c.updated_at, c.filing_approver_id, (SELECT h.user_id FROM case_handlers h WHERE h.case_id = c.id ORDER BY h.position LIMIT 1)"
            " AS first_handler FROM cases c ORDER BY c.id"
        ).columns(
            discretion=sa.JSON(), penalty_kinds=sa.JSON(), hearing_held_on=sa.Date(), enforcement_applied_on=sa.Date(),
            updated_at=sa.DateTime(),
        )
    ).all()
    courts = {row.id: row.court for row in bind.execute(sa.text("SELECT id, court FROM agencies"))}
    for case in cases:
        changes = bind.execute(
            sa.text(
                "SELECT action, note, actor_id, at FROM stage_changes WHERE case_id = :case_id"
                " AND action IN ('transfer_police', 'refuse_transfer', 'police_accepted', 'police_declined',"
                " 'apply_enforcement') ORDER BY id"
            ).columns(at=sa.DateTime()),
            {"case_id": case.id},
        ).all()
        _move_case(mover, case, changes, courts.get(case.agency_id, ""))
    mover.session.flush()
    if mover.moved:
        print(f"0010: moved into step records: {json.dumps(mover.moved, ensure_ascii=False)}")
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE cases DROP COLUMN discretion")  # SQLite ≥ 3.35; keeps the search triggers
    else:
        op.drop_column("cases", "discretion")
    for table in APPEND_ONLY_TABLES:
        _install_append_only(table, bind.dialect.name)


def downgrade() -> None:
    """Back to the one column: the latest proposal, hearing, report, approval, receipt and packages are
    written into cases.discretion again; fields it never held (recorder, attendees …) are dropped."""
    bind = op.get_bind()
    op.add_column("cases", sa.Column("discretion", sa.JSON(), nullable=True))
    rows: dict[int, dict[str, Any]] = {}
    for p in bind.execute(sa.text("SELECT * FROM case_proposals ORDER BY id")).mappings():
        computation = p["computation"] if isinstance(p["computation"], dict) else json.loads(p["computation"] or "{}")
        entry = {**computation, "level": p["level"], "reason": p["reason"]}
        entry.update({k: p[k] for k in ("violated_provision", "legal_basis") if p[k]})
        rows[p["case_id"]] = entry
    for h in bind.execute(sa.text("SELECT * FROM hearing_records ORDER BY id")).mappings():
        rows.setdefault(h["case_id"], {})["hearing"] = {"host": h["host"], "record": h["record_text"], "opinion": h["opinion"]}
    for case_id, value in rows.items():
        bind.execute(sa.text("UPDATE cases SET discretion = :v WHERE id = :id"), {"v": json.dumps(value, ensure_ascii=False), "id": case_id})
    bind.execute(sa.text("UPDATE cases SET discretion = '{}' WHERE discretion IS NULL"))
    for table in reversed(APPEND_ONLY_TABLES):
        if bind.dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_table(table)
