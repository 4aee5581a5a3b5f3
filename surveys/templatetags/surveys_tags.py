"""Template helpers for showing questions and answers (display only, no business logic)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils import formats
from django.utils.translation import gettext as _

from surveys.exchange_forms import ExchangesField
from surveys.models import Exchange, Question
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
    if question.kind == Question.Kind.EXCHANGES:
        directions = dict(Exchange.Direction.choices)
        return "; ".join(
            _("%(direction)s %(partner)s: %(means)s, %(frequency)s")
            % {
                "direction": directions.get(row.direction, row.direction),
                "partner": options[row.partner_id].label
                if row.partner_id in options
                else row.partner_department,
                "means": options[row.means_id].label if row.means_id in options else "",
                "frequency": options[row.frequency_id].label if row.frequency_id in options else "",
            }
            for row in value.exchanges
        )
    return value.text


@register.filter
def exchange_rows(field: forms.BoundField) -> BaseFormSet[Any]:
    """The rows of a data-exchanges answer field to show: as posted, or as stored plus blank
    rows (templates/surveys/includes/exchanges_field.html)."""
    exchanges = field.field
    if not isinstance(exchanges, ExchangesField):
        raise TypeError("exchange_rows takes the answer field of a data-exchanges question")
    return exchanges.formset(field.value(), field.html_name)
