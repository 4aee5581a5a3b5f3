"""At 320 CSS pixels wide no page scrolls sideways (WCAG 1.4.10), and every target a pointer can
hit is 24 by 24 pixels or has room around it (WCAG 2.5.8), on every page in every state."""

from __future__ import annotations

import pytest

from tests.e2e.demo_pages import PAGE_STATES, TRANSLATED_STATES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

NARROW = {"width": 320, "height": 640}

# WCAG 2.5.8 Target Size (Minimum): a target is at least 24 by 24 CSS pixels, or a 24 px circle
# centred on it meets no other target nor another small target's circle. A link inside a
# sentence (its block has words outside links) is exempt, and so are hidden and disabled controls. A radio button or checkbox
# counts together with its label, which takes the click too.
SMALL_TARGETS = r"""() => {
  const MIN = 24;
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const union = (a, b) => ({left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
                            right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom)});
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") { return false; }
    let block = el.parentElement;
    while (getComputedStyle(block).display === "inline") { block = block.parentElement; }
    const words = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let text = words.nextNode(); text; text = words.nextNode()) {
      if (!text.parentElement.closest("a, button") && /[\p{L}\p{N}]/u.test(text.textContent)) { return true; }
    }
    return false;
  };
  const targets = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    let r = box(el.getBoundingClientRect());
    if (r.right - r.left <= 1 || r.bottom - r.top <= 1 || style.visibility === "hidden" || el.disabled) { continue; }
    if (el.closest("label") && el.closest("label") !== el) { continue; }
    if (el.labels && (el.type === "radio" || el.type === "checkbox")) {
      for (const label of el.labels) { r = union(r, box(label.getBoundingClientRect())); }
    }
    targets.push({el, r, exempt: inSentence(el)});
  }
  const small = (t) => (t.r.right - t.r.left) < MIN - 0.5 || (t.r.bottom - t.r.top) < MIN - 0.5;
  const centre = (r) => [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
  const distanceToBox = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const name = (el) => (el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " “" + (el.textContent || el.value || el.name || "").trim().slice(0, 40) + "”");
  const failures = [];
  for (const t of targets) {
    if (t.exempt || !small(t)) { continue; }
    const c = centre(t.r);
    const clash = targets.find((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && (
      small(o) ? Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < MIN
               : distanceToBox(c, o.r) < MIN / 2));
    if (clash) {
      failures.push(name(t.el) + " " + Math.round(t.r.right - t.r.left) + "×" + Math.round(t.r.bottom - t.r.top) + " px, too close to " + name(clash.el));
    }
  }
  return {checked: targets.length, failures: failures};
}"""


# Every state in English; each page in French too, whose texts are the longest of the three.
VISITS = [pytest.param(state, "en", id=f"{state.id}-en") for state in PAGE_STATES] + [
    pytest.param(state, "fr", id=f"{state.id}-fr") for state in TRANSLATED_STATES
]


@pytest.mark.parametrize(("state", "language"), VISITS)
def test_page_fits_320_px_and_its_targets_are_big_enough(demo_page, record_check, state, language):
    page = demo_page(state.user, language, viewport=NARROW)
    state.reach(page)
    assert page.locator("html").get_attribute("lang") == language

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    targets = page.evaluate(SMALL_TARGETS)
    record_check(f"{state.id} ({language})", "320 px: scroll width", f"{scroll_width} px")
    record_check(
        f"{state.id} ({language})",
        "targets ≥ 24 px",
        f"{len(targets['failures'])} of {targets['checked']} small",
    )

    assert scroll_width <= NARROW["width"]
    assert targets["failures"] == []
