"""Moving an office from the embedded SQLite file to the shared PostgreSQL server.

The copy is table by table in foreign-key order through the ORM's table metadata (so JSON, money
and dates go through the same type conversions as every other write), inside one transaction on
the server: a failure leaves the server as empty as it was. The audit trail is copied row for row
— its sequence numbers and hashes are the proof, so they must not be renumbered. Afterwards the
server's id sequences are moved past the copied ids, row counts are compared and the whole record
(audit chain and every evidence file) is verified on the target.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, bindparam, func, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from enforcement_desk.admin import record_admin_event
from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.admin.backup import copy_blob_store
from enforcement_desk.admin.server_connection import explain_connection_error
from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.store import migrate
from enforcement_desk.store.credentials import masked_url
from enforcement_desk.store.db import Database, allow_long_statements
from enforcement_desk.store.models import Base

BATCH_ROWS = 2000
# Tables that are not ours to copy: alembic's bookkeeping and SQLite's full-text index, which the
# server replaces with its own LIKE search.
NOT_COPIED_PREFIXES = ("alembic_version", "cases_fts", "sqlite_")

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True)
class TableCopy:
    """One table copied to the server: rows in the source and rows found in the target."""

    table: str
    source_rows: int
    target_rows: int


@dataclass(frozen=True)
class MigrationReport:
    """The outcome of moving the embedded database to a server: tables, files, the verified chain,
    problems."""

    target: str  # masked URL
    tables: tuple[TableCopy, ...]
    blobs_copied: int
    events_verified: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


def all_tables() -> list[Table]:
    """Every table the application maps, parents before children (other areas' models included)."""
    import enforcement_desk.store as store_package

    for module in pkgutil.iter_modules(store_package.__path__):
        if module.name.startswith("models"):
            importlib.import_module(f"enforcement_desk.store.{module.name}")
    return list(Base.metadata.sorted_tables)


def _self_references(table: Table) -> list[str]:
    """Columns pointing into their own table (a document superseded by a later one): inserted empty
    and filled in once every row exists, since a row may point to one copied after it. That fill-in is
    an UPDATE, which the server's append-only triggers (evidence, its voids and time corrections, the
    audit trail) would refuse; none of those tables points into itself, so they are only ever inserted."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _target_has_data(connection: Connection, tables: list[Table]) -> list[str]:
    present = set(inspect(connection).get_table_names())
    busy = []
    for table in tables:
        if table.name in present and connection.execute(select(func.count()).select_from(table)).scalar_one():
            busy.append(table.name)
    return busy


def _unmapped_source_tables(connection: Connection, tables: list[Table]) -> list[str]:
    mapped = {t.name for t in tables}
    return sorted(
        name
        for name in inspect(connection).get_table_names()
        if name not in mapped and not name.startswith(NOT_COPIED_PREFIXES)
    )


def _batches(source: Connection, table: Table) -> Iterator[list[dict]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = source.execute(select(table).order_by(*order).execution_options(yield_per=BATCH_ROWS))
    for partition in result.mappings().partitions(BATCH_ROWS):
        yield [dict(row) for row in partition]


def _copy_table(
    source: Connection, target: Connection, table: Table, total: int, progress: Progress | None
) -> None:
    deferred = _self_references(table)
    pending: list[dict] = []
    done = 0
    for rows in _batches(source, table):
        if deferred:
            pending += [
                {"_pk": row["id"], **{f"new_{c}": row[c] for c in deferred}}
                for row in rows
                if any(row[c] is not None for c in deferred)
            ]
            rows = [{**row, **dict.fromkeys(deferred)} for row in rows]
        target.execute(insert(table), rows)
        done += len(rows)
        if progress:
            progress(table.name, done, total)
    if pending:
        target.execute(
            update(table)
            .where(table.c.id == bindparam("_pk"))
            .values({c: bindparam(f"new_{c}") for c in deferred}),
            pending,
        )


def _reset_sequences(target: Connection, tables: list[Table]) -> None:
    """Rows were inserted with their ids, which does not move PostgreSQL's sequences: without this
    the next new case would collide with case #1."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        for column in keys:
            sequence = target.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar_one()
            if sequence is None:
                continue
            target.execute(
                text(
                    f'SELECT setval(:seq, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                    f'(SELECT MAX("{column.name}") FROM "{table.name}") IS NOT NULL)'
                ),
                {"seq": sequence},
            )


