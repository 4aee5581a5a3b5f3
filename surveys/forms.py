"""The answer forms: one field group (answer, comment, evidence link) per question, for one
section or for the whole questionnaire."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys.exchange_forms import ExchangeChoices, ExchangesField
from surveys.models import Question
from surveys.structure import AnswerValue, Bank, Numbering, SectionView

MAX_TEXT = 5000


def field_name(question: Question, part: str = "answer") -> str:
    return f"{question.code}__{part}"


class LocalNumberField(forms.DecimalField):
    """A number as people write it in the page's language.

    The decimal sign is a comma in Dutch and French ("12,5") and a point in English; a point
    followed by other than three digits ("12.5") is a decimal point in every language. Digits
    may be grouped by thousands: "1.500" or "1 500" in Dutch and French, "1,500" in English.
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _ungrouped(value.strip())
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        # A stored number as the page's language writes it: "12,5" in Dutch and French. Posted
        # text is shown back as typed.
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return formats.localize_input(value)
        return value


class UncutField(forms.CharField):
    """Text whose length limit the server enforces, not the browser.

    The box carries no ``maxlength``: a browser would cut a longer paste without a word, while
    the server refuses it with a message and shows back all that was typed.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class LongTextField(UncutField):
    """Free text with a length limit, which the page counts as one types."""

    def to_python(self, value: Any) -> str:
        # A browser posts a line break as two characters and counts it as one, as people do.
        return str(super().to_python(value)).replace("\r\n", "\n")


class LinkField(UncutField, forms.URLField):
    """A web address, completed with https:// when typed without it ("www.example.org/x")."""


