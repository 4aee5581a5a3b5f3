"""Background save from the section page: JSON answers for saved, partial, stale and locked."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.utils import timezone

from operations.demo import demo_values
from surveys.models import Answer, Response
from surveys.structure import AnswerValue
from tests.web import (
    FAST_HASHERS,
    bank_of,
    option,
    question,
    save_answers,
    section_data,
    submit_answers,
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
    return f"/rounds/{round_.pk}/sections/{code}/autosave/"


def _shown_required(bank, section=None):
    """Required questions shown before any answer: those without a condition."""
    sections = [section] if section else bank.sections
    return sum(1 for s in sections for q in s.questions if q.required and q.condition_id is None)


def _stored(officer, bank, code):
    return Answer.objects.filter(response__respondent=officer, question=question(bank, code))


def test_autosave_stores_the_answer_and_reports_the_new_version(
    officer_client, open_round, officer, bank
):
    section = bank.section("strategy")
    vision = option(bank, "strategy-vision", "l2")

    result = officer_client.post(
        _url(open_round, "strategy"),
        section_data(
            section,
            {vision.question_id: AnswerValue(option_id=vision.pk, comment="Agreed in 2020.")},
            version=1,
        ),
    )

    assert result.status_code == 200
    response = Response.objects.get(round=open_round, respondent=officer)
    assert response.version == 2
    required = _shown_required(bank)
    in_section = _shown_required(bank, section)
    assert result.json() == {
        "status": "saved",
        "version": 2,
        "saved_at": timezone.localtime(response.updated_at).strftime("%H:%M"),
        "errors": {},
        "visible": sorted(q.code for q in section.questions if q.condition_id is None),
        "progress": {
            "answered": 1,
            "required": required,
            "percent": round(100 / required),
            "text": f"1 of {required} required answers",
        },
        "section": {
            "code": "strategy",
            "answered": 1,
            "required": in_section,
            "percent": round(100 / in_section),
            "complete": False,
            "text": f"1 of {in_section} required questions in this section answered.",
        },
        "sections": [
            {
                "code": s.dimension.code,
                "answered": 1 if s is section else 0,
                "required": _shown_required(bank, s),
                "percent": round(100 * (1 if s is section else 0) / _shown_required(bank, s)),
                "complete": False,
                "text": (
                    f"{1 if s is section else 0} of {_shown_required(bank, s)} required "
                    "questions in this section answered."
                ),
            }
            for s in bank.sections
        ],
    }
    saved = _stored(officer, bank, "strategy-vision").get()
    assert (saved.option_id, saved.comment) == (vision.pk, "Agreed in 2020.")


def test_autosave_of_a_gate_answered_yes_reveals_its_follow_up_without_moving_the_count(
    officer_client, open_round, bank
):
    # Question 1 and its follow-up 1a are one required answer: the count stays, and question 1
    # counts as answered once 1a is answered too.
    yes = option(bank, "strategy-written", "yes")
    follow_up = option(bank, "strategy-follow-through", "l2")
    section = bank.section("strategy")
    in_section = _shown_required(bank, section)

    gate_only = officer_client.post(
        _url(open_round, "strategy"),
        section_data(section, {yes.question_id: AnswerValue(option_id=yes.pk)}, version=1),
    ).json()
    both = officer_client.post(
        _url(open_round, "strategy"),
        section_data(
            section,
            {
                yes.question_id: AnswerValue(option_id=yes.pk),
                follow_up.question_id: AnswerValue(option_id=follow_up.pk),
            },
            version=2,
        ),
    ).json()

    assert "strategy-follow-through" in gate_only["visible"]
    assert (gate_only["section"]["answered"], gate_only["section"]["required"]) == (0, in_section)
    assert (both["section"]["answered"], both["section"]["required"]) == (1, in_section)
    assert both["progress"]["required"] == _shown_required(bank)


def test_autosave_from_an_older_version_is_refused_and_changes_nothing(
    officer_client, open_round, officer, bank
):
    stored = option(bank, "strategy-vision", "l1")
    typed = option(bank, "strategy-vision", "l4")
    response = save_answers(
        open_round, officer, {stored.question_id: AnswerValue(option_id=stored.pk)}
    )

    result = officer_client.post(
        _url(open_round, "strategy"),
        section_data(
            bank.section("strategy"),
            {typed.question_id: AnswerValue(option_id=typed.pk)},
            version=1,
        ),
    )

    assert result.status_code == 409
    saved_at = timezone.localtime(response.updated_at).strftime("%H:%M")
    assert result.json() == {
        "status": "conflict",
        "message": (
            f"Not saved: this response was changed in another tab or window at {saved_at}. "
            "Copy anything you need, then reload the page."
        ),
        "version": 2,
    }
    response.refresh_from_db()
    assert response.version == 2
    assert _stored(officer, bank, "strategy-vision").get().option_id == stored.pk


def test_autosave_without_a_version_is_refused_as_stale(officer_client, open_round, officer, bank):
    vision = option(bank, "strategy-vision", "l2")
    data = section_data(
        bank.section("strategy"), {vision.question_id: AnswerValue(option_id=vision.pk)}, version=1
    )
    del data["version"]

    result = officer_client.post(_url(open_round, "strategy"), data)

    assert (result.status_code, result.json()["status"]) == (409, "conflict")
    assert not _stored(officer, bank, "strategy-vision").exists()


def test_autosave_with_an_invalid_field_saves_the_valid_answers_and_reports_partial(
    officer_client, open_round, officer, bank
):
    literacy = option(bank, "skills-literacy", "l3")
    data = section_data(
        bank.section("skills"),
        {literacy.question_id: AnswerValue(option_id=literacy.pk)},
        version=1,
    )
    data["skills-staff__answer"] = "501"

    result = officer_client.post(_url(open_round, "skills"), data)

    assert result.status_code == 200
    body = result.json()
    assert (body["status"], body["version"]) == ("partial", 2)
    assert body["errors"] == {"skills-staff__answer": ["Question 8: enter a number of 500 or less"]}
    assert _stored(officer, bank, "skills-literacy").get().option_id == literacy.pk
    assert not _stored(officer, bank, "skills-staff").exists()


def test_autosave_of_a_submitted_response_is_refused_as_locked(
    officer_client, open_round, officer, bank
):
    submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    before = list(
        Answer.objects.filter(response__respondent=officer).values_list("pk", "option_id")
    )
    response = Response.objects.get(respondent=officer)
    vision = option(bank, "strategy-vision", "l0")

    result = officer_client.post(
        _url(open_round, "strategy"),
        section_data(
            bank.section("strategy"),
            {vision.question_id: AnswerValue(option_id=vision.pk)},
            version=response.version,
        ),
    )

    assert result.status_code == 409
    assert result.json() == {
        "status": "locked",
        "message": "This response can no longer be changed.",
    }
    after = list(Answer.objects.filter(response__respondent=officer).values_list("pk", "option_id"))
    assert after == before


def test_autosave_does_not_answer_get(officer_client, open_round):
    assert officer_client.get(_url(open_round, "strategy")).status_code == 405


def test_autosave_sends_anonymous_visitors_to_the_login_page(client, open_round):
    url = _url(open_round, "strategy")

    result = client.post(url, {"version": "1"})

    assert result.status_code == 302
    assert result["Location"] == f"/accounts/login/?next={quote(url)}"
    assert not Response.objects.exists()


def test_an_autosave_makes_a_few_queries_whatever_it_changes(
    officer_client, open_round, officer, bank, django_assert_max_num_queries
):
    section = bank.section("data-management")
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    response = save_answers(open_round, officer, values)
    officer_client.post(
        _url(open_round, "data-management"),
        section_data(section, values, version=response.version),
    )
    multi = next(q for q in section.questions if q.kind == "multi")
    values[multi.pk] = AnswerValue(choice_ids=values[multi.pk].choice_ids[:1], comment="Changed")

    # Session, user, response, answers; claim the version, upsert the answer, untick an
    # option, record the history; and the savepoint a test's transaction adds around a save.
    with django_assert_max_num_queries(10):
        reply = officer_client.post(
            _url(open_round, "data-management"),
            section_data(section, values, version=response.version + 1),
        )

    assert reply.json()["status"] == "saved"
    assert reply.json()["version"] == response.version + 2
    assert Answer.objects.get(response=response, question=multi).comment == "Changed"
