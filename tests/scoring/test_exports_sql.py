"""The answers CSV's hand-written SQL gives the rows the ORM gives on the same data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from bench.csv_orm import answer_rows_orm
from operations.demo import demo_values
from scoring.answers_csv import answer_rows
from surveys.structure import AnswerValue
from tests import factories
from tests.web import bank_of, option, question, save_answers, submit_answers


def _comparable(row: tuple) -> tuple:
    """A row with its two times parsed: both write ISO 8601, with or without trailing zeros."""
    return (*row[:15], *(datetime.fromisoformat(t) if t else "" for t in row[15:]))


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_the_answers_sql_and_the_orm_give_the_same_rows(
    open_round, city, other_city, officer, language
):
    bank = bank_of(open_round)
    colleague = factories.MembershipFactory(city=city, department="IT and data").user
    foreign = factories.MembershipFactory(city=other_city, department="Mobility").user
    submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    values = demo_values(bank, "rotterdam", "IT and data", 2)
    values[question(bank, "skills-staff").pk] = AnswerValue(number=Decimal("-3.50"), text="")
    values[question(bank, "data-practices").pk] = AnswerValue(
        choice_ids=(
            option(bank, "data-practices", "lineage").pk,
            option(bank, "data-practices", "data-dictionary").pk,
        ),
        comment='=HYPERLINK("x")',
        evidence_url="https://example.org/a,b",
    )
    save_answers(open_round, colleague, values)
    save_answers(open_round, foreign, demo_values(bank, "valenciennes", "Mobility", 3))
    foreign.delete()  # an erased officer's answers stay, pseudonymised

    by_sql = [_comparable(row) for row in answer_rows(open_round, language)]
    by_orm = [_comparable(row) for row in answer_rows_orm(open_round, language)]

    assert len(by_sql) > 100
    assert by_sql == by_orm
