"""Taking the next document number inside the issuing transaction.

The sequence row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers already hold the
database write lock from BEGIN IMMEDIATE), so concurrent issuers get distinct, consecutive numbers
and a rolled-back issue gives its number back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.procedure.numbering import format_bianhao, format_wenhao
from enforcement_desk.store.models import Agency, DocumentSequence


def take_sequence(session: Session, agency_id: int, series: str, year: int) -> int:
    """The next number of a series for the agency and year, taken under a row lock in the caller's
    transaction."""
    # Only the database's own dialect: loading PostgreSQL's costs every SQLite desk's process ~30 ms.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(
        insert(DocumentSequence)
        .values(agency_id=agency_id, series=series, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["agency_id", "series", "year"])
    )
    row = session.execute(
        select(DocumentSequence)
        .where(
            DocumentSequence.agency_id == agency_id,
            DocumentSequence.series == series,
            DocumentSequence.year == year,
        )
        .with_for_update()
    ).scalar_one()
    row.last_value += 1
    session.flush()
    return row.last_value


def peek_sequence(session: Session, agency_id: int, series: str, year: int) -> int:
    """The number `take_sequence` would give now, without taking it or locking anything: what a
    document is rendered with before its issuing transaction, which then checks it still is the next."""
    last = session.scalar(
        select(DocumentSequence.last_value).where(
            DocumentSequence.agency_id == agency_id,
            DocumentSequence.series == series,
            DocumentSequence.year == year,
        )
    )
    return (last or 0) + 1


Sequence = Callable[[Session, int, str, int], int]


def issue_wenhao(
    session: Session,
    agency: Agency,
    category: str,
    nature: str,
    year: int,
    sequence_of: Sequence = take_sequence,
) -> str:
    """Take (or with `peek_sequence`, look at) and format the next 文号 of this category and nature."""
    sequence = sequence_of(session, agency.id, f"文号:{category}{nature}", year)
    return format_wenhao(agency.short_name, category, nature, year, sequence)


def issue_bianhao(
    session: Session,
    agency: Agency,
    series: str,
    year: int,
    width: int = 3,
    sequence_of: Sequence = take_sequence,
) -> str:
    """Take (or with `peek_sequence`, look at) and format the next 编号 of this series for the year."""
    sequence = sequence_of(session, agency.id, f"编号:{series}", year)
    return format_bianhao(year, sequence, width=width)


def issue_case_bianhao(
    session: Session, agency: Agency, case_no: str, case_id: int, series: str, sequence_of: Sequence = take_sequence
) -> str:
    """The 编号 of a case's record (笔录, 回执 …): the case's 受理编号, the kind's mark and how many of the kind
    the case has (2026-0017-询2), so a paper names the case it belongs to and its place among its kind."""
    sequence = sequence_of(session, agency.id, f"编号:{series}:{case_id}", 0)
    return f"{case_no}-{series}{sequence}"