@allowed(Role.ADMIN, action="迁移到共享服务器")
def migrate_to_server(
    ctx: AppContext,
    actor: Actor,
    target_url: str,
    target_evidence_dir: Path,
    progress: Progress | None = None,
) -> MigrationReport:
    """Copy this embedded database and its evidence store to an empty server database."""
    if not ctx.db.is_sqlite:
        raise DomainError("只能从本机内嵌数据库（SQLite）迁移到服务器；当前已在使用服务器数据库")
    shown = masked_url(target_url)
    target = Database(target_url)
    if target.is_sqlite:
        raise DomainError(f"迁移目标应为 PostgreSQL 服务器地址（postgresql+psycopg://…），而不是 {shown}")
    try:
        return _migrate(ctx, actor, target, shown, Path(target_evidence_dir), progress)
    finally:
        target.dispose()


def _migrate(
    ctx: AppContext, actor: Actor, target: Database, shown: str, evidence_dir: Path, progress: Progress | None
) -> MigrationReport:
    tables = all_tables()
    # Looked at before the schema is created or upgraded: a non-empty target is left untouched.
    try:
        with target.engine.connect() as probe:
            busy = _target_has_data(probe, tables)
    except DBAPIError as exc:
        raise explain_connection_error(exc, target.url) from None
    if busy:
        raise DomainError(
            f"目标数据库 {shown} 不是空的，迁移不会覆盖已有数据",
            details=[f"已有数据的表：{'、'.join(busy[:8])}{' 等' if len(busy) > 8 else ''}"],
        )
    migrate.upgrade(target.engine)
    copies: list[TableCopy] = []
    # One read transaction on the source: every table comes from the same snapshot even while
    # officers keep working (WAL readers see the database as of their first read).
    with ctx.db.engine.connect() as source, source.begin():
        unmapped = _unmapped_source_tables(source, tables)
        if unmapped:
            raise DomainError(
                "源数据库中有程序不认识的表，迁移会丢失其中的数据，已停止",
                details=[f"未知的表：{'、'.join(unmapped)}（请先升级程序版本）"],
            )
        counts = {t.name: source.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}
        with target.engine.begin() as destination:
            allow_long_statements(destination)  # a large table's copy outlasts the per-statement limit
            for table in tables:
                _copy_table(source, destination, table, counts[table.name], progress)
            _reset_sequences(destination, tables)
            for table in tables:
                copied = destination.execute(select(func.count()).select_from(table)).scalar_one()
                copies.append(TableCopy(table.name, counts[table.name], copied))
    blobs, _ = copy_blob_store(ctx.evidence_dir, evidence_dir, progress)
    problems = [
        f"表 {c.table}：源数据库 {c.source_rows} 行，服务器 {c.target_rows} 行"
        for c in copies
        if c.source_rows != c.target_rows
    ]
    target_ctx = AppContext(db=target, evidence_dir=evidence_dir, today_override=ctx.today_override)
    verification = verify_all(
        target_ctx, actor, (lambda what, n: progress(f"verify:{what}", n, 0)) if progress else None
    )
    problems += list(verification.problems)
    payload = {
        "target": shown,
        "evidence_dir": str(evidence_dir),
        "rows": {c.table: c.target_rows for c in copies},
        "blobs": blobs,
        "ok": not problems,
    }
    with target.write() as session:
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="migrated_from_embedded",
            entity="database",
            entity_id="embedded",
            payload={**payload, "source": str(ctx.db.sqlite_file)},
        )
    with ctx.db.write() as session:
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="migrated_to_server",
            entity="database",
            entity_id="server",
            payload=payload,
        )
    return MigrationReport(
        target=shown,
        tables=tuple(copies),
        blobs_copied=blobs,
        events_verified=verification.events_checked,
        problems=tuple(problems),
    )
