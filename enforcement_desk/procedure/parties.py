"""Parties (当事人): natural persons identified by 居民身份证号, organisations by 统一社会信用代码."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import ConcurrentChange, DomainError, NotFound
from enforcement_desk.core.identifiers import validate_resident_id, validate_uscc
from enforcement_desk.core.party_names import MIN_CONTAINED, name_core, names_match, plain_name
from enforcement_desk.core.roles import Role
from enforcement_desk.core.text_limits import (
    ADDRESS,
    ID_NUMBER,
    NAME,
    PERSON_NAME,
    PHONE,
    SHORT_TEXT,
    checked_text,
)
from enforcement_desk.procedure import record_procedure_event
from enforcement_desk.store.models import Party

PARTY_KINDS = {"person": "自然人", "organisation": "法人或其他组织"}
EDITABLE_FIELDS = ("name", "legal_representative", "address", "phone", "business_type")


@dataclass(frozen=True)
class PartyDraft:
    """A party as entered: a person or an organisation, name, id number, representative, contact."""

    kind: str
    name: str
    id_number: str | None = None
    legal_representative: str = ""
    address: str = ""
    phone: str = ""
    business_type: str = ""


@dataclass(frozen=True)
class PartyView:
    """A registered party as shown, with what the id number encodes (sex, birth date)."""

    id: int
    kind: str
    name: str
    id_number: str | None
    legal_representative: str
    address: str
    phone: str
    business_type: str
    gender: str
    birth_date: date | None
    version: int

    @property
    def kind_label(self) -> str:
        """自然人 or 法人或其他组织."""
        return PARTY_KINDS[self.kind]

    @property
    def id_label(self) -> str:
        """The name of the party's id: 居民身份证号 or 统一社会信用代码."""
        return "居民身份证号" if self.kind == "person" else "统一社会信用代码"


def party_view(party: Party) -> PartyView:
    """The party row as a view."""
    return PartyView(
        id=party.id,
        kind=party.kind,
        name=party.name,
        id_number=party.id_number,
        legal_representative=party.legal_representative,
        address=party.address,
        phone=party.phone,
        business_type=party.business_type,
        gender=party.gender,
        birth_date=party.birth_date,
        version=party.version,
    )


def normalize_draft(draft: PartyDraft, today: date | None = None) -> tuple[PartyDraft, str, date | None]:
    """Validate a draft; returns it cleaned, with gender and birth date derived from an ID number."""
    if draft.kind not in PARTY_KINDS:
        raise DomainError("当事人类型应为“自然人”或“法人或其他组织”")
    name = checked_text(draft.name, "当事人名称或姓名", NAME, required=True)
    draft = replace(
        draft,
        legal_representative=checked_text(draft.legal_representative, "法定代表人（负责人）", PERSON_NAME),
        address=checked_text(draft.address, "住所（地址）", ADDRESS),
        phone=checked_text(draft.phone, "联系电话", PHONE),
        business_type=checked_text(draft.business_type, "经营类别", SHORT_TEXT),
    )
    checked_text(draft.id_number, "证件号码", ID_NUMBER)
    number = (draft.id_number or "").strip() or None
    gender, birth = "", None
    if draft.kind == "person":
        if number:
            resident = validate_resident_id(number, today=today)
            number, gender, birth = resident.number, resident.sex, resident.birth_date
    else:
        if number:
            number = validate_uscc(number)
        if not draft.legal_representative.strip():
            raise DomainError("法人或其他组织须填写法定代表人（负责人）")
    require_text(draft.address, "住所（地址）")
    return replace(draft, name=name, id_number=number), gender, birth


SIMILAR_CANDIDATES = 500  # names sharing the core's first characters, compared one by one


@dataclass(frozen=True)
class SimilarParty:
    """A registered party that may be the one being entered, and why."""

    party: PartyView
    reason: str  # 证件号码相同 / 名称相同 / 名称主体相同 / 名称相近


def _find_similar(
    session: Session, agency_id: int, kind: str | None, name: str, id_number: str | None
) -> list[tuple[Party, str]]:
    found: dict[int, tuple[Party, str]] = {}
    if id_number:
        for party in session.scalars(select(Party).where(Party.agency_id == agency_id, Party.id_number == id_number)):
            found[party.id] = (party, "证件号码相同")
    core = name_core(name) if kind != "person" else plain_name(name)
    if core:
        # Broad in SQL (the core's first characters anywhere in the name), exact in Python.
        pattern = f"%{core[:MIN_CONTAINED]}%"
        query = select(Party).where(Party.agency_id == agency_id, or_(Party.name == name, Party.name.like(pattern)))
        if kind:
            query = query.where(Party.kind == kind)
        for party in session.scalars(query.order_by(Party.id).limit(SIMILAR_CANDIDATES)):
            reason = names_match(name, party.name, organisations=party.kind != "person")
            if reason and party.id not in found:
                found[party.id] = (party, reason)
    order = {"证件号码相同": 0, "名称相同": 1, "名称主体相同": 2, "名称相近": 3}
    return sorted(found.values(), key=lambda item: (order[item[1]], item[0].id))


