"""Officers of one city submitting at the same moment: the city's result counts every one."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from operations.demo import demo_values
from scoring import engine
from scoring.bridge import engine_bank, engine_response
from scoring.models import CityResult
from surveys.models import Response
from surveys.services import response_get_or_create, response_submit
from tests import factories
from tests.web import bank_of, save_answers

DEPARTMENTS = ("Mobility", "IT and data", "Urban planning", "Finance", "Environment")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_of_one_city_each_count_in_its_result(banks):
    city = factories.CityFactory(name="Antwerp", slug="antwerp", country="BE")
    round_ = factories.RoundFactory(questionnaire=banks["data-driven-government"])
    round_.cities.add(city)
    bank = bank_of(round_)
    users = [factories.MembershipFactory(city=city, department=d).user for d in DEPARTMENTS]
    values = {
        user.pk: demo_values(bank, "antwerp", user.membership.department, 3) for user in users
    }
    for user in users:
        save_answers(round_, user, values[user.pk])
    start = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def submit(user) -> None:
        try:
            response = response_get_or_create(round=round_, membership=user.membership)
            start.wait()
            response_submit(response=response, by=user)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Response.objects.filter(status="submitted").count() == len(users)
    result = CityResult.objects.get(round=round_, city=city)
    ebank = engine_bank(bank)
    scores = [
        (
            u.membership.department,
            engine.score_response(
                ebank, engine_response(bank, u.membership.department, values[u.pk])
            ),
        )
        for u in users
    ]
    expected = engine.combine_city(ebank, scores)
    assert result.responses == len(users)
    assert result.overall_score == pytest.approx(expected.overall_score)
