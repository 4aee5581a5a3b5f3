"""The cross-city dashboard's data: cities × dimensions of one round, filtered and sorted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import Any, NamedTuple

from django.db import connection
from django.http import QueryDict

from polis_assess.prepared import Prepared
from scoring.change import RoundChange, median_change
from surveys.models import Round, Stage
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


class Cell(NamedTuple):
    """One city's stored score in one dimension (a tuple: the dashboard builds 1,600 of them)."""

    score: float | None
    stage: Stage | None
    silo: bool


NO_SCORE = Cell(score=None, stage=None, silo=False)


class CityRef(NamedTuple):
    """What the dashboard shows of a city (a tuple, not a model: it lists every city)."""

    pk: int
    name: str
    country: str
    slug: str


@dataclass(frozen=True)
class CityRow:
    city: CityRef
    has_result: bool
    overall_score: float | None
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
    # The median city's change since the previous round of the questionnaire, if there is one
    # (every city's change has a page of its own).
    change: RoundChange | None = None

    @property
    def stage_distribution(self) -> list[tuple[Stage, int]]:
        counts = Counter(row.overall_stage.level for row in self.rows if row.overall_stage)
        return [(stage, counts.get(stage.level, 0)) for stage in self.bank.stages]

    @property
    def overlay_rows(self) -> list[CityRow]:
        """Cities drawn on the radar: those chosen, or every city with a result."""
        chosen = [r for r in self.rows if r.has_result]
        if self.filters.overlay:
            chosen = [r for r in chosen if r.city.slug in self.filters.overlay]
        return chosen

    @property
    def all_cities(self) -> list[CityRef]:
        return [row.city for row in self.rows]

    @property
    def without_result(self) -> list[CityRow]:
        return [row for row in self.rows if not row.has_result]

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


@dataclass(frozen=True)
class _StoredResult:
    overall_score: float | None
    overall_stage: int | None


_CITIES_SQL = Prepared.of(
    "polis_dashboard_cities",
    """
SELECT city.id, city.name, city.country, city.slug, result.id, result.overall_score,
    result.overall_stage
FROM surveys_round_cities AS taking_part
JOIN surveys_city AS city ON city.id = taking_part.city_id
LEFT JOIN scoring_cityresult AS result
    ON result.city_id = city.id AND result.round_id = taking_part.round_id
WHERE taking_part.round_id = %s
ORDER BY city.name
""",
)


def _cities_with_results(round: Round) -> list[tuple[CityRef, _StoredResult | None]]:
    """The round's cities by name, each with its stored overall result if it has one (one query)."""
    with connection.cursor() as cursor:
        _CITIES_SQL.execute(cursor, [round.pk])
        rows = cursor.fetchall()
    return [
        (
            CityRef(pk, name, country, slug),
            None if result_pk is None else _StoredResult(score, stage),
        )
        for pk, name, country, slug, result_pk, score, stage in rows
    ]


# Written out: the dashboard reads some 1,600 rows here (200 cities, 8 dimensions), and the
# ORM's row iteration took longer than the query. The columns read are all in the covering
# unique index on (city result, dimension), so PostgreSQL need not visit the table, whose rows
# are wide with the departments' spread.
_CELLS_SQL = Prepared.of(
    "polis_dashboard_cells",
    """
SELECT result.city_id, cell.dimension_id, cell.score, cell.stage, cell.silo
FROM scoring_citydimensionresult AS cell
JOIN scoring_cityresult AS result ON result.id = cell.city_result_id
WHERE result.round_id = %s
""",
)


def _stored_cells(round: Round) -> dict[tuple[int, int], tuple[float | None, int | None, bool]]:
    """Every city's stored score, stage and silo flag per dimension, by (city, dimension) id."""
    with connection.cursor() as cursor:
        _CELLS_SQL.execute(cursor, [round.pk])
        return {(city, dimension): rest for city, dimension, *rest in cursor.fetchall()}


def _medians(
    cells: Mapping[tuple[int, int], tuple[float | None, int | None, bool]], bank: Bank
) -> dict[int, float | None]:
    """The median of every city's score per dimension of the bank (unfiltered), by id."""
    scores: dict[int, list[float]] = {section.dimension.pk: [] for section in bank.sections}
    for (_city, dimension), (score, _stage, _silo) in cells.items():
        if score is not None and dimension in scores:
            scores[dimension].append(score)
    return {dimension: median(found) if found else None for dimension, found in scores.items()}


def dashboard_for(round: Round, query: QueryDict) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries whatever the city count."""
    bank = bank_for(round.questionnaire)
    stages = {stage.level: stage for stage in bank.stages}
    all_cities = _cities_with_results(round)
    filters = Filters.from_query(
        query,
        countries={city.country for city, _ in all_cities},
        dimensions={s.dimension.code for s in bank.sections},
        cities={city.slug for city, _ in all_cities},
    )
    cities = [
        item for item in all_cities if not filters.country or item[0].country == filters.country
    ]
    sections = [
        s for s in bank.sections if not filters.dimension or s.dimension.code == filters.dimension
    ]
    dimension_ids = [s.dimension.pk for s in sections]
    stored = _stored_cells(round)
    rows = []
    for city, result in cities:
        cells = []
        for dimension_id in dimension_ids:
            found = stored.get((city.pk, dimension_id))
            if found is None:
                cells.append(NO_SCORE)
            else:
                score, stage, silo = found
                cells.append(Cell(score, stages.get(stage) if stage else None, silo))
        rows.append(
            CityRow(
                city=city,
                has_result=result is not None,
                overall_score=result.overall_score if result else None,
                overall_stage=stages.get(result.overall_stage)
                if result and result.overall_stage
                else None,
                cells=cells,
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
        countries=sorted({city.country for city, _ in all_cities}),
        medians=medians,
        change=median_change(round, _medians(stored, bank)),
    )


def _sorted(rows: list[CityRow], sort: str, codes: list[str]) -> list[CityRow]:
    if sort == "overall":
        return sorted(
            rows,
            key=lambda r: (
                r.overall_score is None,
                -(r.overall_score or 0),
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
