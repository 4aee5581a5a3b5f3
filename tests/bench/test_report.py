"""`make bench` judges made-up figures by issue 15's budgets, and by nothing else."""

from __future__ import annotations

import pytest

from bench import scenarios as names
from bench.report import judge, table

SIZES = (5, 50, 200)
# Comfortably within every budget: (median ms, queries, rate, rate unit).
WITHIN = {
    names.CEILING_BARE: (0.3, 0, None, ""),
    names.CEILING_ONE_QUERY: (0.7, 1, None, ""),
    names.SECTION_PAGE: (15.0, 6, None, ""),
    f"{names.SECTION_SAVE} (10 answers)": (10.0, 8, None, ""),
    names.AUTOSAVE: (9.0, 8, None, ""),
    names.REVIEW: (12.0, 6, None, ""),
    names.SUBMIT: (25.0, 11, None, ""),
    names.WHOLE_SHOWN: (120.0, 48, None, ""),
    names.WHOLE_SUBMITTED: (150.0, 80, None, ""),
    names.ONE_PAGE_SHOWN: (40.0, 6, None, ""),
    names.ONE_PAGE_SUBMITTED: (60.0, 12, None, ""),
    names.RESULTS: (25.0, 9, None, ""),
    names.DASHBOARD: (35.0, 9, None, ""),
    names.TRACKER: (35.0, 7, None, ""),
    names.ROUND_CHANGE: (60.0, 7, None, ""),
    names.CSV_EXPORT: (150.0, 8, 280_000.0, "rows/s"),
    names.RECOMPUTE: (400.0, 10, 2_000.0, "responses/s"),
}
PEAK_KIB = {5: 3_000, 50: 3_200, 200: 3_600}
ROWS = {5: 900, 50: 10_000, 200: 41_644}
LOAD = {
    names.CEILING_BARE: 2_900.0,
    names.CEILING_ONE_QUERY: 1_800.0,
    names.SIGNED_IN_FLOOR: 1_500.0,
    names.SECTION_PAGE: 120.0,
    names.AUTOSAVE: 200.0,
}


def _measurement(scenario: str, size: int) -> dict:
    median, queries, rate, unit = WITHIN[scenario]
    notes = {}
    if scenario == names.CSV_EXPORT:
        notes = {"rows": ROWS[size], "responses": 800, "bytes": 1, "peak_kib": PEAK_KIB[size]}
    return {
        "scenario": scenario,
        "samples_ms": [median * 0.9, median, median * 1.1],
        "queries": queries,
        "rate": rate,
        "rate_unit": unit,
        "notes": notes,
    }


def _inprocess(sizes=SIZES) -> dict[int, list[dict]]:
    return {size: [_measurement(scenario, size) for scenario in WITHIN] for size in sizes}


def _load() -> list[dict]:
    return [
        {
            "scenario": scenario,
            "requests_per_s": rate,
            "p50_ms": 8.0,
            "p95_ms": 10.0,
            "p99_ms": 12.0,
            "requests": round(rate * 10),
            "errors": 0,
        }
        for scenario, rate in LOAD.items()
    ]


def _find(measurements: list[dict], scenario: str) -> dict:
    return next(m for m in measurements if m["scenario"] == scenario)


def _checks(report, scenario: str, where: str = "200 cities, in-process") -> dict[str, bool]:
    return {check.label: check.passed for check in report.row(scenario, where).checks}


def test_figures_within_every_budget_pass_all_38_checks():
    report = judge(_inprocess(), _load())

    assert report.failures == []
    assert report.checks == 38
    assert table(report).splitlines()[-1] == "38 of 38 budget checks passed"


def test_section_page_is_judged_on_queries_their_constancy_and_its_median():
    report = judge(_inprocess(), _load())

    assert _checks(report, names.SECTION_PAGE) == {
        "same queries at 5/50/200": True,
        "queries ≤ 12": True,
        "median ≤ 20 ms": True,
    }


