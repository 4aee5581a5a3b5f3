"""Section form data as the browser posts it, varied so that every save really changes answers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from surveys.forms import field_name
from surveys.models import Question
from surveys.structure import AnswerValue, SectionView

FormData = dict[str, str | list[str]]


def section_post(
    section: SectionView,
    answers: Mapping[int, AnswerValue],
    *,
    version: int,
    changed: int,
    flip: bool,
    action: str = "stay",
) -> FormData:
    """Every field of the section, with the first ``changed`` answers moved to another value.

    ``flip`` alternates between two values per answer, so repeated saves keep changing them.
    """
    data: FormData = {"version": str(version), "action": action}
    for index, question in enumerate(section.questions):
        value = answers.get(question.pk, AnswerValue())
        if index < changed:
            value = _varied(question, value, flip)
        data.update(_fields(question, value))
    return data


def _varied(question: Question, value: AnswerValue, flip: bool) -> AnswerValue:
    options = [o for o in question.options.all() if not o.special]
    if question.kind in Question.CHOICE_KINDS:
        return AnswerValue(option_id=options[0 if flip else -1].pk, comment=value.comment)
    if question.kind == Question.Kind.MULTI:
        return AnswerValue(choice_ids=tuple(o.pk for o in options[: 1 if flip else 2]))
    if question.kind == Question.Kind.NUMBER:
        low = question.min_value or Decimal(0)
        return AnswerValue(number=low + (1 if flip else 2))
    return AnswerValue(text="Benchmark text A" if flip else "Benchmark text B")


def _fields(question: Question, value: AnswerValue) -> FormData:
    answer: str | list[str]
    if question.kind in Question.CHOICE_KINDS:
        answer = "" if value.option_id is None else str(value.option_id)
    elif question.kind == Question.Kind.MULTI:
        answer = [str(pk) for pk in value.choice_ids]
    elif question.kind == Question.Kind.NUMBER:
        answer = "" if value.number is None else str(value.number)
    else:
        answer = value.text
    return {
        field_name(question): answer,
        field_name(question, "comment"): value.comment,
        field_name(question, "evidence"): value.evidence_url,
    }
