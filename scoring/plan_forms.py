"""The forms of the action plan: an action's content, and a change of its status with a note."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import Action
from surveys.models import Recommendation


class ActionForm(forms.Form):
    """What an action is, which department owns it and when it is due. The dimensions and
    departments to choose from are passed in; an adopted action shows its recommendation's
    dimension and kind without letting them change."""

    title = forms.CharField(label=_("Action"), max_length=200)
    dimension_code = forms.ChoiceField(label=_("Dimension"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Recommendation.Kind.choices)
    department = forms.ChoiceField(label=_("Owning department"))
    due_on = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        dimensions: list[tuple[str, str]],
        departments: list[str],
        adopted: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        dimension_field = cast(forms.ChoiceField, self.fields["dimension_code"])
        department_field = cast(forms.ChoiceField, self.fields["department"])
        dimension_field.choices = dimensions
        department_field.choices = [("", "—"), *((d, d) for d in departments)]
        if adopted:
            self.fields["dimension_code"].disabled = True
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Taken from the recommendation.")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("A short note on the change, for instance what was done or why it stopped."),
    )