@pytest.mark.parametrize(
    ("scenario", "limit_ms"),
    [
        (names.SECTION_PAGE, 20.0),
        (names.AUTOSAVE, 12.0),
        (names.SUBMIT, 30.0),
        (names.RESULTS, 30.0),
        (names.DASHBOARD, 40.0),
        (names.TRACKER, 40.0),
    ],
)
def test_median_at_200_cities_passes_at_its_limit_and_fails_above(scenario, limit_ms):
    label = f"median ≤ {limit_ms:g} ms"
    for median, passed in ((limit_ms, True), (limit_ms + 0.1, False)):
        inprocess = _inprocess()
        _find(inprocess[200], scenario)["samples_ms"] = [median - 1, median, median + 5]

        assert _checks(judge(inprocess, _load()), scenario)[label] is passed


def test_medians_at_smaller_data_sets_are_not_judged():
    inprocess = _inprocess()
    _find(inprocess[50], names.SECTION_PAGE)["samples_ms"] = [90.0, 95.0, 99.0]

    assert judge(inprocess, _load()).failures == []


def test_pages_without_a_time_budget_are_judged_on_queries_only():
    inprocess = _inprocess()
    for scenario in (names.REVIEW, names.ROUND_CHANGE, names.ONE_PAGE_SHOWN):
        _find(inprocess[200], scenario)["samples_ms"] = [500.0, 500.0, 500.0]
    report = judge(inprocess, _load())

    assert report.failures == []
    assert _checks(report, names.REVIEW) == {
        "same queries at 5/50/200": True,
        "queries ≤ 12": True,
    }


def test_thirteen_queries_on_one_page_fail():
    inprocess = _inprocess()
    for size in SIZES:
        _find(inprocess[size], names.ONE_PAGE_SHOWN)["queries"] = 13
    report = judge(inprocess, _load())

    assert [(row.scenario, check.label) for row, check in report.failures] == [
        (names.ONE_PAGE_SHOWN, "queries ≤ 12")
    ]


def test_the_one_page_save_and_submit_is_held_only_to_the_same_queries_at_every_size():
    inprocess = _inprocess()
    for size in SIZES:
        _find(inprocess[size], names.ONE_PAGE_SUBMITTED)["queries"] = 16
    report = judge(inprocess, _load())

    assert report.failures == []
    assert _checks(report, names.ONE_PAGE_SUBMITTED) == {"same queries at 5/50/200": True}


def test_a_query_count_that_grows_with_the_cities_fails():
    inprocess = _inprocess()
    _find(inprocess[200], names.DASHBOARD)["queries"] = 10
    report = judge(inprocess, _load())

    assert report.row(names.DASHBOARD, "200 cities, in-process").queries == "9 → 9 → 10"
    assert [(row.scenario, check.label) for row, check in report.failures] == [
        (names.DASHBOARD, "same queries at 5/50/200")
    ]


def test_the_section_by_section_questionnaire_keeps_only_the_constancy_rule():
    inprocess = _inprocess()
    for size in SIZES:
        _find(inprocess[size], names.WHOLE_SUBMITTED)["queries"] = 80

    assert _checks(judge(inprocess, _load()), names.WHOLE_SUBMITTED) == {
        "same queries at 5/50/200": True
    }


def test_csv_export_under_100000_rows_per_second_fails():
    inprocess = _inprocess()
    _find(inprocess[200], names.CSV_EXPORT)["rate"] = 99_999.0

    assert _checks(judge(inprocess, _load()), names.CSV_EXPORT) == {
        "same queries at 5/50/200": True,
        "queries ≤ 12": True,
        "≥ 100,000 rows/s": False,
    }


def test_csv_export_memory_growing_over_half_again_from_50_to_200_cities_fails():
    inprocess = _inprocess()
    _find(inprocess[200], names.CSV_EXPORT)["notes"]["peak_kib"] = 4_801
    row = judge(inprocess, _load()).row("CSV export peak memory (tracemalloc)", "50 → 200")

    assert row.throughput == "3,200 → 4,801 KiB"
    assert [(c.label, c.passed) for c in row.checks] == [("memory ×1.50 ≤ ×1.5", False)]


