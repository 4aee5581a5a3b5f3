"""The tracker's share answered is the officer's own progress, whatever the answers hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scoring.tracker import tracker_for
from surveys.models import Option
from surveys.structure import AnswerValue, Bank
from tests.web import bank_of, question, save_answers

REQUIRED_SHOWN = 49  # required questions of the bank shown before any answer


def _required(bank: Bank) -> list:
    return [q for q in bank.questions() if q.required and q.condition_id is None]


def _comments_only(bank: Bank) -> dict[int, AnswerValue]:
    return {q.pk: AnswerValue(comment="We will ask IT") for q in _required(bank)[:10]}


def _special(bank: Bank, special: str) -> dict[int, AnswerValue]:
    values = {}
    for q in _required(bank):
        flagged = [o for o in q.options.all() if o.special == special]
        if flagged and q.kind != "multi":
            values[q.pk] = AnswerValue(option_id=flagged[0].pk)
    return values


def _follow_up_shown_and_unanswered(bank: Bank) -> dict[int, AnswerValue]:
    follow_up = question(bank, "strategy-follow-through")
    return {follow_up.condition.question_id: AnswerValue(option_id=follow_up.condition_id)}


def _follow_up_answered_but_hidden(bank: Bank) -> dict[int, AnswerValue]:
    follow_up = question(bank, "strategy-follow-through")
    parent = follow_up.condition.question
    other = next(o for o in parent.options.all() if o.pk != follow_up.condition_id)
    return {
        parent.pk: AnswerValue(option_id=other.pk),
        follow_up.pk: AnswerValue(option_id=follow_up.options.all()[0].pk),
    }


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (_comments_only, 0),
        (lambda bank: _special(bank, Option.Special.DONT_KNOW), None),
        (lambda bank: _special(bank, Option.Special.NOT_APPLICABLE), None),
        # Question 1 and its follow-up 1a are one required answer, open until 1a is answered:
        # 0 of 49, not 1 of 50 (the count does not grow when a follow-up appears).
        (_follow_up_shown_and_unanswered, 0),
        # A hidden follow-up's answer counts for nothing: 1 of 49.
        (_follow_up_answered_but_hidden, round(100 / REQUIRED_SHOWN)),
    ],
    ids=["comments only", "don't know", "not applicable", "follow-up shown", "follow-up hidden"],
)
def test_the_tracker_shows_the_share_the_officer_sees_on_their_own_pages(
    client, facilitator, open_round, officer, answers, expected
):
    bank = bank_of(open_round)
    values = answers(bank)
    if expected is None:  # each flagged answer answers its question
        expected = round(100 * len(values) / REQUIRED_SHOWN)
    save_answers(open_round, officer, values)
    client.force_login(officer)
    own = client.get(reverse("surveys:review", kwargs={"round_id": open_round.pk}))
    home = client.get(reverse("home"))

    (row,) = [r for r in tracker_for(open_round).rows if r.response_id is not None]

    assert own.context["progress"].percent == expected
    assert [r.percent for r in home.context["round_rows"]] == [expected]
    assert row.percent == expected
