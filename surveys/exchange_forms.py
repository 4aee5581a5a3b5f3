"""The answer field of a data-exchanges question: a formset of rows (direction, partner, means,
frequency), with blank rows to fill in without a script and a box to remove a row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from surveys.models import Exchange, Option, Question
from surveys.structure import ExchangeValue

BLANK_ROWS = 2
MAX_ROWS = 60
DEPARTMENT = "department:"
EXTERNAL = "partner:"

Choices = list[tuple[Any, Any]]


@dataclass(frozen=True)
class ExchangeChoices:
    """What a row offers: the city's other departments, and the question's option lists."""

    departments: tuple[str, ...]
    partners: tuple[Option, ...]
    means: tuple[Option, ...]
    frequencies: tuple[Option, ...]

    @classmethod
    def of(cls, question: Question, departments: Sequence[str]) -> ExchangeChoices:
        options = list(question.options.all())
        return cls(
            departments=tuple(departments),
            partners=tuple(o for o in options if o.group == Option.Group.PARTNER),
            means=tuple(o for o in options if o.group == Option.Group.MEANS),
            frequencies=tuple(o for o in options if o.group == Option.Group.FREQUENCY),
        )

    def partner_choices(self) -> Choices:
        return [
            ("", _("Choose a partner")),
            (
                _("Departments of the city"),
                [(f"{DEPARTMENT}{name}", name) for name in self.departments],
            ),
            (
                _("External partners"),
                [(f"{EXTERNAL}{option.pk}", option.label) for option in self.partners],
            ),
        ]


def partner_value(exchange: ExchangeValue) -> str:
    """The partner as a row's partner field holds it."""
    if exchange.partner_id is not None:
        return f"{EXTERNAL}{exchange.partner_id}"
    return f"{DEPARTMENT}{exchange.partner_department}"


class ExchangeRowForm(forms.Form):
    """One exchange. A row left wholly blank is no exchange; a row begun must be finished."""

    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("Choose")), *Exchange.Direction.choices],
    )
    partner = forms.ChoiceField(label=_("Partner"), required=False)
    means = forms.TypedChoiceField(label=_("Means"), required=False, coerce=int, empty_value=None)
    frequency = forms.TypedChoiceField(
        label=_("How often"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, choices: ExchangeChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = {
            "partner": choices.partner_choices(),
            "means": _option_choices(_("Choose the means"), choices.means),
            "frequency": _option_choices(_("Choose how often"), choices.frequencies),
        }
        for name, listed in offered.items():
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = listed
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filled = [
            name for name in ("direction", "partner", "means", "frequency") if cleaned.get(name)
        ]
        if filled and len(filled) < 4:
            for name, message in (
                ("direction", _("Choose whether the department receives or gives the data.")),
                ("partner", _("Choose the partner.")),
                ("means", _("Choose the means.")),
                ("frequency", _("Choose how often.")),
            ):
                if name not in filled and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def exchange(self) -> ExchangeValue | None:
        """The row's exchange, or None for a blank or removed row (after validation)."""
        data = self.cleaned_data
        if data.get("DELETE") or not data.get("direction"):
            return None
        partner = str(data["partner"])
        external = partner.startswith(EXTERNAL)
        return ExchangeValue(
            direction=data["direction"],
            means_id=data["means"],
            frequency_id=data["frequency"],
            partner_department="" if external else partner.removeprefix(DEPARTMENT),
            partner_id=int(partner.removeprefix(EXTERNAL)) if external else None,
        )


def _option_choices(prompt: Any, options: Sequence[Option]) -> Choices:
    return [("", prompt), *((option.pk, option.label) for option in options)]


ExchangeFormSet: type[BaseFormSet[ExchangeRowForm]] = formset_factory(
    ExchangeRowForm,
    extra=BLANK_ROWS,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


class ExchangesWidget(forms.Widget):
    """Reads the posted rows as a bound formset (None when the page posted none: a section
    without the question's rows, or a script that sends other fields only)."""

    def __init__(self, choices: ExchangeChoices) -> None:
        super().__init__()
        self.choices = choices

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> BaseFormSet[ExchangeRowForm] | None:
        if f"{name}-TOTAL_FORMS" not in data:
            return None
        return ExchangeFormSet(data, prefix=name, form_kwargs={"choices": self.choices})

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> bool:
        return f"{name}-TOTAL_FORMS" not in data


class ExchangesField(forms.Field):
    """A data-exchanges answer: the filled rows as `ExchangeValue`s, in the order typed."""

    widget = ExchangesWidget

    def __init__(self, *, choices: ExchangeChoices, **kwargs: Any) -> None:
        super().__init__(widget=ExchangesWidget(choices), required=False, **kwargs)
        self.choices = choices

    def clean(self, value: Any) -> tuple[ExchangeValue, ...]:
        if not isinstance(value, BaseFormSet):
            return ()
        if not value.is_valid():
            if value.non_form_errors():
                raise ValidationError(list(value.non_form_errors()))
            raise ValidationError(
                _(
                    "some exchanges are not complete: each needs a direction, a partner, a "
                    "means and a frequency (or clear the row)."
                ),
                code="incomplete",
            )
        rows = (form.exchange() for form in value.forms)
        return tuple(row for row in rows if row is not None)

    def formset(self, value: Any, prefix: str) -> BaseFormSet[ExchangeRowForm]:
        """The rows to show: as posted, or the stored exchanges (``value``) and blank rows."""
        if isinstance(value, BaseFormSet):
            return value
        initial = [
            {
                "direction": exchange.direction,
                "partner": partner_value(exchange),
                "means": exchange.means_id,
                "frequency": exchange.frequency_id,
            }
            for exchange in value or ()
        ]
        return ExchangeFormSet(
            initial=initial, prefix=prefix, form_kwargs={"choices": self.choices}
        )
