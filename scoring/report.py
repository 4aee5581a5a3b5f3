"""The printable per-city report: its vector bar charts and the PDF rendering."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string

from scoring.results import CityReport

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
