"""The consensus page: a facilitator records what a city agreed on, question by question."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from scoring.consensus import (
    Agreed,
    ConsensusIncomplete,
    ConsensusItem,
    ConsensusLocked,
    StaleConsensus,
    agreed_result,
    consensus_accept_unanimous,
    consensus_get_or_create,
    consensus_items,
    consensus_of,
    consensus_publish,
    consensus_save,
    consensus_withdraw,
)
from surveys.models import City, Question, Round
from surveys.selectors import round_for_facilitator, signed_in
from surveys.structure import AnswerValue

RATIONALE_MAX = 1000


class ConsensusForm(forms.Form):
    """One agreed answer and its rationale per question on the page."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, items: list[ConsensusItem], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            question = item.question
            choices = [(option.pk, option.label) for option in question.options.all()]
            agreed = item.agreed_value
            if question.kind == Question.Kind.MULTI:
                self.fields[f"{question.code}__agreed"] = forms.TypedMultipleChoiceField(
                    label=gettext_lazy("Agreed answer"),
                    choices=choices,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=list(agreed.choice_ids) if agreed else [],
                )
            else:
                self.fields[f"{question.code}__agreed"] = forms.TypedChoiceField(
                    label=gettext_lazy("Agreed answer"),
                    choices=choices,
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    initial=agreed.option_id if agreed else None,
                )
            self.fields[f"{question.code}__rationale"] = forms.CharField(
                label=gettext_lazy("Rationale (what the departments agreed, and why)"),
                max_length=RATIONALE_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=item.agreed.rationale if item.agreed else "",
            )

    def agreed(self) -> dict[int, Agreed]:
        """The agreed answers filled in, by question id."""
        chosen = {}
        for item in self.items:
            code = item.question.code
            picked = self.cleaned_data.get(f"{code}__agreed")
            rationale = self.cleaned_data.get(f"{code}__rationale", "")
            if item.question.kind == Question.Kind.MULTI:
                if picked:
                    chosen[item.question.pk] = Agreed(
                        AnswerValue(choice_ids=tuple(sorted(picked))), rationale
                    )
            elif picked is not None:
                chosen[item.question.pk] = Agreed(AnswerValue(option_id=picked), rationale)
        return chosen

    def rows(self) -> list[tuple[ConsensusItem, forms.BoundField, forms.BoundField]]:
        """Each item with its two fields, in the page's order."""
        return [
            (item, self[f"{item.question.code}__agreed"], self[f"{item.question.code}__rationale"])
            for item in self.items
        ]


@require_http_methods(["GET", "HEAD", "POST"])
def consensus_page(request: HttpRequest, round_id: int, city_slug: str) -> HttpResponse:
    """List the city's questions, the most divergent first, and record the agreed answers."""
    round_ = round_for_facilitator(request.user, round_id)
    city = get_object_or_404(round_.cities, slug=city_slug)
    consensus = consensus_of(round_, city)
    items = consensus_items(round_, city, consensus)
    version = consensus.version if consensus else 1
    form = ConsensusForm(items, request.POST or None, initial={"version": version})
    if request.method == "POST":
        if form.is_valid():
            outcome = _act(request, round_, city, form)
            if outcome is None:
                return redirect(request.path)
            messages.error(request, outcome)
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
    context = {
        "round": round_,
        "city": city,
        "consensus": consensus,
        "form": form,
        "items": items,
        "divergent": sum(1 for item in items if item.gap >= 2),
        "unanimous": sum(1 for item in items if item.agreed is None and item.unanimous),
        "agreed_count": sum(1 for item in items if item.agreed is not None),
        "result": agreed_result(consensus, items) if consensus else None,
    }
    return render(request, "scoring/consensus.html", context)


def _act(request: HttpRequest, round_: Round, city: City, form: ConsensusForm) -> str | None:
    """Carry out the button pressed; an error message, or None when it worked."""
    action = request.POST.get("action", "save")
    consensus = consensus_get_or_create(round=round_, city=city)
    version = form.cleaned_data["version"]
    user = signed_in(request)
    try:
        if action == "withdraw":
            consensus_withdraw(consensus=consensus, expected_version=version)
            messages.success(
                request, _("The agreed result is withdrawn: officers no longer see it.")
            )
            return None
        consensus = consensus_save(
            consensus=consensus, agreed=form.agreed(), expected_version=version, by=user
        )
        if action == "accept":
            fresh = consensus_items(round_, city, consensus)
            count = consensus_accept_unanimous(
                consensus=consensus, items=fresh, expected_version=consensus.version, by=user
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d question all departments answered alike was accepted.",
                    "%(count)d questions all departments answered alike were accepted.",
                    count,
                )
                % {"count": count},
            )
        elif action == "publish":
            fresh = consensus_items(round_, city, consensus)
            consensus_publish(
                consensus=consensus, items=fresh, expected_version=consensus.version, by=user
            )
            messages.success(
                request, _("Published: the city's officers now see the agreed result.")
            )
        else:
            messages.success(request, _("Saved. You can come back to it later."))
    except StaleConsensus:
        return _("Not saved: this consensus was changed in another tab. Reload the page.")
    except ConsensusLocked:
        return _("Not saved: the agreed result is published. Withdraw it to make changes.")
    except ConsensusIncomplete as incomplete:
        return ngettext(
            "Saved, but not published: %(count)d question has no agreed answer yet.",
            "Saved, but not published: %(count)d questions have no agreed answer yet.",
            len(incomplete.missing),
        ) % {"count": len(incomplete.missing)}
    return None
