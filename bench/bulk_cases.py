"""Build a database with many cases quickly, for benchmarks only.

The agency, users and parties go through the services; the cases themselves are bulk-inserted
with SQLAlchemy Core (bypassing the per-case audit work that a real officer's action does), so a
100,000-case database takes seconds rather than an hour.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize
from enforcement_desk.admin.users import UserDraft, add_user
from enforcement_desk.context import AppContext
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import ORDINARY_MAIN_LINE, CaseSource
from enforcement_desk.store.models import Case, CaseHandler, Party

PASSWORD = "bench-pass-2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PLACES = ["沂城街道", "许家湖镇", "泉庄镇", "黄山铺镇", "四十里堡镇", "高桥镇", "道托镇", "马站镇"]
BUSINESSES = [
    "宾馆",
    "口腔诊所",
    "供水站",
    "美容店",
    "卫生室",
    "游泳馆",
    "机械厂",
    "足疗店",
    "幼儿园",
    "药店",
]
CAUSES = [
    "未取得医疗机构执业许可证擅自执业",
    "公共场所未取得卫生许可证擅自营业",
    "集中式供水单位安排未取得体检合格证的人员从事直接供、管水工作",
    "使用非卫生技术人员从事医疗卫生技术工作",
    "未按照规定组织劳动者进行职业健康检查",
    "医疗机构未按规定处置医疗废物",
    "公共场所从业人员未取得健康合格证明从事直接服务工作",
]


def build_big_database(
    path: Path, cases: int, seed: int = 7, url: str | None = None
) -> tuple[AppContext, str]:
    """Return a context on a new SQLite file holding `cases` cases, and the officer's login.

    With `url` (an empty PostgreSQL database) the cases go there instead; `path` then only places
    the evidence folder.
    """
    url = url or f"sqlite:///{path}"
    ctx = AppContext.open(url, path.parent / "evidence")
    admin = initialize(
        ctx,
        AgencyDraft(
            name="沂水县卫生健康综合监督执法局",
            short_name="沂",
            reconsideration_body="沂水县人民政府",
            court="沂水县人民法院",
        ),
        AdminDraft("admin", "管理员", PASSWORD),
    )
    officers = []
    for i in range(8):
        view = add_user(
            ctx,
            admin,
            UserDraft(
                f"officer{i}",
                f"执法员{i}",
                Role.OFFICER,
                PASSWORD,
                f"371300202300{i:02d}",
                date(2029, 12, 31),
            ),
        )
        officers.append(view.id)
    rng = random.Random(seed)
    now = datetime.now()
    parties = []
    for i in range(max(cases // 10, 10)):
        place = rng.choice(PLACES)
        parties.append(
            {
                "agency_id": 1,
                "kind": "organisation",
                "name": f"沂水县{place}{rng.choice(SURNAMES)}氏{rng.choice(BUSINESSES)}{i}",
                "id_number": None,
                "legal_representative": f"{rng.choice(SURNAMES)}某",
                "address": f"沂水县{place}{rng.randint(1, 300)}号",
                "phone": "",
                "business_type": "",
                "gender": "",
                "birth_date": None,
                "created_at": now,
                "version": 1,
            }
        )
    stages = [s.value for s in ORDINARY_MAIN_LINE]
    with ctx.db.engine.begin() as conn:
        conn.execute(insert(Party), parties)
        rows, handlers = [], []
        for i in range(1, cases + 1):
            accepted = date(2022, 1, 1) + timedelta(days=rng.randint(0, 1700))
            party_index = rng.randrange(len(parties))
            cause = rng.choice(CAUSES)
            place = rng.choice(PLACES)
            facts = f"当事人在{place}{cause}，现场检查发现相关情况，已制作现场笔录。"
            case_no = f"{accepted.year}-{i:06d}"
            filing_no = f"沂卫医立〔{accepted.year}〕{i:06d}号"
            rows.append(
                {
                    "id": i,
                    "agency_id": 1,
                    "case_no": case_no,
                    "filing_no": filing_no,
                    "decision_no": None,
                    "procedure": "ordinary",
                    "source": rng.choice(list(CaseSource)).value,
                    "source_detail": "",
                    "category": "医",
                    "cause": cause,
                    "violation_code": None,
                    "party_id": party_index + 1,
                    "stage": rng.choice(stages),
                    "location": place,
                    "discovered_on": accepted,
                    "accepted_on": accepted,
                    "facts": facts,
                    "evidence_summary": "",
                    "penalty_kinds": [],
                    "discretion": {},
                    "major_flags": [],
                    "paid_amount": 0,
                    "life_health_harm": False,
                    "mitigated": False,
                    "defence_waived": False,
                    "decision_extension_days": 0,
                    "closing_summary": "",
                    "search_text": " ".join(
                        [case_no, filing_no, parties[party_index]["name"], cause, place, facts]
                    ),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            first = rng.randrange(len(officers))
            handlers.append({"case_id": i, "user_id": officers[first], "position": 0})
            handlers.append({"case_id": i, "user_id": officers[(first + 1) % len(officers)], "position": 1})
            if len(rows) >= 5000:
                conn.execute(insert(Case), rows)
                conn.execute(insert(CaseHandler), handlers)
                rows, handlers = [], []
        if rows:
            conn.execute(insert(Case), rows)
            conn.execute(insert(CaseHandler), handlers)
    if ctx.db.is_sqlite:
        with ctx.db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with ctx.db.engine.begin() as conn:
            # the cases were inserted with their ids: move the sequence past them, then gather
            # the planner statistics a real server would have after autovacuum
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))"
            )
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    login(ctx, "officer0", PASSWORD)
    return ctx, "officer0"
