"""Judge the figures against the issue's budgets and lay them out as one table (no Django here)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from bench import scenarios as names

# Issue 15, point 10: what users feel. Query counts are the same at every data set size, and
# at most this many per request.
MAX_QUERIES_PER_PAGE = 12
# In-process median times, in ms, on the largest data set (200 cities).
MAX_MEDIAN_MS = {
    names.SECTION_PAGE: 20.0,
    names.AUTOSAVE: 12.0,
    names.SUBMIT: 30.0,
    names.RESULTS: 30.0,
    names.DASHBOARD: 40.0,
    names.TRACKER: 40.0,
}
# Under load: gunicorn with two workers on two cores, driven by wrk, without a single error.
MIN_REQUESTS_PER_S = {names.SECTION_PAGE: 100.0, names.AUTOSAVE: 150.0}
MAX_LOAD_ERRORS = 0
CSV_MIN_ROWS_PER_S = 100_000
CSV_MAX_MEMORY_GROWTH = 1.5  # peak memory may grow this much while the rows grow about fourfold
# Printed for context, without a budget: how their times grow with the number of cities.
GROWTH_PAGES = (names.DASHBOARD, names.RESULTS)

Figures = dict[str, Any]


@dataclass(frozen=True)
class Check:
    label: str
    passed: bool


@dataclass(frozen=True)
class Row:
    scenario: str
    where: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: str = ""
    throughput: str = ""
    ratio: str = ""
    checks: tuple[Check, ...] = ()

    @property
    def verdict(self) -> str:
        if not self.checks:
            return ""
        return "PASS" if all(check.passed for check in self.checks) else "FAIL"


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    @property
    def failures(self) -> list[tuple[Row, Check]]:
        return [(row, c) for row in self.rows for c in row.checks if not c.passed]

    @property
    def checks(self) -> int:
        return sum(len(row.checks) for row in self.rows)

    def row(self, scenario: str, where: str) -> Row:
        """The row of ``scenario`` measured ``where`` (a substring of its "where" column)."""
        for row in self.rows:
            if row.scenario == scenario and where in row.where:
                return row
        raise KeyError(f"no row {scenario!r} {where!r}")


def _median(measurement: Figures) -> float:
    return float(statistics.median(measurement["samples_ms"]))


def _p95(measurement: Figures) -> float:
    ordered = sorted(measurement["samples_ms"])
    rank = (len(ordered) - 1) * 0.95
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def _by_name(measurements: list[Figures]) -> dict[str, Figures]:
    found = {}
    for measurement in measurements:
        key = measurement["scenario"]
        if key.startswith(names.SECTION_SAVE):
            key = names.SECTION_SAVE
        found[key] = measurement
    return found


def _rate(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}"


def _inprocess_checks(key: str, measurement: Figures, counts: list[int], sizes: str) -> list[Check]:
    if key.startswith("ceiling"):
        return []
    checks = [Check(f"same queries at {sizes}", len(set(counts)) == 1)]
    if key in names.PAGES:
        checks.append(
            Check(
                f"queries ≤ {MAX_QUERIES_PER_PAGE}", measurement["queries"] <= MAX_QUERIES_PER_PAGE
            )
        )
    if key in MAX_MEDIAN_MS:
        limit = MAX_MEDIAN_MS[key]
        checks.append(Check(f"median ≤ {limit:g} ms", _median(measurement) <= limit))
    if key == names.CSV_EXPORT:
        checks.append(
            Check(f"≥ {CSV_MIN_ROWS_PER_S:,} rows/s", measurement["rate"] >= CSV_MIN_ROWS_PER_S)
        )
    return checks


def judge(inprocess: dict[int, list[Figures]], load: list[Figures]) -> Report:
    """``inprocess`` maps a city count to that data set's measurements; ``load`` is wrk's.

    Time budgets are judged on the largest data set measured (200 cities in a full run).
    """
    sizes = sorted(inprocess)
    largest, smallest = sizes[-1], sizes[0]
    sets = {size: _by_name(inprocess[size]) for size in sizes}
    big = sets[largest]
    bare = _median(big[names.CEILING_BARE])
    report = Report()

    for key, measurement in big.items():
        counts = [sets[size][key]["queries"] for size in sizes]
        throughput = ""
        if measurement["rate"] is not None:
            throughput = _rate(measurement["rate"], measurement["rate_unit"])
        report.rows.append(
            Row(
                scenario=measurement["scenario"],
                where=f"{largest} cities, in-process",
                median_ms=_median(measurement),
                p95_ms=_p95(measurement),
                queries=" → ".join(map(str, counts)) if len(set(counts)) > 1 else str(counts[-1]),
                throughput=throughput,
                ratio=f"{bare / _median(measurement):.1%} of bare",
                checks=tuple(
                    _inprocess_checks(key, measurement, counts, "/".join(map(str, sizes)))
                ),
            )
        )

    for key in GROWTH_PAGES:
        first = _median(sets[smallest][key])
        for size in sizes:
            median = _median(sets[size][key])
            report.rows.append(
                Row(
                    scenario=f"growth: {key}",
                    where=f"{size} cities, in-process",
                    median_ms=median,
                    p95_ms=_p95(sets[size][key]),
                    queries=str(sets[size][key]["queries"]),
                    ratio=f"×{median / first:.2f} of {smallest} cities",
                )
            )

    report.rows.append(_csv_memory(sizes, sets))

    served = {result["scenario"]: result for result in load}
    for key, result in served.items():
        report.rows.append(_load_row(key, result, served, largest))
    return report


def _csv_memory(sizes: list[int], sets: dict[int, dict[str, Figures]]) -> Row:
    """Peak memory of the export from the second-smallest data set to the largest: the
    smallest has too few rows for its fixed costs not to dominate."""
    compared = sizes[1:] if len(sizes) > 2 else sizes
    if len(compared) < 2:
        return Row(
            scenario="CSV export peak memory (tracemalloc)",
            where=f"{sizes[0]} cities",
            throughput=f"{sets[sizes[0]][names.CSV_EXPORT]['notes']['peak_kib']:,} KiB",
            ratio="one data set: not judged",
        )
    low_size, high_size = compared[0], compared[-1]
    low = sets[low_size][names.CSV_EXPORT]["notes"]
    high = sets[high_size][names.CSV_EXPORT]["notes"]
    growth = high["peak_kib"] / max(low["peak_kib"], 1)
    return Row(
        scenario="CSV export peak memory (tracemalloc)",
        where=f"{low_size} → {high_size} cities",
        throughput=f"{low['peak_kib']:,} → {high['peak_kib']:,} KiB",
        ratio=f"rows ×{high['rows'] / low['rows']:.1f}, memory ×{growth:.2f}",
        checks=(
            Check(
                f"memory ×{growth:.2f} ≤ ×{CSV_MAX_MEMORY_GROWTH:g}",
                growth <= CSV_MAX_MEMORY_GROWTH,
            ),
        ),
    )


# For context only: each page's requests/s as a share of a ceiling's.
_CEILINGS = {
    names.SECTION_PAGE: (names.CEILING_BARE, "bare"),
    names.AUTOSAVE: (names.CEILING_ONE_QUERY, "one-query"),
    names.SIGNED_IN_FLOOR: (names.CEILING_ONE_QUERY, "one-query"),
}


def _load_row(key: str, result: Figures, served: dict[str, Figures], largest: int) -> Row:
    ratio = ""
    if key in _CEILINGS and _CEILINGS[key][0] in served:
        ceiling, label = _CEILINGS[key]
        ratio = f"{result['requests_per_s'] / served[ceiling]['requests_per_s']:.1%} of {label}"
    checks = []
    if key in MIN_REQUESTS_PER_S:
        limit = MIN_REQUESTS_PER_S[key]
        checks = [
            Check(
                f"errors {result['errors']} ≤ {MAX_LOAD_ERRORS}",
                result["errors"] <= MAX_LOAD_ERRORS,
            ),
            Check(f"≥ {limit:g} req/s", result["requests_per_s"] >= limit),
        ]
    return Row(
        scenario=key,
        where=f"{largest} cities, gunicorn+wrk",
        median_ms=result["p50_ms"],
        p95_ms=result["p95_ms"],
        throughput=_rate(result["requests_per_s"], "req/s"),
        ratio=ratio,
        checks=tuple(checks),
    )


def _ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def table(report: Report) -> str:
    header = (
        "scenario",
        "where",
        "median ms",
        "p95 ms",
        "queries",
        "throughput",
        "vs ceiling",
        "budget",
        "",
    )
    lines = [
        (
            row.scenario,
            row.where,
            _ms(row.median_ms),
            _ms(row.p95_ms),
            row.queries,
            row.throughput,
            row.ratio,
            "; ".join(check.label for check in row.checks),
            row.verdict,
        )
        for row in report.rows
    ]
    widths = [max(len(str(cells[i])) for cells in [header, *lines]) for i in range(len(header))]
    right = {2, 3, 4, 5}

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            str(cell).rjust(width) if i in right else str(cell).ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    failed = report.failures
    summary = f"{report.checks - len(failed)} of {report.checks} budget checks passed" + (
        ""
        if not failed
        else "; FAILED: " + "; ".join(f"{r.scenario}: {c.label}" for r, c in failed)
    )
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines), rule, summary])
