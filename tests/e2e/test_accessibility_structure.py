"""What axe cannot judge: grouped choices, the error summary, the progress bar and the charts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys.structure import bank_for
from tests.e2e.demo_pages import (
    FACILITATOR,
    NOT_STARTED,
    PAGE_STATES,
    ROUND_2,
    SUBMITTED,
    demo_round,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Radio buttons and checkboxes whose innermost fieldset is not their own group, or whose group
# has no legend ("name: what is wrong"), and how many groups there are.
CHOICE_GROUPS = """() => {
  const problems = [];
  const groups = new Set();
  for (const input of document.querySelectorAll("input[type=radio], input[type=checkbox]")) {
    const fieldset = input.closest("fieldset");
    const legend = fieldset && fieldset.querySelector(":scope > legend");
    groups.add(input.name);
    if (!fieldset) { problems.push(input.name + ": not in a fieldset"); continue; }
    const names = new Set(Array.from(fieldset.querySelectorAll("input")).map((i) => i.name));
    if (names.size !== 1) { problems.push(input.name + ": its fieldset holds other fields"); }
    if (!legend || !legend.textContent.trim()) { problems.push(input.name + ": no legend"); }
  }
  return {problems: [...new Set(problems)], groups: groups.size};
}"""

# A chart's figure: its name, its description and the table its aria-details points to.
CHARTS = """() => Array.from(document.querySelectorAll(".plotly-chart")).map((chart) => {
  const figure = chart.closest("figure");
  const text = (ids) => (ids || "").split(" ").map((id) => document.getElementById(id))
      .map((el) => (el ? el.textContent.trim() : "")).join(" ");
  const table = figure && document.getElementById(figure.getAttribute("aria-details") || "");
  return {
    chart: chart.dataset.figure,
    drawn: chart.querySelector("svg.main-svg") !== null,
    name: figure ? text(figure.getAttribute("aria-labelledby")) : "",
    description: figure ? text(figure.getAttribute("aria-describedby")) : "",
    table: table && table.tagName === "TABLE" ? table.id : null,
    caption: table && table.caption ? table.caption.textContent.trim() : "",
    rows: table ? table.tBodies[0].rows.length : 0,
  };
})"""


def test_every_choice_group_is_a_fieldset_with_a_legend(demo_page, record_check):
    round_ = demo_round(ROUND_2)
    officer, facilitator = demo_page(NOT_STARTED), demo_page(FACILITATOR)
    pages = {
        f"section--{s.dimension.code}": (officer, f"sections/{s.dimension.code}/")
        for s in bank_for(round_.questionnaire).sections
    }
    pages["dashboard--city-choices"] = (facilitator, "dashboard/")
    problems, groups = {}, {}
    for name, (page, path) in pages.items():
        page.goto(f"/rounds/{round_.pk}/{path}")
        found = page.evaluate(CHOICE_GROUPS)
        groups[name] = found["groups"]
        if found["problems"]:
            problems[name] = found["problems"]
    for name, count in groups.items():
        record_check(name, "choice groups", f"{count} in fieldsets")

    assert problems == {}
    assert all(groups.values()), groups


def test_failed_save_focuses_a_summary_that_names_and_links_to_each_field(demo_page):
    page = demo_page(NOT_STARTED)
    next(s for s in PAGE_STATES if s.id == "section--with-errors").reach(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("Some answers need your attention")
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)
    texts = links.all_inner_texts()
    place = r"Question \d+[a-z]?"
    expected = [
        rf"{place} — evidence link: enter a full web address, like https://www\.example\.org/\S+",
        rf"{place}: enter a number of [\d.]+ or less",
        rf"{place} — comment: use at most 5000 characters: this has 5100\. .+",
    ]
    assert all(any(re.fullmatch(p, t) for t in texts) for p in expected), texts

    for index in range(links.count()):
        link = links.nth(index)
        target = page.locator(link.get_attribute("href"))
        field = target.locator("input, textarea").first
        # The field says it is wrong, and its description is the message the summary shows.
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = field.get_attribute("aria-describedby") or ""
        messages = [page.locator(f"#{i}").inner_text().strip() for i in described_by.split()]
        assert link.inner_text() in messages
        # Following the link with the keyboard leads straight on to the field.
        link.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(field).to_be_focused()


def test_progress_bar_has_an_accessible_name_and_value(demo_page):
    page = demo_page(NOT_STARTED)
    next(s for s in PAGE_STATES if s.id == "section--empty").reach(page)

    bar = page.get_by_role("progressbar")
    expect(bar).to_have_accessible_name(
        re.compile(r"^Overall progress: 0 of \d+ required answers$")
    )
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(bar).to_have_attribute("aria-valuemin", "0")
    expect(bar).to_have_attribute("aria-valuemax", "100")
    expect(bar).to_have_attribute("aria-valuetext", "0%")


@pytest.mark.parametrize(
    ("state_id", "user", "expected_charts"),
    [
        ("results--city", SUBMITTED, ["radar-figure", "departments-figure", "network-figure"]),
        (
            "dashboard--with-change",
            FACILITATOR,
            ["heatmap-figure", "distribution-figure", "overlay-figure"],
        ),
    ],
)
def test_every_chart_has_a_text_alternative_and_a_data_table(
    demo_page, record_check, state_id, user, expected_charts
):
    page = demo_page(user)
    next(s for s in PAGE_STATES if s.id == state_id).reach(page)

    charts = page.evaluate(CHARTS)
    record_check(state_id, "charts: text + table", f"{len(charts)} charts, ok")

    assert [chart["chart"] for chart in charts] == expected_charts
    for chart in charts:
        assert chart["drawn"], chart
        assert chart["name"], chart
        assert "table" in chart["description"], chart
        assert chart["table"], chart
        assert chart["caption"], chart
        assert chart["rows"] > 0, chart
