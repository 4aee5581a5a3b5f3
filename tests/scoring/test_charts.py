"""The plotly figures are plain dicts that plotly itself would have built: same data, same look."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from scoring import charts
from scoring.results import DimensionRow


def _row(code, title, score, median, departments):
    return DimensionRow(
        code=code,
        title=title,
        score=score,
        median=score,
        stage=None,
        spread=None,
        silo=False,
        coverage=1.0,
        dont_know_share=0.0,
        departments=[{"department": d, "score": s, "stage": 2} for d, s in departments],
        cross_city_median=median,
    )


ROWS = [
    _row("strategy", "Strategy and leadership", 61.5, 55.0, [("Mobility", 70.0), ("IT", 53.0)]),
    _row("data", "Data management & quality <b>", 40.0, None, [("Mobility", 40.0)]),
    _row("skills", "Skills", None, 20.25, []),
]
HEATMAP = {
    "cities": ["Antwerp", "Rotterdam"],
    "dimensions": ["Strategy", "Data"],
    "scores": [[61.5, None], [12.0, 99.9]],
    "stages": [[3, None], [1, 5]],
}

FIGURES = {
    "radar": lambda: charts.radar(ROWS, "Rotterdam"),
    "radar without dimensions": lambda: charts.radar([], "Rotterdam"),
    "department dots": lambda: charts.department_dots(ROWS, ["IT", "Mobility", "Urban planning"]),
    "stage heatmap": lambda: charts.stage_heatmap(HEATMAP),
    "stage distribution": lambda: charts.stage_distribution(["1. A", "2. B"], [0, 7]),
    "grouped bars": lambda: charts.grouped_bars(
        ["Strategy and leadership", "Data"], [("Rotterdam", [61.5, None])], [55.0, None]
    ),
    "stage bars": lambda: charts.stage_bars(HEATMAP),
    "radar overlay": lambda: charts.radar_overlay(
        ["Strategy", "Data"],
        [("Antwerp", [61.5, None]), ("Rotterdam", [12.0, 99.9])],
        [36.75, 99.9],
        "Median of all cities",
    ),
    "city bars": lambda: charts.city_bars(
        "Strategy", [("Antwerp", 61.5), ("Rotterdam", None)], 36.75, "Median of all cities"
    ),
}


@pytest.mark.parametrize("name", FIGURES)
def test_plotly_accepts_the_figure_and_changes_nothing_in_it(name):
    figure = json.loads(json.dumps(FIGURES[name]()))

    rebuilt = json.loads(go.Figure(figure).to_json())

    assert rebuilt == figure


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_carries_plotlys_default_template(name):
    default = json.loads(go.Figure().to_json())["layout"]["template"]

    assert FIGURES[name]()["layout"]["template"] == default


def test_heatmap_cells_state_score_and_stage_and_are_coloured_by_stage():
    trace = charts.stage_heatmap(HEATMAP)["data"][0]

    assert trace["text"] == [["62<br>stage 3", "—"], ["12<br>stage 1", "100<br>stage 5"]]
    assert trace["z"] == [[3, None], [1, 5]]
    assert (trace["zmin"], trace["zmax"]) == (0.5, 5.5)


def test_radar_overlay_closes_each_line_and_ends_with_the_median():
    figure = charts.radar_overlay(
        ["Strategy", "Data"],
        [("Antwerp", [61.5, None]), ("Rotterdam", [12.0, 99.9])],
        [36.75, 99.9],
        "Median of all cities",
    )

    assert [(t["name"], t["r"]) for t in figure["data"]] == [
        ("Antwerp", [61.5, None, 61.5]),
        ("Rotterdam", [12.0, 99.9, 12.0]),
        ("Median of all cities", [36.75, 99.9, 36.75]),
    ]
    assert figure["data"][0]["theta"] == ["Strategy", "Data", "Strategy"]


def test_department_dots_give_each_department_its_score_per_dimension():
    traces = charts.department_dots(ROWS, ["IT", "Mobility"])["data"]

    assert [(t["name"], t["x"]) for t in traces] == [
        ("IT", [53.0, None, None]),
        ("Mobility", [70.0, 40.0, None]),
    ]


# --- Names are text, never markup (plotly reads tags in every label, legend and hover) ---------

LINK = '<a href="https://evil.example">x</a>'
# The same name in plotly's text: tags escaped, so plotly draws the characters as written.
LINK_TEXT = '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'


def test_radar_shows_a_city_name_with_a_link_as_text():
    figure = charts.radar(ROWS, LINK)

    assert figure["data"][-1]["name"] == LINK_TEXT


def test_radar_escapes_dimension_titles_but_keeps_its_own_line_breaks():
    rows = [_row("a", "Data management & quality <b>", 40.0, None, [])]

    theta = charts.radar(rows, "Rotterdam")["data"][-1]["theta"]

    assert theta == ["Data management &amp;<br>quality &lt;b&gt;"] * 2


def test_department_dots_show_department_and_dimension_names_as_text():
    rows = [_row("a", LINK, 40.0, None, [(LINK, 40.0)])]

    trace = charts.department_dots(rows, [LINK])["data"][0]

    # The title is wrapped (at 24 characters) before each line is escaped.
    wrapped = '&lt;a href="https://evil.ex<br>ample"&gt;x&lt;/a&gt;'
    assert (trace["name"], trace["y"]) == (LINK_TEXT, [wrapped])


def test_stage_heatmap_shows_city_and_dimension_names_as_text():
    data = {"cities": [LINK], "dimensions": ["R&D <i>"], "scores": [[50.0]], "stages": [[3]]}

    trace = charts.stage_heatmap(data)["data"][0]

    assert (trace["y"], trace["x"]) == ([LINK_TEXT], ["R&amp;D &lt;i&gt;"])
    assert trace["text"] == [["50<br>stage 3"]]


def test_stage_distribution_shows_stage_names_as_text():
    trace = charts.stage_distribution(["1. <b>Ad hoc</b>"], [2])["data"][0]

    assert trace["x"] == ["1. &lt;b&gt;Ad hoc&lt;/b&gt;"]


def test_radar_overlay_shows_city_names_and_dimension_titles_as_text():
    figure = charts.radar_overlay([LINK], [(LINK, [50.0])], [50.0], "Median of all cities")

    assert [t["name"] for t in figure["data"]] == [LINK_TEXT, "Median of all cities"]
    assert (
        figure["data"][0]["theta"] == ['&lt;a href="https://e<br>vil.example"&gt;x&lt;/a&gt;'] * 2
    )


# --- Peer figures ----------------------------------------------------------------------------


def test_radar_has_no_median_trace_when_every_median_is_withheld():
    rows = [_row("a", "Strategy", 61.5, None, []), _row("b", "Data", 40.0, None, [])]

    figure = charts.radar(rows, "Rotterdam")

    assert [(t["name"], t["r"]) for t in figure["data"]] == [("Rotterdam", [61.5, 40.0, 61.5])]


def test_radar_keeps_the_median_trace_with_a_gap_where_one_median_is_withheld():
    figure = charts.radar(ROWS, "Rotterdam")

    assert [(t["name"], t["r"]) for t in figure["data"]] == [
        ("Median of all cities", [55.0, None, 20.25, 55.0]),
        ("Rotterdam", [61.5, 40.0, None, 61.5]),
    ]


# --- Phones: bars in place of radars and heatmaps; labels that fit --------------------------------


def test_grouped_bars_give_each_series_its_scores_per_category_and_the_median_as_ticks():
    figure = charts.grouped_bars(
        ["Strategy and leadership", "Data"],
        [("Antwerp", [61.5, None]), ("Rotterdam", [12.0, 99.9])],
        [36.75, None],
    )

    bars, median = figure["data"][:-1], figure["data"][-1]
    assert [(t["type"], t["orientation"], t["name"], t["x"]) for t in bars] == [
        ("bar", "h", "Antwerp", [61.5, None]),
        ("bar", "h", "Rotterdam", [12.0, 99.9]),
    ]
    assert bars[0]["y"] == ["Strategy and<br>leadership", "Data"]  # wrapped: plotly would not
    assert (median["name"], median["x"], median["marker"]["symbol"]) == (
        "Median of all cities",
        [36.75, None],
        "line-ns-open",
    )
    assert figure["layout"]["xaxis"]["range"] == [0, 100]


def test_grouped_bars_leave_out_the_median_where_every_median_is_withheld():
    figure = charts.grouped_bars(["Strategy"], [("Rotterdam", [61.5])], [None])

    assert [t["name"] for t in figure["data"]] == ["Rotterdam"]


def test_stage_bars_carry_the_heatmaps_numbers_one_group_per_city_and_say_each_stage():
    traces = charts.stage_bars(HEATMAP)["data"]

    assert [(t["name"], t["y"], t["x"], t["text"]) for t in traces] == [
        ("Strategy", ["Antwerp", "Rotterdam"], [61.5, 12.0], ["stage 3", "stage 1"]),
        ("Data", ["Antwerp", "Rotterdam"], [None, 99.9], ["", "stage 5"]),
    ]


def test_long_titles_wrap_on_every_axis_that_plotly_would_not_wrap():
    title = "Integration and platforms for collaboration with operators"
    rows = [_row("a", title, 40.0, 50.0, [("Mobility", 40.0)])]
    heatmap = {**HEATMAP, "dimensions": [title, "Data"]}

    wrapped = {
        "radar": charts.radar(rows, "Rotterdam")["data"][-1]["theta"][0],
        "dots": charts.department_dots(rows, ["Mobility"])["data"][0]["y"][0],
        "heatmap": charts.stage_heatmap(heatmap)["data"][0]["x"][0],
        "bars": charts.grouped_bars([title], [("Rotterdam", [40.0])])["data"][0]["y"][0],
    }

    for name, label in wrapped.items():
        lines = label.split("<br>")
        assert " ".join(lines) == title, name
        assert max(len(line) for line in lines) <= 24, name


@pytest.mark.parametrize("spokes", [7, 8])
def test_the_radars_numbers_lie_half_way_between_the_first_two_spokes(spokes):
    rows = [_row(str(i), f"Dimension {i}", 50.0, None, []) for i in range(spokes)]
    titles = [f"Dimension {i}" for i in range(spokes)]

    for figure in (
        charts.radar(rows, "Rotterdam"),
        charts.radar_overlay(
            titles, [("Rotterdam", [50.0] * spokes)], [50.0] * spokes, "Median of all cities"
        ),
    ):
        assert figure["layout"]["polar"]["radialaxis"]["angle"] == pytest.approx(180 / spokes)
