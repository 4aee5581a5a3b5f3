"""The invitation in a real browser: a facilitator invites a new officer, who follows the e-mailed
link (received over SMTP), sets a password, signs in and finds the round."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import smtp
from tests.e2e.pages import log_in, log_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PASSWORD = "nora-chooses-a-password"


def test_an_invited_officer_walks_the_link_to_the_round(
    context, live_server, settings, current_round, city, facilitator, smtp_inbox
):
    settings.POLIS_SITE_URL = live_server.url  # the e-mail's links lead to this server
    page = context.new_page()
    log_in(page, facilitator)
    page.goto(f"/rounds/{current_round.pk}/tracker/")
    page.get_by_role("link", name="Invite officers").click()
    page.locator("#id_email").fill("nora@rotterdam.example")
    page.locator("#id_name").fill("Nora Jansen")
    page.locator("#id_city").select_option(label="Rotterdam")
    page.locator("#id_department").fill("Urban planning")
    page.get_by_role("button", name="Send the invitation", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("1 invitation was sent.")
    expect(page.locator("#pending-table")).to_contain_text("nora@rotterdam.example")
    log_out(page)

    (mail,) = smtp_inbox.messages
    link = smtp.links(smtp.part(mail, "text/plain"))[0]
    assert link.startswith(f"{live_server.url}/welcome/")
    page.goto(link)
    # The token leaves the address bar before the page shows.
    expect(page).to_have_url(re.compile(r"/welcome/[^/]+/set-password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to POLIS Assess")
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".messages")).to_contain_text(
        "Your password is set. Sign in with your username, nora@rotterdam.example"
    )
    log_in(page, "nora@rotterdam.example", password=PASSWORD)
    expect(page.get_by_role("table")).to_contain_text(current_round.title)
    page.get_by_role("link", name="Start").click()
    expect(page).to_have_url(re.compile(rf"/rounds/{current_round.pk}/sections/[\w-]+/$"))

    # The link worked once: opened again it gets the clear page.
    log_out(page)
    page.goto(link)
    expect(page.locator("#invalid-link")).to_contain_text("This invitation link does not work")
