"""Read stored answers back as typed values (`AnswerValue`), one query for any number of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from surveys.models import Answer, Response
from surveys.structure import AnswerValue, ExchangeValue

Answers = dict[int, AnswerValue]  # by question id


def answers_by_response(response_ids: Iterable[int]) -> dict[int, Answers]:
    """Many responses' answers, by response id then question id (one query).

    A multiple-choice answer comes once per ticked option, and a data-exchanges answer once per
    exchange (the ORM joins both when `values_list` names them; an answer has one or the
    other), and its rows are folded into one value.
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
            *EXCHANGE_COLUMNS,
        )
        .order_by()
    )
    ticked: dict[tuple[int, int], set[int]] = defaultdict(set)
    exchanged: dict[tuple[int, int], dict[int, tuple[int, ExchangeValue]]] = defaultdict(dict)
    stored: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        response_id, question_id, option_id, number, text, comment, evidence, choice = row[:8]
        key = (response_id, question_id)
        stored[key] = {
            "option_id": option_id,
            "number": number,
            "text": text,
            "comment": comment,
            "evidence_url": evidence,
        }
        if choice is not None:
            ticked[key].add(choice)
        exchange_id, position, *fields = row[8:]
        if exchange_id is not None:
            exchanged[key][exchange_id] = (position, ExchangeValue(*fields))
    answers: dict[int, Answers] = defaultdict(dict)
    for (response_id, question_id), fields in stored.items():
        key = (response_id, question_id)
        exchanges = sorted(exchanged[key].items(), key=lambda item: (item[1][0], item[0]))
        answers[response_id][question_id] = AnswerValue(
            choice_ids=tuple(sorted(ticked[key])),
            exchanges=tuple(value for _id, (_position, value) in exchanges),
            **fields,
        )
    return answers


# The columns of an answer's exchange rows, as `answers_by_response` reads them: the row's id
# and position, then `ExchangeValue`'s fields in their order.
EXCHANGE_COLUMNS = (
    "exchanges__id",
    "exchanges__position",
    "exchanges__direction",
    "exchanges__means_id",
    "exchanges__frequency_id",
    "exchanges__partner_department",
    "exchanges__partner_id",
)


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
