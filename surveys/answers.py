"""Read stored answers back as typed values, in one query whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from surveys.models import Response
from surveys.structure import AnswerValue

Answers = dict[int, AnswerValue]  # by question id

# Written out rather than built with the ORM: every officer page and every save reads answers,
# and compiling the equivalent QuerySet (an ArraySubquery annotation) took three times as long
# as running it. A multiple-choice answer's options come along as a sorted array.
_ANSWERS_SQL = """
SELECT answer.response_id, answer.question_id, answer.option_id,
       ARRAY(SELECT choice.option_id FROM surveys_answer_choices AS choice
             WHERE choice.answer_id = answer.id ORDER BY choice.option_id),
       answer.number, answer.text, answer.comment, answer.evidence_url
FROM surveys_answer AS answer
WHERE answer.response_id = ANY(%s)
"""

# A response's answers as one JSON array (of `answers_from_json`'s items), for reading them in
# the same query as the response itself: a column expression on a row aliased "response".
ANSWERS_JSON_COLUMN = """
(SELECT coalesce(json_agg(json_build_array(
     answer.question_id, answer.option_id,
     ARRAY(SELECT choice.option_id FROM surveys_answer_choices AS choice
           WHERE choice.answer_id = answer.id ORDER BY choice.option_id),
     answer.number::text, answer.text, answer.comment, answer.evidence_url)), '[]')
 FROM surveys_answer AS answer WHERE answer.response_id = response.id)
"""


def answers_load(response: Response) -> Answers:
    """One response's answers by question id."""
    return answers_by_response([response.pk]).get(response.pk, {})


def answers_with_version(response: Response) -> tuple[int, Answers]:
    """The response's stored version and its answers at that version, read together."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT response.version, {ANSWERS_JSON_COLUMN}"
            " FROM surveys_response AS response WHERE response.id = %s",
            [response.pk],
        )
        version, items = cursor.fetchone()
    return version, answers_from_json(items)


def answers_from_json(items: Iterable[Sequence[Any]]) -> Answers:
    """Answers from the items of ANSWERS_JSON_COLUMN (the number arrives as text, exactly)."""
    return {
        question_id: _value(
            option_id, choice_ids, None if number is None else Decimal(number), *notes
        )
        for question_id, option_id, choice_ids, number, *notes in items
    }


def answers_by_response(response_ids: Iterable[int]) -> dict[int, Answers]:
    """Many responses' answers, by response id then question id (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_ANSWERS_SQL, [list(response_ids)])
        rows = cursor.fetchall()
    answers: dict[int, Answers] = defaultdict(dict)
    for response_id, question_id, option_id, choice_ids, number, *notes in rows:
        answers[response_id][question_id] = _value(option_id, choice_ids, number, *notes)
    return answers


def _value(
    option_id: int | None,
    choice_ids: Sequence[int],
    number: Decimal | None,
    text: str,
    comment: str,
    evidence_url: str,
) -> AnswerValue:
    """An answer's value from its stored columns, in the order both reads select them."""
    return AnswerValue(
        option_id=option_id,
        choice_ids=tuple(choice_ids),
        number=number,
        text=text,
        comment=comment,
        evidence_url=evidence_url,
    )
