"""Shared fixtures: a fresh real database per test — a SQLite file, and a PostgreSQL database on
the server .ci/pg_cluster.py started (ED_TEST_PG_URL) — initialized with an agency and its staff."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from enforcement_desk.core.roles import Role

PG_URL = os.environ.get("ED_TEST_PG_URL")
PASSWORD = "test-pass-123"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(config, items):
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="PostgreSQL 测试服务器未启动（ED_TEST_PG_URL 未设置）")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ENFORCEMENT_DESK_HOME", str(home))
    monkeypatch.delenv("ENFORCEMENT_DESK_DB", raising=False)
    monkeypatch.delenv("ENFORCEMENT_DESK_TODAY", raising=False)
    # Every command that writes signs an audit checkpoint with the agency key: keep that key (and any other
    # keyring entry a test makes) in the test's own home, never in the keyring of the machine running them.
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(home / "keyring" / "keyring_pass.cfg")
    keyring.set_keyring(backend)
    yield
    keyring.set_keyring(previous)


def fresh_postgres_url() -> Iterator[str]:
    """A new database set up as `server setup` does, and the URL of its desks' login role: the tests work
    with the application's rights only (no DDL, no UPDATE/DELETE/TRUNCATE of the record)."""
    from enforcement_desk.store.server_roles import app_group, owner_role, provision

    name = f"ed_test_{uuid.uuid4().hex[:12]}"
    login = f"{name}_desk"
    provision(PG_URL, name, login, PASSWORD)
    yield str(make_url(PG_URL).set(username=login, database=name).render_as_string(hide_password=False))
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (login, app_group(name), owner_role(name)):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    finally:
        admin.dispose()


def fresh_empty_postgres_url() -> Iterator[str]:
    """A new, empty database reached as the cluster's superuser (for what needs DDL rights itself)."""
    name = f"ed_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.sqlite3'}"


TEST_AGENCY = dict(
    name="沂水县卫生健康综合监督执法局",
    short_name="沂",
    uscc="12371323MB2853161H",
    address="沂水县健康路 18 号",
    phone="0539-2251234",
    reconsideration_body="沂水县人民政府",
    court="沂水县人民法院",
    bank_name="中国农业银行沂水县支行",
    bank_account="15-411101040001234",
    payee="沂水县财政局非税收入专户",
)


@dataclass
class Office:
    ctx: object  # AppContext
    admin: object  # Actor, likewise below
    officer: object
    officer2: object
    officer3: object
    reviewer: object
    head: object
    head2: object
    person_party_id: int
    org_party_id: int

    def at(self, day: date) -> None:
        self.ctx.today_override = day


def make_office(url: str, evidence_dir: Path, today: date = date(2026, 11, 2), *, training: bool = True) -> Office:
    # Imported here so that core tests collect even while a service module is being written.
    from enforcement_desk.admin.agency_settings import set_transfer_approvers
    from enforcement_desk.admin.auth import login
    from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize
    from enforcement_desk.admin.users import UserDraft, add_user
    from enforcement_desk.context import AppContext
    from enforcement_desk.procedure.parties import PartyDraft, add_party

    ctx = AppContext.open(url, evidence_dir)
    ctx.today_override = today
    # A training database: the tests pin the business date (office.at), which only a training one allows.
    admin = initialize(ctx, AgencyDraft(**TEST_AGENCY), AdminDraft("admin", "管理员", PASSWORD), training=training)
    staff = [
        UserDraft("wang", "王强", Role.OFFICER, PASSWORD, "3713002023001", date(2028, 12, 31)),
        UserDraft("li", "李娜", Role.OFFICER, PASSWORD, "3713002023002", date(2028, 12, 31)),
        UserDraft("zhao", "赵磊", Role.OFFICER, PASSWORD, "3713002023003", date(2026, 12, 31)),
        UserDraft("zhou", "周敏", Role.REVIEWER, PASSWORD, legal_qualified=True),
        UserDraft("chen", "陈军", Role.HEAD, PASSWORD),
        UserDraft("liu", "刘洋", Role.HEAD, PASSWORD),
    ]
    for draft in staff:
        add_user(ctx, admin, draft)
    # 国务院令第310号 art. 5: the transfer's approvers: 陈军 the principal head, 刘洋 presiding (both approve).
    set_transfer_approvers(ctx, admin, "chen", "liu", note="移送审批负责人")
    actors = {d.login: login(ctx, d.login, PASSWORD) for d in staff}
    person = add_party(
        ctx, actors["wang"], PartyDraft("person", "张某某", "370323198503150010", address="沂水县许家湖镇某村 56 号")
    )
    org = add_party(
        ctx,
        actors["wang"],
        PartyDraft("organisation", "沂水县悦来宾馆有限公司", "91371323MA3C7X2Y1L", legal_representative="刘某", address="长安路 88 号"),
    )
    return Office(
        ctx, admin, actors["wang"], actors["li"], actors["zhao"], actors["zhou"], actors["chen"], actors["liu"],
        person.id, org.id,
    )


@pytest.fixture
def office(db_url: str, tmp_path: Path) -> Iterator[Office]:
    result = make_office(db_url, tmp_path / "evidence")
    yield result
    result.ctx.close()


@pytest.fixture
def sqlite_office(sqlite_url: str, tmp_path: Path) -> Iterator[Office]:
    result = make_office(sqlite_url, tmp_path / "evidence")
    yield result
    result.ctx.close()


@pytest.fixture
def file_keyring(tmp_path: Path):
    """A real keyring backend in a file, so keyring code runs without the desktop's secret service."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def with_owner_rights(db):
    """The same database reached by someone holding the tables' owner rights — on the server, the cluster's
    superuser (the desks' login cannot disable a trigger); on SQLite, anyone who can write the file. For
    tests that tamper with the record as such an attacker would."""
    from enforcement_desk.store.db import Database

    if db.is_sqlite:
        return db
    database = db.engine.url.database
    return Database(make_url(PG_URL).set(database=database).render_as_string(hide_password=False))


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, reached with the rights to create them (migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    else:
        yield from fresh_empty_postgres_url()


def migrate_with_owner_rights(db, verb: str, revision: str) -> None:
    """Run alembic `verb` to `revision` as `server upgrade` would: on the server as the tables' owner, then
    the desks' rights granted again on whatever the migration created; on SQLite, on the file itself."""
    from alembic import command

    from enforcement_desk.store.migrate import alembic_config
    from enforcement_desk.store.server_roles import apply_application_rights, owner_role

    config = alembic_config()
    owner = with_owner_rights(db)
    with owner.engine.begin() as connection:
        if not db.is_sqlite:
            database = connection.exec_driver_sql("SELECT current_database()").scalar()
            connection.exec_driver_sql(f"SET LOCAL ROLE {owner_role(database)}")
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)
        if not db.is_sqlite:
            apply_application_rights(connection, database)
    if owner is not db:
        owner.dispose()
    db.dispose()  # pooled connections may hold the old table definitions
