"""Art. 51: on the spot only a warning, or a fine up to 200 元 for a citizen and 3,000 元 for an organisation."""

from __future__ import annotations

from decimal import Decimal

from enforcement_desk.core.procedure.major import ProposedPenalty, within_simple_procedure
from enforcement_desk.core.settings import AgencySettings


def test_public_criticism_is_not_an_on_the_spot_penalty():
    allowed, reason = within_simple_procedure(ProposedPenalty("person", Decimal(0), kinds=("通报批评",)), AgencySettings())
    assert not allowed and "通报批评" in reason and "第五十一条" in reason


def test_a_warning_and_a_small_fine_are():
    assert within_simple_procedure(ProposedPenalty("person", Decimal(200), kinds=("警告", "罚款")), AgencySettings())[0]
