"""The cross-city dashboard's data: cities × dimensions of one round, filtered and sorted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from django.http import QueryDict

from scoring.models import CityDimensionResult, CityResult
from surveys.models import City, Round, Stage
from surveys.structure import Bank, SectionView, bank_for

SORT_KEYS = ("name", "overall")


@dataclass(frozen=True)
class Filters:
    """Dashboard query parameters, each checked against an allow-list of known values."""

    country: str = ""
    dimension: str = ""
    sort: str = "name"
    overlay: tuple[str, ...] = ()  # city slugs on the radar overlay; empty means all
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
            errors.append("Unknown cities were left out of the radar.")
        country = query.get("country", "")
        if country and country not in countries:
            errors.append(f"Unknown country {country[:20]!r}; showing all countries.")
            country = ""
        dimension = query.get("dimension", "")
        if dimension and dimension not in dimensions:
            errors.append(f"Unknown dimension {dimension[:40]!r}; showing all dimensions.")
            dimension = ""
        sort = query.get("sort", "name")
        if sort not in SORT_KEYS and sort not in dimensions:
            errors.append(f"Unknown sort order {sort[:40]!r}; sorted by name.")
            sort = "name"
        return cls(
            country=country, dimension=dimension, sort=sort, overlay=overlay, errors=tuple(errors)
        )


@dataclass(frozen=True)
class Cell:
    score: float | None
    stage: Stage | None
    silo: bool


@dataclass(frozen=True)
class CityRow:
    city: City
    result: CityResult | None
    overall_stage: Stage | None
    cells: list[Cell]


@dataclass(frozen=True)
class Dashboard:
    round: Round
    bank: Bank
    filters: Filters
    sections: list[SectionView]
    rows: list[CityRow]
    countries: list[str]
    medians: list[float | None] = field(default_factory=list)

    @property
    def stage_distribution(self) -> list[tuple[Stage, int]]:
        counts = Counter(row.overall_stage.level for row in self.rows if row.overall_stage)
        return [(stage, counts.get(stage.level, 0)) for stage in self.bank.stages]

    @property
    def overlay_rows(self) -> list[CityRow]:
        """Cities drawn on the radar: those chosen, or every city with a result."""
        chosen = [r for r in self.rows if r.result is not None]
        if self.filters.overlay:
            chosen = [r for r in chosen if r.city.slug in self.filters.overlay]
        return chosen

    @property
    def all_cities(self) -> list[City]:
        return [row.city for row in self.rows]

    @property
    def without_result(self) -> list[CityRow]:
        return [row for row in self.rows if row.result is None]

    def heatmap_data(self) -> dict[str, Any]:
        return {
            "cities": [row.city.name for row in self.rows],
            "dimensions": [s.dimension.title for s in self.sections],
            "scores": [[cell.score for cell in row.cells] for row in self.rows],
            "stages": [
                [cell.stage.level if cell.stage else None for cell in row.cells]
                for row in self.rows
            ],
        }


def dashboard_for(round: Round, query: QueryDict) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries whatever the city count."""
    bank = bank_for(round.questionnaire)
    stages = {stage.level: stage for stage in bank.stages}
    cities = all_cities = list(round.cities.order_by("name"))
    filters = Filters.from_query(
        query,
        countries={c.country for c in cities},
        dimensions={s.dimension.code for s in bank.sections},
        cities={c.slug for c in cities},
    )
    if filters.country:
        cities = [c for c in cities if c.country == filters.country]
    sections = [
        s for s in bank.sections if not filters.dimension or s.dimension.code == filters.dimension
    ]
    results = {r.city_id: r for r in CityResult.objects.filter(round=round)}
    cells: dict[tuple[int, int], CityDimensionResult] = {
        (row.city_result.city_id, row.dimension_id): row
        for row in CityDimensionResult.objects.filter(city_result__round=round).select_related(
            "city_result"
        )
    }
    rows = []
    for city in cities:
        result = results.get(city.pk)
        row_cells = []
        for section in sections:
            stored = cells.get((city.pk, section.dimension.pk))
            row_cells.append(
                Cell(
                    score=stored.score if stored else None,
                    stage=stages.get(stored.stage) if stored and stored.stage else None,
                    silo=stored.silo if stored else False,
                )
            )
        rows.append(
            CityRow(
                city=city,
                result=result,
                overall_stage=stages.get(result.overall_stage)
                if result and result.overall_stage
                else None,
                cells=row_cells,
            )
        )
    rows = _sorted(rows, filters.sort, [s.dimension.code for s in sections])
    medians = []
    for index in range(len(sections)):
        scores = [score for row in rows if (score := row.cells[index].score) is not None]
        medians.append(median(scores) if scores else None)
    return Dashboard(
        round=round,
        bank=bank,
        filters=filters,
        sections=sections,
        rows=rows,
        countries=sorted({c.country for c in all_cities}),
        medians=medians,
    )


def _sorted(rows: list[CityRow], sort: str, codes: list[str]) -> list[CityRow]:
    if sort == "overall":
        return sorted(
            rows,
            key=lambda r: (
                r.result is None or r.result.overall_score is None,
                -(r.result.overall_score or 0) if r.result else 0,
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
