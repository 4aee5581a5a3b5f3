"""axe-core (the npm package in node_modules) run inside a page, and its findings made readable."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from weakref import WeakSet

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe files 2.2's A criteria under wcag21a and wcag22aa).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's "best practice" rules about page structure, which the WCAG tags leave out but screen
# reader users navigate by: one main landmark, all content in landmarks, headings in order.
STRUCTURE_RULES = [
    "heading-order",
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "page-has-heading-one",
    "region",
]


@cache
def axe_source() -> str:
    path = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        reason = f"{path} not found: run `make install` (npm devDependencies)"
        if os.environ.get("CI"):
            pytest.fail(f"accessibility tests must run on CI, but {reason}", pytrace=False)
        pytest.skip(reason)
    return path.read_text(encoding="utf-8")


_CONTEXTS_WITH_AXE: WeakSet[BrowserContext] = WeakSet()


def axe_violations(page: Page, *, structure: bool = True) -> list[dict]:
    """axe's WCAG A/AA (and, with ``structure``, page-structure) violations on the page as it is
    now. The context needs ``bypass_csp``: the app's Content-Security-Policy forbids the inline
    script axe comes in."""
    if page.context not in _CONTEXTS_WITH_AXE:
        # Later pages of this context get axe before their own scripts, without a round trip.
        page.context.add_init_script(script=axe_source())
        _CONTEXTS_WITH_AXE.add(page.context)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async ([tags, rules]) => {
            const run = (runOnly) => window.axe.run(document, {runOnly, resultTypes: ["violations"]});
            const wcag = await run({type: "tag", values: tags});
            const structure = rules.length ? (await run({type: "rule", values: rules})).violations : [];
            return [...wcag.violations, ...structure].map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary}))
            }));
        }""",
        [WCAG_TAGS, STRUCTURE_RULES if structure else []],
    )


def describe(violations: list[dict]) -> str:
    """One paragraph per rule broken, naming every element that breaks it."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}\n        {summary}")
    return "\n".join(lines)
