"""Every service writes the audit trail through its own feature's function, never the store's directly.

`store.audit.append_event` is called only inside store/ and by one function per feature
(`enforcement_desk.<feature>.record_<feature>_event`), which passes the event through unchanged.
"""

from __future__ import annotations

import ast
import importlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

import enforcement_desk
from enforcement_desk.context import AppContext
from enforcement_desk.store import audit, migrate
from enforcement_desk.supervision import record_supervision_event

PACKAGE = Path(enforcement_desk.__file__).parent
FEATURES = ("procedure", "discretion", "evidence", "documents", "transfer", "supervision", "admin")
WRITERS = {("feature_audit.py", "record")}


def _uses(tree: ast.AST):
    """(line, enclosing function or None, how) for every mention of append_event in a module."""
    found = []

    def walk(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Name) and child.id == "append_event":
                found.append((child.lineno, function, "name"))
            elif isinstance(child, ast.Attribute) and child.attr == "append_event":
                found.append((child.lineno, function, "attribute"))
            elif isinstance(child, ast.alias) and child.name == "append_event":
                found.append((getattr(child, "lineno", 0), function, "import"))
            elif isinstance(child, ast.Constant) and child.value == "append_event":
                found.append((child.lineno, function, "string"))
            walk(child, inner)

    walk(tree, None)
    return found


def test_no_module_outside_the_store_and_the_feature_writers_calls_append_event():
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("store/"):
            continue
        for line, function, how in _uses(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            writer = (relative, function) in WRITERS
            module_import = how == "import" and function is None and any(relative == m for m, _ in WRITERS)
            if not (writer or module_import):
                stray.append(f"{relative}:{line} ({how} in {function or 'module'})")
    assert stray == [], "append_event used outside store/ and the feature audit functions:\n" + "\n".join(
        stray
    )


def test_each_feature_has_its_writer():
    for feature in FEATURES:
        writer = getattr(importlib.import_module(f"enforcement_desk.{feature}"), f"record_{feature}_event")
        assert writer.__name__ == f"record_{feature}_event"


def test_a_feature_writer_appends_the_same_chained_event_as_the_store(tmp_path):
    event = {"actor_id": 1, "actor_login": "wang", "action": "probe", "entity": "case", "entity_id": 7,
             "case_id": 7, "payload": {"金额": Decimal("200.00"), "日期": date(2026, 3, 2)},
             "at": datetime(2026, 3, 2, 9, 30)}  # fmt: skip
    chains = []
    for name, write in (("direct", audit.append_event), ("feature", record_supervision_event)):
        ctx = AppContext.open(f"sqlite:///{tmp_path / name}.sqlite3", tmp_path / name)
        try:
            migrate.upgrade(ctx.db.engine)
            with ctx.db.write() as session:
                write(session, **event)
                write(session, **event)
            with ctx.db.read() as session:
                assert audit.verify_chain(session).ok
                chains.append(session.execute(text("SELECT * FROM audit_events ORDER BY seq")).all())
        finally:
            ctx.close()
    assert len(chains[0]) >= 2 and chains[0] == chains[1]
