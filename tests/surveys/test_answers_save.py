"""answers_save writes only what changed, with one history row per changed answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from surveys.answers import answers_load
from surveys.models import Answer, AnswerChange, Response
from surveys.services import StaleResponse, answers_save, response_get_or_create
from surveys.structure import AnswerValue, bank_for
from tests.web import option, question


def test_changed_answers_are_stored_with_their_history_and_unchanged_ones_are_left_alone(
    open_round, officer
):
    bank = bank_for(open_round.questionnaire)
    staff = question(bank, "skills-staff").pk
    practices = question(bank, "data-practices").pk
    lineage = option(bank, "data-practices", "lineage").pk
    dictionary = option(bank, "data-practices", "data-dictionary").pk
    response = response_get_or_create(round=open_round, membership=officer.membership)
    first = {
        staff: AnswerValue(number=Decimal("12.50"), comment="Two teams"),
        practices: AnswerValue(choice_ids=(lineage,)),
    }
    saved = answers_save(response=response, values=first, expected_version=1, by=officer)

    second = {**first, practices: AnswerValue(choice_ids=(lineage, dictionary))}
    again = answers_save(response=saved.response, values=second, expected_version=2, by=officer)

    assert again.response.version == 3
    assert answers_load(again.response) == second == again.answers
    history = AnswerChange.objects.filter(response=response).order_by("id")
    assert [(h.question_id, h.changed_by_id, h.old_value, h.new_value) for h in history] == [
        (
            staff,
            officer.pk,
            None,
            {
                "option": None,
                "choices": [],
                "number": "12.50",
                "text": "",
                "comment": "Two teams",
                "evidence_url": "",
            },
        ),
        (
            practices,
            officer.pk,
            None,
            {**_EMPTY, "choices": [lineage]},
        ),
        (
            practices,
            officer.pk,
            {**_EMPTY, "choices": [lineage]},
            {**_EMPTY, "choices": [lineage, dictionary]},
        ),
    ]
    assert {h.changed_at for h in history[2:]} == {again.response.updated_at}


_EMPTY = {
    "option": None,
    "choices": [],
    "number": None,
    "text": "",
    "comment": "",
    "evidence_url": "",
}


def test_clearing_an_answer_deletes_it_with_its_ticked_options(open_round, officer):
    bank = bank_for(open_round.questionnaire)
    practices = question(bank, "data-practices").pk
    lineage = option(bank, "data-practices", "lineage").pk
    response = response_get_or_create(round=open_round, membership=officer.membership)
    saved = answers_save(
        response=response,
        values={practices: AnswerValue(choice_ids=(lineage,), comment="Partly")},
        expected_version=1,
        by=officer,
    )

    cleared = answers_save(
        response=saved.response,
        values={practices: AnswerValue()},
        expected_version=2,
        by=officer,
    )

    assert cleared.answers == {} == answers_load(response)
    assert not Answer.choices.through.objects.filter(answer__response=response).exists()
    last = AnswerChange.objects.filter(response=response).latest("id")
    assert (last.old_value, last.new_value) == (
        {**_EMPTY, "choices": [lineage], "comment": "Partly"},
        None,
    )


def test_a_save_on_an_older_version_writes_nothing_and_hands_back_the_current_one(
    open_round, officer, django_assert_max_num_queries
):
    bank = bank_for(open_round.questionnaire)
    staff = question(bank, "skills-staff").pk
    response = response_get_or_create(round=open_round, membership=officer.membership)
    answers_save(
        response=response,
        values={staff: AnswerValue(number=Decimal(3))},
        expected_version=1,
        by=officer,
    )
    current = Response.objects.select_related("round").get(pk=response.pk)
    stored = answers_load(current)

    with django_assert_max_num_queries(0), pytest.raises(StaleResponse) as stale:
        answers_save(
            response=current,
            before=stored,
            values={staff: AnswerValue(number=Decimal(4))},
            expected_version=1,
            by=officer,
        )

    assert stale.value.response.version == 2
    assert answers_load(response) == {staff: AnswerValue(number=Decimal("3.00"))}
    assert AnswerChange.objects.filter(response=response).count() == 1
