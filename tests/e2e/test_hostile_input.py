"""Hostile text placed wherever people and bank files can put it never runs in a browser.

The payloads (tests/e2e/xss_payloads.py) go in through the bank loader (every text of a
question bank), the Django admin (a city's name, in the browser), the officer's own form (free
text, comments, an evidence link) and the rows factories make (round title, departments). Every
page that shows them is then opened in Chromium with the Content-Security-Policy switched off,
so that escaping alone has to hold: no dialog may open, no payload may set ``window.__xss`` or
log an error, and no element or attribute a payload would create may be in the page.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zlib
from dataclasses import dataclass, field

import openpyxl
import pytest
import yaml
from django.core.management import call_command
from playwright.sync_api import expect

from operations.demo import demo_values
from scoring.csv_text import FORMULA_STARTS
from surveys.models import Membership, Questionnaire, Response
from surveys.services import answers_save, response_get_or_create, response_submit
from surveys.structure import bank_for
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.pages import card, log_in
from tests.e2e.xss_payloads import PAYLOADS, markers
from tests.surveys.test_bank_loader import translated

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Everything a payload could leave in the DOM that runs script, now or on a click or hover.
SCAN_DOM = """() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "poster"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["iframe", "frame", "object", "embed", "base", "marquee"].includes(tag)) {
      found.push("<" + tag + ">");
    }
    if (tag === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh") {
      found.push("<meta http-equiv=refresh>");
    }
    if (tag === "script" && !el.src && el.type !== "application/json") {
      found.push("inline <script>: " + el.textContent.slice(0, 60));
    }
    if (tag === "style" && /xss/.test(el.textContent)) {
      found.push("<style>: " + el.textContent.slice(0, 60));
    }
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on") || name === "srcdoc" || name.includes("xss")) {
        found.push(tag + "[" + name + "]");
      } else if (urlAttributes.includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value)) {
        found.push(tag + "[" + name + "=" + value.slice(0, 40) + "]");
      }
    }
  }
  return found;
}"""


@dataclass
class Watch:
    """What the hostile pages did: dialogs opened, errors logged, pages looked at."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shown: dict[str, set[int]] = field(default_factory=dict)
    injected: dict[str, list[str]] = field(default_factory=dict)
    ran: dict[str, str] = field(default_factory=dict)

    def attach(self, page) -> None:
        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def visit(self, page, url: str, *, name: str = "") -> None:
        """Open a page, let its scripts run, and record what reached and what ran."""
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, f"{url} answered {response.status}"
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # deferred handlers (focus, toggle) fire after load
        label = name or url
        self.shown[label] = markers(page.content())
        self.injected[label] = page.evaluate(SCAN_DOM)
        ran = page.evaluate("window.__xss === undefined ? '' : String(window.__xss)")
        if ran:
            self.ran[label] = ran


def _payload_texts():
    """Every payload once, then again: enough for all the texts of the hostile bank."""
    return itertools.cycle(PAYLOADS)


def _hostile_bank(texts) -> dict:
    def scale(code: str) -> dict:
        return {
            "code": code,
            "kind": "scale",
            "text": next(texts),
            "help": next(texts),
            "options": [
                *(
                    {"code": f"l{level}", "level": level, "label": next(texts)}
                    for level in range(5)
                ),
                {"code": "dont-know", "special": "dont_know", "label": next(texts)},
            ],
        }

    def recommendations() -> list[dict]:
        return [
            {"stage": stage, "kind": kind, "title": next(texts), "body": next(texts)}
            for stage, kind in zip(range(2, 6), itertools.cycle(["skill", "tool"]), strict=False)
        ]

    return {
        "key": "hostile-input",
        "version": 1,
        "title": next(texts),
        "description": next(texts),
        "stages": [
            {"level": level, "name": next(texts), "min_score": minimum, "description": next(texts)}
            for level, minimum in zip(range(1, 6), (0, 20, 45, 70, 90), strict=True)
        ],
        "dimensions": [
            {
                "code": "first",
                "title": next(texts),
                "description": next(texts),
                "questions": [
                    scale("first-scale"),
                    {
                        "code": "first-gate",
                        "kind": "yes_no",
                        "text": next(texts),
                        "help": next(texts),
                        "options": [
                            {"code": "yes", "level": 4, "label": next(texts)},
                            {"code": "no", "level": 0, "label": next(texts)},
                            {"code": "dont-know", "special": "dont_know", "label": next(texts)},
                        ],
                    },
                    {
                        "code": "first-practices",
                        "kind": "multi",
                        "text": next(texts),
                        "help": next(texts),
                        "options": [
                            *({"code": f"p{n}", "label": next(texts)} for n in range(4)),
                            {"code": "none", "special": "none", "label": next(texts)},
                        ],
                    },
                    {
                        "code": "first-notes",
                        "kind": "text",
                        "text": next(texts),
                        "help": next(texts),
                    },
                ],
                "recommendations": recommendations(),
            },
            {
                "code": "second",
                "title": next(texts),
                "description": next(texts),
                "questions": [
                    scale("second-scale"),
                    {
                        "code": "second-count",
                        "kind": "number",
                        "text": next(texts),
                        "help": next(texts),
                        "min": 0,
                        "max": 100,
                    },
                    {
                        "code": "second-notes",
                        "kind": "text",
                        "text": next(texts),
                        "help": next(texts),
                    },
                ],
                "recommendations": recommendations(),
            },
        ],
    }


