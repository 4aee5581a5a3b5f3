"""Judge the figures against the issue's budgets and lay them out as one table (no Django here)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from bench import scenarios as names

MAX_QUERIES = 10
SECTION_SHARE_OF_BARE = 0.10
AUTOSAVE_SHARE_OF_ONE_QUERY = 0.30
DASHBOARD_TIMES_SECTION = 4.0
RECOMPUTE_MIN_PER_S = 500
CSV_MIN_ROWS_PER_S = 100_000
CSV_MAX_MEMORY_GROWTH = 1.5  # peak memory may grow this much while the rows grow about fourfold
MAX_LOAD_ERRORS = 0.01
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


def _median(measurement: Figures) -> float:
    return statistics.median(measurement["samples_ms"])


def _p95(measurement: Figures) -> float:
    ordered = sorted(measurement["samples_ms"])
    rank = (len(ordered) - 1) * 0.95
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


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


def judge(inprocess: dict[int, list[Figures]], load: list[Figures]) -> Report:
    """``inprocess`` maps a city count to that data set's measurements; ``load`` is wrk's."""
    sizes = sorted(inprocess)
    largest, smallest = sizes[-1], sizes[0]
    sets = {size: _by_name(inprocess[size]) for size in sizes}
    big = sets[largest]
    bare = _median(big[names.CEILING_BARE])
    report = Report()

    for key, measurement in big.items():
        counts = [sets[size][key]["queries"] for size in sizes]
        same = len(set(counts)) == 1
        checks = [Check(f"same queries at {'/'.join(map(str, sizes))}", same)]
        if key in names.PAGES:
            checks.append(Check(f"queries ≤ {MAX_QUERIES}", measurement["queries"] <= MAX_QUERIES))
        if key.startswith("ceiling"):
            checks = []
        throughput = ""
        if measurement["rate"] is not None:
            throughput = _rate(measurement["rate"], measurement["rate_unit"])
        if key == names.DASHBOARD:
            times = _median(measurement) / _median(big[names.SECTION_PAGE])
            checks.append(
                Check(
                    f"{times:.1f}× section page ≤ {DASHBOARD_TIMES_SECTION:g}×",
                    times <= DASHBOARD_TIMES_SECTION,
                )
            )
        if key == names.CSV_EXPORT:
            checks.append(
                Check(f"≥ {CSV_MIN_ROWS_PER_S:,} rows/s", measurement["rate"] >= CSV_MIN_ROWS_PER_S)
            )
        if key == names.RECOMPUTE:
            checks.append(
                Check(
                    f"≥ {RECOMPUTE_MIN_PER_S} responses/s",
                    measurement["rate"] >= RECOMPUTE_MIN_PER_S,
                )
            )
        report.rows.append(
            Row(
                scenario=measurement["scenario"],
                where=f"{largest} cities, in-process",
                median_ms=_median(measurement),
                p95_ms=_p95(measurement),
                queries=str(counts[-1]) if same else " → ".join(map(str, counts)),
                throughput=throughput,
                ratio=f"{bare / _median(measurement):.1%} of bare",
                checks=tuple(checks),
            )
        )

    for key in GROWTH_PAGES:
        medians = [_median(sets[size][key]) for size in sizes]
        for size, median in zip(sizes, medians, strict=True):
            growth: list[Check] = []
            if size == largest:
                for earlier, earlier_median in zip(sizes[:-1], medians[:-1], strict=True):
                    grew = median / earlier_median
                    growth.append(
                        Check(
                            f"time ×{grew:.2f} < cities ×{largest / earlier:g}",
                            grew < largest / earlier,
                        )
                    )
            report.rows.append(
                Row(
                    scenario=f"growth: {key}",
                    where=f"{size} cities, in-process",
                    median_ms=median,
                    p95_ms=_p95(sets[size][key]),
                    queries=str(sets[size][key]["queries"]),
                    ratio=f"×{median / medians[0]:.2f} of {smallest} cities",
                    checks=tuple(growth),
                )
            )

    memory = [(size, sets[size][names.CSV_EXPORT]["notes"]) for size in sizes if size != smallest]
    (low_size, low), (high_size, high) = memory[0], memory[-1]
    memory_growth = high["peak_kib"] / max(low["peak_kib"], 1)
    report.rows.append(
        Row(
            scenario="CSV export peak memory (tracemalloc)",
            where=f"{low_size} → {high_size} cities",
            throughput=f"{low['peak_kib']:,} → {high['peak_kib']:,} KiB",
            ratio=f"rows ×{high['rows'] / low['rows']:.1f}, memory ×{memory_growth:.2f}",
            checks=(
                Check(
                    f"memory ×{memory_growth:.2f} ≤ ×{CSV_MAX_MEMORY_GROWTH:g}",
                    memory_growth <= CSV_MAX_MEMORY_GROWTH,
                ),
            ),
        )
    )

    served = {result["scenario"]: result for result in load}
    ceilings = {
        names.SECTION_PAGE: (names.CEILING_BARE, SECTION_SHARE_OF_BARE, "bare"),
        names.AUTOSAVE: (names.CEILING_ONE_QUERY, AUTOSAVE_SHARE_OF_ONE_QUERY, "one-query"),
    }
    for key, result in served.items():
        checks = [
            Check(
                f"errors {result['errors']} ≤ {MAX_LOAD_ERRORS:.0%}",
                result["errors"] <= MAX_LOAD_ERRORS * max(result["requests"], 1),
            )
        ]
        ratio = ""
        if key == names.SIGNED_IN_FLOOR:  # for reference: no budget of its own
            floor = result["requests_per_s"] / served[names.CEILING_ONE_QUERY]["requests_per_s"]
            ratio = f"{floor:.1%} of one-query"
        if key in ceilings:
            ceiling, share, label = ceilings[key]
            achieved = result["requests_per_s"] / served[ceiling]["requests_per_s"]
            ratio = f"{achieved:.1%} of {label}"
            checks.append(Check(f"≥ {share:.0%} of {label} req/s", achieved >= share))
        report.rows.append(
            Row(
                scenario=key,
                where=f"{largest} cities, gunicorn+wrk",
                median_ms=result["p50_ms"],
                p95_ms=result["p95_ms"],
                throughput=_rate(result["requests_per_s"], "req/s"),
                ratio=ratio,
                checks=tuple(checks),
            )
        )
    return report


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
