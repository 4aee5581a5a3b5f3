"""The cross-city dashboard's data: cities × dimensions of one round, filtered and sorted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import F, FilteredRelation, Q
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.change import RoundChange, median_change
from scoring.charts import PALETTE
from scoring.models import CityDimensionResult
from scoring.results import city_medians, score_text, stage_at
from surveys.models import City, Round, Stage
from surveys.structure import Bank, SectionView, bank_for

SORT_KEYS = ("name", "overall")
# Cities a radar can tell apart: as many as the charts' colours and marker symbols.
RADAR_CITIES = len(PALETTE)


@dataclass(frozen=True)
class Filters:
    """Dashboard query parameters, each checked against an allow-list of known values."""

    country: str = ""
    dimension: str = ""
    sort: str = "name"
    # City slugs on the radar overlay, at most RADAR_CITIES; empty means every city with a
    # result when they fit on the radar, else only the median.
    overlay: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @classmethod
    def from_query(
        cls,
        query: QueryDict,
        *,
        countries: set[str],
        dimensions: set[str],
        cities: frozenset[str] | set[str] = frozenset(),
    ) -> Filters:
        errors = []
        overlay = tuple(slug for slug in query.getlist("city") if slug in cities)
        if len(overlay) != len(query.getlist("city")):
            errors.append(_("Unknown cities were left out of the radar."))
        if len(overlay) > RADAR_CITIES:
            errors.append(
                ngettext(
                    "The radar tells at most %(count)d city apart: it shows the first.",
                    "The radar tells at most %(count)d cities apart: it shows the first %(count)d.",
                    RADAR_CITIES,
                )
                % {"count": RADAR_CITIES}
            )
            overlay = overlay[:RADAR_CITIES]
        country = query.get("country", "")
        if country and country not in countries:
            errors.append(
                _("Unknown country %(country)s; showing all countries.")
                % {"country": repr(country[:20])}
            )
            country = ""
        dimension = query.get("dimension", "")
        if dimension and dimension not in dimensions:
            errors.append(
                _("Unknown dimension %(dimension)s; showing all dimensions.")
                % {"dimension": repr(dimension[:40])}
            )
            dimension = ""
        sort = query.get("sort", "name")
        if sort not in SORT_KEYS and sort not in dimensions:
            errors.append(
                _("Unknown sort order %(sort)s; sorted by name.") % {"sort": repr(sort[:40])}
            )
            sort = "name"
        return cls(
            country=country, dimension=dimension, sort=sort, overlay=overlay, errors=tuple(errors)
        )


class Cell(NamedTuple):
    """One city's stored score in one dimension, or overall (a tuple: the dashboard holds
    1,600 of them)."""

    score: float | None
    stage: Stage | None
    silo: bool

    @property
    def label(self) -> str:
        """The score with its stage in brackets ("61.5 (3)"), or a dash without a score:
        one text for the template instead of a lookup and a filter per part, in every cell."""
        if self.score is None:
            return score_text(None)
        return f"{score_text(self.score)} ({self.stage.level if self.stage else ''})"


NO_SCORE = Cell(score=None, stage=None, silo=False)


@dataclass(frozen=True)
class CityRow:
    """One city's line of the table: its overall result and a cell per dimension shown."""

    city: City
    has_result: bool
    overall: Cell
    cells: list[Cell]
    agreed: Cell | None = None  # the published agreed result's overall score and stage


