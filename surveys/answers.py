"""Read stored answers back as typed values (`AnswerValue`), one query for any number of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from surveys.models import Answer, Response
from surveys.structure import AnswerValue

Answers = dict[int, AnswerValue]  # by question id


def answers_by_response(response_ids: Iterable[int]) -> dict[int, Answers]:
    """Many responses' answers, by response id then question id (one query)."""
    ticked = (
        Answer.choices.through.objects.filter(answer_id=OuterRef("pk"))
        .order_by("option_id")
        .values("option_id")
    )
    rows = (
        Answer.objects.filter(response_id__in=list(response_ids))
        .annotate(choice_ids=ArraySubquery(ticked))
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
        .order_by()
    )
    answers: dict[int, Answers] = defaultdict(dict)
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


def answers_load(response: Response) -> Answers:
    """One response's answers by question id."""
    return answers_by_response([response.pk]).get(response.pk, {})


def answers_with_version(response: Response) -> tuple[int, Answers]:
    """The response's stored version and its answers at that version or later.

    The version is read first: answers newer than it only make a save based on it fail as
    stale (`answers_save` claims that version), never silently win.
    """
    version = Response.objects.values_list("version", flat=True).get(pk=response.pk)
    return version, answers_load(response)
