"""Likely duplicate parties, found through the service on a real database."""

from __future__ import annotations

from enforcement_desk.procedure.parties import PartyDraft, add_party, find_similar


def test_the_same_hotel_written_differently_is_found_and_the_likeliest_comes_first(sqlite_office):
    office = sqlite_office
    same_code = "91371323MA3C7X2Y1L"  # the office's 沂水县悦来宾馆有限公司
    add_party(office.ctx, office.officer, PartyDraft("organisation", "悦来宾馆二店", None,
                                                    legal_representative="刘某", address="长安路 90 号"))  # fmt: skip
    add_party(office.ctx, office.officer, PartyDraft("organisation", "沂水县如家宾馆有限公司", None,
                                                    legal_representative="赵某", address="长安路 1 号"))  # fmt: skip
    found = find_similar(office.ctx, office.officer, "悦来宾馆（有限责任公司）", same_code, "organisation")
    assert [(s.party.name, s.reason) for s in found] == [
        ("沂水县悦来宾馆有限公司", "证件号码相同"),
        ("悦来宾馆二店", "名称相近"),
    ]
    assert find_similar(office.ctx, office.officer, "沂水县家家乐宾馆", None, "organisation") == []


def test_a_person_is_matched_by_the_whole_name_only(sqlite_office):
    office = sqlite_office  # has 张某某 (a person)
    assert [s.reason for s in find_similar(office.ctx, office.officer, "张 某某", None, "person")] == ["名称相同"]
    assert find_similar(office.ctx, office.officer, "张某", None, "person") == []
    # an organisation's name is not compared with people's
    assert find_similar(office.ctx, office.officer, "张某某", None, "organisation") == []
