"""Fixtures shared by the scoring tests."""

from __future__ import annotations

import pytest

from operations.demo import demo_values
from surveys.structure import AnswerValue
from tests.web import bank_of, option, question, submit_answers


@pytest.fixture
def submitted(open_round, officer, colleague):
    bank = bank_of(open_round)
    """Rotterdam's Mobility and IT officers submitted; on strategy-vision they are 3 levels
    apart (l0 and l3), on strategy-sponsor they agree (l2)."""
    mobility = demo_values(bank, "rotterdam", "Mobility", 1)
    it = demo_values(bank, "rotterdam", "IT and data", 1)
    for values, vision in ((mobility, "l0"), (it, "l3")):
        values[question(bank, "strategy-vision").pk] = AnswerValue(
            option_id=option(bank, "strategy-vision", vision).pk, comment=f"We say {vision}."
        )
        values[question(bank, "strategy-sponsor").pk] = AnswerValue(
            option_id=option(bank, "strategy-sponsor", "l2").pk
        )
    submit_answers(open_round, officer, mobility)
    submit_answers(open_round, colleague, it)