def _load_hostile_bank(tmp_path) -> Questionnaire:
    # Published banks carry every text in three languages; the Dutch and French copies carry the
    # same payloads.
    data = translated(_hostile_bank(_payload_texts()))
    path = tmp_path / "hostile-input.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == data
    call_command("load_bank", "--publish", str(path), verbosity=0)
    return Questionnaire.objects.get(key="hostile-input", version=1)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def new_context(browser, live_server, watch):
    """Browser profiles without the Content-Security-Policy, every page watched."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.on("page", watch.attach)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def _answer_section(page, section, typed) -> None:
    """Answer every question of the section through its widgets, hostile text where free."""
    for question in section.questions:
        block = card(page, question)
        options = [o for o in question.options.all() if not o.special]
        name = f"{question.code}__answer"
        if question.kind == "multi":
            for option in options[:2]:
                block.locator(f"input[name='{name}'][value='{option.pk}']").check()
        elif options:
            block.locator(f"input[name='{name}'][value='{options[-1].pk}']").check()
        elif question.kind == "number":
            block.locator(f"[name='{name}']").fill("42")
        else:
            block.locator(f"[name='{name}']").fill(next(typed))
        block.locator("summary").click()
        block.locator(f"[name='{question.code}__comment']").fill(next(typed))
    evidence = f"https://example.org/?q=\"><svg/onload=window.__xss='{section.dimension.code}'>"
    card(page, section.questions[0]).locator("input[type=url]").fill(evidence)


def _csv_cells(context, url: str) -> list[str]:
    response = context.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    return [cell for row in csv.reader(io.StringIO(response.text())) for cell in row]


def _check_csv(cells: list[str]) -> set[int]:
    """Cells never start like a formula, and hostile text is there as plain text."""
    formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert formulas == []
    found = markers("\n".join(cells))
    for number in found:
        payload = PAYLOADS[number - 1]
        expected = "'" + payload if payload.startswith(FORMULA_STARTS) else payload
        assert any(expected in cell for cell in cells), f"payload {number} not as plain text"
    return found


def _check_xlsx(context, url: str) -> set[int]:
    """No cell of the workbook is a formula; hostile text is there as plain text."""
    response = context.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    workbook = openpyxl.load_workbook(io.BytesIO(response.body()))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    return markers("\n".join(str(cell.value) for cell in cells if cell.value is not None))


def _check_pdf(context, url: str) -> None:
    response = context.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF-")
    inflated = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    everything = pdf + b"\n".join(inflated)
    for action in (b"/JavaScript", b"/JS", b"/Launch", b"/OpenAction", b"/SubmitForm", b"/AA"):
        assert re.search(re.escape(action) + rb"[\s/<(\[]", everything) is None, action
    uris = re.findall(rb"/URI\s*\((.*?)\)", everything)
    assert [uri for uri in uris if uri.strip().lower().startswith(b"javascript")] == []


def test_hostile_text_is_shown_as_text_and_never_runs(new_context, watch, tmp_path):
    questionnaire = _load_hostile_bank(tmp_path)
    bank = bank_for(questionnaire)
    city = factories.CityFactory(name="Rotterdam", slug="rotterdam", country="NL")
    other_city = factories.CityFactory(name="Valenciennes", slug="valenciennes", country="FR")
    round_ = factories.RoundFactory(questionnaire=questionnaire, title=PAYLOADS[7])
    round_.cities.add(city, other_city)
    officer = factories.MembershipFactory(city=city, department=f"Mobility {PAYLOADS[18]}").user
    colleague = factories.MembershipFactory(city=city, department=PAYLOADS[19]).user
    facilitator = factories.FacilitatorFactory()
    admin = factories.UserFactory(is_staff=True, is_superuser=True)

    # A colleague's submitted response, so results compare departments.
    colleague_response = response_get_or_create(
        round=round_, membership=Membership.objects.get(user=colleague)
    )
    answers_save(
        response=colleague_response,
        values=demo_values(bank, city.slug, "IT and data", 1),
        expected_version=colleague_response.version,
        by=colleague,
    )
    response_submit(response=colleague_response, by=colleague)

    # Through the admin: the city's name becomes hostile.
    city_name = f"Rotterdam{PAYLOADS[32]}"
    admin_context = new_context()
    admin_page = admin_context.new_page()
    log_in(admin_page, admin)
    admin_page.goto(f"/admin/surveys/city/{city.pk}/change/")
    admin_page.locator("#id_name").fill(city_name)
    admin_page.locator("input[name=_save]").click()
    expect(admin_page.locator(".messagelist")).to_contain_text("was changed successfully")
    city.refresh_from_db()
    assert city.name == city_name

    # Through the officer's own form: free text, comments and an evidence link.
    officer_context = new_context()
    page = officer_context.new_page()
    log_in(page, officer)
    typed = itertools.cycle(PAYLOADS[34:] + PAYLOADS[:34])
    base = f"/rounds/{round_.pk}"
    for index, section in enumerate(bank.sections):
        url = f"{base}/sections/{section.dimension.code}/"
        watch.visit(page, url, name=f"section {index + 1} (empty)")
        for question in section.questions:
            expect(card(page, question)).to_contain_text(question.text)
            expect(card(page, question)).to_contain_text(question.help_text)
        _answer_section(page, section, typed)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Your answers were saved at")).to_be_visible()
        watch.visit(page, url, name=f"section {index + 1} (answered)")
    watch.visit(page, f"{base}/review/", name="review (draft)")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Thank you — your answers were submitted.")).to_be_visible()
    assert Response.objects.get(round=round_, respondent=officer).is_submitted
    watch.visit(page, f"{base}/review/", name="review (submitted)")
    watch.visit(page, "/", name="officer home")
    watch.visit(page, f"{base}/cities/{city.slug}/results/", name="officer city results")
    watch.visit(page, f"{base}/cities/{city.slug}/report/", name="officer report")
    _check_pdf(officer_context, f"{base}/cities/{city.slug}/report.pdf")

    # The facilitator's pages and exports.
    facilitator_context = new_context()
    page = facilitator_context.new_page()
    log_in(page, facilitator)
    watch.visit(page, "/", name="facilitator home")
    watch.visit(page, f"{base}/dashboard/", name="dashboard")
    watch.visit(page, f"{base}/tracker/", name="tracker")
    for shown in (city, other_city):
        watch.visit(page, f"{base}/cities/{shown.slug}/results/", name=f"results {shown.slug}")
    watch.visit(page, f"{base}/cities/{city.slug}/report/", name="facilitator report")
    _check_pdf(facilitator_context, f"{base}/cities/{city.slug}/report.pdf")
    exported = set()
    for kind in ("answers", "response-scores", "city-scores"):
        exported |= _check_csv(_csv_cells(facilitator_context, f"{base}/exports/{kind}.csv"))
        exported |= _check_xlsx(facilitator_context, f"{base}/exports/{kind}.xlsx")

    # The admin's lists, forms and histories of the same rows.
    response = Response.objects.get(round=round_, respondent=officer)
    question = bank.sections[0].questions[0]
    admin_pages = {
        "admin index": "/admin/",
        "admin questionnaires": "/admin/surveys/questionnaire/",
        "admin questionnaire": f"/admin/surveys/questionnaire/{questionnaire.pk}/change/",
        "admin questionnaire history": f"/admin/surveys/questionnaire/{questionnaire.pk}/history/",
        **{
            f"admin dimension {section.dimension.code}": "/admin/surveys/dimension/"
            f"{section.dimension.pk}/change/"
            for section in bank.sections
        },
        "admin questions": "/admin/surveys/question/?dimension__questionnaire__id__exact="
        f"{questionnaire.pk}",
        "admin question": f"/admin/surveys/question/{question.pk}/change/",
        "admin cities": "/admin/surveys/city/",
        "admin city": f"/admin/surveys/city/{city.pk}/change/",
        "admin city history": f"/admin/surveys/city/{city.pk}/history/",
        "admin city delete": f"/admin/surveys/city/{city.pk}/delete/",
        "admin memberships": "/admin/surveys/membership/",
        "admin round": f"/admin/surveys/round/{round_.pk}/change/",
        "admin responses": "/admin/surveys/response/",
        "admin response": f"/admin/surveys/response/{response.pk}/change/",
    }
    for name, url in admin_pages.items():
        watch.visit(admin_page, url, name=name)

    shown_anywhere = set().union(*watch.shown.values()) | exported
    appearances = sum(len(numbers) for numbers in watch.shown.values())
    print(
        f"\n{len(PAYLOADS)} payloads, {len(watch.shown)} pages, {appearances} payload × page "
        f"appearances, 3 CSV and 3 XLSX exports ({len(exported)} payloads), 2 PDFs; "
        f"ran: {len(watch.dialogs) + len(watch.ran)}, injected: "
        f"{sum(map(len, watch.injected.values()))}"
    )
    for name, numbers in watch.shown.items():
        print(f"  {name}: {len(numbers)} payloads shown")
    assert watch.dialogs == []
    assert watch.ran == {}
    assert {name: found for name, found in watch.injected.items() if found} == {}
    assert [error for error in watch.errors if "xss" in error.lower()] == []
    assert shown_anywhere == set(range(1, len(PAYLOADS) + 1))
    assert all(watch.shown.values()), "every page shows some hostile text"
