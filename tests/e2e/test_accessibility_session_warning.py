"""Before the session ends, a page warns and offers to stay signed in (WCAG 2.2.1 Timing
Adjustable), in an alert dialog that takes focus so screen readers announce it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.pages import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Seconds: a session this long, and a warning this long before it ends, keep the test short.
SESSION_AGE = 5
WARNING = 3


@pytest.fixture
def page(browser, live_server) -> Iterator[Page]:
    """A page whose scripts may be joined by axe's (the app's CSP allows only its own)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_warning_offers_to_stay_signed_in_and_then_says_the_session_ended(
    page, settings, officer, record_check
):
    settings.SESSION_COOKIE_AGE = SESSION_AGE
    settings.SESSION_EXPIRY_WARNING_SECONDS = WARNING
    log_in(page, officer)
    dialog = page.get_by_role("alertdialog", name="Your session is about to end")
    expect(dialog).to_be_hidden()

    # Shown (and focused) when the warning time is reached, not before.
    expect(dialog).to_be_visible(timeout=(SESSION_AGE - WARNING + 1) * 1000)
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog).to_have_accessible_description(
        re.compile(r"^For your security you will be signed out at \d\d:\d\d\. ")
    )
    violations = axe_violations(page)
    record_check("session-warning--shown", "axe (WCAG A/AA)", f"{len(violations)} violations")
    assert violations == [], describe(violations)

    # Staying signed in (by keyboard) starts the session's time again, on the server too.
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#session-status")).to_have_text(
        re.compile(r"^You are still signed in, until \d\d:\d\d\.$")
    )
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    stored = Session.objects.get(session_key=session_key)
    assert stored.expire_date > timezone.now() + timedelta(seconds=SESSION_AGE - 2)

    # Left alone, the warning comes back, and when the time is up it says so and offers to log in.
    expect(dialog).to_be_visible(timeout=(SESSION_AGE - WARNING + 1) * 1000)
    ended = page.get_by_role("alertdialog", name="Your session has ended")
    expect(ended).to_be_visible(timeout=(WARNING + 1) * 1000)
    log_in_again = ended.get_by_role("link", name="Log in again")
    expect(log_in_again).to_be_focused()
    expect(ended.get_by_role("button", name="Stay signed in")).to_be_hidden()
    violations = axe_violations(page)
    record_check("session-warning--ended", "axe (WCAG A/AA)", f"{len(violations)} violations")
    assert violations == [], describe(violations)

    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
