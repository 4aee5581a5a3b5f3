"""plotly figures for results and dashboards, as plain JSON-ready dicts for the page's plotly.js.

The figures are written as the dicts plotly.js reads rather than built with plotly's
`graph_objects`: validating every property of a 200-trace radar took longer than the rest of
the dashboard. Each figure carries the same default template that `graph_objects` adds, so
plotly.js draws exactly what it drew before; tests check that plotly accepts each figure
unchanged. Templates embed them with `json_script`, which static/js/charts.js reads by id.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from functools import cache
from typing import Any

import plotly.graph_objects as go
from django.utils import formats
from django.utils.translation import gettext as _

from scoring.results import DimensionRow

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Marker symbols and
# text labels carry the same meaning, so colour is never the only cue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon")
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}

Figure = dict[str, Any]


@cache
def _template() -> dict[str, Any]:
    """plotly's default template (colours, grid, fonts), as `graph_objects` embeds it."""
    template: dict[str, Any] = json.loads(go.Figure().to_json())["layout"]["template"]
    return template


def _figure(data: list[dict[str, Any]], **layout: object) -> Figure:
    return {
        "data": data,
        "layout": {
            "font": FONT,
            "margin": {"l": 40, "r": 40, "t": 40, "b": 40},
            "paper_bgcolor": "white",
            # Numbers in axis ticks and hover texts as the page's language writes them.
            "separators": formats.get_format("DECIMAL_SEPARATOR")
            + formats.get_format("THOUSAND_SEPARATOR"),
            **layout,
            "template": _template(),
        },
    }


def _text(name: str) -> str:
    """A name as plotly text that shows it as written: plotly reads tags such as <a>, <b> and
    <br> in every label, legend and hover text and decodes &amp;, &lt; and &gt;, so a city
    named "<a href=...>x</a>" in admin would otherwise become a link inside the chart."""
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrapped(title: str, width: int = 18) -> str:
    # plotly does not wrap axis labels; long dimension titles would run off the chart. The
    # lines are escaped one by one so that only our own <br> remains a tag.
    return "<br>".join(_text(line) for line in textwrap.wrap(title, width)) or _text(title)


# plotly neither wraps nor shortens a legend entry: a round's title ("Session 1 — Data-Driven
# Government (summer 2021)") or a French dimension title ran past a phone's screen.
LEGEND_CHARACTERS = 28


def _closed(values: Sequence[Any]) -> list[Any]:
    """A radar line ends where it starts."""
    return [*values, values[0]] if values else []


def radar(rows: Sequence[DimensionRow], city_name: str) -> Figure:
    """The city's dimension scores against the cross-city median, where the viewer may see it
    (no median trace at all where every median is withheld)."""
    theta = _closed([_wrapped(row.title) for row in rows])
    medians = [row.cross_city_median for row in rows]
    median_trace: list[dict[str, Any]] = [
        {
            "type": "scatterpolar",
            "r": _closed(medians),
            "theta": theta,
            "name": _text(_("Median of all cities")),
            "line": {"color": PALETTE[1], "dash": "dash"},
            "marker": {"symbol": SYMBOLS[1]},
        }
    ]
    return _figure(
        [
            *(median_trace if any(m is not None for m in medians) else []),
            {
                "type": "scatterpolar",
                "r": _closed([row.score for row in rows]),
                "theta": theta,
                "name": _text(city_name),
                "fill": "toself",
                "line": {"color": PALETTE[0]},
                "marker": {"symbol": SYMBOLS[0]},
            },
        ],
        polar={
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [0, 25, 50, 75, 100],
                **_radial_axis_between_spokes(len(rows)),
            },
            "angularaxis": {"tickfont": {"size": 11}},
        },
        legend={"orientation": "h", "y": -0.15},
        margin=RADAR_MARGIN,
        height=480,
    )


# Room around a radar for the wrapped dimension titles at its spokes' ends: at 18 characters a
# line, a title is about 130 px wide, and plotly draws it outside the polar area, never wraps
# or shrinks it, and clips whatever falls beyond the figure.
RADAR_MARGIN = {"l": 110, "r": 110, "t": 60, "b": 50}


