"""Template helpers for showing questions and answers (display only, no business logic)."""

from __future__ import annotations

from django import template
from django.utils import formats

from surveys.models import Question
from surveys.structure import AnswerValue

register = template.Library()


@register.simple_tag
def answer_display(question: Question, value: AnswerValue) -> str:
    """An answer as plain text: the chosen option labels, the number or the text."""
    options = {option.pk: option for option in question.options.all()}
    if question.kind in Question.CHOICE_KINDS:
        option = options.get(value.option_id) if value.option_id else None
        return option.label if option else ""
    if question.kind == Question.Kind.MULTI:
        return "; ".join(options[pk].label for pk in value.choice_ids if pk in options)
    if question.kind == Question.Kind.NUMBER:
        if value.number is None:
            return ""
        number = formats.number_format(value.number.normalize())
        return f"{number}{' ' + question.unit if question.unit else ''}"
    return value.text
