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
from tests.e2e.demo_pages import PAGE_STATES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.mark.parametrize("state", PAGE_STATES, ids=lambda state: state.id)
def test_page_has_no_wcag_a_or_aa_violations(demo_page, record_check, state):
    page = demo_page(state.user, bypass_csp=True)
    state.reach(page)

    violations = axe_violations(page, structure=state.ours)
    record_check(state.id, "axe (WCAG A/AA)", f"{len(violations)} violations")

    assert violations == [], describe(violations)
