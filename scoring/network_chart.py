"""The plotly picture of a city's data-sharing network: parties on a circle, flows as lines
(solid when automated, dashed when manual, thicker the more often), with hover texts."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from scoring.charts import PALETTE, Figure, _figure, _text, _wrapped
from scoring.network import Network, Party


def node_positions(nodes: tuple[Party, ...]) -> dict[Party, tuple[float, float]]:
    """The city's departments on the left half of a circle, external partners on the right, so
    that flows across the city's boundary cross the middle."""
    departments = [node for node in nodes if node.is_department]
    partners = [node for node in nodes if not node.is_department]
    placed: dict[Party, tuple[float, float]] = {}
    for group, start in ((departments, 0.5), (partners, -0.5)):
        for index, node in enumerate(group):
            angle = math.pi * (start + (index + 1) / (len(group) + 1))
            placed[node] = (round(math.cos(angle), 4), round(math.sin(angle), 4))
    return placed


def network_figure(network: Network) -> Figure:
    """Nodes and flows of ``network``; the flows' arrows point from the giver to the receiver."""
    placed = node_positions(network.nodes)
    flows: list[dict[str, Any]] = []
    arrows: list[dict[str, Any]] = []
    legend_shown: set[bool] = set()
    for edge in network.edges:
        (x0, y0), (x1, y1) = placed[edge.source], placed[edge.target]
        name = _("Automated") if edge.automated else _("Manual")
        colour = PALETTE[2] if edge.automated else PALETTE[5]
        flows.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [x0, x1],
                "y": [y0, y1],
                "line": {
                    "width": 1 + edge.weight,
                    "color": colour,
                    "dash": "solid" if edge.automated else "dash",
                },
                "name": name,
                "legendgroup": name,
                "showlegend": edge.automated not in legend_shown,
                "hoverinfo": "text",
                "text": _text(
                    _("%(source)s gives to %(target)s")
                    % {"source": edge.source.name, "target": edge.target.name}
                ),
            }
        )
        legend_shown.add(edge.automated)
        arrows.append(
            {
                "x": x1 * 0.9 + x0 * 0.1,
                "y": y1 * 0.9 + y0 * 0.1,
                "ax": x1 * 0.6 + x0 * 0.4,
                "ay": y1 * 0.6 + y0 * 0.4,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowcolor": colour,
                "text": "",
            }
        )
    nodes = list(placed)
    node_trace = {
        "type": "scatter",
        "mode": "markers+text",
        "x": [placed[node][0] for node in nodes],
        "y": [placed[node][1] for node in nodes],
        # Wrapped: a partner's name ("Shared-mobility operators") on one line would run past
        # the picture's edge on a phone.
        "text": [_wrapped(node.name, 14) for node in nodes],
        "textposition": "top center",
        "marker": {
            "size": 16,
            "color": [PALETTE[0] if node.is_department else PALETTE[1] for node in nodes],
            "symbol": ["circle" if node.is_department else "square" for node in nodes],
            "line": {"width": 1, "color": "#000000"},
        },
        "hoverinfo": "text",
        "name": _("Departments (circles) and partners (squares)"),
        "showlegend": True,
    }
    axis = {"visible": False, "range": [-1.5, 1.5]}
    return _figure(
        [*flows, node_trace],
        xaxis=axis,
        yaxis={**axis, "scaleanchor": "x"},
        annotations=arrows,
        height=460,
        legend={"orientation": "h", "y": -0.05},
        hovermode="closest",
    )
