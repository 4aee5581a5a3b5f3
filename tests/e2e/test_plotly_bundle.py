"""The pages' plotly.js bundle (scripts/plotly-bundle.js: plotly's core and the trace types our
charts use) draws every figure of scoring/charts.py exactly as the full plotly.min.js does."""

from __future__ import annotations

from pathlib import Path

import plotly
import pytest
from django.contrib.staticfiles import finders

from scoring.network import GIVES, RECEIVES, Party, Report, network_for
from scoring.network_chart import network_figure
from tests.scoring.test_charts import FIGURES as CHART_FIGURES

pytestmark = [pytest.mark.browser]

FULL = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
FIGURE_SIZE = {"width": 900, "height": 760}


def _network() -> dict:
    """A network with a department partner, an external one, automated and manual means."""
    operators = Party(is_department=False, key="operators", label="Shared-mobility operators")
    it = Party(is_department=True, key="IT and data", label="IT and data")
    reports = [
        Report(
            "Mobility",
            GIVES,
            it,
            "Shared drive",
            automated=False,
            frequency=2,
            frequency_name="monthly",
        ),
        Report(
            "Mobility",
            RECEIVES,
            operators,
            "API",
            automated=True,
            frequency=4,
            frequency_name="real time",
        ),
    ]
    return network_figure(network_for(reports, participants={"Mobility", "IT and data"}))


FIGURES = {**CHART_FIGURES, "network": _network}


def _bundle() -> Path:
    found = finders.find("vendor/plotly/plotly.min.js")
    assert found, "build/plotly/plotly.min.js is missing: run make install"
    return Path(found)


def _draw_all(browser, script: Path) -> tuple[dict[str, bytes], list[str]]:
    """A screenshot of each figure drawn with ``script``, and the trace types it knows."""
    page = browser.new_page(viewport=FIGURE_SIZE)
    try:
        page.set_content('<html><body style="margin:0"><div id="chart"></div></body></html>')
        page.add_script_tag(path=str(script))
        shots = {}
        for name, build in FIGURES.items():
            page.evaluate(
                """async (figure) => {
                    const chart = document.getElementById("chart");
                    Plotly.purge(chart);
                    await Plotly.newPlot(chart, figure.data, figure.layout);
                }""",
                build(),
            )
            shots[name] = page.locator("#chart").screenshot(animations="disabled")
        return shots, page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    finally:
        page.close()


def test_the_bundle_draws_every_figure_as_the_full_plotly_does(browser):
    full, _ = _draw_all(browser, FULL)
    ours, known = _draw_all(browser, _bundle())

    used = {trace["type"] for build in FIGURES.values() for trace in build()["data"]}
    assert used - set(known) == set(), "register these trace types in scripts/plotly-bundle.js"
    assert [name for name in FIGURES if ours[name] != full[name]] == []
