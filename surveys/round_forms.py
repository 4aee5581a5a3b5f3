"""The facilitator's form for a round's deadline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RoundDeadlineForm(forms.Form):
    """The day officers are asked to submit by; empty to have none (and no reminders)."""

    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
