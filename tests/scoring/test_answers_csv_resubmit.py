"""A reopened and resubmitted response carries its new submission time in the answers CSV."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from operations.demo import demo_values
from scoring.answers_csv import ANSWER_HEADER, answer_rows
from surveys.models import Response
from surveys.services import response_reopen, response_submit
from tests.web import bank_of, submit_answers

SUBMITTED = ANSWER_HEADER.index("submitted_at")

pytestmark = pytest.mark.django_db

FIRST_SUBMISSION = datetime(2024, 3, 2, 9, 30, tzinfo=UTC)


def test_a_resubmitted_response_has_its_new_submission_time_in_the_answers_csv(
    open_round, officer, facilitator
):
    bank = bank_of(open_round)
    response = submit_answers(open_round, officer, demo_values(bank, "rotterdam", "IT", 1))
    Response.objects.filter(pk=response.pk).update(submitted_at=FIRST_SUBMISSION)
    reopened = response_reopen(response=Response.objects.get(pk=response.pk), by=facilitator)

    resubmitted = response_submit(response=reopened, by=officer)

    assert resubmitted.submitted_at is not None
    assert resubmitted.submitted_at > FIRST_SUBMISSION
    # The export writes PostgreSQL's ISO text (a fraction without trailing zeros): compare times.
    times = {datetime.fromisoformat(row[SUBMITTED]) for row in answer_rows(open_round, "en")}
    assert times == {resubmitted.submitted_at}
