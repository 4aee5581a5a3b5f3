"""Read stored answers back as typed values, in one query whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from surveys.models import Response
from surveys.structure import AnswerValue

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


def answers_load(response: Response) -> dict[int, AnswerValue]:
    """One response's answers by question id."""
    return answers_by_response([response.pk]).get(response.pk, {})


def answers_by_response(response_ids: Iterable[int]) -> dict[int, dict[int, AnswerValue]]:
    """Many responses' answers, by response id then question id (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_ANSWERS_SQL, [list(response_ids)])
        rows = cursor.fetchall()
    answers: dict[int, dict[int, AnswerValue]] = defaultdict(dict)
    for response_id, question_id, option_id, choice_ids, number, text, comment, evidence in rows:
        answers[response_id][question_id] = AnswerValue(
            option_id=option_id,
            choice_ids=tuple(choice_ids),
            number=number,
            text=text,
            comment=comment,
            evidence_url=evidence,
        )
    return answers
