"""The action plan against measured change: what a city did between two rounds beside how its
scores moved, the plans of all cities summed up, and the plan in the results' JSON."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from scoring.change import OwnChange, OwnChangeRow
from scoring.models import Action
from scoring.plans import plan_actions
from scoring.results import CityReport
from surveys.models import City, Recommendation, Round

DONE = Q(status=Action.Status.DONE)


@dataclass(frozen=True)
class DimensionProgress:
    """A dimension's change since the previous round, beside the actions planned for it."""

    row: OwnChangeRow
    planned: int  # planned in between and not dropped
    done: int  # of those, done in between
    overdue: int  # of those, late today


def plan_progress(
    round: Round, city: City, own_change: OwnChange, today: date
) -> list[DimensionProgress]:
    """Per dimension of `city_change`, the actions that were planned between the previous round's
    opening and this round's close and how many were done by then (one query). Actions done
    before the previous round belong to an earlier stretch; dropped ones are not counted."""
    start, end = own_change.previous.opens_on, round.closes_on
    counts = {
        code: (planned, done, overdue)
        for code, planned, done, overdue in Action.objects.filter(
            city=city, questionnaire_key=round.questionnaire.key, created_at__date__lte=end
        )
        .counted()
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=start))
        .values("dimension_code")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=DONE & Q(done_on__lte=end)),
            overdue=Count("pk", filter=Action.overdue_condition(today)),
        )
        .values_list("dimension_code", "planned", "done", "overdue")
    }
    return [
        DimensionProgress(row, *counts.get(row.code, (0, 0, 0)))
        for row in own_change.rows
        if row.code  # the overall row has no actions of its own
    ]


@dataclass(frozen=True)
class CityPlan:
    city: str
    slug: str
    counted: int
    done: int
    overdue: int

    @property
    def completion(self) -> float | None:
        """The share of counted actions done; None without any."""
        return self.done / self.counted if self.counted else None


@dataclass(frozen=True)
class Adoption:
    """A recommendation and how many cities adopted it, how many of them did it."""

    recommendation: Recommendation
    cities: int
    done: int


@dataclass(frozen=True)
class PlansOverview:
    cities: list[CityPlan]
    adoptions: list[Adoption]


ADOPTIONS_SHOWN = 10


def plans_overview(questionnaire_key: str, city_ids: Collection[int], today: date) -> PlansOverview:
    """Every listed city's completion and overdue actions in the questionnaire, and the
    recommendations adopted most (two queries, whatever the number of cities)."""
    actions = Action.objects.filter(questionnaire_key=questionnaire_key, city_id__in=city_ids)
    cities = [
        CityPlan(*row)
        for row in actions.counted()
        .values("city__name", "city__slug")
        .annotate(
            counted=Count("pk"),
            done=Count("pk", filter=DONE),
            overdue=Count("pk", filter=Action.overdue_condition(today)),
        )
        .values_list("city__name", "city__slug", "counted", "done", "overdue")
        .order_by("city__name")
    ]
    return PlansOverview(cities=cities, adoptions=adoptions(actions))


def adoptions(actions: QuerySet[Action]) -> list[Adoption]:
    """The recommendations adopted by most cities among ``actions``, with how many did them
    (one query). The same recommendation in two versions of the bank counts as one (by its
    English title, dimension and kind); its texts in the other languages come along."""
    others = {
        f"title_{code}": Max(f"recommendation__title_{code}")
        for code, _name in settings.LANGUAGES
        if code != "en"
    }
    rows = (
        actions.filter(recommendation__isnull=False)
        .values("recommendation__title_en", "dimension_code", "kind")
        .annotate(
            cities=Count("city", distinct=True),
            done=Count("city", distinct=True, filter=DONE),
            **others,
        )
        .order_by("-cities", "-done", "recommendation__title_en")[:ADOPTIONS_SHOWN]
    )
    return [
        Adoption(
            # Unsaved, for its texts in the reader's language and its kind's name only.
            Recommendation(
                kind=row["kind"],
                title_en=row["recommendation__title_en"],
                **{name: row[name] for name in others},
            ),
            row["cities"],
            row["done"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PeerAdoptions:
    """What other cities adopted, or nothing where too few have a plan to keep them unnamed."""

    adoptions: list[Adoption]
    withheld: bool
    minimum_others: int


def peer_adoptions(questionnaire_key: str, city: City, minimum_others: int | None) -> PeerAdoptions:
    """The recommendations cities adopted most: for facilitators (``minimum_others`` None)
    always, for an officer only when at least ``minimum_others`` other cities have a plan."""
    actions = Action.objects.filter(questionnaire_key=questionnaire_key)
    if minimum_others is not None:
        others = actions.exclude(city=city).values("city").distinct().count()
        if others < minimum_others:
            return PeerAdoptions([], withheld=True, minimum_others=minimum_others)
    return PeerAdoptions(adoptions(actions), withheld=False, minimum_others=minimum_others or 0)


def plan_context(
    round: Round, report: CityReport, own_change: OwnChange | None, minimum_others: int | None
) -> dict[str, object]:
    """What the results page and the report show of the city's plan."""
    today = timezone.localdate()
    key = round.questionnaire.key
    actions = list(plan_actions(report.city, key, today))
    return {
        "plan_key": key,
        "plan_actions": actions,
        "plan_adopted": {action.recommendation_id for action in actions},
        "plan_titles": {row.code: row.title for row in report.dimensions},
        "plan_progress": plan_progress(round, report.city, own_change, today)
        if own_change is not None
        else None,
        "plan_peers": peer_adoptions(key, report.city, minimum_others),
    }


def action_json(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "dimension": action.dimension_code,
        "kind": action.kind,
        "title": action.title,
        "recommendation_id": action.recommendation_id,
        "department": action.department,
        "due_on": action.due_on.isoformat(),
        "status": action.status,
        "note": action.note,
        "done_on": action.done_on.isoformat() if action.done_on else None,
        "overdue": action.overdue,  # type: ignore[attr-defined]  # annotated by with_overdue
    }


def plans_json(questionnaire_key: str, cities: Iterable[City]) -> dict[int, list[dict[str, Any]]]:
    """Each city's plan in the questionnaire as JSON, by city id (one query)."""
    plans: dict[int, list[dict[str, Any]]] = {city.pk: [] for city in cities}
    actions = Action.objects.filter(
        questionnaire_key=questionnaire_key, city_id__in=list(plans)
    ).with_overdue(timezone.localdate())
    for action in actions:
        plans[action.city_id].append(action_json(action))
    return plans
