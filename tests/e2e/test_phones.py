"""On a phone (375 CSS pixels wide) every page a user reads fits the screen: nothing scrolls
sideways, no element (a table's last column, a chart's label) lies beyond the screen's edges,
tables read as one card per row, charts draw bars in place of radars and heatmaps, and the
section list comes after the questions. Each state's first screen is saved as a screenshot in
var/screenshots/375/ to look at (the checks read the whole page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.demo_pages import PAGE_STATES, wait_for_charts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "375"

PHONE_STATES = [
    state
    for state in PAGE_STATES
    if state.id
    in {
        "my-assessments--officer",
        "my-assessments--facilitator",
        "section--empty",
        "all-questions--halfway",
        "review--missing-answers",
        "review--submitted",
        "results--city",
        "results--agreed",
        "results--change",
        "report--printable",
        "report--agreed",
        "dashboard--with-change",
        "dashboard--filtered",
        "tracker--open-round",
        "round-change--every-city",
        "consensus--draft",
    }
]

# Every element the reader could see whose box reaches past the screen's left or right edge,
# also when it is cut off inside a box that scrolls or clips (a column of a table that scrolls
# sideways is off-screen all the same). Elements with no size or hidden are not seen.
BEYOND_SCREEN = r"""() => {
  const width = window.innerWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".") : "")
    + " “" + (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40) + "”";
  const hidden = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") { return true; }
      // Visually hidden text (for screen readers) is clipped to one pixel on purpose.
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") { return true; }
    }
    return false;
  };
  const out = [];
  // plotly measures text in an empty SVG of its own, placed far off-screen on purpose.
  const tester = document.getElementById("js-plotly-tester");
  for (const el of document.body.querySelectorAll("*")) {
    if (tester && tester.contains(el)) { continue; }
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) { continue; }
    if (r.left < -0.5 || r.right > width + 0.5) {
      if (hidden(el)) { continue; }
      out.push(name(el) + " " + Math.round(r.left) + "…" + Math.round(r.right) + " px");
    }
  }
  return out.slice(0, 12);
}"""

# A chart's text (axis labels, legend, values) cut off by the edge of the chart's own box.
CLIPPED_CHART_TEXT = r"""() => {
  const out = [];
  for (const chart of document.querySelectorAll(".plotly-chart")) {
    const box = chart.getBoundingClientRect();
    for (const label of chart.querySelectorAll("svg text")) {
      const r = label.getBoundingClientRect();
      if (r.width < 1 || !label.textContent.trim()) { continue; }
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        out.push(chart.dataset.drawn + ": “" + label.textContent.trim().slice(0, 40) + "” "
          + Math.round(r.left - box.left) + "…" + Math.round(r.right - box.left) + " of " + Math.round(box.width) + " px");
      }
    }
  }
  return out;
}"""

# The radar's axis numbers (0-100) and the dimension titles at its spokes' ends, as boxes; any
# pair that overlaps.
RADAR_OVERLAPS = r"""() => {
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const texts = [...document.querySelectorAll(".plotly-chart .polarlayer text")].filter((t) => t.textContent.trim());
  const isNumber = (t) => /^\d+$/.test(t.textContent.trim());
  const numbers = texts.filter(isNumber);
  const titles = texts.filter((t) => !isNumber(t));
  const out = [];
  for (const n of numbers) {
    for (const t of titles) {
      if (overlap(n.getBoundingClientRect(), t.getBoundingClientRect())) {
        out.push(n.textContent + " over " + t.textContent.slice(0, 30));
      }
    }
  }
  return {numbers: numbers.length, titles: titles.length, out: out};
}"""


def _visit(demo_page, state, language, viewport):
    page = demo_page(state.user, language, viewport=viewport)
    state.reach(page)
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("state", PHONE_STATES, ids=[s.id for s in PHONE_STATES])
def test_at_375_px_nothing_lies_beyond_the_screen(demo_page, record_check, state, language):
    page = _visit(demo_page, state, language, PHONE)
    wait_for_charts(page)

    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    beyond = page.evaluate(BEYOND_SCREEN)
    clipped = page.evaluate(CLIPPED_CHART_TEXT)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{state.id}-{language}.png", full_page=False)
    record_check(f"{state.id} ({language})", "375 px: scroll width", f"{scroll_width} px")
    record_check(f"{state.id} ({language})", "375 px: beyond screen", str(len(beyond)))

    assert scroll_width <= page.evaluate("window.innerWidth")
    assert beyond == []
    assert clipped == []


def test_on_a_phone_table_rows_are_cards_with_each_cell_labelled_by_its_column(demo_page):
    state = next(s for s in PHONE_STATES if s.id == "tracker--open-round")
    page = _visit(demo_page, state, "en", PHONE)

    table = page.locator("#tracker-table")
    first_row = table.locator("tbody tr").first
    header = table.locator("thead")
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"
    assert header.bounding_box()["height"] <= 1  # read by screen readers, not shown
    labels = first_row.locator("td").evaluate_all("cells => cells.map(c => c.dataset.label)")
    assert labels[:3] == ["City", "Department", "Officer"]
    assert (
        first_row.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content")
        == '"City: "'
    )
    assert table.get_attribute("role") == "table"
    assert first_row.get_attribute("role") == "row"

    wide = _visit(demo_page, state, "en", WIDE)
    assert (
        wide.locator("#tracker-table tbody tr").first.evaluate(
            "row => getComputedStyle(row).display"
        )
        == "table-row"
    )


@pytest.mark.parametrize(
    ("state_id", "chart"),
    [
        ("results--city", "radar-figure"),
        ("dashboard--with-change", "heatmap-figure"),
        ("dashboard--with-change", "overlay-figure"),
    ],
)
def test_below_576_px_bars_replace_the_radar_and_the_heatmap(demo_page, state_id, chart):
    state = next(s for s in PHONE_STATES if s.id == state_id)
    selector = f'.plotly-chart[data-figure="{chart}"]'

    phone = _visit(demo_page, state, "en", PHONE)
    wait_for_charts(phone)
    narrow = phone.locator(selector)
    expect(narrow.locator("g.barlayer .point").first).to_be_attached()
    assert narrow.locator(".polarlayer path, g.hm").count() == 0
    bars = narrow.locator("g.barlayer .point").count()
    table = phone.locator("#dimension-table, #dashboard-table").first
    expect(table).to_be_visible()  # the table stays beside the chart

    wide = _visit(demo_page, state, "en", WIDE)
    wait_for_charts(wide)
    assert wide.locator(selector).locator("g.barlayer .point").count() == 0
    assert wide.locator(selector).locator("g.polar, g.hm").count() >= 1
    assert bars > 0


@pytest.mark.parametrize("width", [375, 700, 1280])
@pytest.mark.parametrize(
    "state_id", ["results--city", "dashboard--with-change", "dashboard--filtered"]
)
def test_no_chart_label_is_clipped_and_radar_numbers_stay_clear_of_titles(
    demo_page, state_id, width
):
    state = next(s for s in PHONE_STATES if s.id == state_id)
    page = _visit(demo_page, state, "fr", {"width": width, "height": 900})
    wait_for_charts(page)

    assert page.evaluate(CLIPPED_CHART_TEXT) == []
    overlaps = page.evaluate(RADAR_OVERLAPS)
    assert overlaps["out"] == []
    if width >= 576:  # the radar is drawn, with its numbers and titles
        assert overlaps["numbers"] >= 5
        assert overlaps["titles"] >= 7


def test_on_a_phone_the_section_list_comes_after_the_questions(demo_page):
    state = next(s for s in PHONE_STATES if s.id == "section--empty")
    page = _visit(demo_page, state, "en", PHONE)
    questions = page.locator("main .col-lg-9").bounding_box()
    section_list = page.locator(".list-group").first.bounding_box()
    assert section_list["y"] >= questions["y"] + questions["height"]

    wide = _visit(demo_page, state, "en", WIDE)
    questions = wide.locator("main .col-lg-9").bounding_box()
    section_list = wide.locator(".list-group").first.bounding_box()
    assert section_list["x"] > questions["x"] + questions["width"] - 1  # beside, on the right