def test_recompute_rate_is_context_without_a_budget():
    inprocess = _inprocess()
    _find(inprocess[200], names.RECOMPUTE)["rate"] = 1.0
    report = judge(inprocess, _load())

    assert report.row(names.RECOMPUTE, "200 cities").throughput == "1 responses/s"
    assert _checks(report, names.RECOMPUTE) == {"same queries at 5/50/200": True}


def test_ceilings_and_growth_rows_carry_no_budget():
    report = judge(_inprocess(), _load())
    unjudged = [row for row in report.rows if not row.checks]

    assert [(row.scenario, row.where) for row in unjudged] == [
        (names.CEILING_BARE, "200 cities, in-process"),
        (names.CEILING_ONE_QUERY, "200 cities, in-process"),
        (f"growth: {names.DASHBOARD}", "5 cities, in-process"),
        (f"growth: {names.DASHBOARD}", "50 cities, in-process"),
        (f"growth: {names.DASHBOARD}", "200 cities, in-process"),
        (f"growth: {names.RESULTS}", "5 cities, in-process"),
        (f"growth: {names.RESULTS}", "50 cities, in-process"),
        (f"growth: {names.RESULTS}", "200 cities, in-process"),
        (names.CEILING_BARE, "200 cities, gunicorn+wrk"),
        (names.CEILING_ONE_QUERY, "200 cities, gunicorn+wrk"),
        (names.SIGNED_IN_FLOOR, "200 cities, gunicorn+wrk"),
    ]


def test_shares_of_the_ceilings_are_shown_but_no_longer_judged():
    load = _load()
    _find(load, names.CEILING_BARE)["requests_per_s"] = 100_000.0
    _find(load, names.CEILING_ONE_QUERY)["requests_per_s"] = 100_000.0
    inprocess = _inprocess()
    # Ten times the section page: the old "dashboard ≤ 4× section page" rule is gone too.
    _find(inprocess[200], names.SECTION_PAGE)["samples_ms"] = [3.0, 3.5, 4.0]
    report = judge(inprocess, load)

    assert report.failures == []
    assert report.row(names.SECTION_PAGE, "gunicorn+wrk").ratio == "0.1% of bare"
    assert report.row(names.AUTOSAVE, "gunicorn+wrk").ratio == "0.2% of one-query"


@pytest.mark.parametrize(
    ("scenario", "limit"), [(names.SECTION_PAGE, 100.0), (names.AUTOSAVE, 150.0)]
)
def test_throughput_under_load_passes_at_its_limit_and_fails_below(scenario, limit):
    label = f"≥ {limit:g} req/s"
    for rate, passed in ((limit, True), (limit - 0.5, False)):
        load = _load()
        _find(load, scenario)["requests_per_s"] = rate
        checks = _checks(judge(_inprocess(), load), scenario, "gunicorn+wrk")

        assert checks == {"errors 0 ≤ 0": True, label: passed}


def test_a_single_error_under_load_fails():
    load = _load()
    _find(load, names.AUTOSAVE)["errors"] = 1
    report = judge(_inprocess(), load)

    assert [(row.scenario, check.label) for row, check in report.failures] == [
        (names.AUTOSAVE, "errors 1 ≤ 0")
    ]
    assert table(report).splitlines()[-1] == (
        f"37 of 38 budget checks passed; FAILED: {names.AUTOSAVE}: errors 1 ≤ 0"
    )


def test_a_smoke_run_on_one_data_set_is_judged_without_the_memory_comparison():
    report = judge(_inprocess(sizes=(5,)), _load())
    memory = report.row("CSV export peak memory (tracemalloc)", "5 cities")

    assert report.failures == []
    assert memory.ratio == "one data set: not judged"
    assert memory.checks == ()
    assert _checks(report, names.SECTION_PAGE, "5 cities, in-process") == {
        "same queries at 5": True,
        "queries ≤ 12": True,
        "median ≤ 20 ms": True,
    }
