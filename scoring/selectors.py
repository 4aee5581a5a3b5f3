"""Access-checked reads for results: officers see only their own city, facilitators all."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from scoring.models import Action
from surveys.models import City, Questionnaire, Round
from surveys.selectors import AnyUser, is_facilitator, membership_for

_ROUNDS = Round.objects.select_related("questionnaire")


def round_and_city_for(user: AnyUser, round_id: int, city_slug: str) -> tuple[Round, City]:
    """A round and a city taking part in it that the user may see; 404 otherwise."""
    round_ = get_object_or_404(_ROUNDS, pk=round_id)
    membership = membership_for(user)
    if membership is not None and membership.city.slug == city_slug:
        return round_, get_object_or_404(round_.cities, pk=membership.city_id)
    if is_facilitator(user):
        return round_, get_object_or_404(round_.cities, slug=city_slug)
    raise Http404


def round_for_results(user: AnyUser, round_id: int) -> tuple[Round, list[City]]:
    """A round and the cities whose results the user may see in it; 404 if none."""
    round_ = get_object_or_404(_ROUNDS, pk=round_id)
    if is_facilitator(user):
        return round_, list(round_.cities.order_by("name"))
    membership = membership_for(user)
    if membership is None:
        raise Http404
    cities = list(round_.cities.filter(pk=membership.city_id))
    if not cities:
        raise Http404
    return round_, cities


def peer_minimum_for(user: AnyUser) -> int | None:
    """The fewest other cities a median of cities needs before the user sees it: none for
    facilitators, who see every city anyway; the configured threshold for officers."""
    if is_facilitator(user):
        return None
    minimum: int = settings.PEER_FIGURES_MIN_OTHER_CITIES
    return minimum


def plan_city_for(user: AnyUser, city_slug: str, questionnaire_key: str) -> City:
    """A city whose action plan in the questionnaire the user may see and change: an officer
    their own city's (their membership decides, so one moved to another city loses the old
    plan), a facilitator every city's; 404 otherwise, and for a key no bank has."""
    if not Questionnaire.objects.filter(key=questionnaire_key).exists():
        raise Http404
    membership = membership_for(user)
    if membership is not None and membership.city.slug == city_slug:
        return membership.city
    if is_facilitator(user):
        return get_object_or_404(City, slug=city_slug)
    raise Http404


def action_for(user: AnyUser, city_slug: str, questionnaire_key: str, action_id: int) -> Action:
    """One action of a plan the user may see and change (`plan_city_for`); 404 otherwise."""
    city = plan_city_for(user, city_slug, questionnaire_key)
    return get_object_or_404(
        Action.objects.select_related("recommendation", "city"),
        pk=action_id,
        city=city,
        questionnaire_key=questionnaire_key,
    )
