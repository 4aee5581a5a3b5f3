"""Many officers saving at once against real PostgreSQL: no lost, duplicated or misordered answer.

200 saves from 10 officers of 3 cities run on 10 threads, each with its own database
connection, through surveys.services.answers_save and its optimistic lock. A save that finds
the response moved on (StaleResponse) re-reads the version and tries again, as the page does.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from queue import Empty, Queue

import pytest
from django.db import connection

from surveys.models import Answer, AnswerChange, Question, Response
from surveys.services import StaleResponse, answers_save, response_get_or_create
from surveys.structure import AnswerValue, bank_for
from tests import factories

SAVES = 200
THREADS = 10
OFFICERS_PER_CITY = {"rotterdam": 4, "valenciennes": 3, "mechelen": 3}


@dataclass(frozen=True)
class Save:
    number: int
    response_id: int
    user_id: int
    values: dict[int, AnswerValue]


@dataclass(frozen=True)
class Ack:
    save: Save
    version: int  # the response's version this save produced
    retries: int


def _plan(responses, questions, seed=20210601) -> list[Save]:
    """Random saves of 1–3 answers each, spread over the officers in random order."""
    rng = random.Random(seed)
    saves = []
    for number in range(SAVES):
        response = rng.choice(responses)
        chosen = rng.sample(questions, rng.randint(1, 3))
        values = {
            q.pk: AnswerValue(
                option_id=rng.choice(list(q.options.all())).pk, comment=f"save {number}"
            )
            for q in chosen
        }
        saves.append(Save(number, response.pk, response.respondent_id, values))
    return saves


def _work(queue: Queue, acks: list[Ack], users: dict[int, object]) -> None:
    try:
        while True:
            try:
                save = queue.get_nowait()
            except Empty:
                return
            response = Response.objects.select_related("round").get(pk=save.response_id)
            retries = 0
            while True:
                try:
                    result = answers_save(
                        response=response,
                        values=save.values,
                        expected_version=response.version,
                        by=users[save.user_id],
                    )
                except StaleResponse as stale:
                    response, retries = stale.response, retries + 1
                else:
                    acks.append(Ack(save, result.response.version, retries))
                    break
    finally:
        connection.close()  # this thread's own connection


@pytest.fixture
def world(banks):
    questionnaire = banks["data-driven-government"]
    bank = bank_for(questionnaire)
    round_ = factories.RoundFactory(questionnaire=questionnaire, title="Concurrent round")
    responses = []
    for slug, count in OFFICERS_PER_CITY.items():
        city = factories.CityFactory(slug=slug, name=slug.title(), country="NL")
        round_.cities.add(city)
        for _ in range(count):
            membership = factories.MembershipFactory(city=city, department="Mobility")
            responses.append(response_get_or_create(round=round_, membership=membership))
    questions = [
        q
        for q in bank.section("strategy").questions
        if q.kind in Question.CHOICE_KINDS and q.condition_id is None
    ]
    return responses, questions


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_keep_the_last_acknowledged_value_and_count_every_version(world):
    responses, questions = world
    saves = _plan(responses, questions)
    queue: Queue[Save] = Queue()
    for save in saves:
        queue.put(save)
    users = {r.respondent_id: r.respondent for r in responses}
    acks: list[Ack] = []

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(_work, queue, acks, users) for _ in range(THREADS)]:
            future.result()

    # Every save acknowledged once, each with its own version of its response.
    assert len(acks) == SAVES
    assert sorted(a.save.number for a in acks) == list(range(SAVES))
    by_response = defaultdict(list)
    for ack in acks:
        by_response[ack.save.response_id].append(ack)
    for response_acks in by_response.values():
        assert sorted(a.version for a in response_acks) == list(range(2, 2 + len(response_acks)))
    versions = dict(Response.objects.values_list("pk", "version"))
    assert versions == {r.pk: 1 + len(by_response[r.pk]) for r in responses}

    # The stored value of each answer is the last acknowledged write to it.
    last: dict[tuple[int, int], tuple[int, AnswerValue]] = {}
    changes = 0
    for ack in sorted(acks, key=lambda a: (a.save.response_id, a.version)):
        for question_id, value in ack.save.values.items():
            key = (ack.save.response_id, question_id)
            previous = last.get(key)
            if previous is None or previous[1] != value:
                changes += 1
            last[key] = (ack.version, value)
    stored = {
        (row.response_id, row.question_id): (row.option_id, row.comment)
        for row in Answer.objects.all()
    }
    assert stored == {key: (v.option_id, v.comment) for key, (_, v) in last.items()}
    pairs = Counter(Answer.objects.values_list("response_id", "question_id"))
    assert Answer.objects.count() == len(pairs) == len(last)
    # One history row per real change, none for a rewrite of the same value.
    assert AnswerChange.objects.count() == changes

    retries = sum(a.retries for a in acks)
    print(
        f"\nconcurrent saves: {SAVES} acknowledged by {THREADS} threads for "
        f"{len(responses)} officers, {retries} retried after a stale version, "
        f"{len(last)} answers stored, 0 lost"
    )