def _radial_axis_between_spokes(spokes: int) -> dict[str, Any]:
    """The radial axis (its 0-100 numbers) half-way between the first two spokes, rather than
    on the first spoke, where the numbers ran into that spoke's title; small and grey."""
    return {
        "angle": 180 / spokes if spokes else 0,
        "tickangle": 0,
        "tickfont": {"size": 10, "color": "#444"},
    }


def department_dots(rows: Sequence[DimensionRow], departments: Sequence[str]) -> Figure:
    """Each department's score per dimension: the spread between them is the silo picture."""
    titles = [_wrapped(row.title, 24) for row in rows]
    scores = [_first_scores(row) for row in rows]
    return _figure(
        [
            {
                "type": "scatter",
                "x": [by_department.get(department) for by_department in scores],
                "y": titles,
                "mode": "markers",
                "name": _text(department),
                "marker": {
                    "size": 13,
                    "color": PALETTE[index % len(PALETTE)],
                    "symbol": SYMBOLS[index % len(SYMBOLS)],
                    "line": {"width": 1, "color": "#333"},
                },
            }
            for index, department in enumerate(departments)
        ],
        xaxis={"range": [-2, 102], "title": {"text": _text(_("Score (0–100)"))}},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.2},
        height=max(320, 48 * len(rows) + 120),
    )


def _first_scores(row: DimensionRow) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    for item in row.departments:
        scores.setdefault(item["department"], item["score"])
    return scores


# Five stages on a light-to-dark sequential scale (ColorBrewer YlGn), readable with colour-vision
# deficiencies because lightness carries the order; every shade keeps black text legible, and
# the stage number and score are written in each cell, so colour only repeats the text.
STAGE_COLOURS = ("#ffffcc", "#d9f0a3", "#addd8e", "#78c679", "#31a354")


def stage_heatmap(data: dict[str, Any]) -> Figure:
    """Cities × dimensions, coloured by stage, with score and stage written in every cell."""
    scale: list[list[float | str]] = []
    for index, colour in enumerate(STAGE_COLOURS):
        scale += [[index / 5, colour], [(index + 1) / 5, colour]]
    # Translated once, not per cell: a dashboard page has up to 50 cities × 8 dimensions.
    stage_label = _text(_("stage %(level)s"))
    text = [
        [
            "—" if score is None else f"{score:.0f}<br>{stage_label % {'level': stage}}"
            for score, stage in zip(score_row, stage_row, strict=True)
        ]
        for score_row, stage_row in zip(data["scores"], data["stages"], strict=True)
    ]
    return _figure(
        [
            {
                "type": "heatmap",
                "z": data["stages"],
                "x": [_wrapped(title, 14) for title in data["dimensions"]],
                "y": [_text(name) for name in data["cities"]],
                "text": text,
                "texttemplate": "%{text}",
                "zmin": 0.5,
                "zmax": 5.5,
                "colorscale": scale,
                "colorbar": {"title": {"text": _text(_("Stage"))}, "tickvals": [1, 2, 3, 4, 5]},
                "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            }
        ],
        height=max(300, 42 * len(data["cities"]) + 160),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"automargin": True, "tickangle": 0, "side": "top"},
    )


def stage_bars(data: dict[str, Any]) -> Figure:
    """The heatmap's numbers for narrow screens: per city a group of bars, one per dimension,
    each saying its stage."""
    stage_label = _text(_("stage %(level)s"))
    return grouped_bars(
        data["cities"],
        [
            (title, [scores[index] for scores in data["scores"]])
            for index, title in enumerate(data["dimensions"])
        ],
        text=[
            [
                "" if stages[index] is None else stage_label % {"level": stages[index]}
                for stages in data["stages"]
            ]
            for index in range(len(data["dimensions"]))
        ],
    )


def stage_distribution(labels: Sequence[str], counts: Sequence[int]) -> Figure:
    return _figure(
        [
            {
                "type": "bar",
                "x": [_text(label) for label in labels],
                "y": list(counts),
                "text": [str(count) for count in counts],
                "textposition": "outside",
                "marker": {
                    "color": list(STAGE_COLOURS[: len(labels)]),
                    "line": {"color": "#333", "width": 1},
                },
            }
        ],
        height=320,
        yaxis={"title": {"text": _text(_("Cities"))}, "rangemode": "tozero"},
    )


