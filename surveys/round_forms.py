"""The facilitator's forms for a round: its deadline, and the round its rules compare with."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Round


class RoundDeadlineForm(forms.Form):
    """The day officers are asked to submit by; empty to have none (and no reminders)."""

    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class CapacityRoundForm(forms.Form):
    """The Session 1 round a Session 2 round's consistency rules read; empty for each city's
    latest Session 1 result. Offers the rounds of the capacity questionnaire only."""

    capacity_round = forms.ModelChoiceField(
        label=_("Session 1 round to compare with"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("Each city's latest Session 1 result"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, capacity_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["capacity_round"])  # type: ignore[type-arg]
        field.queryset = Round.objects.filter(questionnaire__key=capacity_key).order_by(
            "-opens_on", "title"
        )
