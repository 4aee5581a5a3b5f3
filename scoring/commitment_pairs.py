"""Which results a consistency check compares: each city's Session 2 result and the Session 1
result it is paired with (the round a facilitator linked, else the latest)."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q, QuerySet

from scoring.models import CityResult
from surveys.models import City, ConsistencyRule, Round


def _with_results(results: QuerySet[CityResult]) -> QuerySet[CityResult]:
    return results.filter(responses__gt=0).select_related("round__questionnaire")


def _latest_per_city(key: str, city_ids: Collection[int]) -> dict[int, CityResult]:
    """Each city's latest result (by the round's opening day) in questionnaires of ``key``."""
    results = (
        _with_results(
            CityResult.objects.filter(city_id__in=city_ids, round__questionnaire__key=key)
        )
        .order_by("city_id", "-round__opens_on", "-round_id")
        .distinct("city_id")
    )
    return {result.city_id: result for result in results}


def capacity_key_of(round: Round) -> str:
    """The capacity questionnaire a round's consistency rules read; blank for a round without."""
    key = (
        ConsistencyRule.objects.filter(questionnaire_id=round.questionnaire_id)
        .values_list("capacity_key", flat=True)
        .first()
    )
    return key or ""


def pairs_for(
    round: Round, cities: Collection[City], capacity_key: str
) -> dict[int, tuple[CityResult, CityResult]]:
    """Per city id, its (Session 2, Session 1) results to check against each other, for a round of
    either session (``capacity_key``: the key its own rules read; blank for a Session 1 round).
    A Session 2 round is paired with the Session 1 round a facilitator linked to it, else with
    each city's latest Session 1 result; a Session 1 round with the latest Session 2 result that
    reads it (linked to it, or unlinked while it is the city's latest). Cities without a result in
    both sessions are left out."""
    city_ids = [city.pk for city in cities]
    if capacity_key:
        own = {
            result.city_id: result
            for result in _with_results(
                CityResult.objects.filter(round=round, city_id__in=city_ids)
            )
        }
        if not own:
            return {}
        if round.capacity_round_id is not None:
            linked = _with_results(
                CityResult.objects.filter(round_id=round.capacity_round_id, city_id__in=own)
            )
            others = {result.city_id: result for result in linked}
        else:
            others = _latest_per_city(capacity_key, own)
        return {city: (own[city], others[city]) for city in own if city in others}
    reading_this_key = ConsistencyRule.objects.filter(capacity_key=round.questionnaire.key).values(
        "questionnaire_id"
    )
    demands = list(
        _with_results(
            CityResult.objects.filter(
                Q(round__capacity_round=round) | Q(round__capacity_round__isnull=True),
                city_id__in=city_ids,
                round__questionnaire_id__in=reading_this_key,
            )
        ).order_by("city_id", "-round__opens_on", "-round_id")
    )
    if not demands:
        return {}
    own = {
        result.city_id: result
        for result in _with_results(
            CityResult.objects.filter(round=round, city_id__in={d.city_id for d in demands})
        )
    }
    latest = _latest_per_city(round.questionnaire.key, own)
    chosen: dict[int, CityResult] = {}
    for demand in demands:
        city = demand.city_id
        if city not in own:
            continue
        if demand.round.capacity_round_id == round.pk:
            if city not in chosen or chosen[city].round.capacity_round_id != round.pk:
                chosen[city] = demand
        elif city not in chosen and latest[city].round_id == round.pk:
            chosen[city] = demand
    return {city: (demand, own[city]) for city, demand in chosen.items()}
