"""answers_save writes only what changed, with one history row per changed answer."""

from __future__ import annotations

from decimal import Decimal

from surveys.answers import answers_load
from surveys.models import AnswerChange
from surveys.services import answers_save, response_get_or_create
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
