"""plotly figure builders for results and dashboards (JSON for the page's plotly.js)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from scoring.results import DimensionRow

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Marker symbols and
# text labels carry the same meaning, so colour is never the only cue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon")
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}


def _layout(**extra: object) -> dict[str, object]:
    return {
        "font": FONT,
        "margin": {"l": 40, "r": 40, "t": 40, "b": 40},
        "paper_bgcolor": "white",
        **extra,
    }


def _wrapped(title: str, width: int = 18) -> str:
    # plotly does not wrap axis labels; long dimension titles would run off the chart.
    return "<br>".join(textwrap.wrap(title, width)) or title


def radar(rows: Sequence[DimensionRow], city_name: str) -> dict[str, Any]:
    """The city's dimension scores against the cross-city median."""
    titles = [_wrapped(row.title) for row in rows]
    closed = [*titles, titles[0]] if titles else titles
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[row.cross_city_median for row in rows]
            + ([rows[0].cross_city_median] if rows else []),
            theta=closed,
            name="Median of all cities",
            line={"color": PALETTE[1], "dash": "dash"},
            marker={"symbol": SYMBOLS[1]},
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[row.score for row in rows] + ([rows[0].score] if rows else []),
            theta=closed,
            name=city_name,
            fill="toself",
            line={"color": PALETTE[0]},
            marker={"symbol": SYMBOLS[0]},
        )
    )
    fig.update_layout(
        **_layout(
            polar={
                "radialaxis": {"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]},
                "angularaxis": {"tickfont": {"size": 11}},
            },
            legend={"orientation": "h", "y": -0.15},
            margin={"l": 70, "r": 70, "t": 50, "b": 40},
            height=480,
        )
    )
    return json.loads(fig.to_json())


def department_dots(rows: Sequence[DimensionRow], departments: Sequence[str]) -> dict[str, Any]:
    """Each department's score per dimension: the spread between them is the silo picture."""
    fig = go.Figure()
    titles = [row.title for row in rows]
    for index, department in enumerate(departments):
        scores = []
        for row in rows:
            match = next((d for d in row.departments if d["department"] == department), None)
            scores.append(match["score"] if match else None)
        fig.add_trace(
            go.Scatter(
                x=scores,
                y=titles,
                mode="markers",
                name=department,
                marker={
                    "size": 13,
                    "color": PALETTE[index % len(PALETTE)],
                    "symbol": SYMBOLS[index % len(SYMBOLS)],
                    "line": {"width": 1, "color": "#333"},
                },
            )
        )
    fig.update_layout(
        **_layout(
            xaxis={"range": [-2, 102], "title": {"text": "Score (0–100)"}},
            yaxis={"autorange": "reversed", "automargin": True},
            legend={"orientation": "h", "y": -0.2},
            height=max(320, 48 * len(rows) + 120),
        )
    )
    return json.loads(fig.to_json())


# Five stages on a light-to-dark sequential scale (ColorBrewer YlGn), readable with colour-vision
# deficiencies because lightness carries the order; every shade keeps black text legible, and
# the stage number and score are written in each cell, so colour only repeats the text.
STAGE_COLOURS = ("#ffffcc", "#d9f0a3", "#addd8e", "#78c679", "#31a354")


def stage_heatmap(data: dict[str, Any]) -> dict[str, Any]:
    """Cities × dimensions, coloured by stage, with score and stage written in every cell."""
    scale = []
    for index, colour in enumerate(STAGE_COLOURS):
        scale += [[index / 5, colour], [(index + 1) / 5, colour]]
    text = [
        [
            "—" if score is None else f"{score:.0f}<br>stage {stage}"
            for score, stage in zip(score_row, stage_row, strict=True)
        ]
        for score_row, stage_row in zip(data["scores"], data["stages"], strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=data["stages"],
            x=data["dimensions"],
            y=data["cities"],
            text=text,
            texttemplate="%{text}",
            zmin=0.5,
            zmax=5.5,
            colorscale=scale,
            colorbar={"title": {"text": "Stage"}, "tickvals": [1, 2, 3, 4, 5]},
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        **_layout(
            height=max(300, 42 * len(data["cities"]) + 160),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"automargin": True, "tickangle": -30},
        )
    )
    return json.loads(fig.to_json())


def stage_distribution(labels: Sequence[str], counts: Sequence[int]) -> dict[str, Any]:
    fig = go.Figure(
        go.Bar(
            x=list(labels),
            y=list(counts),
            text=list(counts),
            textposition="outside",
            marker={
                "color": list(STAGE_COLOURS[: len(labels)]),
                "line": {"color": "#333", "width": 1},
            },
        )
    )
    fig.update_layout(
        **_layout(height=320, yaxis={"title": {"text": "Cities"}, "rangemode": "tozero"})
    )
    return json.loads(fig.to_json())


def radar_overlay(
    dimensions: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    medians: Sequence[float | None],
) -> dict[str, Any]:
    """Several cities' dimension scores on one radar, with the cross-city median."""
    labels = [_wrapped(title) for title in dimensions]
    closed = [*labels, labels[0]] if labels else []
    fig = go.Figure()
    for index, (name, scores) in enumerate(series):
        fig.add_trace(
            go.Scatterpolar(
                r=[*scores, scores[0]] if scores else [],
                theta=closed,
                name=name,
                line={"color": PALETTE[index % len(PALETTE)]},
                marker={"symbol": SYMBOLS[index % len(SYMBOLS)]},
            )
        )
    fig.add_trace(
        go.Scatterpolar(
            r=[*medians, medians[0]] if medians else [],
            theta=closed,
            name="Median of all cities",
            line={"color": "#000000", "dash": "dash", "width": 3},
        )
    )
    fig.update_layout(
        **_layout(
            polar={"radialaxis": {"range": [0, 100]}},
            height=520,
            legend={"orientation": "h", "y": -0.15},
        )
    )
    return json.loads(fig.to_json())
