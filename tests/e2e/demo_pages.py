"""Every page of the app in each state worth checking, reached on the shared demo as a person would.

The accessibility and reflow tests walk this one catalogue, so a page added here is checked by
both. Each state starts from a fresh browser context (signed in as ``user`` when one is named)
and leaves the demo data as it found it, or in a state the next visit can reach again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from scoring.models import Action
from surveys.answers import answers_load
from surveys.models import Question, Recommendation, Response, Round
from surveys.services import answers_save
from surveys.structure import AnswerValue, SectionView, bank_for

FACILITATOR = "facilitator"
# Demo officers (``seed_demo``) in the open round 2: one who has not started, one more who has
# not (used for the conflict, so the first one's page stays empty), one halfway, one submitted.
NOT_STARTED = "rotterdam-urban-planning"
NOT_STARTED_TOO = "valenciennes-urban-planning"
HALFWAY = "mechelen-it-and-data"
SUBMITTED = "rotterdam-mobility"
LOCKED_OUT = "someone-who-forgot"
ANTWERP_OFFICER = "antwerp-mobility"  # Antwerp has the demo's published consensus
MECHELEN_OFFICER = "mechelen-mobility"  # Mechelen's round 2 fires consistency rules
ROUND_1 = "Session 1 — "
ROUND_2 = "Session 2 — "
ROUND_3 = "Session 1 follow-up — "


def _(page: Page, message: str) -> str:
    """An interface message as the page shows it, in the page's language (``<html lang>``):
    the states are reached the same way in English, Dutch and French."""
    with translation.override(page.locator("html").get_attribute("lang")):
        return gettext(message)


def demo_round(title_start: str) -> Round:
    return Round.objects.get(title__startswith=title_start)


def section_with(round_: Round, kind: str) -> SectionView:
    """The first section of the round's questionnaire that has a question of this kind."""
    bank = bank_for(round_.questionnaire)
    return next(s for s in bank.sections if any(q.kind == kind for q in s.questions))


def wait_for_charts(page: Page) -> None:
    """Every plotly chart on the page is drawn."""
    charts = page.locator(".plotly-chart")
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()


@dataclass(frozen=True)
class PageState:
    page: str
    state: str
    user: str  # a demo username; "" for a visitor who is not signed in
    reach: Callable[[Page], None]
    ours: bool = True  # False: Django's own markup (the admin), which we do not restyle

    @property
    def id(self) -> str:
        return f"{self.page}--{self.state}"


# --- Visitors ----------------------------------------------------------------------------------


def _login(page: Page) -> None:
    page.goto("/accounts/login/")


