"""Review lists what is missing; submit accepts only a complete response, once, while open."""

from __future__ import annotations

import pytest

from operations.demo import demo_values
from scoring.models import CityResult, DimensionScore, ResponseResult
from surveys.models import Answer, Response, Round
from surveys.structure import AnswerValue
from tests.web import (
    FAST_HASHERS,
    attr,
    bank_of,
    by_id,
    find_all,
    html,
    option,
    question,
    save_answers,
    section_data,
    submit_answers,
    text,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def complete(bank):
    """A full answer set with every gate answered "yes", so its follow-ups are required too."""
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    for q in bank.questions():
        if q.kind == "yes_no":
            values[q.pk] = AnswerValue(option_id=option(bank, q.code, "yes").pk)
        elif q.condition_id is not None:
            values[q.pk] = AnswerValue(option_id=option(bank, q.code, "l2").pk)
    return values


def _review(client, round_):
    return client.get(f"/rounds/{round_.pk}/review/")


def _submit(client, round_, follow=False):
    return client.post(f"/rounds/{round_.pk}/submit/", follow=follow)


def _messages(page):
    boxes = find_all(html(page), "div", class_="messages")
    return [text(alert) for box in boxes for alert in find_all(box, "div")]


def _missing_links(page):
    return [attr(a, "href") for a in find_all(by_id(html(page), "missing-summary"), "a")]


def _link(round_, section, q):
    return f"/rounds/{round_.pk}/sections/{section.dimension.code}/#q-{q.code}"


def _answers(officer):
    return sorted(
        Answer.objects.filter(response__respondent=officer).values_list(
            "question_id", "option_id", "number", "text", "comment"
        )
    )


# --- Review -----------------------------------------------------------------------------------


def test_review_links_every_missing_required_question(officer_client, open_round, bank):
    page = _review(officer_client, open_round)

    assert page.status_code == 200
    assert _missing_links(page) == [
        _link(open_round, s, q)
        for s in bank.sections
        for q in s.questions
        if q.required and q.condition_id is None
    ]


def test_review_no_longer_lists_answered_questions(officer_client, open_round, officer, bank):
    vision = option(bank, "strategy-vision", "l2")
    save_answers(open_round, officer, {vision.question_id: AnswerValue(option_id=vision.pk)})

    links = _missing_links(_review(officer_client, open_round))

    strategy = bank.section("strategy")
    assert _link(open_round, strategy, question(bank, "strategy-vision")) not in links
    assert _link(open_round, strategy, question(bank, "strategy-sponsor")) in links


# --- Submit -----------------------------------------------------------------------------------


def test_incomplete_response_is_not_submitted_and_the_gap_is_counted(
    officer_client, open_round, officer, bank, complete
):
    del complete[question(bank, "strategy-vision").pk]
    del complete[question(bank, "decisions-kpis").pk]
    save_answers(open_round, officer, complete)

    page = _submit(officer_client, open_round, follow=True)

    assert page.redirect_chain == [(f"/rounds/{open_round.pk}/review/", 302)]
    assert _messages(page) == [
        "Not submitted: 2 required answers are missing. They are listed below."
    ]
    response = Response.objects.get(respondent=officer)
    assert (response.status, response.submitted_at, response.submitted_by) == ("draft", None, None)
    assert not ResponseResult.objects.exists()
    assert not CityResult.objects.exists()


def test_complete_response_is_submitted_and_scored(
    officer_client, open_round, officer, city, complete
):
    save_answers(open_round, officer, complete)

    page = _submit(officer_client, open_round, follow=True)

    assert page.redirect_chain == [(f"/rounds/{open_round.pk}/review/", 302)]
    assert _messages(page) == ["Thank you — your answers were submitted."]
    response = Response.objects.get(respondent=officer)
    assert response.status == "submitted"
    assert response.submitted_at is not None
    assert response.submitted_by == officer
    result = ResponseResult.objects.get(response=response)
    assert (result.city, result.department) == (city, "Mobility")
    city_result = CityResult.objects.get(round=open_round)
    assert (city_result.city, city_result.responses) == (city, 1)
    assert city_result.overall_score == pytest.approx(result.overall_score)
    panel = by_id(html(page), "submitted-message")
    assert "Submitted on" in text(panel)
    assert "What happens next" in text(panel)
    links = {attr(link, "href"): text(link) for link in find_all(panel, "a")}
    assert links[f"/rounds/{open_round.pk}/cities/{city.slug}/results/"] == (
        "See your city's results"
    )


def test_second_submit_changes_nothing(officer_client, open_round, officer, complete):
    save_answers(open_round, officer, complete)
    _submit(officer_client, open_round, follow=True)  # shows (and so uses up) the thank-you
    first = Response.objects.get(respondent=officer)

    page = _submit(officer_client, open_round, follow=True)

    again = Response.objects.get(respondent=officer)
    assert (again.submitted_at, again.version, again.status) == (
        first.submitted_at,
        first.version,
        "submitted",
    )
    assert ResponseResult.objects.filter(response=again).count() == 1
    assert CityResult.objects.get(round=open_round).responses == 1
    assert _messages(page) == []


def test_section_post_to_a_submitted_response_changes_no_answer(
    officer_client, open_round, officer, bank, complete
):
    submit_answers(open_round, officer, complete)
    before = _answers(officer)
    version = Response.objects.get(respondent=officer).version
    other = option(bank, "strategy-vision", "l0")

    page = officer_client.post(
        f"/rounds/{open_round.pk}/sections/strategy/",
        section_data(
            bank.section("strategy"),
            {other.question_id: AnswerValue(option_id=other.pk, comment="changed")},
            version=version,
        ),
    )

    assert page.status_code == 200
    assert "This response has been submitted and is read-only." in page.content.decode()
    assert _answers(officer) == before
    assert Response.objects.get(respondent=officer).version == version


def test_section_post_in_a_closed_round_changes_nothing_and_says_read_only(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l1")
    save_answers(open_round, officer, {vision.question_id: AnswerValue(option_id=vision.pk)})
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)
    before = _answers(officer)
    other = option(bank, "strategy-vision", "l4")

    page = officer_client.post(
        f"/rounds/{open_round.pk}/sections/strategy/",
        section_data(
            bank.section("strategy"),
            {other.question_id: AnswerValue(option_id=other.pk)},
            version=2,
        ),
    )

    assert page.status_code == 200
    assert "This round is closed; answers are read-only." in page.content.decode()
    assert _answers(officer) == before
    assert Response.objects.get(respondent=officer).version == 2


def test_submit_in_a_closed_round_is_refused(officer_client, open_round, officer, complete):
    save_answers(open_round, officer, complete)
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)

    page = _submit(officer_client, open_round, follow=True)

    assert _messages(page) == ["This round is closed."]
    assert Response.objects.get(respondent=officer).status == "draft"
    assert not ResponseResult.objects.exists()


