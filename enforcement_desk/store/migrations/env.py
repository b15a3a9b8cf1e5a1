"""Alembic environment: runs against the connection the application hands over."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context

import enforcement_desk.store as store_package
from enforcement_desk.store.models import Base

# Tables of later features live in store/models_<area>.py; all of them belong to the one schema.
for found in pkgutil.iter_modules(store_package.__path__):
    if found.name.startswith("models_"):
        importlib.import_module(f"enforcement_desk.store.{found.name}")

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:
    from enforcement_desk.store.db import make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
