"""Round-over-round change: each city's dimension scores against the previous round of the same questionnaire."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.models import CityDimensionResult
from surveys.models import Round


@dataclass(frozen=True)
class Change:
    dimension: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class CityChange:
    city: str
    changes: list[Change]


@dataclass(frozen=True)
class RoundChange:
    previous: Round
    current: Round
    cities: list[CityChange]


def previous_round(round: Round) -> Round | None:
    """The latest earlier round of the same questionnaire (by key, any version)."""
    return (
        Round.objects.filter(
            questionnaire__key=round.questionnaire.key, opens_on__lt=round.opens_on
        )
        .select_related("questionnaire")
        .order_by("-opens_on")
        .first()
    )


def round_change(round: Round) -> RoundChange | None:
    """Matched by dimension code, so a new bank version still compares with the old one."""
    previous = previous_round(round)
    if previous is None:
        return None
    scores: dict[tuple[int, str, str], float | None] = {}
    titles: dict[str, str] = {}
    order: dict[str, int] = {}
    cities: dict[str, str] = {}
    rows = CityDimensionResult.objects.filter(city_result__round__in=[previous, round]).values_list(
        "city_result__round_id",
        "city_result__city__slug",
        "city_result__city__name",
        "dimension__code",
        "dimension__title",
        "dimension__position",
        "score",
    )
    for round_id, slug, name, code, title, position, score in rows:
        scores[(round_id, slug, code)] = score
        if round_id == round.pk or code not in titles:
            titles[code] = title
            order[code] = position
        cities[slug] = name
    codes = sorted(titles, key=lambda code: order[code])
    city_changes = [
        CityChange(
            city=cities[slug],
            changes=[
                Change(
                    dimension=code,
                    title=titles[code],
                    before=scores.get((previous.pk, slug, code)),
                    after=scores.get((round.pk, slug, code)),
                )
                for code in codes
            ],
        )
        for slug in sorted(cities, key=lambda s: cities[s])
    ]
    return RoundChange(previous=previous, current=round, cities=city_changes)
