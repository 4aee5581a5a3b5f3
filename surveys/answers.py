"""Read stored answers back as typed values, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from surveys.models import Answer, Response
from surveys.structure import AnswerValue


def answers_load(response: Response) -> dict[int, AnswerValue]:
    """One response's answers by question id (two queries whatever their number)."""
    return answers_by_response([response.pk]).get(response.pk, {})


def answers_by_response(response_ids: Iterable[int]) -> dict[int, dict[int, AnswerValue]]:
    """Many responses' answers, by response id then question id (two queries)."""
    ids = list(response_ids)
    choices: dict[int, list[int]] = defaultdict(list)
    for answer_id, option_id in Answer.choices.through.objects.filter(
        answer__response_id__in=ids
    ).values_list("answer_id", "option_id"):
        choices[answer_id].append(option_id)
    answers: dict[int, dict[int, AnswerValue]] = defaultdict(dict)
    rows = Answer.objects.filter(response_id__in=ids).values_list(
        "pk", "response_id", "question_id", "option_id", "number", "text", "comment", "evidence_url"
    )
    for pk, response_id, question_id, option_id, number, text, comment, evidence in rows:
        answers[response_id][question_id] = AnswerValue(
            option_id=option_id,
            choice_ids=tuple(sorted(choices.get(pk, ()))),
            number=number,
            text=text,
            comment=comment,
            evidence_url=evidence,
        )
    return answers
