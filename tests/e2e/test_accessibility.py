"""axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on any page, in any state we catalogue.

Besides the WCAG rules, axe's page-structure rules run on our own pages (landmarks, one h1,
heading order); Django's admin log-in page is held to WCAG only (it has no h1 of its own).
Plotly's charts are not excluded: their SVG passes, and the charts' containers carry no role, so
plotly's own modebar buttons are not nested in an image. Each chart is also a figure with a
caption, a text description and a data table (test_accessibility_structure.py checks that).
"""

from __future__ import annotations

import pytest

from tests.e2e.axe import axe_violations, describe
from tests.e2e.demo_pages import PAGE_STATES, TRANSLATED_STATES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


# Every state in English; each of our pages in Dutch and French too.
VISITS = [pytest.param(state, "en", id=f"{state.id}-en") for state in PAGE_STATES] + [
    pytest.param(state, language, id=f"{state.id}-{language}")
    for language in ("nl", "fr")
    for state in TRANSLATED_STATES
]


@pytest.mark.parametrize(("state", "language"), VISITS)
def test_page_has_no_wcag_a_or_aa_violations(demo_page, record_check, state, language):
    page = demo_page(state.user, language, bypass_csp=True)
    state.reach(page)
    assert page.locator("html").get_attribute("lang") == language

    violations = axe_violations(page, structure=state.ours)
    record_check(f"{state.id} ({language})", "axe (WCAG A/AA)", f"{len(violations)} violations")

    assert violations == [], describe(violations)


def test_the_dutch_and_french_walk_covers_each_of_our_pages():
    assert {state.page for state in TRANSLATED_STATES} == {
        state.page for state in PAGE_STATES if state.ours
    }
    assert len(TRANSLATED_STATES) == 26
