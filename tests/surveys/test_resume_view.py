"""Resume: back to the first section with required answers missing, or to review when done."""

from __future__ import annotations

import pytest

from operations.demo import demo_values
from surveys.models import Round
from tests.web import FAST_HASHERS, bank_of, save_answers, submit_answers


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


def _resume(client, round_):
    return client.get(f"/rounds/{round_.pk}/")


def _section_url(round_, code):
    return f"/rounds/{round_.pk}/sections/{code}/"


def _answers_of(bank, values, sections):
    codes = {s.dimension.code for s in sections}
    return {
        q.pk: values[q.pk]
        for s in bank.sections
        if s.dimension.code in codes
        for q in s.questions
        if q.pk in values
    }


def test_new_response_resumes_at_the_first_section(officer_client, open_round, bank):
    result = _resume(officer_client, open_round)

    assert result.status_code == 302
    assert result["Location"] == _section_url(open_round, bank.sections[0].dimension.code)


def test_after_the_first_section_is_complete_resume_goes_to_the_second(
    officer_client, open_round, officer, bank
):
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    save_answers(open_round, officer, _answers_of(bank, values, bank.sections[:1]))

    result = _resume(officer_client, open_round)

    assert result["Location"] == _section_url(open_round, bank.sections[1].dimension.code)


def test_resume_skips_complete_sections_to_the_first_with_a_gap(
    officer_client, open_round, officer, bank
):
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    answered = [s for i, s in enumerate(bank.sections) if i != 3]
    save_answers(open_round, officer, _answers_of(bank, values, answered))

    result = _resume(officer_client, open_round)

    assert result["Location"] == _section_url(open_round, bank.sections[3].dimension.code)


def test_complete_draft_resumes_at_review_where_it_can_be_submitted(
    officer_client, open_round, officer, bank
):
    save_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))

    result = _resume(officer_client, open_round)

    assert result["Location"] == f"/rounds/{open_round.pk}/review/"


def test_submitted_response_resumes_at_review(officer_client, open_round, officer, bank):
    submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))

    result = _resume(officer_client, open_round)

    assert result["Location"] == f"/rounds/{open_round.pk}/review/"


def test_closed_round_resumes_at_review(officer_client, open_round):
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)

    result = _resume(officer_client, open_round)

    assert result["Location"] == f"/rounds/{open_round.pk}/review/"