# --- Conditional questions --------------------------------------------------------------------


def _strategy_at_level_two(bank, complete, gate):
    """Every shown strategy question at level 2; the follow-up, if stored, at level 4."""
    values = dict(complete)
    for q in bank.section("strategy").questions:
        if q.code == "strategy-written":
            values[q.pk] = AnswerValue(option_id=option(bank, q.code, gate).pk)
        elif q.code == "strategy-follow-through":
            values[q.pk] = AnswerValue(option_id=option(bank, q.code, "l4").pk)
        else:
            values[q.pk] = AnswerValue(option_id=option(bank, q.code, "l2").pk)
    return values


def test_follow_up_of_a_gate_answered_no_is_not_required(officer_client, open_round, officer, bank):
    no = option(bank, "strategy-written", "no")
    save_answers(open_round, officer, {no.question_id: AnswerValue(option_id=no.pk)})

    links = _missing_links(_review(officer_client, open_round))

    follow_up = _link(
        open_round, bank.section("strategy"), question(bank, "strategy-follow-through")
    )
    assert follow_up not in links
    assert _link(open_round, bank.section("strategy"), question(bank, "strategy-vision")) in links


def test_follow_up_of_a_gate_answered_yes_is_required(officer_client, open_round, officer, bank):
    yes = option(bank, "strategy-written", "yes")
    save_answers(open_round, officer, {yes.question_id: AnswerValue(option_id=yes.pk)})

    links = _missing_links(_review(officer_client, open_round))

    follow_up = _link(
        open_round, bank.section("strategy"), question(bank, "strategy-follow-through")
    )
    assert follow_up in links


def test_follow_up_of_a_gate_answered_no_counts_at_level_0_even_if_answered_before(
    officer_client, open_round, officer, bank, complete
):
    save_answers(open_round, officer, _strategy_at_level_two(bank, complete, "no"))

    _submit(officer_client, open_round)

    strategy = bank.section("strategy")
    unconditional = [q for q in strategy.questions if q.is_scored and q.condition_id is None]
    score = DimensionScore.objects.get(
        result__response__respondent=officer, dimension=strategy.dimension
    )
    # The follow-up's stored level 2 is replaced by level 0: "No" never beats a weak "Yes".
    counted = len(unconditional) + 1
    assert (score.applicable, score.answered) == (counted, counted)
    assert (score.score, score.stage) == (
        pytest.approx(100 * 2 * len(unconditional) / (4 * counted)),
        2,
    )


def test_follow_up_of_a_gate_answered_yes_is_scored(
    officer_client, open_round, officer, bank, complete
):
    save_answers(open_round, officer, _strategy_at_level_two(bank, complete, "yes"))

    _submit(officer_client, open_round)

    strategy = bank.section("strategy")
    unconditional = [q for q in strategy.questions if q.is_scored and q.condition_id is None]
    score = DimensionScore.objects.get(
        result__response__respondent=officer, dimension=strategy.dimension
    )
    assert score.applicable == len(unconditional) + 1
    assert score.score == pytest.approx(
        100 * (2 * len(unconditional) + 4) / (4 * (len(unconditional) + 1))
    )


def test_the_review_numbers_questions_as_the_section_pages_do(
    officer_client, open_round, officer, bank
):
    yes = option(bank, "strategy-written", "yes")
    save_answers(open_round, officer, {yes.question_id: AnswerValue(option_id=yes.pk)})

    tree = html(_review(officer_client, open_round))

    (strategy,) = [
        s for s in find_all(tree, "section") if attr(s, "aria-labelledby") == "review-strategy"
    ]
    numbers = [text(term).split(" · ")[0] for term in find_all(strategy, "dt")]
    assert numbers[:4] == ["Question 1", "Question 1a", "Question 2", "Question 3"]
    assert text(find_all(strategy, "dt")[1]) == (
        f"Question 1a · {question(bank, 'strategy-follow-through').text}"
    )
