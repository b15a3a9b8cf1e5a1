"""Migration 0010 moves every step's data out of cases.discretion into its own table, losing nothing.

The fixture is a database made by `enforcement-desk demo` at schema 0008, with a hearing record, a
transfer report, a refusal, an approval, a police receipt, a package and a benchmark computation recorded
through the CLI of that time (tests/store/fixtures/README.md). On PostgreSQL the same rows are copied into
a database built to 0008 by the migrations, then upgraded.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.orm import Session

from enforcement_desk.procedure.step_log import comparable, rebuild_step_records, row_content
from enforcement_desk.store.audit import verify_chain
from enforcement_desk.store.migrate import alembic_config, upgrade
from enforcement_desk.store.models import AuditEvent, User
from enforcement_desk.store.models_steps import (
    STEP_TABLES,
    CaseProposal,
    HearingRecord,
    PoliceAnswer,
    TransferDecision,
    TransferPackage,
    TransferReceipt,
    TransferReport,
)

FIXTURE = Path(__file__).parent / "fixtures" / "demo_0008.sqlite3"
FIXTURE_HEADS = ("0008_corrections_append_only", "0002_discretion", "0003_supervision")
PROPOSAL_KEYS = ("level", "reason", "violated_provision", "legal_basis")
STEP_KEYS = ("hearing", "transfer", "transfer_report", "transfer_refusals", "transfer_receipt", "transfer_packages")


def _before(fixture: Path) -> dict[int, dict]:
    """Each case's discretion and proposal columns as the old schema held them."""
    engine = create_engine(f"sqlite:///{fixture}")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, discretion, proposed_outcome, penalty_kinds, fine_amount, confiscation_amount, mitigated,"
                " hearing_held_on FROM cases"
            )
        ).mappings()
        cases = {r["id"]: dict(r, discretion=json.loads(r["discretion"] or "{}")) for r in rows}
        for case_id, action, note, at in connection.execute(
            text("SELECT case_id, action, note, at FROM stage_changes ORDER BY id")
        ):
            cases[case_id].setdefault("changes", []).append((action, note, at))
    engine.dispose()
    return cases


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _assert_nothing_lost(engine, before: dict[int, dict]) -> None:
    assert "discretion" not in {c["name"] for c in inspect(engine).get_columns("cases")}
    with Session(engine) as session:
        names = {u.id: u.name for u in session.scalars(select(User))}
        by_case = {table: {} for table in STEP_TABLES}
        for table in STEP_TABLES:
            for row in session.scalars(select(table).order_by(table.id)):
                by_case[table].setdefault(row.case_id, []).append(row)
        checked = 0
        for case_id, old in before.items():
            record = old["discretion"]
            proposals = by_case[CaseProposal].get(case_id, [])
            if old["proposed_outcome"] or record.keys() - set(STEP_KEYS):
                (proposal,) = proposals
                assert proposal.outcome == (old["proposed_outcome"] or "")
                assert proposal.penalty_kinds == json.loads(old["penalty_kinds"] or "[]")
                assert proposal.fine == _yuan(old["fine_amount"])
                assert proposal.confiscation == _yuan(old["confiscation_amount"])
                assert proposal.mitigated == bool(old["mitigated"])
                for key in PROPOSAL_KEYS:
                    assert getattr(proposal, key) == record.get(key, ""), (case_id, key)
                computation = {k: v for k, v in record.items() if k not in PROPOSAL_KEYS + STEP_KEYS}
                assert proposal.computation == computation
                checked += 1
            else:
                assert proposals == []
            hearing = record.get("hearing")
            hearings = by_case[HearingRecord].get(case_id, [])
            if hearing:
                (row,) = hearings
                assert (row.host, row.record_text, row.opinion) == (hearing["host"], hearing["record"], hearing["opinion"])
                assert row.held_on == date.fromisoformat(old["hearing_held_on"])
                checked += 1
            else:
                assert hearings == []
            report = record.get("transfer_report")
            if report:
                (row,) = by_case[TransferReport][case_id]
                assert row.officers == report["officers"] and row.findings == report["findings"]
                assert row.submitted_by_name == report["submitted_by"]
                assert row.submitted_at == datetime.fromisoformat(report["submitted_at"])
                checked += 1
            decisions = by_case[TransferDecision].get(case_id, [])
            old_decisions = [c for c in old.get("changes", []) if c[0] in ("transfer_police", "refuse_transfer")]
            assert [(d.approved, d.reason) for d in decisions] == [(a == "transfer_police", n) for a, n, _ in old_decisions]
            refusals = [d for d in decisions if not d.approved]
            assert [{"on": d.decided_on.isoformat(), "by": d.decided_by_name, "reason": d.reason} for d in refusals] == (
                record.get("transfer_refusals", [])
            )
            assert all(d.decided_by_name == names[d.decided_by] for d in decisions)
            if record.get("transfer"):
                approved = [d for d in decisions if d.approved][-1]
                assert approved.police_unit == record["transfer"]["police_unit"]
                assert approved.procuratorate == record["transfer"]["procuratorate"]
                assert approved.reason == record["transfer"]["reason"]
                checked += 1
            answers = by_case[PoliceAnswer].get(case_id, [])
            old_answers = [c for c in old.get("changes", []) if c[0] in ("police_accepted", "police_declined")]
            assert [(a.accepted, a.reason) for a in answers] == [(x == "police_accepted", n) for x, n, _ in old_answers]
            receipt = record.get("transfer_receipt")
            if receipt:
                (row,) = by_case[TransferReceipt][case_id]
                assert {
                    "receiving_unit": row.receiving_unit, "receiver": row.receiver, "received_on": row.received_on.isoformat(),
                    "scan_name": row.scan_name, "scan_sha256": row.scan_sha256, "scan_size": row.scan_size,
                    "on_time": row.on_time, "recorded_by": row.recorded_by_name,
                } == receipt  # fmt: skip
                checked += 1
            packages = by_case[TransferPackage].get(case_id, [])
            assert [
                {"built_at": p.built_at.isoformat(), "by": p.built_by_name, "manifest_sha256": p.manifest_sha256,
                 "files": p.files, "bytes": p.bytes}
                for p in packages
            ] == record.get("transfer_packages", [])  # fmt: skip
            assert all(p.key_fingerprint for p in packages)
        assert checked >= 25  # the fixture's 21 proposals, 5 hearings, a report, approvals, a receipt
        # The audit trail alone rebuilds every moved row, and the chain still holds.
        payloads = session.scalars(select(AuditEvent.payload).order_by(AuditEvent.seq)).all()
        rebuilt = rebuild_step_records(payloads)
        for table in STEP_TABLES:
            rows = session.scalars(select(table)).all()
            assert {r.id: comparable(row_content(r)) for r in rows} == rebuilt.get(table.__tablename__, {}), table
        assert verify_chain(session).ok