def find_similar(
    ctx: AppContext, actor: Actor, name: str, id_number: str | None = None, kind: str | None = None
) -> list[SimilarParty]:
    """Parties that are probably the one being entered, the likeliest first: the same ID number, the
    same name, or (organisations) the same name once the division in front and the organisation form
    at the end are left out."""
    with ctx.db.read() as session:
        rows = _find_similar(session, actor.agency_id, kind, name.strip(), (id_number or "").strip() or None)
        return [SimilarParty(party_view(party), reason) for party, reason in rows]


@allowed(Role.OFFICER, Role.HEAD, Role.ADMIN, action="登记当事人")
def add_party(ctx: AppContext, actor: Actor, draft: PartyDraft) -> PartyView:
    """Register a party (the id number checked, never registered twice), auditing it."""
    draft, gender, birth = normalize_draft(draft, ctx.today())
    with ctx.db.write() as session:
        if draft.id_number:
            existing = session.execute(
                select(Party).where(Party.agency_id == actor.agency_id, Party.id_number == draft.id_number)
            ).scalar_one_or_none()
            if existing is not None:
                raise DomainError(
                    f"{existing.name}（{draft.id_number}）已登记为当事人 #{existing.id}，请直接选用，不要重复登记"
                )
        party = Party(
            agency_id=actor.agency_id,
            kind=draft.kind,
            name=draft.name,
            id_number=draft.id_number,
            legal_representative=draft.legal_representative.strip(),
            address=draft.address.strip(),
            phone=draft.phone.strip(),
            business_type=draft.business_type.strip(),
            gender=gender,
            birth_date=birth,
            created_at=datetime.now(),
        )
        session.add(party)
        session.flush()
        record_procedure_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="party_added",
            entity="party",
            entity_id=party.id,
            payload={"after": {f: getattr(party, f) for f in ("kind", "id_number", *EDITABLE_FIELDS)}},
        )
        return party_view(party)


@allowed(Role.OFFICER, Role.HEAD, Role.ADMIN, action="修改当事人信息")
def update_party(ctx: AppContext, actor: Actor, party_id: int, expected_version: int, **changes: str) -> PartyView:
    """Change a party's editable fields if nobody changed it since `expected_version`, auditing before
    and after; the id number cannot change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"不能修改这些字段：{'、'.join(sorted(unknown))}（身份证号和信用代码登记后不能更改）")
    with ctx.db.write() as session:
        party = session.get(Party, party_id)
        if party is None or party.agency_id != actor.agency_id:
            raise NotFound(f"当事人 #{party_id} 不存在")
        if party.version != expected_version:
            raise ConcurrentChange(
                f"当事人“{party.name}”已被他人修改（版本 {expected_version} → {party.version}），请刷新后重新编辑，未保存任何内容"
            )
        before = {f: getattr(party, f) for f in changes}
        draft = PartyDraft(
            kind=party.kind,
            name=changes.get("name", party.name),
            id_number=party.id_number,
            legal_representative=changes.get("legal_representative", party.legal_representative),
            address=changes.get("address", party.address),
            phone=changes.get("phone", party.phone),
            business_type=changes.get("business_type", party.business_type),
        )
        draft, _, _ = normalize_draft(draft, ctx.today())
        for field_name in changes:
            setattr(party, field_name, getattr(draft, field_name))
        session.flush()
        record_procedure_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="party_updated",
            entity="party",
            entity_id=party.id,
            payload={"before": before, "after": {f: getattr(party, f) for f in changes}},
        )
        return party_view(party)


def get_party(ctx: AppContext, actor: Actor, party_id: int) -> PartyView:
    """One of the agency's parties by id."""
    with ctx.db.read() as session:
        party = session.get(Party, party_id)
        if party is None or party.agency_id != actor.agency_id:
            raise NotFound(f"当事人 #{party_id} 不存在")
        return party_view(party)


def search_parties(ctx: AppContext, actor: Actor, text: str = "", limit: int = 50) -> list[PartyView]:
    """The agency's parties whose name or id number contains the text, by name."""
    with ctx.db.read() as session:
        query = select(Party).where(Party.agency_id == actor.agency_id)
        text = text.strip()
        if text:
            pattern = f"%{text}%"
            query = query.where(or_(Party.name.like(pattern), Party.id_number.like(pattern)))
        return [party_view(p) for p in session.scalars(query.order_by(Party.name).limit(limit))]
