"""Migration 0009 on a database of the old shape: the complaint text and the reporter's identity that
`complaint convert` used to copy into a case leave the case and its publicity record, stay with the
complaint, and the audit chain records the change without repeating the text."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, MetaData, Numeric, Table, select, text
from sqlalchemy.orm import Session

from enforcement_desk.store.audit import verify_chain
from enforcement_desk.store.db import Database
from enforcement_desk.store.migrate import alembic_config, is_current, upgrade

# The schema before 0009: its three branches, each at its head.
OLD_HEADS = ("0008_corrections_append_only", "0003_supervision", "0002_discretion")
CONTENT_A = "举报人刘某某（电话138 1234 5678）反映仁和诊所无证行医"
CONTENT_B = "孙某反映某卫生室由无资格人员坐诊"
CHECKED_B = "经查，当事人未取得医疗机构执业许可证。"
CALLED_B = "联系孙某核实，电话13905391234。"


def _alembic(engine, verb: str, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)


def _filler(column) -> object:
    """A value for a required column the test does not care about, by its type."""
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return datetime(2026, 11, 2, 9, 0)
    if isinstance(kind, Date):
        return date(2026, 11, 2)
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, Numeric):
        return Decimal(0)
    return ""


def _insert(connection, metadata: MetaData, table: str, **values) -> None:
    """A row of the old schema as it stands in the database (reflected, not today's models)."""
    reflected = metadata.tables.get(table)
    if reflected is None:
        reflected = Table(table, metadata, autoload_with=connection)
    for column in reflected.columns:
        if column.name not in values and not column.nullable and column.server_default is None:
            values[column.name] = _filler(column)
    connection.execute(reflected.insert().values(**values))


@pytest.fixture
def old_database(empty_db_url):
    """A database at 0008 holding three complaint-converted cases made the old way and one other case."""
    db = Database(empty_db_url)
    for head in OLD_HEADS:
        _alembic(db.engine, "upgrade", head)
    metadata = MetaData()
    with db.engine.begin() as c:
        _insert(c, metadata, "agencies", id=1, name="沂水县卫生健康综合监督执法局", short_name="沂")
        _insert(
            c, metadata, "users", id=1, agency_id=1, login="wang", name="王强", role="officer", active=True
        )
        _insert(c, metadata, "parties", id=1, agency_id=1, kind="organisation", name="沂水仁和诊所",
                legal_representative="张三")  # fmt: skip
        cases = [
            (1, "2026-0001", CONTENT_A, "complaint", date(2026, 11, 20)),
            (2, "2026-0002", f"{CONTENT_B}\n{CHECKED_B}{CALLED_B}", "complaint", None),
            (3, "2026-0003", "现场检查时刘某某在场。", "inspection", None),  # not from a complaint: untouched
            (4, "2026-0004", "匿名反映卫生室过期药品", "complaint", None),
        ]
        for case_id, number, facts, source, decided_on in cases:
            _insert(c, metadata, "cases", id=case_id, agency_id=1, case_no=number, source=source, party_id=1,
                    cause="未取得医疗机构执业许可证擅自执业", stage="accepted", facts=facts, version=3,
                    source_detail=f"投诉举报 2026-00{case_id}" if source == "complaint" else "",
                    search_text=f"{number} 沂水仁和诊所 {facts}", decided_on=decided_on)  # fmt: skip
        complaints = [
            (1, "2026-001", CONTENT_A, "刘某某", "13812345678", 1),
            (2, "2026-002", CONTENT_B, "孙某", "13905391234", 2),
            (4, "2026-004", "匿名反映卫生室过期药品", "", "", 4),
            (5, "2026-005", "另一起未转案件：刘某某反映", "刘某某", "13812345678", None),
        ]
        for complaint_id, number, content, name, phone, case_id in complaints:
            _insert(c, metadata, "complaints", id=complaint_id, agency_id=1, number=number, channel="电话",
                    reporter_name=name, reporter_phone=phone, anonymous=not name, subject_name="沂水仁和诊所",
                    content=content, assigned_to=1, recorded_by=1, case_id=case_id,
                    status="converted" if case_id else "open")  # fmt: skip
        _insert(c, metadata, "publicity_records", id=1, agency_id=1, case_id=1, kind="publish",
                fields={"party_name": "沂水仁和诊所", "facts": CONTENT_A, "legal_representative": "张三"})  # fmt: skip
        _insert(c, metadata, "documents", id=1, agency_id=1, case_id=1, kind="case_acceptance", title="案件受理记录",
                version=1, issued_by=1, content={"paragraphs": [f"简要案情：{CONTENT_A}"]})  # fmt: skip
    yield db
    db.dispose()


def _case(db, case_id: int):
    with db.engine.connect() as c:
        return c.execute(text("SELECT * FROM cases WHERE id = :id"), {"id": case_id}).mappings().one()


def _complaint(db, complaint_id: int):
    with db.engine.connect() as c:
        return (
            c.execute(text("SELECT * FROM complaints WHERE id = :id"), {"id": complaint_id}).mappings().one()
        )


def test_0009_takes_the_complaint_text_and_the_reporter_out_of_the_cases(old_database, caplog):
    db = old_database
    caplog.set_level(logging.INFO, logger="enforcement_desk.migrations")
    upgrade(db.engine)
    assert is_current(db.engine)

    first = _case(db, 1)
    assert first["facts"] == "" and first["version"] == 4
    assert "刘某某" not in first["search_text"] and "1234" not in first["search_text"]
    assert first["search_text"].startswith("2026-0001 沂水仁和诊所")
    assert _complaint(db, 1)["content"] == CONTENT_A  # the complaint keeps its own words
    assert _complaint(db, 1)["withheld_from_case"] == ""  # nothing but those words was taken out

    second = _case(db, 2)
    assert second["facts"] == CHECKED_B  # the officer's finding stays; the call to the reporter goes
    assert _complaint(db, 2)["withheld_from_case"] == f"【违法事实】{CALLED_B}"
    assert _case(db, 3)["facts"] == "现场检查时刘某某在场。" and _case(db, 3)["version"] == 3
    assert _case(db, 4)["facts"] == ""  # an anonymous complaint's words do not belong in the facts either
    assert _complaint(db, 5)["withheld_from_case"] == "" and _complaint(db, 5)["reporter_id_number"] == ""

    with db.engine.connect() as c:
        fields = c.execute(
            select(Table("publicity_records", MetaData(), autoload_with=c).c.fields)
        ).scalar_one()
        document = c.execute(text("SELECT content FROM documents WHERE id = 1")).scalar_one()
        if db.engine.dialect.name == "sqlite":
            hits = (
                c.execute(text("SELECT rowid FROM cases_fts WHERE cases_fts MATCH '\"刘某某\"'"))
                .scalars()
                .all()
            )
            assert hits == [3]  # the case list's text search no longer finds the reporter in case 1
    fields = fields if isinstance(fields, dict) else json.loads(fields)
    assert fields == {"party_name": "沂水仁和诊所", "facts": "", "legal_representative": "张三"}
    document = document if isinstance(document, dict) else json.loads(document)
    assert CONTENT_A in document["paragraphs"][0]  # an issued document is a record: not rewritten

    with Session(db.engine) as session:
        assert verify_chain(session).ok
        events = session.execute(text("SELECT action, case_id, actor_id, payload FROM audit_events")).all()
    assert [(e.action, e.case_id, e.actor_id) for e in events] == [
        ("case_reporter_identity_withdrawn", case_id, None) for case_id in (1, 2, 4)
    ]
    assert json.loads(events[1].payload) == {"migration": "0009_complaint_privacy", "complaints": ["2026-002"],
                                             "fields": ["违法事实"], "publicity_records": 0}  # fmt: skip
    said = caplog.text
    assert "2026-0001" in said and "已出具文书 1 条" in said and "请按更正程序补正" in said
    for secret in ("刘某某", "孙某", "13812345678", "13905391234", "无证行医", "坐诊"):
        assert secret not in said and all(secret not in e.payload for e in events)


def test_0009_will_not_be_undone_while_a_complaint_holds_what_it_took_out(old_database):
    db = old_database
    upgrade(db.engine)
    with pytest.raises(RuntimeError, match="不能降级到 0008"):
        _alembic(db.engine, "downgrade", OLD_HEADS[0])
    assert is_current(db.engine)
    assert _complaint(db, 2)["withheld_from_case"] == f"【违法事实】{CALLED_B}"
