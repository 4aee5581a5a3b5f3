"""A facilitator records a city's agreed answers; the engine scores them into an agreed result."""

from __future__ import annotations

import pytest

from scoring import engine
from scoring.bridge import engine_bank, engine_response
from scoring.consensus import (
    Agreed,
    ConsensusIncomplete,
    ConsensusLocked,
    StaleConsensus,
    agreed_result,
    agreed_values,
    consensus_accept_unanimous,
    consensus_get_or_create,
    consensus_items,
    consensus_publish,
    consensus_save,
    consensus_withdraw,
    published_agreed_result,
)
from scoring.models import AgreedAnswer, Consensus
from surveys.structure import AnswerValue
from tests.web import bank_of, option, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


def _item(items, code):
    return next(item for item in items if item.question.code == code)


def test_the_most_divergent_questions_come_first_with_every_departments_answer(
    open_round, city, submitted, bank
):
    items = consensus_items(open_round, city, None)

    gaps = [item.gap for item in items]
    assert gaps == sorted(gaps, reverse=True)
    vision = _item(items, "strategy-vision")
    assert vision.gap == 3
    assert [(a.department, a.level, a.value.comment) for a in vision.answers] == [
        ("IT and data", 3.0, "We say l3."),
        ("Mobility", 0.0, "We say l0."),
    ]
    assert _item(items, "strategy-sponsor").unanimous == AnswerValue(
        option_id=option(bank, "strategy-sponsor", "l2").pk
    )
    assert vision.unanimous is None


def test_agreed_answers_are_saved_with_who_and_when_and_their_history(
    open_round, city, submitted, bank, facilitator
):
    consensus = consensus_get_or_create(round=open_round, city=city)
    vision = question(bank, "strategy-vision")
    chosen = option(bank, "strategy-vision", "l2")

    consensus = consensus_save(
        consensus=consensus,
        agreed={vision.pk: Agreed(AnswerValue(option_id=chosen.pk), "Plans name goals.")},
        expected_version=1,
        by=facilitator,
    )
    consensus_save(
        consensus=consensus,
        agreed={vision.pk: Agreed(AnswerValue(option_id=chosen.pk), "Plans name goals, 2024.")},
        expected_version=2,
        by=facilitator,
    )

    row = AgreedAnswer.objects.get(consensus=consensus, question=vision)
    assert (row.option_id, row.rationale, row.agreed_by) == (
        chosen.pk,
        "Plans name goals, 2024.",
        facilitator,
    )
    assert [h.rationale for h in row.history.order_by("history_date")] == [
        "Plans name goals.",
        "Plans name goals, 2024.",
    ]
    assert agreed_values(consensus) == {vision.pk: AnswerValue(option_id=chosen.pk)}


def test_a_save_from_an_older_page_is_refused_and_changes_nothing(
    open_round, city, submitted, bank, facilitator
):
    consensus = consensus_get_or_create(round=open_round, city=city)
    vision = question(bank, "strategy-vision")
    agreed = {vision.pk: Agreed(AnswerValue(option_id=option(bank, vision.code, "l1").pk))}
    consensus_save(consensus=consensus, agreed=agreed, expected_version=1, by=facilitator)

    with pytest.raises(StaleConsensus):
        consensus_save(consensus=consensus, agreed={}, expected_version=1, by=facilitator)

    assert Consensus.objects.get(pk=consensus.pk).version == 2


def test_accepting_the_unanimous_questions_agrees_only_those(
    open_round, city, submitted, bank, facilitator
):
    consensus = consensus_get_or_create(round=open_round, city=city)
    items = consensus_items(open_round, city, consensus)

    count = consensus_accept_unanimous(
        consensus=consensus, items=items, expected_version=1, by=facilitator
    )

    agreed = agreed_values(consensus)
    unanimous = [item for item in items if item.unanimous is not None]
    assert count == len(unanimous) == len(agreed) > 0
    assert question(bank, "strategy-vision").pk not in agreed
    assert agreed[question(bank, "strategy-sponsor").pk] == AnswerValue(
        option_id=option(bank, "strategy-sponsor", "l2").pk
    )


def test_publishing_needs_every_question_agreed_then_locks_until_withdrawn(
    open_round, city, submitted, bank, facilitator
):
    consensus = consensus_get_or_create(round=open_round, city=city)
    items = consensus_items(open_round, city, consensus)
    consensus_accept_unanimous(consensus=consensus, items=items, expected_version=1, by=facilitator)
    items = consensus_items(open_round, city, consensus)
    with pytest.raises(ConsensusIncomplete) as incomplete:
        consensus_publish(consensus=consensus, items=items, expected_version=2, by=facilitator)
    assert [q.code for q in incomplete.value.missing] == [
        item.question.code for item in items if item.agreed is None
    ]

    rest = {
        item.question.pk: Agreed(AnswerValue(option_id=item.answers[0].value.option_id))
        if item.answers[0].value.option_id
        else Agreed(AnswerValue(choice_ids=item.answers[0].value.choice_ids))
        for item in items
        if item.agreed is None
    }
    consensus = consensus_save(consensus=consensus, agreed=rest, expected_version=2, by=facilitator)
    items = consensus_items(open_round, city, consensus)
    consensus = consensus_publish(
        consensus=consensus, items=items, expected_version=3, by=facilitator
    )

    assert (consensus.status, consensus.published_by) == ("published", facilitator)
    with pytest.raises(ConsensusLocked):
        consensus_save(consensus=consensus, agreed={}, expected_version=4, by=facilitator)
    consensus = consensus_withdraw(consensus=consensus, expected_version=4)
    assert consensus.status == "draft"
    assert published_agreed_result(open_round, city) is None


def test_the_agreed_result_is_the_engines_score_of_the_agreed_answers(
    open_round, city, submitted, bank, facilitator
):
    consensus = consensus_get_or_create(round=open_round, city=city)
    vision = question(bank, "strategy-vision")
    agreed = {vision.pk: Agreed(AnswerValue(option_id=option(bank, vision.code, "l2").pk))}
    consensus = consensus_save(
        consensus=consensus, agreed=agreed, expected_version=1, by=facilitator
    )
    items = consensus_items(open_round, city, consensus)

    result = agreed_result(consensus, items)

    rules = engine_bank(bank)
    expected = engine.score_response(
        rules,
        engine_response(
            bank, "agreed", {vision.pk: AnswerValue(option_id=agreed[vision.pk].value.option_id)}
        ),
    )
    assert result.score == expected
    assert result.score.dimension("strategy").score is not None
    # Mobility said l0, IT l3: both are two levels or more from the agreed l2? Only l0 is.
    assert [a.department for a in _item(items, "strategy-vision").dissent] == ["Mobility"]
    assert result.dissent["strategy"] >= 1
    assert result.next_steps == engine.next_steps(rules, result.score.dimensions)