def radar_overlay(
    dimensions: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    medians: Sequence[float | None],
    median_name: str,
) -> Figure:
    """Several cities' dimension scores on one radar, with the cross-city median."""
    theta = _closed([_wrapped(title) for title in dimensions])
    traces: list[dict[str, Any]] = [
        {
            "type": "scatterpolar",
            "r": _closed(scores),
            "theta": theta,
            "name": _text(name),
            "line": {"color": PALETTE[index % len(PALETTE)]},
            "marker": {"symbol": SYMBOLS[index % len(SYMBOLS)]},
        }
        for index, (name, scores) in enumerate(series)
    ]
    traces.append(
        {
            "type": "scatterpolar",
            "r": _closed(medians),
            "theta": theta,
            "name": _text(median_name),
            "line": {"color": "#000000", "dash": "dash", "width": 3},
        }
    )
    return _figure(
        traces,
        polar={
            "radialaxis": {"range": [0, 100], **_radial_axis_between_spokes(len(dimensions))},
            "angularaxis": {"tickfont": {"size": 11}},
        },
        height=520,
        legend={"orientation": "h", "y": -0.15},
        margin=RADAR_MARGIN,
    )


def _score_bars_layout(height: int) -> dict[str, Any]:
    """The layout of horizontal bars of scores (0–100), first category on top, legend below."""
    return {
        "xaxis": {"range": [0, 100], "title": {"text": _text(_("Score (0–100)"))}},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "legend": {"orientation": "h", "y": -0.2},
        "margin": {"l": 10, "r": 20, "t": 20, "b": 60},
        "height": height,
    }


def change_bars(rows: Sequence[Any], previous: str, current: str) -> Figure:
    """A city's score per dimension in its previous round and now, as pairs of bars."""
    titles = [_wrapped(row.title, 24) for row in rows]
    return _figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": _wrapped(previous, LEGEND_CHARACTERS),
                "y": titles,
                "x": [row.before for row in rows],
                "marker": {"color": PALETTE[4]},
                "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": _wrapped(current, LEGEND_CHARACTERS),
                "y": titles,
                "x": [row.after for row in rows],
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
            },
        ],
        barmode="group",
        **_score_bars_layout(height=120 + 48 * len(rows)),
    )


def city_bars(
    dimension: str,
    series: Sequence[tuple[str, float | None]],
    median: float | None,
    median_name: str,
) -> Figure:
    """Each city's score in one dimension as a horizontal bar, and the median as a dashed
    line across them: a radar with one spoke would show nothing."""
    names = [_text(name) for name, _score in series]
    return _figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": _text(dimension),
                "y": names,
                "x": [score for _name, score in series],
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": _text(median_name),
                "x": [median, median] if median is not None else [],
                "y": [names[0], names[-1]] if names else [],
                "line": {"color": "#000000", "dash": "dash", "width": 3},
            },
        ],
        **_score_bars_layout(height=160 + 32 * len(series)),
    )


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    medians: Sequence[float | None] | None = None,
    text: Sequence[Sequence[str]] | None = None,
    median_name: str = "",
) -> Figure:
    """Horizontal bars for narrow screens, where a radar or heatmap has no room: one group of
    bars per category (a dimension, or a city), one bar per series, and the median of all
    cities as a black tick where it may be shown."""
    titles = [_wrapped(category, 22) for category in categories]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _wrapped(name, LEGEND_CHARACTERS),
            "y": titles,
            "x": list(scores),
            "marker": {
                "color": PALETTE[index % len(PALETTE)],
                "line": {"color": "#333", "width": 1},
            },
            "hovertemplate": "%{y}: %{x:.1f}<extra>" + _text(name) + "</extra>",
            **({"text": list(text[index]), "textposition": "auto"} if text else {}),
        }
        for index, (name, scores) in enumerate(series)
    ]
    if medians is not None and any(median is not None for median in medians):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _text(median_name or _("Median of all cities")),
                "y": titles,
                "x": list(medians),
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": "#000000",
                    "line": {"width": 3},
                },
                "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
            }
        )
    rows_per_category = max(len(series), 1)
    return _figure(
        traces,
        barmode="group",
        xaxis={"range": [0, 100], "title": {"text": _text(_("Score (0–100)"))}},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        margin={"l": 10, "r": 16, "t": 16, "b": 60},
        height=140 + len(categories) * (16 * rows_per_category + 28),
    )