class PracticesField(forms.TypedMultipleChoiceField):
    """Ticked practices; an ``exclusive`` option ("None of these yet", "Don't know") stands
    alone, and ticking it with anything else is refused (the page's script unticks the others)."""

    def __init__(self, *args: Any, exclusive: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exclusive = dict(exclusive)  # option id -> label

    def clean(self, value: Any) -> Any:
        chosen = super().clean(value)
        alone = [pk for pk in chosen if pk in self.exclusive]
        if alone and len(chosen) > 1:
            raise ValidationError(
                _(
                    "“%(option)s” cannot be ticked together with other answers: untick it, or "
                    "untick the others."
                ),
                code="exclusive",
                params={"option": self.exclusive[alone[0]]},
            )
        return chosen


def _ungrouped(text: str) -> str:
    """``text`` without its thousands separators, when it is a number grouped by thousands."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    grouping = "." if decimal == "," else ","
    if re.fullmatch(r"[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?", text):
        return re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(rf"[+-]?\d{{1,3}}(\{grouping}\d{{3}})+(\{decimal}\d+)?", text):
        return text.replace(grouping, "")
    return text


class AnswersForm(forms.Form):
    """One field group per question (answer, comment, evidence link); every field optional
    while drafting. `SectionForm` holds one section's questions, `QuestionnaireForm` all."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question],
        numbers: Mapping[int, str],
        initial_answers: Mapping[int, AnswerValue] | None = None,
        departments: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.numbers = numbers
        # Each field's place, which its error messages name: "Question 3 — evidence link".
        self._places: dict[str, str] = {}
        for question in questions:
            fields = _question_fields(question, departments)
            self.fields.update(fields)
            for name, place in zip(fields, _places(numbers[question.pk]), strict=True):
                self._places[name] = place
        if not self.is_bound and initial_answers:
            for question in questions:
                if question.pk in initial_answers:
                    self.initial.update(_initial_for(question, initial_answers[question.pk]))

    def add_error(self, field: str | None, error: Any) -> None:
        """Record an error, its message naming the question and part it concerns, so that it
        reads on its own in the error summary as beside the field."""
        place = self._places.get(field) if field is not None else None
        if place is None:
            super().add_error(field, error)
            return
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        super().add_error(
            field,
            ValidationError(
                [
                    ValidationError(
                        gettext("%(place)s: %(message)s") % {"place": place, "message": message},
                        code=single.code,
                    )
                    for single, message in zip(error.error_list, error.messages, strict=True)
                ]
            ),
        )

    def question_groups(self, questions: Sequence[Question] | None = None) -> list[QuestionGroup]:
        """The field groups of ``questions`` (by default all of the form's), in their order."""
        return [
            QuestionGroup(
                question=question,
                answer=self[field_name(question)],
                comment=self[field_name(question, "comment")],
                evidence=self[field_name(question, "evidence")],
            )
            for question in (self.questions if questions is None else questions)
        ]

    def valid_values(self) -> dict[int, AnswerValue]:
        """The answers of every question whose fields all passed validation."""
        cleaned = getattr(self, "cleaned_data", {})
        values = {}
        for question in self.questions:
            names = [field_name(question, part) for part in ("answer", "comment", "evidence")]
            if any(name in self.errors for name in names) or not all(n in cleaned for n in names):
                continue
            values[question.pk] = _value_for(question, *(cleaned[name] for name in names))
        return values


class SectionForm(AnswersForm):
    """The questions of one section: a section page and its autosave."""

    def __init__(self, *args: Any, section: SectionView, **kwargs: Any) -> None:
        self.section = section
        numbers = Numbering.of((section,)).numbers
        super().__init__(*args, questions=section.questions, numbers=numbers, **kwargs)


class QuestionnaireForm(AnswersForm):
    """Every question of a questionnaire, for the page that shows them all at once."""

    def __init__(self, *args: Any, bank: Bank, **kwargs: Any) -> None:
        self.bank = bank
        numbers = {
            question.pk: f"{place}.{bank.number(question)}"
            for place, section in enumerate(bank.sections, start=1)
            for question in section.questions
        }
        super().__init__(*args, questions=tuple(bank.questions()), numbers=numbers, **kwargs)


def _places(number: str) -> tuple[str, str, str]:
    """How error messages name a question's answer, comment and evidence link."""
    return (
        gettext("Question %(number)s") % {"number": number},
        gettext("Question %(number)s — comment") % {"number": number},
        gettext("Question %(number)s — evidence link") % {"number": number},
    )


# Plain, specific messages in place of Django's, to follow the question's name ("Question 3 —
# comment: …"), hence in lower case.
TEXT_MESSAGES = {
    "max_length": _(
        "use at most %(limit_value)d characters: this has %(show_value)d. Nothing was cut; "
        "shorten it and save again."
    ),
    "null_characters_not_allowed": _(
        "remove the invisible control character (NUL) that came in with pasted text"
    ),
}
NUMBER_MESSAGES = {
    "invalid": _("enter a number, like 12 or 12.5"),
    "max_value": _("enter a number of %(limit_value)s or less"),
    "min_value": _("enter a number of %(limit_value)s or more"),
    "max_decimal_places": _("use at most %(max)s decimals"),
    "max_digits": _("enter a number of at most %(max)s digits"),
    "max_whole_digits": _("enter a number of at most %(max)s digits before the decimal sign"),
}
CHOICE_MESSAGES = {
    "invalid_choice": _("choose one of the options shown"),
    "invalid_list": _("choose one or more of the options shown"),
}


def _question_fields(question: Question, departments: Sequence[str]) -> dict[str, forms.Field]:
    """A question's answer field, then its comment and evidence link (``departments``: the
    partners a data-exchanges question offers besides its external ones)."""
    return {
        field_name(question): _answer_field(question, departments),
        field_name(question, "comment"): LongTextField(
            label=_("Comment (optional)"),
            required=False,
            max_length=MAX_TEXT,
            error_messages=TEXT_MESSAGES,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
        field_name(question, "evidence"): LinkField(
            label=_("Evidence link (optional)"),
            required=False,
            max_length=500,
            assume_scheme="https",
            error_messages={
                "invalid": _("enter a full web address, like https://www.example.org/plan.pdf"),
                "max_length": _(
                    "use a web address of at most %(limit_value)d characters: this one has "
                    "%(show_value)d"
                ),
            },
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
        ),
    }


@dataclass(frozen=True)
class QuestionGroup:
    """A question with its three bound fields: the answer, a comment and an evidence link."""

    question: Question
    answer: forms.BoundField
    comment: forms.BoundField
    evidence: forms.BoundField


def _answer_field(question: Question, departments: Sequence[str]) -> forms.Field:
    label = question.text
    # A bank's help text is plain text: templates/surveys/includes/field.html escapes it, unlike
    # Django's and crispy's field templates, which take help text as HTML.
    help_text = question.help_text
    if question.kind == Question.Kind.EXCHANGES:
        return ExchangesField(
            label=label,
            help_text=help_text,
            choices=ExchangeChoices.of(question, departments),
        )
    options = list(question.options.all())
    if question.kind in Question.CHOICE_KINDS:
        return forms.TypedChoiceField(
            label=label,
            help_text=help_text,
            required=False,
            choices=[(option.pk, option.label) for option in options],
            coerce=int,
            empty_value=None,
            error_messages=CHOICE_MESSAGES,
            widget=forms.RadioSelect,
        )
    if question.kind == Question.Kind.MULTI:
        return PracticesField(
            label=label,
            help_text=help_text,
            required=False,
            choices=[(option.pk, option.label) for option in options],
            exclusive={option.pk: option.label for option in options if option.special},
            coerce=int,
            error_messages=CHOICE_MESSAGES,
            widget=forms.CheckboxSelectMultiple,
        )
    if question.kind == Question.Kind.NUMBER:
        unit = f" ({question.unit})" if question.unit else ""
        return LocalNumberField(
            label=f"{label}{unit}",
            help_text=help_text,
            required=False,
            min_value=_plain(question.min_value),
            max_value=_plain(question.max_value),
            max_digits=14,
            decimal_places=2,
            # Localised: "12,5" in Dutch and French, "12.5" in English (a point is read as the
            # decimal sign in every language). A text box, because a browser's number box reads
            # the browser's own language, not the page's, and would drop a comma.
            localize=True,
            error_messages=NUMBER_MESSAGES,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
    return LongTextField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_TEXT,
        error_messages=TEXT_MESSAGES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _initial_for(question: Question, value: AnswerValue) -> dict[str, Any]:
    if question.kind in Question.CHOICE_KINDS:
        answer: Any = value.option_id
    elif question.kind == Question.Kind.MULTI:
        answer = list(value.choice_ids)
    elif question.kind == Question.Kind.NUMBER:
        answer = _plain(value.number)
    elif question.kind == Question.Kind.EXCHANGES:
        answer = value.exchanges
    else:
        answer = value.text
    return {
        field_name(question): answer,
        field_name(question, "comment"): value.comment,
        field_name(question, "evidence"): value.evidence_url,
    }


def _value_for(question: Question, answer: Any, comment: str, evidence: str) -> AnswerValue:
    if question.kind in Question.CHOICE_KINDS:
        return AnswerValue(option_id=answer, comment=comment, evidence_url=evidence)
    if question.kind == Question.Kind.MULTI:
        return AnswerValue(choice_ids=tuple(sorted(answer)), comment=comment, evidence_url=evidence)
    if question.kind == Question.Kind.NUMBER:
        number = Decimal(answer) if answer is not None else None
        return AnswerValue(number=number, comment=comment, evidence_url=evidence)
    if question.kind == Question.Kind.EXCHANGES:
        return AnswerValue(exchanges=answer, comment=comment, evidence_url=evidence)
    return AnswerValue(text=answer.strip(), comment=comment, evidence_url=evidence)


def _plain(value: Decimal | None) -> Decimal | int | None:
    """A stored number as it was typed: numbers and limits are stored with two decimals, but
    "500" and "12.5" were typed, not "500.00" and "12.50"."""
    if value is not None and value == value.to_integral_value():
        return int(value)
    return value.normalize() if value is not None else None