def _login_failed(page: Page) -> None:
    page.goto("/accounts/login/")
    # A new name each time: five failures for one name would lock it out (django-axes).
    page.locator("#id_username").fill(f"nobody-{uuid.uuid4().hex[:8]}")
    page.locator("#id_password").fill("not-the-password-1")
    page.get_by_role("button", name=_(page, "Log in"), exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()


def _locked_out(page: Page) -> None:
    # django-axes locks a username + address after five failures (and stays locked).
    heading = page.get_by_role("heading", name=_(page, "Too many failed log-in attempts"))
    for _attempt in range(6):
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(LOCKED_OUT)
        page.locator("#id_password").fill("not-the-password-1")
        page.get_by_role("button", name=_(page, "Log in"), exact=True).click()
        page.wait_for_load_state()
        if heading.count():
            return
    expect(heading).to_be_visible()


def _password_reset(page: Page) -> None:
    page.goto("/accounts/password_reset/")


def _password_reset_invalid(page: Page) -> None:
    page.goto("/accounts/password_reset/")
    page.get_by_label(_(page, "Email")).fill("not an address")
    page.get_by_role("button", name=_(page, "Send the link")).click()
    expect(page.locator(".invalid-feedback")).to_be_visible()


def _password_reset_sent(page: Page) -> None:
    page.goto("/accounts/password_reset/")
    page.get_by_label(_(page, "Email")).fill("nobody@example.org")
    page.get_by_role("button", name=_(page, "Send the link")).click()
    page.wait_for_url("**/password_reset/done/")


def _password_reset_bad_link(page: Page) -> None:
    page.goto("/accounts/reset/MQ/made-up-token/")


def _admin_login(page: Page) -> None:
    page.goto("/admin/login/")


# --- Officers ----------------------------------------------------------------------------------


def _home(page: Page) -> None:
    page.goto("/")


def _password_change(page: Page) -> None:
    page.goto("/accounts/password_change/")


def _section_url(round_: Round, section: SectionView) -> str:
    return f"/rounds/{round_.pk}/sections/{section.dimension.code}/"


def _section_empty(page: Page) -> None:
    round_ = demo_round(ROUND_2)
    page.goto(_section_url(round_, bank_for(round_.questionnaire).sections[0]))


def _section_errors(page: Page) -> None:
    # A number out of range, an evidence link that is no address and a comment over its limit
    # (its live count says by how much): none is saved.
    round_ = demo_round(ROUND_2)
    section = section_with(round_, Question.Kind.NUMBER)
    page.goto(_section_url(round_, section))
    number = next(q for q in section.questions if q.kind == Question.Kind.NUMBER)
    page.locator(f"#q-{number.code}").locator("input[name$=__answer]").fill(
        str((number.max_value or Decimal(100)) + 1)
    )
    other = next(q for q in section.questions if q.kind != Question.Kind.NUMBER)
    card = page.locator(f"#q-{other.code}")
    card.get_by_text(_(page, "Comment or evidence link")).click()
    card.get_by_label(_(page, "Evidence link (optional)")).fill("see the annual report")
    card.get_by_label(_(page, "Comment (optional)")).fill("x" * 5100)
    page.get_by_role("button", name=_(page, "Save"), exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator(f"#div_id_{other.code}__comment .char-count-status")).to_contain_text("100")


def _section_conflict(page: Page) -> None:
    # Saved elsewhere after this page was loaded (another answer than the page shows): Save
    # shows the conflict and keeps the answers.
    round_ = demo_round(ROUND_2)
    section = bank_for(round_.questionnaire).sections[0]
    page.goto(_section_url(round_, section))
    response = Response.objects.select_related("round", "respondent__membership").get(
        round=round_, respondent__username=NOT_STARTED_TOO
    )
    question = next(q for q in section.questions if q.kind in Question.CHOICE_KINDS)
    stored = answers_load(response).get(question.pk)
    other = next(o for o in question.options.all() if stored is None or o.pk != stored.option_id)
    answers_save(
        response=response,
        values={question.pk: AnswerValue(option_id=other.pk)},
        expected_version=response.version,
        by=response.respondent,
    )
    page.get_by_role("button", name=_(page, "Save"), exact=True).click()
    expect(page.locator("#conflict-message")).to_be_visible()


def _section_read_only(page: Page) -> None:
    round_ = demo_round(ROUND_2)
    page.goto(_section_url(round_, bank_for(round_.questionnaire).sections[0]))


def _all_questions(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/all/")


def _all_questions_errors(page: Page) -> None:
    # The page with every question, after a Save with a number out of range (nothing saved).
    round_ = demo_round(ROUND_2)
    page.goto(f"/rounds/{round_.pk}/all/")
    number = next(
        q for q in bank_for(round_.questionnaire).questions() if q.kind == Question.Kind.NUMBER
    )
    page.locator(f"#q-{number.code}").locator("input[name$=__answer]").fill(
        str((number.max_value or Decimal(100)) + 1)
    )
    page.get_by_role("button", name=_(page, "Save"), exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()


def _review_missing(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/review/")
    expect(page.locator("#missing-summary")).to_be_visible()


def _review_submitted(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/review/")
    expect(page.locator("#submitted-message")).to_be_visible()


def _results(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/rotterdam/results/")
    wait_for_charts(page)


def _results_network(page: Page) -> None:
    # Rotterdam's data-sharing network in round 1: the picture, its table and the flags (the
    # demo's Urban planning names a flow from Mobility that Mobility does not report).
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/rotterdam/results/#network")
    wait_for_charts(page)
    expect(page.locator("#network-flags li").first).to_be_visible()


def _section_exchanges(page: Page) -> None:
    # The data-exchange rows after a Save with an unfinished row: its errors, every row kept.
    round_ = demo_round(ROUND_2)
    section = section_with(round_, Question.Kind.EXCHANGES)
    page.goto(_section_url(round_, section))
    page.locator("[data-exchange-add]").click()
    row = page.locator("[data-exchange-row]").first
    row.locator("select[name$=-direction]").select_option(index=1)
    row.locator("select[name$=-partner]").select_option(index=1)
    page.get_by_role("button", name=_(page, "Save"), exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()


def _report(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/rotterdam/report/")


def _results_agreed_and_change(page: Page) -> None:
    # Antwerp's published consensus is in round 1; the follow-up round adds the change since.
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/antwerp/results/")
    expect(page.locator("#agreed-table")).to_be_visible()


def _results_change(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_3).pk}/cities/antwerp/results/")
    expect(page.locator("#own-change-table")).to_be_visible()
    wait_for_charts(page)


def _report_agreed(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/antwerp/report/")
    expect(page.locator("#agreed-table")).to_be_visible()


def _results_commitments(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/cities/mechelen/results/")
    expect(page.locator("#commitments-list")).to_be_visible()
    wait_for_charts(page)


def _report_commitments(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/cities/mechelen/report/")
    expect(page.locator("#commitments-list")).to_be_visible()


def _scoring_explained(page: Page) -> None:
    page.goto("/how-scoring-works/")


def _consensus(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/antwerp/consensus/")
    expect(page.locator("#consensus-status")).to_be_visible()


def _consensus_draft(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/cities/rotterdam/consensus/")
    expect(page.locator("section.consensus-item").first).to_be_visible()


def _plan_url(slug: str = "rotterdam") -> str:
    return f"/cities/{slug}/plans/{demo_round(ROUND_1).questionnaire.key}/"


def _demo_action() -> Action:
    """Rotterdam's action with the longest history in the demo plan."""
    return Action.objects.filter(city__slug="rotterdam").exclude(status="planned").order_by("pk")[0]


def _results_plan(page: Page) -> None:
    # Rotterdam's plan in the follow-up: actions done beside each dimension's change.
    page.goto(f"/rounds/{demo_round(ROUND_3).pk}/cities/rotterdam/results/")
    expect(page.locator("#plan-progress")).to_be_visible()
    wait_for_charts(page)


def _plan(page: Page) -> None:
    page.goto(_plan_url())
    expect(page.locator("#plan-table")).to_be_visible()


def _action(page: Page) -> None:
    page.goto(f"{_plan_url()}actions/{_demo_action().pk}/")
    expect(page.locator("#action-history")).to_be_visible()


def _action_errors(page: Page) -> None:
    """The action's edit form sent without a title: nothing is stored."""
    page.goto(f"{_plan_url()}actions/{_demo_action().pk}/")
    page.locator("#id_title").fill("")
    page.locator("#edit-heading ~ form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _action_adopt(page: Page) -> None:
    recommendation = Recommendation.objects.filter(
        dimension__questionnaire=demo_round(ROUND_3).questionnaire
    ).first()
    assert recommendation is not None
    page.goto(f"{_plan_url()}actions/new/?recommendation={recommendation.pk}")
    expect(page.locator("#adopted-recommendation")).to_be_visible()


def _action_new_errors(page: Page) -> None:
    """An action of one's own sent empty: nothing is stored."""
    page.goto(f"{_plan_url()}actions/new/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()


# --- Facilitators ------------------------------------------------------------------------------


def _dashboard(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_3).pk}/dashboard/")
    expect(page.locator("#round-change")).to_be_visible()
    wait_for_charts(page)


def _dashboard_rule_grid(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/dashboard/")
    expect(page.locator("#rule-grid-table")).to_be_visible()
    wait_for_charts(page)


def _round_change(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_3).pk}/change/")
    expect(page.locator("#change-table")).to_be_visible()


def _dashboard_filtered(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/dashboard/?country=BE&sort=overall")
    wait_for_charts(page)


def _dashboard_one_dimension(page: Page) -> None:
    """Filtered to one dimension: a bar per city instead of the radar."""
    round_ = demo_round(ROUND_1)
    code = bank_for(round_.questionnaire).sections[0].dimension.code
    page.goto(f"/rounds/{round_.pk}/dashboard/?dimension={code}")
    wait_for_charts(page)


def _dashboard_bad_filter(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_1).pk}/dashboard/?sort=nonsense&dimension=nonsense")
    expect(page.get_by_role("alert").first).to_be_visible()
    wait_for_charts(page)


def _tracker(page: Page) -> None:
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/tracker/")


def _round_status(page: Page) -> None:
    """Closing the open round, asked to confirm first."""
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/status/")


def _invitations_errors(page: Page) -> None:
    """The invitations page after the one-person form was sent empty (nothing is stored)."""
    page.goto(f"/rounds/{demo_round(ROUND_2).pk}/invitations/")
    page.locator("#invite-one ~ form button[type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()


def _invitation_bad_link(page: Page) -> None:
    page.goto("/welcome/MQ/made-up-token/")


PAGE_STATES: list[PageState] = [
    PageState("login", "empty", "", _login),
    PageState("login", "wrong-password", "", _login_failed),
    PageState("login", "locked-out", "", _locked_out),
    PageState("password-reset", "empty", "", _password_reset),
    PageState("password-reset", "invalid-address", "", _password_reset_invalid),
    PageState("password-reset", "link-sent", "", _password_reset_sent),
    PageState("password-reset", "bad-link", "", _password_reset_bad_link),
    PageState("admin-login", "empty", "", _admin_login, ours=False),
    PageState("my-assessments", "officer", NOT_STARTED, _home),
    PageState("password-change", "empty", NOT_STARTED, _password_change),
    PageState("section", "empty", NOT_STARTED, _section_empty),
    PageState("section", "with-errors", NOT_STARTED, _section_errors),
    PageState("section", "conflict", NOT_STARTED_TOO, _section_conflict),
    PageState("section", "read-only", SUBMITTED, _section_read_only),
    PageState("section", "exchanges-with-errors", NOT_STARTED, _section_exchanges),
    PageState("all-questions", "halfway", HALFWAY, _all_questions),
    PageState("all-questions", "with-errors", NOT_STARTED, _all_questions_errors),
    PageState("review", "missing-answers", HALFWAY, _review_missing),
    PageState("review", "submitted", SUBMITTED, _review_submitted),
    PageState("results", "city", SUBMITTED, _results),
    PageState("results", "network", SUBMITTED, _results_network),
    PageState("report", "printable", SUBMITTED, _report),
    PageState("results", "agreed", ANTWERP_OFFICER, _results_agreed_and_change),
    PageState("results", "change", ANTWERP_OFFICER, _results_change),
    PageState("report", "agreed", ANTWERP_OFFICER, _report_agreed),
    PageState("results", "commitments", MECHELEN_OFFICER, _results_commitments),
    PageState("report", "commitments", MECHELEN_OFFICER, _report_commitments),
    PageState("how-scoring", "page", SUBMITTED, _scoring_explained),
    PageState("my-assessments", "facilitator", FACILITATOR, _home),
    PageState("dashboard", "with-change", FACILITATOR, _dashboard),
    PageState("dashboard", "filtered", FACILITATOR, _dashboard_filtered),
    PageState("dashboard", "one-dimension", FACILITATOR, _dashboard_one_dimension),
    PageState("dashboard", "bad-filter", FACILITATOR, _dashboard_bad_filter),
    PageState("dashboard", "rule-grid", FACILITATOR, _dashboard_rule_grid),
    PageState("tracker", "open-round", FACILITATOR, _tracker),
    PageState("round-status", "confirm-close", FACILITATOR, _round_status),
    PageState("invitations", "with-errors", FACILITATOR, _invitations_errors),
    PageState("invitation-link", "not-working", "", _invitation_bad_link),
    PageState("round-change", "every-city", FACILITATOR, _round_change),
    PageState("consensus", "published", FACILITATOR, _consensus),
    PageState("consensus", "draft", FACILITATOR, _consensus_draft),
    PageState("results", "plan-progress", SUBMITTED, _results_plan),
    PageState("plan", "with-overdue", SUBMITTED, _plan),
    PageState("action", "history", SUBMITTED, _action),
    PageState("action", "with-errors", SUBMITTED, _action_errors),
    PageState("action-new", "adopt", SUBMITTED, _action_adopt),
    PageState("action-new", "with-errors", SUBMITTED, _action_new_errors),
]

# Each of our pages once, in its state with the most text (messages, errors, charts): the walk
# in Dutch and French. Every state is walked in English.
TRANSLATED_STATES: list[PageState] = [
    state
    for state in PAGE_STATES
    if state.id
    in {
        "login--wrong-password",
        "password-reset--invalid-address",
        "my-assessments--officer",
        "my-assessments--facilitator",
        "password-change--empty",
        "section--with-errors",
        "section--exchanges-with-errors",
        "all-questions--halfway",
        "review--missing-answers",
        "review--submitted",
        "results--city",
        "report--printable",
        "dashboard--with-change",
        "tracker--open-round",
        "round-status--confirm-close",
        "invitations--with-errors",
        "invitation-link--not-working",
        "round-change--every-city",
        "results--agreed",
        "how-scoring--page",
        "consensus--draft",
        "results--commitments",
        "dashboard--rule-grid",
        "plan--with-overdue",
        "action--with-errors",
        "action-new--with-errors",
    }
]
