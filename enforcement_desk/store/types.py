"""Column types shared by the models."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator


class Money(TypeDecorator):
    """Yuan amounts kept as whole fen in an integer column: exact on SQLite and PostgreSQL alike
    (SQLite has no decimal type and would round-trip through float)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """The amount in yuan as whole fen for the database."""
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value, dialect):
        """The stored fen as yuan with two decimals."""
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
