"""The section page: show a dimension's questions, save them, refuse bad or stale input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from operations.demo import demo_values
from surveys.models import Answer, Question, Response
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
    question,
    save_answers,
    section_data,
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


def _url(round_, code):
    return f"/rounds/{round_.pk}/sections/{code}/"


def _answer(response, bank, code):
    return Answer.objects.get(response=response, question=question(bank, code))


def _checked(tree, field):
    return [attr(i, "value") for i in find_all(tree, "input", name=field) if has_attr(i, "checked")]


def _textarea(tree, field):
    (area,) = find_all(tree, "textarea", name=field)
    return text(area)


def _errors_of(tree):
    summary = by_id(tree, "error-summary")
    return {attr(link, "href"): text(link) for link in find_all(summary, "a")}


# --- GET --------------------------------------------------------------------------------------


def test_first_visit_creates_the_officers_one_response(officer_client, open_round, officer):
    officer_client.get(_url(open_round, "strategy"))
    officer_client.get(_url(open_round, "strategy"))

    response = Response.objects.get(round=open_round, respondent=officer)
    assert (response.city.slug, response.department, response.status, response.version) == (
        "rotterdam",
        "Mobility",
        "draft",
        1,
    )
    assert Response.objects.filter(round=open_round).count() == 1


def test_page_shows_every_question_of_the_dimension_and_the_version(
    officer_client, open_round, bank
):
    section = bank.section("governance")

    page = officer_client.get(_url(open_round, "governance"))

    assert page.status_code == 200
    body = page.content.decode()
    for q in section.questions:
        assert escape(q.text) in body, q.code
    tree = html(page)
    codes = [
        attr(card, "data-question")
        for card in find_all(tree, "section")
        if attr(card, "data-question")
    ]
    assert codes == [q.code for q in section.questions]
    (version,) = find_all(tree, "input", name="version")
    assert (attr(version, "type"), attr(version, "value")) == ("hidden", "1")


def test_unknown_section_code_is_not_found(officer_client, open_round):
    assert officer_client.get(_url(open_round, "no-such-dimension")).status_code == 404


# --- Saving -----------------------------------------------------------------------------------


def test_save_and_continue_stores_answers_and_goes_to_the_next_section(
    officer_client, open_round, officer, bank
):
    section = bank.section("data-management")
    inventory = option(bank, "data-inventory", "l3")
    practices = (
        option(bank, "data-practices", "lineage"),
        option(bank, "data-practices", "error-reporting"),
    )
    values = {
        inventory.question_id: AnswerValue(
            option_id=inventory.pk,
            comment="The register covers 40 datasets.",
            evidence_url="https://example.org/register",
        ),
        practices[0].question_id: AnswerValue(choice_ids=tuple(p.pk for p in practices)),
    }

    page = officer_client.post(
        _url(open_round, "data-management"), section_data(section, values, version=1, action="next")
    )

    assert page.status_code == 302
    assert page["Location"] == _url(open_round, "infrastructure")
    response = Response.objects.get(round=open_round, respondent=officer)
    assert response.version == 2
    saved = _answer(response, bank, "data-inventory")
    assert (saved.option_id, saved.comment, saved.evidence_url) == (
        inventory.pk,
        "The register covers 40 datasets.",
        "https://example.org/register",
    )
    ticked = _answer(response, bank, "data-practices")
    assert ticked.option_id is None
    assert sorted(ticked.choices.values_list("pk", flat=True)) == sorted(p.pk for p in practices)
    assert Answer.objects.filter(response=response).count() == 2


def test_save_and_go_back_goes_to_the_previous_section(officer_client, open_round, bank):
    section = bank.section("data-management")
    chosen = option(bank, "data-quality", "l1")

    page = officer_client.post(
        _url(open_round, "data-management"),
        section_data(
            section,
            {chosen.question_id: AnswerValue(option_id=chosen.pk)},
            version=1,
            action="back",
        ),
    )

    assert page.status_code == 302
    assert page["Location"] == _url(open_round, "governance")


def test_save_and_continue_on_the_last_section_goes_to_review(officer_client, open_round, bank):
    last = bank.sections[-1]

    page = officer_client.post(
        _url(open_round, last.dimension.code), section_data(last, {}, version=1, action="next")
    )

    assert page["Location"] == f"/rounds/{open_round.pk}/review/"


# --- Invalid input ----------------------------------------------------------------------------


def _skills_post_with_staff(bank, staff):
    section = bank.section("skills")
    literacy = option(bank, "skills-literacy", "l3")
    data = section_data(
        section,
        {
            literacy.question_id: AnswerValue(
                option_id=literacy.pk, comment="Two analysts per department."
            )
        },
        version=1,
        action="next",
    )
    data["skills-staff__answer"] = staff
    return data, literacy


def test_number_above_its_maximum_is_refused_with_an_error_summary(
    officer_client, open_round, officer, bank
):
    staff = question(bank, "skills-staff")
    assert staff.max_value == Decimal("500.00")
    data, _literacy = _skills_post_with_staff(bank, "501")

    page = officer_client.post(_url(open_round, "skills"), data)

    assert page.status_code == 400
    tree = html(page)
    message = "Question 8: enter a number of 500 or less"
    assert _errors_of(tree) == {"#div_id_skills-staff__answer": message}
    assert text(by_id(tree, "id_skills-staff__answer_error")) == message
    assert text(find_all(tree, "title")[0]).startswith("Error: ")


def test_refused_number_keeps_the_other_typed_answers_on_the_page_and_saves_them(
    officer_client, open_round, officer, bank
):
    data, literacy = _skills_post_with_staff(bank, "501")

    page = officer_client.post(_url(open_round, "skills"), data)

    tree = html(page)
    assert _checked(tree, "skills-literacy__answer") == [str(literacy.pk)]
    assert _textarea(tree, "skills-literacy__comment") == "Two analysts per department."
    (staff_input,) = find_all(tree, "input", name="skills-staff__answer")
    assert attr(staff_input, "value") == "501"
    response = Response.objects.get(round=open_round, respondent=officer)
    saved = _answer(response, bank, "skills-literacy")
    assert (saved.option_id, saved.comment) == (literacy.pk, "Two analysts per department.")
    assert not Answer.objects.filter(response=response, question__code="skills-staff").exists()
    # The re-rendered form carries the new version, so correcting and saving again works.
    (version,) = find_all(tree, "input", name="version")
    assert attr(version, "value") == str(response.version) == "2"


def test_number_below_its_minimum_is_refused(officer_client, open_round, bank):
    data, _literacy = _skills_post_with_staff(bank, "-1")

    page = officer_client.post(_url(open_round, "skills"), data)

    assert page.status_code == 400
    assert text(by_id(html(page), "id_skills-staff__answer_error")) == (
        "Question 8: enter a number of 0 or more"
    )


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("NaN", "Question 8: enter a number, like 12 or 12.5"),
        ("Infinity", "Question 8: enter a number, like 12 or 12.5"),
        ("12abc", "Question 8: enter a number, like 12 or 12.5"),
        ("1e400", "Question 8: enter a number of 500 or less"),
        ("1.234", "Question 8: use at most 2 decimals"),
    ],
)
def test_number_that_is_not_a_plain_amount_is_a_field_error(
    officer_client, open_round, bank, posted, message
):
    data, _literacy = _skills_post_with_staff(bank, posted)

    page = officer_client.post(_url(open_round, "skills"), data)

    assert page.status_code == 400
    tree = html(page)
    assert list(_errors_of(tree)) == ["#div_id_skills-staff__answer"]
    assert message in text(by_id(tree, "div_id_skills-staff__answer"))


def test_comment_longer_than_5000_characters_is_refused_whole_and_shown_back_uncut(
    officer_client, open_round, officer, bank
):
    data = section_data(bank.section("strategy"), {}, version=1)
    data["strategy-vision__comment"] = "x" * 5100

    page = officer_client.post(_url(open_round, "strategy"), data)

    assert page.status_code == 400
    tree = html(page)
    message = (
        "Question 2 — comment: use at most 5000 characters: this has 5100. Nothing was cut; "
        "shorten it and save again."
    )
    assert _errors_of(tree) == {"#div_id_strategy-vision__comment": message}
    assert _textarea(tree, "strategy-vision__comment") == "x" * 5100
    # No maxlength: a browser would cut a longer paste without a word.
    (area,) = find_all(tree, "textarea", name="strategy-vision__comment")
    assert not has_attr(area, "maxlength")
    assert attr(area, "data-char-limit") == "5000"
    assert attr(area, "aria-describedby") == (
        "id_strategy-vision__comment_error id_strategy-vision__comment_count"
    )
    assert text(by_id(tree, "id_strategy-vision__comment_count")) == (
        "You can enter up to 5000 characters."
    )
    assert not Answer.objects.filter(response__respondent=officer).exists()


def test_a_text_of_5000_characters_with_line_breaks_is_kept_whole(
    officer_client, open_round, officer, bank
):
    # A browser posts a line break as two characters; it counts as one, as on the page.
    typed = ("y" * 99 + "\r\n") * 50
    data = section_data(bank.section("strategy"), {}, version=1)
    data["strategy-vision__comment"] = typed

    page = officer_client.post(_url(open_round, "strategy"), data)

    assert page.status_code == 302
    saved = _answer(Response.objects.get(respondent=officer), bank, "strategy-vision")
    assert saved.comment == typed.replace("\r\n", "\n").strip()
    assert len(saved.comment) == 4999


def test_none_of_these_ticked_with_practices_is_refused_with_a_message(
    officer_client, open_round, officer, bank
):
    lineage = option(bank, "data-practices", "lineage")
    none = option(bank, "data-practices", "none")
    data = section_data(bank.section("data-management"), {}, version=1)
    data["data-practices__answer"] = [str(none.pk), str(lineage.pk)]

    page = officer_client.post(_url(open_round, "data-management"), data)

    assert page.status_code == 400
    tree = html(page)
    assert _errors_of(tree) == {
        "#div_id_data-practices__answer": (
            "Question 7: “None of these yet” cannot be ticked together with other answers: "
            "untick it, or untick the others."
        )
    }
    assert sorted(_checked(tree, "data-practices__answer")) == sorted(
        [str(none.pk), str(lineage.pk)]
    )
    assert not Answer.objects.filter(response__respondent=officer).exists()


def test_the_options_that_stand_alone_are_marked_for_the_pages_script(
    officer_client, open_round, bank
):
    page = officer_client.get(_url(open_round, "data-management"))

    marked = [
        attr(box, "value")
        for box in find_all(html(page), "input", name="data-practices__answer")
        if has_attr(box, "data-exclusive")
    ]
    specials = [o for o in question(bank, "data-practices").options.all() if o.special]
    assert marked == [str(o.pk) for o in specials]
    assert {o.code for o in specials} == {"none", "dont-know"}


def test_malformed_evidence_link_is_a_field_error(officer_client, open_round, officer, bank):
    section = bank.section("strategy")
    vision = option(bank, "strategy-vision", "l2")
    data = section_data(section, {vision.question_id: AnswerValue(option_id=vision.pk)}, version=1)
    data["strategy-vision__evidence"] = "not a url"

    page = officer_client.post(_url(open_round, "strategy"), data)

    assert page.status_code == 400
    tree = html(page)
    assert _errors_of(tree) == {
        "#div_id_strategy-vision__evidence": (
            "Question 2 — evidence link: enter a full web address, like "
            "https://www.example.org/plan.pdf"
        )
    }
    response = Response.objects.get(round=open_round, respondent=officer)
    assert not Answer.objects.filter(response=response).exists()


def test_an_evidence_link_without_its_scheme_is_completed_with_https(
    officer_client, open_round, officer, bank
):
    data = section_data(bank.section("strategy"), {}, version=1)
    data["strategy-vision__evidence"] = "www.example.org/x"

    page = officer_client.post(_url(open_round, "strategy"), data)

    assert page.status_code == 302
    saved = _answer(Response.objects.get(respondent=officer), bank, "strategy-vision")
    assert saved.evidence_url == "https://www.example.org/x"


def test_an_evidence_link_over_500_characters_is_refused_not_cut(
    officer_client, open_round, officer, bank
):
    long_link = "https://www.example.org/" + "a" * 480
    data = section_data(bank.section("strategy"), {}, version=1)
    data["strategy-vision__evidence"] = long_link

    page = officer_client.post(_url(open_round, "strategy"), data)

    tree = html(page)
    assert _errors_of(tree) == {
        "#div_id_strategy-vision__evidence": (
            "Question 2 — evidence link: use a web address of at most 500 characters: this one "
            "has 504"
        )
    }
    (box,) = find_all(tree, "input", name="strategy-vision__evidence")
    assert (attr(box, "value"), has_attr(box, "maxlength")) == (long_link, False)
    assert not Answer.objects.filter(response__respondent=officer).exists()


@pytest.mark.parametrize(
    ("field", "posted"),
    [
        ("strategy-vision__answer", "999999"),
        ("strategy-vision__answer", "l2"),
        ("strategy-vision__answer", "OTHER_QUESTION"),
        ("strategy-written__answer", "-1"),
    ],
)
def test_option_that_is_not_one_of_the_questions_is_a_field_error(
    officer_client, open_round, officer, bank, field, posted
):
    if posted == "OTHER_QUESTION":
        posted = str(option(bank, "strategy-sponsor", "l2").pk)
    data = section_data(bank.section("strategy"), {}, version=1)
    data[field] = posted

    page = officer_client.post(_url(open_round, "strategy"), data)

    assert page.status_code == 400
    tree = html(page)
    number = "2" if field.startswith("strategy-vision") else "1"
    assert _errors_of(tree) == {
        f"#div_id_{field}": f"Question {number}: choose one of the options shown"
    }
    assert not Answer.objects.filter(response__respondent=officer).exists()


def test_unknown_practice_in_a_multiple_choice_is_a_field_error(
    officer_client, open_round, officer, bank
):
    data = section_data(bank.section("data-management"), {}, version=1)
    data["data-practices__answer"] = [str(option(bank, "data-practices", "lineage").pk), "999999"]

    page = officer_client.post(_url(open_round, "data-management"), data)

    assert page.status_code == 400
    assert text(by_id(html(page), "id_data-practices__answer_error")) == (
        "Question 7: choose one of the options shown"
    )
    assert not Answer.objects.filter(response__respondent=officer).exists()


def test_nul_character_in_a_comment_is_a_field_error(officer_client, open_round, officer, bank):
    data = section_data(bank.section("strategy"), {}, version=1)
    data["strategy-vision__comment"] = "before\x00after"

    page = officer_client.post(_url(open_round, "strategy"), data)

    assert page.status_code == 400
    tree = html(page)
    assert _errors_of(tree) == {
        "#div_id_strategy-vision__comment": (
            "Question 2 — comment: remove the invisible control character (NUL) that came in "
            "with pasted text"
        )
    }
    assert not Answer.objects.filter(response__respondent=officer).exists()


# --- Conflicts --------------------------------------------------------------------------------


def _stale_post(officer_client, open_round, officer, bank):
    stored = option(bank, "strategy-vision", "l1")
    typed = option(bank, "strategy-vision", "l4")
    save_answers(open_round, officer, {stored.question_id: AnswerValue(option_id=stored.pk)})
    page = officer_client.post(
        _url(open_round, "strategy"),
        section_data(
            bank.section("strategy"),
            {typed.question_id: AnswerValue(option_id=typed.pk)},
            version=1,
        ),
    )
    return page, stored, typed


def test_save_based_on_an_older_version_is_refused_with_a_conflict(
    officer_client, open_round, officer, bank
):
    page, stored, typed = _stale_post(officer_client, open_round, officer, bank)

    assert page.status_code == 409
    tree = html(page)
    assert "Not saved: this response changed in another tab or window" in text(
        by_id(tree, "conflict-message")
    )
    response = Response.objects.get(round=open_round, respondent=officer)
    assert response.version == 2
    assert _answer(response, bank, "strategy-vision").option_id == stored.pk
    # What was typed stays on screen.
    assert _checked(tree, "strategy-vision__answer") == [str(typed.pk)]


def test_saving_again_after_a_conflict_keeps_the_typed_answers(
    officer_client, open_round, officer, bank
):
    page, _stored, typed = _stale_post(officer_client, open_round, officer, bank)
    (version,) = find_all(html(page), "input", name="version")

    again = officer_client.post(
        _url(open_round, "strategy"),
        section_data(
            bank.section("strategy"),
            {typed.question_id: AnswerValue(option_id=typed.pk)},
            version=int(attr(version, "value")),
        ),
    )

    assert again.status_code == 302
    response = Response.objects.get(round=open_round, respondent=officer)
    assert _answer(response, bank, "strategy-vision").option_id == typed.pk


# --- Query counts -----------------------------------------------------------------------------


def _count_queries(callable_):
    """The queries a request makes, without the savepoint statements that only a test has (its
    own transaction turns a save's transaction into a savepoint)."""
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return sum(1 for query in queries if "SAVEPOINT" not in query["sql"])


def test_section_page_runs_the_same_queries_for_the_smallest_and_largest_dimension(
    officer_client, open_round, officer, bank, django_assert_max_num_queries
):
    sections = sorted(bank.sections, key=lambda s: len(s.questions))
    smallest, largest = sections[0], sections[-1]
    assert len(smallest.questions) < len(largest.questions)
    save_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    officer_client.get(_url(open_round, smallest.dimension.code))  # warm-up: session, caches

    small = _count_queries(lambda: officer_client.get(_url(open_round, smallest.dimension.code)))
    large = _count_queries(lambda: officer_client.get(_url(open_round, largest.dimension.code)))

    assert small == large
    with django_assert_max_num_queries(10):
        officer_client.get(_url(open_round, largest.dimension.code))


def test_saving_one_answer_or_a_whole_section_stays_within_the_page_ceiling(
    officer_client, open_round, officer, bank
):
    section = bank.section("data-management")
    every = {
        q.pk: value
        for q in section.questions
        if (value := demo_values(bank, "rotterdam", "Mobility", 1).get(q.pk)) is not None
    }
    assert len(every) == len(section.questions)
    officer_client.get(_url(open_round, "data-management"))  # warm-up: creates the response
    whole = _count_queries(
        lambda: officer_client.post(
            _url(open_round, "data-management"), section_data(section, every, version=1)
        )
    )
    # Then one answer alone, ticking other practices, so it writes every kind of row too.
    multi = next(q for q in section.questions if q.kind == Question.Kind.MULTI)
    others = tuple(
        o.pk
        for o in multi.options.all()
        if not o.special and o.pk not in every[multi.pk].choice_ids
    )
    assert others
    one = _count_queries(
        lambda: officer_client.post(
            _url(open_round, "data-management"),
            section_data(section, {**every, multi.pk: AnswerValue(choice_ids=others)}, version=2),
        )
    )

    assert Response.objects.get(respondent=officer).version == 3
    assert Answer.objects.get(response__respondent=officer, question=multi).choices.count() == len(
        others
    )
    # Either way at most one statement per kind of row, whatever the number of answers: claim
    # the version, upsert the answers, untick and tick practices, record the history.
    assert whole <= 12
    assert one <= 12


# --- What the officer reads: numbers, precision, language -------------------------------------


@pytest.mark.parametrize(
    ("language", "stored", "shown"),
    [
        ("en", Decimal("12.50"), "12.5"),
        ("nl", Decimal("12.50"), "12,5"),
        ("fr", Decimal("0.10"), "0,1"),
        ("en", Decimal("500.00"), "500"),
    ],
)
def test_a_saved_number_is_shown_back_with_the_precision_typed(
    officer_client, open_round, officer, city, bank, language, stored, shown
):
    city.language = language
    city.save()
    staff = question(bank, "skills-staff")
    save_answers(open_round, officer, {staff.pk: AnswerValue(number=stored)})

    page = officer_client.get(_url(open_round, "skills"))

    (box,) = find_all(html(page), "input", name="skills-staff__answer")
    assert attr(box, "value") == shown


def test_a_decimal_comma_is_read_in_dutch(officer_client, open_round, officer, city, bank):
    city.language = "nl"
    city.save()
    data, _literacy = _skills_post_with_staff(bank, "12,5")

    officer_client.post(_url(open_round, "skills"), data)

    saved = _answer(Response.objects.get(respondent=officer), bank, "skills-staff")
    assert saved.number == Decimal("12.5")


def test_in_dutch_the_message_and_page_title_name_the_question_in_dutch(
    officer_client, open_round, city, bank
):
    city.language = "nl"
    city.save()
    data = section_data(bank.section("strategy"), {}, version=1)
    data["strategy-vision__evidence"] = "geen adres"

    page = officer_client.post(_url(open_round, "strategy"), data)

    tree = html(page)
    assert _errors_of(tree) == {
        "#div_id_strategy-vision__evidence": (
            "Vraag 2 — link naar onderbouwing: vul een volledig webadres in, zoals "
            "https://www.example.org/plan.pdf"
        )
    }
    assert text(find_all(tree, "title")[0]).startswith("Fout: ")


def test_a_page_without_errors_has_no_error_in_its_title(officer_client, open_round):
    page = officer_client.get(_url(open_round, "strategy"))

    assert not text(find_all(html(page), "title")[0]).startswith("Error")


def test_follow_ups_are_numbered_after_their_question_with_a_letter(officer_client, open_round):
    page = officer_client.get(_url(open_round, "strategy"))

    tree = html(page)
    labels = [
        text(label).split(" · ")[0]
        for label in find_all(tree, "p")
        if (attr(label, "id") or "").startswith("q-")
    ]
    assert labels[:4] == ["Question 1", "Question 1a", "Question 2", "Question 3"]
    assert text(by_id(tree, "q-strategy-follow-through-label")).startswith("Question 1a · ")
