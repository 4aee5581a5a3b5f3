"""`make bench` measures 5, 50 and 200 cities unless BENCH_SIZES and BENCH_QUICK ask for a smoke run."""

from __future__ import annotations

import re

import pytest

from bench.run import RunOptions, options_from


def test_no_settings_give_the_full_run_on_5_50_and_200_cities():
    options = options_from({})

    assert options == RunOptions(sizes=(5, 50, 200), quick=False)
    assert options.reduced is False


def test_bench_sizes_5_with_bench_quick_is_a_reduced_run():
    options = options_from({"BENCH_SIZES": "5", "BENCH_QUICK": "1"})

    assert options == RunOptions(sizes=(5,), quick=True)
    assert options.reduced is True


def test_sizes_are_sorted_and_deduplicated():
    assert options_from({"BENCH_SIZES": "50, 5,50"}).sizes == (5, 50)


def test_the_full_sizes_with_bench_quick_are_still_a_reduced_run():
    assert options_from({"BENCH_SIZES": "5,50,200", "BENCH_QUICK": "yes"}).reduced is True


@pytest.mark.parametrize("word", ["", "0", "false", "No", "off"])
def test_a_no_word_leaves_the_samples_as_they_are(word):
    assert options_from({"BENCH_QUICK": word}).quick is False


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"BENCH_SIZES": "five"}, "BENCH_SIZES must be whole numbers, got 'five'"),
        (
            {"BENCH_SIZES": "3,50"},
            "BENCH_SIZES must each be at least 5 (the fixture's cities), got '3,50'",
        ),
        (
            {"BENCH_QUICK": "maybe"},
            "BENCH_QUICK must be one of 1, true, yes, on, 0, false, no, off, got 'maybe'",
        ),
    ],
)
def test_a_bad_setting_stops_the_run_with_a_message(environ, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        options_from(environ)
