"""Read stored answers back as typed values, in one query whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from surveys.models import Answer, Response
from surveys.structure import AnswerValue


def answers_load(response: Response) -> dict[int, AnswerValue]:
    """One response's answers by question id."""
    return answers_by_response([response.pk]).get(response.pk, {})


def answers_by_response(response_ids: Iterable[int]) -> dict[int, dict[int, AnswerValue]]:
    """Many responses' answers, by response id then question id (one query)."""
    ids = list(response_ids)
    # A multiple-choice answer's options come along as a sorted array, not as a second query.
    chosen = (
        Answer.choices.through.objects.filter(answer_id=OuterRef("pk"))
        .order_by("option_id")
        .values("option_id")
    )
    rows = (
        Answer.objects.filter(response_id__in=ids)
        .order_by()  # the model's reading order joins four tables; a dict needs none
        .annotate(choice_ids=ArraySubquery(chosen))
        .values_list(
            "response_id",
            "question_id",
            "option_id",
            "choice_ids",
            "number",
            "text",
            "comment",
            "evidence_url",
        )
    )
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
