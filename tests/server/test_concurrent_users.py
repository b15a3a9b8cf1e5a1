"""Several users at once on one database, on SQLite and on the PostgreSQL server alike: document
numbers stay unique and consecutive, a stale save is refused, one of two simultaneous approvals
wins and the other is told, and the audit chain stays one valid line."""

from __future__ import annotations

import multiprocessing
import re
import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from case_builders import LEGAL_BASIS, new_case
from sqlalchemy import func, select

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.users import UserDraft, add_user
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import ConcurrentChange, DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Outcome
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.numbers import issue_wenhao
from enforcement_desk.procedure.parties import PartyDraft, add_party
from enforcement_desk.procedure.review import all_passed, record_review
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.audit import verify_chain
from enforcement_desk.store.models import Agency, AuditEvent, DocumentSequence, LegalReview, StageChange

PROCESSES = 8
NUMBERS_EACH = 50
WENHAO_SEQUENCE = re.compile(r"〔2026〕(\d+)号$")


def _issue_decision_numbers(url: str, evidence_dir: str, count: int, start, results) -> None:
    """One officer's PC: its own process and connection, issuing decision numbers one per transaction."""
    ctx = AppContext.open(url, Path(evidence_dir))
    issued = []
    try:
        start.wait()
        for _ in range(count):
            with ctx.db.write() as session:
                agency = session.get(Agency, 1)
                issued.append(issue_wenhao(session, agency, "医", "罚", 2026))
    finally:
        results.put(issued)
        ctx.close()


def test_eight_processes_issuing_fifty_decision_numbers_each_get_400_distinct_consecutive_numbers(
    office, tmp_path
):
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(PROCESSES), spawn.Queue()
    workers = [
        spawn.Process(
            target=_issue_decision_numbers,
            args=(office.ctx.db.url, str(tmp_path / "evidence"), NUMBERS_EACH, start, results),
        )
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    batches = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == PROCESSES * NUMBERS_EACH
    assert len(set(numbers)) == len(numbers), "同一文号被发出两次"
    sequence = sorted(int(WENHAO_SEQUENCE.search(n).group(1)) for n in numbers)
    assert sequence == list(range(1, PROCESSES * NUMBERS_EACH + 1)), "文号不连续"
    for batch in batches:  # each issuer's own numbers only ever go up
        mine = [int(WENHAO_SEQUENCE.search(n).group(1)) for n in batch]
        assert mine == sorted(mine)
    with office.ctx.db.read() as session:
        assert (
            session.scalar(select(DocumentSequence.last_value).where(DocumentSequence.series == "文号:医罚"))
            == PROCESSES * NUMBERS_EACH
        )


def _at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together; each result is a value or the raised exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcomes[i] = call()
        except Exception as exc:  # collected for the assertions
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_a_save_based_on_a_stale_version_is_refused_and_names_the_change_it_would_overwrite(office):
    ctx = office.ctx
    case = new_case(office)
    advance(ctx, office.head, case.id, "file")
    seen_by_both = get_case(ctx, office.officer, case.id).version
    update_case(ctx, office.officer, case.id, seen_by_both, facts="王强记录：诊室内有两名患者正在输液。")
    with pytest.raises(ConcurrentChange, match="已被他人修改") as refused:
        update_case(ctx, office.officer2, case.id, seen_by_both, facts="李娜记录：诊室内无人。")
    assert f"版本 {seen_by_both} → {seen_by_both + 1}" in refused.value.message
    detail = get_case(ctx, office.officer2, case.id)
    assert detail.facts == "王强记录：诊室内有两名患者正在输液。"
    with ctx.db.read() as session:
        updates = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action == "case_updated")
        )
    assert updates == 1


def test_two_handlers_saving_the_same_version_at_the_same_moment_lose_nothing(office):
    ctx = office.ctx
    case = new_case(office)
    advance(ctx, office.head, case.id, "file")
    version = get_case(ctx, office.officer, case.id).version
    texts = {"wang": "王强：现场发现未取得许可证开展诊疗。", "li": "李娜：现场发现一次性注射器重复使用。"}
    outcomes = _at_once(
        lambda: update_case(ctx, office.officer, case.id, version, facts=texts["wang"]),
        lambda: update_case(ctx, office.officer2, case.id, version, facts=texts["li"]),
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    saved = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], ConcurrentChange)
    final = get_case(ctx, office.officer, case.id)
    assert final.facts == saved[0].facts and final.facts in texts.values()
    assert final.version == version + 1


def _major_case_submitted_for_review(office) -> int:
    """A 50,000-yuan fine on a natural person: major, so it must pass legal review."""
    ctx = office.ctx
    case = new_case(office)
    advance(ctx, office.head, case.id, "file")
    version = get_case(ctx, office.officer, case.id).version
    update_case(
        ctx,
        office.officer,
        case.id,
        version,
        facts="当事人未取得医疗机构执业许可证开展诊疗活动，违法所得3000元。",
    )
    advance(ctx, office.officer, case.id, "close_investigation")
    proposal = Proposal(
        Outcome.PENALTY, ("没收违法所得", "罚款"), Decimal("50000"), Decimal("3000"), level="一般", **LEGAL_BASIS
    )
    set_proposal(ctx, office.officer, case.id, get_case(ctx, office.officer, case.id).version, proposal)
    advance(ctx, office.officer, case.id, "deliberate")
    advance(ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-02"})
    ctx.today_override = date(2026, 11, 9) + timedelta(days=1)
    advance(ctx, office.officer, case.id, "submit_review")
    return case.id


def test_two_reviewers_approving_at_once_one_wins_and_the_other_is_told(office):
    ctx = office.ctx
    add_user(
        ctx, office.admin, UserDraft("sun", "孙莉", Role.REVIEWER, "test-pass-123", legal_qualified=True)
    )
    second_reviewer = login(ctx, "sun", "test-pass-123")
    case_id = _major_case_submitted_for_review(office)
    outcomes = _at_once(
        lambda: record_review(ctx, office.reviewer, case_id, "approved", all_passed(), "同意，事实清楚"),
        lambda: record_review(ctx, second_reviewer, case_id, "approved", all_passed(), "同意"),
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], DomainError)
    assert "只能在“法制审核”阶段进行" in refused[0].message, refused[0].message
    with ctx.db.read() as session:
        approvals = session.scalar(
            select(func.count())
            .select_from(StageChange)
            .where(StageChange.case_id == case_id, StageChange.action == "approve_review")
        )
        decided = session.execute(
            select(LegalReview.reviewer_id, LegalReview.outcome).where(LegalReview.case_id == case_id)
        ).all()
    assert approvals == 1
    assert len([r for r in decided if r.outcome == "approved"]) == 1


def test_concurrent_audit_writers_keep_one_unbroken_chain(office):
    ctx = office.ctx
    with ctx.db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    writers, each = 6, 15

    def register(writer: int) -> Callable[[], object]:
        actor = office.officer if writer % 2 else office.officer2

        def run() -> int:
            for n in range(each):
                add_party(
                    ctx,
                    actor,
                    PartyDraft(
                        "organisation",
                        f"并发测试诊所{writer}-{n}",
                        legal_representative="某某",
                        address="沂水县",
                    ),
                )
            return each

        return run

    outcomes = _at_once(*(register(w) for w in range(writers)))
    assert outcomes == [each] * writers, outcomes
    with ctx.db.read() as session:
        report = verify_chain(session)
        seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert report.ok, report.problems
    assert report.events_checked == before + writers * each
    assert seqs == list(range(1, before + writers * each + 1))
