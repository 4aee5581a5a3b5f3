"""Browser-test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import modify_settings, override_settings

from surveys.models import Profile
from tests.web import FAST_HASHERS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

# Playwright's sync API keeps an asyncio loop running in this thread; without this Django's
# ORM refuses to run in the tests (and fixtures) that share the thread with it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 8_000
# The browser's language (Accept-Language) for a visit in each of the app's languages.
BROWSER_LOCALES = {"en": "en-GB", "nl": "nl-NL", "fr": "fr-FR"}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run; missing Chromium fails on CI, skips elsewhere."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run on CI, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server) -> Iterator:
    """A fresh browser profile (no cookies) per test, aimed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def demo_server(browser, django_db_setup, django_db_blocker) -> Iterator:
    """The whole demo (``seed_demo``) committed once and served by a live server of its own.

    Seeding takes seconds, so the tests that only look at pages share one copy through
    ``demo_site`` instead of the ``live_server`` fixture's flush after every test: such tests
    must leave the data as they found it. The database is flushed when the session ends, as
    after a transactional test.
    """
    from pytest_django.live_server_helper import LiveServer

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
    ):
        banks = sorted((Path(settings.BASE_DIR) / "fixtures" / "question_banks").glob("*.yaml"))
        call_command("load_bank", "--publish", "--skip-existing", *map(str, banks), verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
    with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        server = LiveServer("localhost")
        yield server
        server.stop()
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_site(demo_server, django_db_blocker) -> Iterator:
    """The shared demo for one test; the server's threads (and the test) may use the database."""
    with django_db_blocker.unblock():
        yield demo_server


@pytest.fixture(scope="session")
def _demo_contexts(browser) -> Iterator[dict[tuple[str, str], BrowserContext]]:
    contexts: dict[tuple[str, str], BrowserContext] = {}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def demo_page(browser, demo_site, _demo_contexts) -> Iterator[Callable[..., Page]]:
    """Opens a page on the shared demo as a demo user ("" for a visitor not signed in).

    One browser context per user and set of context options (``viewport``, ``bypass_csp``) is
    kept for the session, so each user logs in once and plotly's 4 MB comes from the cache.
    """
    from tests.e2e.pages import log_in

    pages: list[Page] = []

    def open_page(user: str, language: str = "en", **options: Any) -> Page:
        if user:
            # The demo's officers read their city's language; each visit names its own.
            user_model = get_user_model()
            Profile.objects.update_or_create(
                user=user_model.objects.get(username=user), defaults={"language": language}
            )
        key = (user, json.dumps({**options, "language": language}, sort_keys=True))
        if key not in _demo_contexts:
            context = browser.new_context(
                base_url=demo_site.url, locale=BROWSER_LOCALES[language], **options
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            if user:
                login_page = context.new_page()
                log_in(login_page, user, password=settings.DEMO_PASSWORD)
                login_page.close()
            _demo_contexts[key] = context
        page = _demo_contexts[key].new_page()
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


_CHECKED = pytest.StashKey[dict[str, dict[str, str]]]()


@pytest.fixture
def record_check(request) -> Callable[[str, str, str], None]:
    """Notes one check's outcome for a page state, for the table printed after the run."""
    table = request.config.stash.setdefault(_CHECKED, {})

    def record(state_id: str, check: str, outcome: str) -> None:
        table.setdefault(state_id, {})[check] = outcome

    return record


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    table = config.stash.get(_CHECKED, {})
    if not table:
        return
    checks = sorted({check for outcomes in table.values() for check in outcomes})
    width = max(len(state_id) for state_id in table)
    terminalreporter.section(f"pages × states checked ({len(table)})")
    terminalreporter.write_line(
        f"{'page--state':<{width}}  " + "  ".join(f"{c:<22}" for c in checks)
    )
    for state_id, outcomes in table.items():
        cells = "  ".join(f"{outcomes.get(c, '-'):<22}" for c in checks)
        terminalreporter.write_line(f"{state_id:<{width}}  {cells}")