@dataclass(frozen=True)
class Dashboard:
    round: Round
    bank: Bank
    filters: Filters
    sections: list[SectionView]
    rows: list[CityRow]
    countries: list[str]
    medians: list[float | None]  # of the cities shown, per dimension shown
    # The median city's change since the previous round of the questionnaire, if there is one
    # (every city's change has a page of its own).
    change: RoundChange | None

    @property
    def median_label(self) -> str:
        """What the median row and line stand for: every city, or only the country's."""
        if self.filters.country:
            return _("Median of the selected cities")
        return _("Median of all cities")

    @property
    def one_dimension(self) -> bool:
        """Filtered to one dimension: its chart is a bar per city, not a one-spoke radar."""
        return len(self.sections) == 1

    @property
    def stage_distribution(self) -> list[tuple[Stage, int]]:
        counts = Counter(row.overall.stage.level for row in self.rows if row.overall.stage)
        return [(stage, counts.get(stage.level, 0)) for stage in self.bank.stages]

    @property
    def overlay_rows(self) -> list[CityRow]:
        """Cities drawn on the radar: those chosen, or every city with a result if they fit
        on it (RADAR_CITIES), else none beside the median until some are chosen."""
        with_result = [r for r in self.rows if r.has_result]
        if self.filters.overlay:
            return [r for r in with_result if r.city.slug in self.filters.overlay]
        return with_result if len(with_result) <= RADAR_CITIES else []

    @property
    def radar_awaits_choice(self) -> bool:
        """Too many cities to draw them all, and none chosen: the page asks for a choice."""
        return (
            not self.filters.overlay
            and not self.overlay_rows
            and any(r.has_result for r in self.rows)
        )

    @property
    def all_cities(self) -> list[City]:
        return [row.city for row in self.rows]

    def heatmap_data(self, rows: Sequence[CityRow]) -> dict[str, Any]:
        """The heatmap's data for ``rows`` (the cities on the page), in their order."""
        return {
            "cities": [row.city.name for row in rows],
            "dimensions": [s.dimension.title for s in self.sections],
            "scores": [[cell.score for cell in row.cells] for row in rows],
            "stages": [
                [cell.stage.level if cell.stage else None for cell in row.cells] for row in rows
            ],
        }


def _stored_cells(round: Round, stages: Mapping[int, Stage]) -> dict[tuple[int, int], Cell]:
    """Every city's stored score, stage and silo flag per dimension, by (city, dimension) id.

    Only columns of the covering unique index on (city result, dimension) are read, so
    PostgreSQL need not visit the table, whose rows are wide with the departments' spread.
    """
    rows = CityDimensionResult.objects.filter(city_result__round=round).values_list(
        "city_result__city_id", "dimension_id", "score", "stage", "silo"
    )
    return {
        (city, dimension): Cell(score, stage_at(stages, stage), silo)
        for city, dimension, score, stage, silo in rows
    }


def dashboard_for(round: Round, query: QueryDict) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries whatever the city count."""
    bank = bank_for(round.questionnaire)
    stages = {stage.level: stage for stage in bank.stages}
    # Each city with its stored overall result in this round, if it has one, in one query.
    all_cities = list(
        round.cities.annotate(
            result=FilteredRelation("results", condition=Q(results__round=round)),
            consensus=FilteredRelation(
                "consensuses",
                condition=Q(consensuses__round=round, consensuses__status="published"),
            ),
        )
        .annotate(
            result_id=F("result__id"),
            overall_score=F("result__overall_score"),
            overall_stage=F("result__overall_stage"),
            agreed_id=F("consensus__id"),
            agreed_score=F("consensus__overall_score"),
            agreed_stage=F("consensus__overall_stage"),
        )
        .order_by("name")
    )
    filters = Filters.from_query(
        query,
        countries={city.country for city in all_cities},
        dimensions={s.dimension.code for s in bank.sections},
        cities={city.slug for city in all_cities},
    )
    cities = [city for city in all_cities if not filters.country or city.country == filters.country]
    sections = [
        s for s in bank.sections if not filters.dimension or s.dimension.code == filters.dimension
    ]
    cells = _stored_cells(round, stages)
    rows = [
        CityRow(
            city=city,
            has_result=city.result_id is not None,
            overall=Cell(city.overall_score, stage_at(stages, city.overall_stage), silo=False),
            cells=[cells.get((city.pk, s.dimension.pk), NO_SCORE) for s in sections],
            agreed=Cell(city.agreed_score, stage_at(stages, city.agreed_stage), silo=False)
            if city.agreed_id is not None
            else None,
        )
        for city in cities
    ]
    every_city = city_medians(round)
    shown = city_medians(round, [city.pk for city in cities]) if filters.country else every_city
    return Dashboard(
        round=round,
        bank=bank,
        filters=filters,
        sections=sections,
        rows=_sorted(rows, filters.sort, [s.dimension.code for s in sections]),
        countries=sorted({city.country for city in all_cities}),
        medians=[shown.get(s.dimension.pk) for s in sections],
        change=median_change(round, every_city),
    )


def _sorted(rows: list[CityRow], sort: str, codes: list[str]) -> list[CityRow]:
    if sort == "overall":
        return sorted(
            rows,
            key=lambda r: (
                r.overall.score is None,
                -(r.overall.score or 0),
                r.city.name,
            ),
        )
    if sort in codes:
        index = codes.index(sort)
        return sorted(
            rows,
            key=lambda r: (r.cells[index].score is None, -(r.cells[index].score or 0), r.city.name),
        )
    return rows
