"""All questions on one page: shown, saved, refused with nothing lost, and submitted in one post."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations.demo import demo_values
from scoring.models import ResponseResult
from surveys.models import Answer, Response
from surveys.structure import AnswerValue
from tests.web import (
    FAST_HASHERS,
    attr,
    bank_of,
    by_id,
    find_all,
    has_attr,
    html,
    option,
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
def officer_client(client, officer, colleague):
    # The colleague puts "IT and data", a partner of Mobility's demo exchanges, on the city's
    # department list.
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


def _url(round_):
    return f"/rounds/{round_.pk}/all/"


def _data(bank, values, *, version, action="stay"):
    """What the browser posts for the one-page form whose inputs hold ``values``."""
    data = {"version": str(version), "action": action}
    for section in bank.sections:
        fields = section_data(section, values, version=version)
        del fields["version"], fields["action"]
        data.update(fields)
    return data


def _response(round_, officer):
    return Response.objects.get(round=round_, respondent=officer)


def _checked(tree, name):
    return [attr(i, "value") for i in find_all(tree, "input", name=name) if has_attr(i, "checked")]


def _stored(response):
    return {a.question.code: a for a in Answer.objects.filter(response=response)}


def test_page_shows_every_question_of_every_section_with_the_saved_answers(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l2")
    save_answers(open_round, officer, {vision.question_id: AnswerValue(option_id=vision.pk)})

    page = officer_client.get(_url(open_round))

    assert page.status_code == 200
    tree = html(page)
    cards = find_all(tree, "section", class_="card mb-3 question")
    assert [attr(card, "data-question") for card in cards] == [q.code for q in bank.questions()]
    headings = [text(by_id(tree, f"section-{s.dimension.code}-title")) for s in bank.sections]
    assert headings == [f"{n}. {s.dimension.title}" for n, s in enumerate(bank.sections, 1)]
    # Numbered within their section ("2.1"), so every card has a name of its own on the page.
    second = bank.sections[1].questions[0]
    assert text(by_id(tree, f"q-{second.code}-label")).startswith("Question 2.1 ·")
    assert _checked(tree, "strategy-vision__answer") == [str(vision.pk)]
    # A follow-up whose gate is unanswered starts hidden, as on its section page.
    follow_up = next(q for q in bank.questions() if q.condition_id is not None)
    assert has_attr(by_id(tree, f"q-{follow_up.code}"), "hidden")
    # The section list jumps within the page; the form autosaves to its own address.
    nav = find_all(tree, "nav", aria_labelledby="sections-heading")[0]
    hrefs = [attr(a, "href") for a in find_all(nav, "a")]
    assert hrefs[: len(bank.sections)] == [f"#section-{s.dimension.code}" for s in bank.sections]
    form = by_id(tree, "section-form")
    assert attr(form, "data-autosave-url") == f"/rounds/{open_round.pk}/all/autosave/"


def test_section_pages_and_the_review_page_link_to_the_one_page_form(officer_client, open_round):
    link = f'href="/rounds/{open_round.pk}/all/"'

    section = officer_client.get(f"/rounds/{open_round.pk}/sections/strategy/")
    review = officer_client.get(f"/rounds/{open_round.pk}/review/")

    assert link in section.content.decode()
    assert link in review.content.decode()


def test_save_stores_answers_of_several_sections_in_one_post(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l3")
    literacy = option(bank, "skills-literacy", "l1")
    values = {
        vision.question_id: AnswerValue(option_id=vision.pk, comment="Adopted in 2023."),
        literacy.question_id: AnswerValue(option_id=literacy.pk),
    }
    officer_client.get(_url(open_round))  # starts the response, at version 1

    saved = officer_client.post(_url(open_round), _data(bank, values, version=1), follow=True)

    assert saved.redirect_chain == [(_url(open_round), 302)]
    assert "Your answers were saved at" in saved.content.decode()
    stored = _stored(_response(open_round, officer))
    assert set(stored) == {"strategy-vision", "skills-literacy"}
    assert (stored["strategy-vision"].option_id, stored["strategy-vision"].comment) == (
        vision.pk,
        "Adopted in 2023.",
    )
    assert _response(open_round, officer).version == 2


def test_save_and_submit_submits_and_scores_the_whole_response_in_one_post(
    officer_client, open_round, officer, bank, complete
):
    officer_client.get(_url(open_round))
    data = _data(bank, complete, version=1, action="submit")

    with CaptureQueriesContext(connection) as queries:
        submitted = officer_client.post(_url(open_round), data)

    assert submitted.status_code == 302
    assert submitted["Location"] == f"/rounds/{open_round.pk}/review/"
    response = _response(open_round, officer)
    assert response.status == Response.Status.SUBMITTED
    assert len(_stored(response)) == len(complete)
    assert ResponseResult.objects.filter(response=response).exists()
    # A save and a submit in one post: the page's ceiling of 12 for each, whatever the answer
    # count (less the request's own reads, made once), and a test's savepoint statements.
    assert sum(1 for query in queries if "SAVEPOINT" not in query["sql"]) <= 2 * 12
    review = officer_client.get(submitted["Location"])
    assert "Thank you — your answers were submitted." in review.content.decode()


def test_submit_of_an_incomplete_page_saves_it_and_lists_what_is_missing(
    officer_client, open_round, officer, bank, complete
):
    missing = next(q for q in bank.questions() if q.required and q.condition_id is None)
    del complete[missing.pk]
    officer_client.get(_url(open_round))

    page = officer_client.post(
        _url(open_round), _data(bank, complete, version=1, action="submit"), follow=True
    )

    assert page.redirect_chain == [(f"/rounds/{open_round.pk}/review/", 302)]
    assert "Not submitted: 1 required answer is missing." in page.content.decode()
    response = _response(open_round, officer)
    assert response.status == Response.Status.DRAFT
    assert len(_stored(response)) == len(complete)


def test_refused_number_keeps_every_typed_answer_and_saves_the_valid_ones(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l2")
    literacy = option(bank, "skills-literacy", "l4")
    values = {
        vision.question_id: AnswerValue(option_id=vision.pk, comment="Typed, kept."),
        literacy.question_id: AnswerValue(option_id=literacy.pk),
    }
    officer_client.get(_url(open_round))
    data = _data(bank, values, version=1, action="submit")
    data["skills-staff__answer"] = "501"

    page = officer_client.post(_url(open_round), data)

    assert page.status_code == 400
    tree = html(page)
    summary = by_id(tree, "error-summary")
    (link,) = find_all(summary, "a")
    assert attr(link, "href") == "#div_id_skills-staff__answer"
    (staff,) = find_all(tree, "input", name="skills-staff__answer")
    assert attr(staff, "value") == "501"
    assert _checked(tree, "strategy-vision__answer") == [str(vision.pk)]
    (comment,) = find_all(tree, "textarea", name="strategy-vision__comment")
    assert text(comment) == "Typed, kept."
    response = _response(open_round, officer)
    assert response.status == Response.Status.DRAFT  # an error stops the submit
    assert set(_stored(response)) == {"strategy-vision", "skills-literacy"}
    (version,) = find_all(tree, "input", name="version")
    assert attr(version, "value") == str(response.version) == "2"


def test_post_from_a_stale_page_is_refused_and_shows_the_typed_answers(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l1")
    save_answers(open_round, officer, {vision.question_id: AnswerValue(option_id=vision.pk)})
    other = option(bank, "strategy-vision", "l4")

    page = officer_client.post(
        _url(open_round),
        _data(bank, {other.question_id: AnswerValue(option_id=other.pk)}, version=1),
    )

    assert page.status_code == 409
    tree = html(page)
    assert find_all(tree, id="conflict-message")
    assert _checked(tree, "strategy-vision__answer") == [str(other.pk)]
    assert _stored(_response(open_round, officer))["strategy-vision"].option_id == vision.pk


def test_submitted_response_is_shown_read_only_and_a_post_changes_nothing(
    officer_client, open_round, officer, bank, complete
):
    response = submit_answers(open_round, officer, complete)
    before = {code: a.option_id for code, a in _stored(response).items()}
    vision = option(bank, "strategy-vision", "l0")

    page = officer_client.post(
        _url(open_round),
        _data(bank, {vision.question_id: AnswerValue(option_id=vision.pk)}, version=9),
    )

    assert page.status_code == 200
    tree = html(page)
    fieldsets = [f for f in find_all(tree, "fieldset") if has_attr(f, "disabled")]
    assert len(fieldsets) == len(bank.sections)
    assert not find_all(tree, "button", name="action")
    assert {code: a.option_id for code, a in _stored(response).items()} == before


def test_autosave_of_the_page_saves_answers_of_several_sections(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l2")
    literacy = option(bank, "skills-literacy", "l3")
    values = {
        vision.question_id: AnswerValue(option_id=vision.pk),
        literacy.question_id: AnswerValue(option_id=literacy.pk),
    }
    officer_client.get(_url(open_round))
    data = _data(bank, values, version=1)
    del data["action"]

    reply = officer_client.post(f"/rounds/{open_round.pk}/all/autosave/", data)

    assert reply.status_code == 200
    body = reply.json()
    assert (body["status"], body["version"]) == ("saved", 2)
    assert "section" not in body  # a section page's reply only
    assert body["progress"]["answered"] == 2
    assert set(_stored(_response(open_round, officer))) == {"strategy-vision", "skills-literacy"}


def test_on_the_page_of_all_questions_numbers_carry_the_section_and_errors_name_them(
    officer_client, open_round, bank
):
    data = section_data(bank.section("governance"), {}, version=1)
    data["governance-policy__evidence"] = "not a link"

    page = officer_client.post(_url(open_round), data)

    tree = html(page)
    assert text(by_id(tree, "q-strategy-follow-through-label")).startswith("Question 1.1a · ")
    assert text(by_id(tree, "q-governance-policy-label")).startswith("Question 2.1 · ")
    assert text(by_id(tree, "id_governance-policy__evidence_error")) == (
        "Question 2.1 — evidence link: enter a full web address, like "
        "https://www.example.org/plan.pdf"
    )
    assert text(find_all(tree, "title")[0]).startswith("Error: ")
