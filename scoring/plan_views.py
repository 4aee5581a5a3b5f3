"""The action plan's pages: a city's plan in a questionnaire, adopting or writing an action,
editing it and changing its status."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from scoring.models import Action
from scoring.plan_forms import ActionForm, ActionStatusForm
from scoring.plans import (
    EDITABLE,
    action_create,
    action_histories,
    action_set_status,
    action_update,
    latest_bank,
    plan_actions,
)
from scoring.selectors import action_for, plan_city_for
from surveys.models import City, Recommendation
from surveys.selectors import city_departments, signed_in
from surveys.structure import Bank


@require_safe
def plan(request: HttpRequest, city_slug: str, key: str) -> HttpResponse:
    """Every action of the city's plan, soonest due first, with the rounds it spans."""
    city = plan_city_for(request.user, city_slug, key)
    bank = _bank(key)
    context = {
        "city": city,
        "key": key,
        "bank": bank,
        "actions": list(plan_actions(city, key, timezone.localdate())),
        "dimension_titles": _dimension_titles(bank),
        "rounds": city.rounds.filter(questionnaire__key=key).order_by("-opens_on"),
    }
    return render(request, "scoring/plan.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def action_new(request: HttpRequest, city_slug: str, key: str) -> HttpResponse:
    """Adopt a recommendation (``?recommendation=<id>``) as an action, or write one's own."""
    city = plan_city_for(request.user, city_slug, key)
    bank = _bank(key)
    recommendation = _recommendation(request, key)
    initial = {"dimension_code": request.GET.get("dimension", "")}
    if recommendation is not None:
        initial = {
            "dimension_code": recommendation.dimension.code,
            "kind": recommendation.kind,
            "title": recommendation.title,
        }
    form = _action_form(request, city, bank, adopted=recommendation is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        action_create(
            city=city,
            questionnaire_key=key,
            recommendation=recommendation,
            fields={**initial, **form.cleaned_data},
            by=signed_in(request),
        )
        messages.success(request, _("The action is in the plan."))
        return redirect("scoring:plan", city_slug=city.slug, key=key)
    context = {"city": city, "key": key, "form": form, "recommendation": recommendation}
    return render(request, "scoring/action_new.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def action_page(request: HttpRequest, city_slug: str, key: str, action_id: int) -> HttpResponse:
    """One action: change what it is, who owns it and when it is due; its history below."""
    action = action_for(request.user, city_slug, key, action_id)
    form = _edit_form(request, action, key)
    if request.method == "POST" and form.is_valid():
        action_update(action=action, fields=form.cleaned_data, by=signed_in(request))
        messages.success(request, _("The action is saved."))
        return redirect("scoring:plan", city_slug=action.city.slug, key=key)
    return _render_action(request, action, form, ActionStatusForm(initial=_status_initial(action)))


@require_POST
def action_status(request: HttpRequest, city_slug: str, key: str, action_id: int) -> HttpResponse:
    """Move an action to another status with a short note."""
    action = action_for(request.user, city_slug, key, action_id)
    status_form = ActionStatusForm(request.POST)
    if status_form.is_valid():
        action_set_status(
            action=action,
            status=status_form.cleaned_data["status"],
            note=status_form.cleaned_data["note"],
            by=signed_in(request),
        )
        messages.success(
            request,
            _("“%(action)s” is now: %(status)s.")
            % {"action": action.title, "status": action.get_status_display()},
        )
        return redirect("scoring:plan", city_slug=action.city.slug, key=key)
    return _render_action(
        request, action, _edit_form(request, action, key, bound=False), status_form
    )


def _edit_form(request: HttpRequest, action: Action, key: str, *, bound: bool = True) -> ActionForm:
    """The form that changes an existing action (bound to the POST unless ``bound`` is False)."""
    return _action_form(
        request,
        action.city,
        _bank(key),
        adopted=action.recommendation_id is not None,
        action=action,
        bound=bound,
    )


def _render_action(
    request: HttpRequest, action: Action, form: ActionForm, status_form: ActionStatusForm
) -> HttpResponse:
    shown = Action.objects.with_overdue(timezone.localdate()).get(pk=action.pk)
    context = {
        "city": action.city,
        "key": action.questionnaire_key,
        "action": shown,
        "form": form,
        "status_form": status_form,
        "history": action_histories([action])[action.pk],
    }
    return render(request, "scoring/action.html", context)


def _bank(key: str) -> Bank:
    bank = latest_bank(key)
    if bank is None:
        raise Http404
    return bank


def _dimension_titles(bank: Bank) -> dict[str, str]:
    return {section.dimension.code: section.dimension.title for section in bank.sections}


def _recommendation(request: HttpRequest, key: str) -> Recommendation | None:
    """The recommendation being adopted, of this questionnaire (any version); 404 for another."""
    raw = request.GET.get("recommendation")
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(
        Recommendation.objects.select_related("dimension"),
        pk=int(raw),
        dimension__questionnaire__key=key,
    )


def _status_initial(action: Action) -> dict[str, str]:
    return {"status": action.status, "note": action.note}


def _action_form(
    request: HttpRequest,
    city: City,
    bank: Bank,
    *,
    adopted: bool,
    initial: dict[str, str] | None = None,
    action: Action | None = None,
    bound: bool = True,
) -> ActionForm:
    dimensions = list(_dimension_titles(bank).items())
    departments = city_departments(city.pk)
    if action is not None:
        initial = {name: getattr(action, name) for name in EDITABLE}
        # What an action already has stays choosable, even where the bank or the city moved on.
        if action.dimension_code not in dict(dimensions):
            dimensions.append((action.dimension_code, action.dimension_code))
        if action.department not in departments:
            departments.append(action.department)
    data = request.POST if bound and request.method == "POST" else None
    return ActionForm(
        data, initial=initial, dimensions=dimensions, departments=departments, adopted=adopted
    )
