"""The answer forms: one field group (answer, comment, evidence link) per question, for one
section or for the whole questionnaire."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from surveys.exchange_forms import ExchangeChoices, ExchangesField
from surveys.models import Question
from surveys.structure import AnswerValue, Bank, SectionView

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
        initial_answers: Mapping[int, AnswerValue] | None = None,
        departments: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields.update(_question_fields(question, departments))
        if not self.is_bound and initial_answers:
            for question in questions:
                if question.pk in initial_answers:
                    self.initial.update(_initial_for(question, initial_answers[question.pk]))

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
        super().__init__(*args, questions=section.questions, **kwargs)


class QuestionnaireForm(AnswersForm):
    """Every question of a questionnaire, for the page that shows them all at once."""

    def __init__(self, *args: Any, bank: Bank, **kwargs: Any) -> None:
        self.bank = bank
        super().__init__(*args, questions=tuple(bank.questions()), **kwargs)


def _question_fields(question: Question, departments: Sequence[str]) -> dict[str, forms.Field]:
    """A question's answer field, then its comment and evidence link (``departments``: the
    partners a data-exchanges question offers besides its external ones)."""
    return {
        field_name(question): _answer_field(question, departments),
        field_name(question, "comment"): forms.CharField(
            label=_("Comment (optional)"),
            required=False,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
        field_name(question, "evidence"): forms.URLField(
            label=_("Evidence link (optional)"),
            required=False,
            max_length=500,
            assume_scheme="https",
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
            widget=forms.RadioSelect,
        )
    if question.kind == Question.Kind.MULTI:
        return forms.TypedMultipleChoiceField(
            label=label,
            help_text=help_text,
            required=False,
            choices=[(option.pk, option.label) for option in options],
            coerce=int,
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
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _initial_for(question: Question, value: AnswerValue) -> dict[str, Any]:
    if question.kind in Question.CHOICE_KINDS:
        answer: Any = value.option_id
    elif question.kind == Question.Kind.MULTI:
        answer = list(value.choice_ids)
    elif question.kind == Question.Kind.NUMBER:
        answer = value.number
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
        return AnswerValue(
            choice_ids=_exclusive_choices(question, answer), comment=comment, evidence_url=evidence
        )
    if question.kind == Question.Kind.NUMBER:
        number = Decimal(answer) if answer is not None else None
        return AnswerValue(number=number, comment=comment, evidence_url=evidence)
    if question.kind == Question.Kind.EXCHANGES:
        return AnswerValue(exchanges=answer, comment=comment, evidence_url=evidence)
    return AnswerValue(text=answer.strip(), comment=comment, evidence_url=evidence)


def _exclusive_choices(question: Question, chosen: list[int]) -> tuple[int, ...]:
    # "None of these" or "don't know" stand alone; ticked with practices, the practices win.
    specials = {option.pk for option in question.options.all() if option.special}
    practices = [pk for pk in chosen if pk not in specials]
    if practices:
        return tuple(sorted(practices))
    return tuple(sorted(chosen))[:1]


def _plain(value: Decimal | None) -> Decimal | int | None:
    # Limits are stored with two decimals; "at most 500" reads better than "500.00".
    if value is not None and value == value.to_integral_value():
        return int(value)
    return value
