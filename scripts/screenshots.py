"""Screenshots of the main pages for the README, taken from the demo data in headless Chromium.

Run by ``make screenshots``. Uses a database of its own (polis_screens), rebuilt on every run:
migrate, flush, the question banks, ``seed_demo``; then serves it with ``runserver`` on a free
port and saves full-page PNGs in docs/screenshots/, 1280 pixels wide, and the first screens of
one page 375 pixels wide (a phone).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "docs" / "screenshots"
DB_NAME = "polis_screens"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# A phone's width; the first screens of the page, not all of it (a results page is 20,000 px
# tall at this width).
PHONE: ViewportSize = {"width": 375, "height": 1400}
TIMEOUT_MS = 15_000


def main() -> None:
    # Settings come from the environment; these two are this script's, for itself and its server.
    os.environ["POLIS_DB_NAME"] = DB_NAME
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ["DJANGO_SETTINGS_MODULE"] = "polis_assess.settings"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    _rebuild_demo()
    OUT.mkdir(parents=True, exist_ok=True)
    with _server() as base_url:
        _take_screenshots(base_url)


def _rebuild_demo() -> None:
    from django.core.management import call_command

    banks = sorted((BASE_DIR / "fixtures" / "question_banks").glob("*.yaml"))
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_bank", "--publish", "--skip-existing", *map(str, banks), verbosity=0)
    call_command("seed_demo", verbosity=0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server() -> Iterator[str]:
    """``runserver`` on a free port until the block ends; yields its address."""
    base_url = f"http://127.0.0.1:{_free_port()}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", base_url.removeprefix("http://"), "--noreload"],
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(f"{base_url}/health/")
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def _take_screenshots(base_url: str) -> None:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from surveys.models import Round

    session_2 = Round.objects.get(title__startswith="Session 2 — ")
    follow_up = Round.objects.get(title__startswith="Session 1 follow-up — ")
    session_1 = Round.objects.get(title__startswith="Session 1 — ")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )

        def signed_in(username: str, viewport: ViewportSize = VIEWPORT) -> Page:
            context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-GB")
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(settings.DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            return page

        # An officer halfway through the first section of the open round, in Dutch (their
        # city's language).
        page = signed_in("rotterdam-urban-planning")
        page.goto(f"/rounds/{session_2.pk}/")
        questions = page.locator("section.question:visible")
        for index, pick in enumerate((2, 1, 3)):
            questions.nth(index).locator(".form-check-label").nth(pick).click()
        page.locator("#autosave-status:not(:empty)").wait_for()
        page.reload()  # as they come back to it: section counts up to date, nothing focused
        _save(page, "section.png")

        # A city's results in French.
        page = signed_in("valenciennes-mobility")
        page.goto(f"/rounds/{session_1.pk}/cities/valenciennes/results/")
        _save(page, "results.png")

        # The same officer's results on a phone.
        page = signed_in("valenciennes-mobility", PHONE)
        page.goto(f"/rounds/{session_1.pk}/cities/valenciennes/results/")
        _save(page, "results-phone.png", full_page=False)

        page = signed_in("facilitator")
        page.goto(f"/rounds/{follow_up.pk}/dashboard/")
        _save(page, "dashboard.png")
        page.goto("/")
        _save(page, "rounds.png")
        browser.close()


def _save(page: Page, name: str, *, full_page: bool = True) -> None:
    charts = page.locator(".plotly-chart")
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=OUT / name, full_page=full_page)
    print(f"{OUT / name}")


if __name__ == "__main__":
    main()