def test_0010_moves_every_step_out_of_cases_discretion_on_sqlite(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, copy)
    before = _before(FIXTURE)
    engine = create_engine(f"sqlite:///{copy}")
    upgrade(engine)
    _assert_nothing_lost(engine, before)
    with engine.connect() as connection:  # the search triggers survive the column drop
        names = {r[0] for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert {"cases_fts_ai", "cases_fts_au", "case_proposals_no_update", "hearing_records_no_delete"} <= names
    engine.dispose()


@pytest.mark.postgres
def test_0010_moves_every_step_out_of_cases_discretion_on_postgresql(tmp_path):
    from alembic import command
    from conftest import fresh_empty_postgres_url

    before = _before(FIXTURE)
    for url in fresh_empty_postgres_url():
        engine = create_engine(url)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            for head in FIXTURE_HEADS:
                command.upgrade(config, head)
        _copy_rows(create_engine(f"sqlite:///{FIXTURE}"), engine)
        upgrade(engine)
        _assert_nothing_lost(engine, before)
        engine.dispose()


def _copy_rows(source, target) -> None:
    """Every row of the fixture into the same tables on the server, parents first, through the server's
    column types (dates, JSON and booleans convert on the way)."""
    meta = MetaData()
    meta.reflect(bind=target)
    with source.connect() as reading, target.begin() as writing:
        present = set(inspect(source).get_table_names())
        for table in meta.sorted_tables:
            if table.name == "alembic_version" or table.name not in present:
                continue
            rows = [dict(r) for r in reading.execute(select(table)).mappings()]
            if rows:
                writing.execute(table.insert(), rows)
        for table in meta.sorted_tables:  # the copied ids must not be handed out again
            column = table.c.get("id")
            if column is not None and column.autoincrement is not False and str(column.type) == "INTEGER":
                writing.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                         f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)")
                )  # fmt: skip
