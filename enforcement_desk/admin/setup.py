"""First run: create the schema, the agency and the first administrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from enforcement_desk.admin import record_admin_event
from enforcement_desk.admin.auth import actor_from_user, hash_password
from enforcement_desk.context import Actor, AppContext, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.identifiers import validate_uscc
from enforcement_desk.core.roles import Role
from enforcement_desk.core.text_limits import ADDRESS, CODE, NAME, PERSON_NAME, PHONE, checked_text
from enforcement_desk.store import migrate
from enforcement_desk.store.models import Agency, User


@dataclass(frozen=True)
class AgencyDraft:
    """The agency as entered at first start: names, 统一社会信用代码, the bodies named in decisions, the
    bank."""

    name: str
    short_name: str
    uscc: str | None = None
    address: str = ""
    phone: str = ""
    reconsideration_body: str = ""
    court: str = ""
    bank_name: str = ""
    bank_account: str = ""
    payee: str = ""


@dataclass(frozen=True)
class AdminDraft:
    """The first administrator's account as entered at first start."""

    login: str
    name: str
    password: str


def ensure_schema(ctx: AppContext) -> None:
    """Bring the database's schema to the current revision."""
    migrate.upgrade(ctx.db.engine)


def is_initialized(ctx: AppContext) -> bool:
    """True when the database is at the current schema and an agency has been set up."""
    try:
        if not migrate.is_current(ctx.db.engine):
            return False
        with ctx.db.read() as session:
            return bool(session.scalar(select(func.count()).select_from(Agency)))
    except Exception:  # a file that is not our database, or an unreachable server
        return False


def validate_agency(draft: AgencyDraft) -> AgencyDraft:
    """Check an agency draft (full name, a short name fit for 文号, a valid 统一社会信用代码) and return
    it."""
    checked_text(draft.name, "机构全称", NAME, required=True)
    for value, label, kind in (
        (draft.address, "机构地址", ADDRESS), (draft.phone, "联系电话", PHONE),
        (draft.reconsideration_body, "复议机关", NAME), (draft.court, "人民法院", NAME),
        (draft.bank_name, "开户银行", NAME), (draft.bank_account, "银行账号", CODE), (draft.payee, "收款人", NAME),
    ):  # fmt: skip
        checked_text(value, label, kind)
    short = require_text(draft.short_name, "地区简称（文号用，如“沂”）")
    if len(short) > 6:
        raise DomainError("地区简称过长：文号中的地区简称一般为一到两个字")
    if draft.uscc:
        validate_uscc(draft.uscc)
    return draft


def initialize(ctx: AppContext, agency: AgencyDraft, admin: AdminDraft, *, training: bool = False) -> Actor:
    """Create the schema if needed, then the agency and its administrator. Refuses a second run.

    `training` makes a training database (the demo's, or `init --training` for courses): its documents
    carry the 培训 mark and its business date may be pinned. The mark goes into the database's first
    audit event and is never changed afterwards (enforcement_desk.admin.training)."""
    validate_agency(agency)
    checked_text(admin.login, "管理员登录名", PERSON_NAME, required=True)
    checked_text(admin.name, "管理员姓名", PERSON_NAME, required=True)
    password_hash = hash_password(admin.password)
    ensure_schema(ctx)
    now = datetime.now()
    with ctx.db.write() as session:
        if session.scalar(select(func.count()).select_from(Agency)):
            raise DomainError("数据库已初始化，不能重复初始化")
        row = Agency(
            name=agency.name.strip(),
            short_name=agency.short_name.strip(),
            uscc=validate_uscc(agency.uscc) if agency.uscc else None,
            address=agency.address,
            phone=agency.phone,
            reconsideration_body=agency.reconsideration_body,
            court=agency.court,
            bank_name=agency.bank_name,
            bank_account=agency.bank_account,
            payee=agency.payee,
            settings={},
            created_at=now,
        )
        session.add(row)
        session.flush()
        user = User(
            agency_id=row.id,
            login=admin.login.strip(),
            name=admin.name.strip(),
            role=Role.ADMIN.value,
            password_hash=password_hash,
            legal_qualified=False,
            active=True,
            created_at=now,
        )
        session.add(user)
        session.flush()
        record_admin_event(
            session,
            actor_id=user.id,
            actor_login=user.login,
            action="initialize",
            entity="agency",
            entity_id=row.id,
            payload={"agency": agency.name, "short_name": agency.short_name, "admin": admin.login,
                     **({"training": True} if training else {})},  # fmt: skip
        )
        return actor_from_user(user)


def agency_title(ctx: AppContext) -> str:
    """The agency's full name, for window titles and the sign-in screen (before anyone signs in)."""
    with ctx.db.read() as session:
        return session.scalar(select(Agency.name).order_by(Agency.id).limit(1)) or ""
