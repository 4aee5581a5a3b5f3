"""The printable per-city report: its vector bar charts and the PDF rendering."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string

from scoring.exchanges import city_network
from scoring.network import Network
from scoring.network_chart import node_positions
from scoring.results import CityReport
from surveys.models import Round

if TYPE_CHECKING:
    from weasyprint.document import Document

BAR_HEIGHT = 22
GAP = 14
LABEL_WIDTH = 260
# A label line holds this many characters at the labels' 12-unit font (about 6.6 units a
# character, the widest of the three languages' titles): longer titles wrap rather than run
# past the chart's left edge. Three lines fit a bar and its gap.
LABEL_CHARACTERS = 36
LABEL_LINE_HEIGHT = 12
CHART_WIDTH = 640
PLOT_WIDTH = CHART_WIDTH - LABEL_WIDTH - 60
# The network picture: a square for the circle of parties, and room either side for labels.
NETWORK_SIZE = 360
NETWORK_MARGIN = 150


@dataclass(frozen=True)
class Bar:
    label: str
    label_lines: tuple[str, ...]
    score: float | None
    stage: int | None
    y: float
    width: float
    median_x: float | None

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 6

    @property
    def label_y(self) -> float:
        """The first label line's baseline: the lines are centred on the bar."""
        return self.y + 15 - (len(self.label_lines) - 1) * LABEL_LINE_HEIGHT / 2


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    width: int = CHART_WIDTH
    ticks: tuple[tuple[int, float], ...] = ()


def score_bars(report: CityReport) -> BarChart:
    """Horizontal bars of the city's dimension scores, with the cross-city median as a tick."""
    bars = [
        Bar(
            label=row.title,
            label_lines=tuple(textwrap.wrap(row.title, LABEL_CHARACTERS)) or (row.title,),
            score=row.score,
            stage=row.stage.level if row.stage else None,
            y=index * (BAR_HEIGHT + GAP) + 10,
            width=(row.score or 0) / 100 * PLOT_WIDTH,
            median_x=None
            if row.cross_city_median is None
            else LABEL_WIDTH + row.cross_city_median / 100 * PLOT_WIDTH,
        )
        for index, row in enumerate(report.dimensions)
    ]
    height = len(bars) * (BAR_HEIGHT + GAP) + 40
    ticks = tuple((value, LABEL_WIDTH + value / 100 * PLOT_WIDTH) for value in (0, 25, 50, 75, 100))
    return BarChart(bars=bars, height=height, ticks=ticks)


@dataclass(frozen=True)
class PictureNode:
    label: str
    x: float
    y: float
    is_department: bool

    @property
    def anchor(self) -> str:
        """Labels sit outside the circle: left of the nodes on its left half."""
        return "end" if self.x < NETWORK_SIZE / 2 else "start"

    @property
    def label_x(self) -> float:
        return self.x - 12 if self.x < NETWORK_SIZE / 2 else self.x + 12


@dataclass(frozen=True)
class PictureLine:
    x1: float
    y1: float
    x2: float
    y2: float
    automated: bool
    width: int


@dataclass(frozen=True)
class NetworkPicture:
    """The network as the report's vector picture (templates/scoring/includes/network.svg):
    the same layout as the results page's plotly picture."""

    nodes: list[PictureNode]
    lines: list[PictureLine]
    size: int = NETWORK_SIZE
    margin: int = NETWORK_MARGIN

    @property
    def width(self) -> int:
        return self.size + 2 * self.margin


def network_picture(network: Network) -> NetworkPicture:
    placed = node_positions(network.nodes)
    radius = NETWORK_SIZE / 2 - 20

    def point(x: float, y: float) -> tuple[float, float]:
        return (round(NETWORK_SIZE / 2 + x * radius, 1), round(NETWORK_SIZE / 2 - y * radius, 1))

    nodes = [
        PictureNode(node.name, *point(*placed[node]), is_department=node.is_department)
        for node in network.nodes
    ]
    lines = []
    for edge in network.edges:
        (x1, y1), (x2, y2) = point(*placed[edge.source]), point(*placed[edge.target])
        # End the line at the receiver's edge, so that its arrow head stays visible.
        length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1.0)
        shorten = min(12 / length, 0.5)
        lines.append(
            PictureLine(
                x1=x1,
                y1=y1,
                x2=round(x2 - (x2 - x1) * shorten, 1),
                y2=round(y2 - (y2 - y1) * shorten, 1),
                automated=edge.automated,
                width=edge.weight,
            )
        )
    return NetworkPicture(nodes=nodes, lines=lines)


def network_report_context(round_: Round, city_id: int) -> dict[str, object]:
    """What templates/scoring/includes/network_report.html needs; nothing where the round's bank
    asks no data exchanges."""
    network = city_network(round_, city_id)
    if network is None:
        return {}
    return {"network": network, "network_picture": network_picture(network)}


def report_document(request: HttpRequest, context: dict[str, object]) -> Document:
    """The report page laid out in pages; static files are read from disk, never the network."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string("scoring/report.html", {**context, "for_pdf": True}, request=request)
    return HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_local_only
    ).render()


def report_pdf(request: HttpRequest, context: dict[str, object]) -> bytes:
    """The report page rendered to PDF."""
    pdf: bytes = report_document(request, context).write_pdf()
    return pdf


def _local_only(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    # The report embeds its CSS inline and its charts as SVG; nothing may be fetched.
    raise ValueError(f"external resource refused: {url[:80]}")
