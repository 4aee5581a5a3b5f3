"""Read stored answers back as typed values (`AnswerValue`), one query for any number of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from surveys.models import Answer, Response
from surveys.structure import AnswerValue

Answers = dict[int, AnswerValue]  # by question id


def answers_by_response(response_ids: Iterable[int]) -> dict[int, Answers]:
    """Many responses' answers, by response id then question id (one query).

    A multiple-choice answer comes once per ticked option (the ORM joins the options when
    `values_list` names the many-to-many field), and its rows are folded into one value.
    """
    rows = (
        Answer.objects.filter(response_id__in=list(response_ids))
        .values_list(
            "response_id",
            "question_id",
            "option_id",
            "number",
            "text",
            "comment",
            "evidence_url",
            "choices",
        )
        .order_by()
    )
    ticked: dict[tuple[int, int], list[int]] = defaultdict(list)
    stored: dict[tuple[int, int], dict[str, Any]] = {}
    for response_id, question_id, option_id, number, text, comment, evidence, choice in rows:
        stored[response_id, question_id] = {
            "option_id": option_id,
            "number": number,
            "text": text,
            "comment": comment,
            "evidence_url": evidence,
        }
        if choice is not None:
            ticked[response_id, question_id].append(choice)
    answers: dict[int, Answers] = defaultdict(dict)
    for (response_id, question_id), fields in stored.items():
        choices = tuple(sorted(ticked.get((response_id, question_id), ())))
        answers[response_id][question_id] = AnswerValue(choice_ids=choices, **fields)
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
