"""Edges of a round's life: no reopening in a closed round, no draft made by looking at one,
and a save retried after its reply was lost."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from operations.demo import demo_values
from scoring.models import CityResult
from surveys.models import Answer, Membership, Response, Round
from tests.web import bank_of, save_answers, section_data, submit_answers


def _close(round_: Round) -> None:
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)


def test_reopening_a_response_of_a_closed_round_is_refused_and_changes_nothing(
    client, facilitator, open_round, officer
):
    submitted = submit_answers(
        open_round, officer, demo_values(bank_of(open_round), "rotterdam", "Mobility", 1)
    )
    result = CityResult.objects.get(round=open_round)
    _close(open_round)
    client.force_login(facilitator)
    tracker = reverse("scoring:tracker", kwargs={"round_id": open_round.pk})

    reply = client.post(
        reverse("surveys:reopen", kwargs={"response_id": submitted.pk}), {"next": tracker}
    )

    assert reply.status_code == 302
    assert [str(m) for m in get_messages(reply.wsgi_request)] == [
        "This round is closed: open it again before reopening a response."
    ]
    assert Response.objects.get(pk=submitted.pk).status == Response.Status.SUBMITTED
    assert CityResult.objects.get(round=open_round) == result
    assert b"Reopen" not in client.get(tracker).content


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_a_closed_rounds_pages_stores_no_response(client, open_round, officer, method):
    _close(open_round)
    client.force_login(officer)
    bank = bank_of(open_round)
    urls = [
        reverse("surveys:review", kwargs={"round_id": open_round.pk}),
        reverse("surveys:questionnaire", kwargs={"round_id": open_round.pk}),
        reverse(
            "surveys:section",
            kwargs={"round_id": open_round.pk, "code": bank.sections[0].dimension.code},
        ),
    ]

    statuses = [getattr(client, method)(url).status_code for url in urls]

    assert statuses == [200, 200, 200]
    assert not Response.objects.exists()


def test_a_closed_rounds_unstarted_response_cannot_be_saved_or_submitted(
    client, open_round, officer
):
    _close(open_round)
    client.force_login(officer)
    bank = bank_of(open_round)
    section = bank.sections[0]
    values = demo_values(bank, "rotterdam", "Mobility", 1)

    autosave = client.post(
        reverse(
            "surveys:autosave",
            kwargs={"round_id": open_round.pk, "code": section.dimension.code},
        ),
        section_data(section, values, version=1),
    )
    submit = client.post(reverse("surveys:submit", kwargs={"round_id": open_round.pk}))

    assert (autosave.status_code, autosave.json()["status"]) == (409, "locked")
    assert submit.status_code == 302
    assert not Response.objects.exists()


def test_a_save_retried_after_its_reply_was_lost_counts_as_saved(client, open_round, officer):
    bank = bank_of(open_round)
    section = bank.sections[0]
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    response = save_answers(open_round, officer, {})  # version 2: the page holds version 2
    client.force_login(officer)
    url = reverse(
        "surveys:autosave", kwargs={"round_id": open_round.pk, "code": section.dimension.code}
    )
    data = section_data(section, values, version=response.version)
    first = client.post(url, data)  # saved; suppose its reply never reached the page

    retried = client.post(url, data)

    assert (first.status_code, first.json()["version"]) == (200, response.version + 1)
    assert (retried.status_code, retried.json()["status"]) == (200, "saved")
    assert retried.json()["version"] == response.version + 1
    assert Response.objects.get(pk=response.pk).version == response.version + 1


def test_a_different_save_on_an_old_version_is_still_a_conflict(client, open_round, officer):
    bank = bank_of(open_round)
    section = bank.sections[0]
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    other = demo_values(bank, "rotterdam", "Mobility", 2)
    assert any(values[q.pk] != other[q.pk] for q in section.questions)
    response = save_answers(open_round, officer, {})
    client.force_login(officer)
    url = reverse(
        "surveys:autosave", kwargs={"round_id": open_round.pk, "code": section.dimension.code}
    )
    client.post(url, section_data(section, values, version=response.version))

    late = client.post(url, section_data(section, other, version=response.version))

    assert (late.status_code, late.json()["status"]) == (409, "conflict")


def test_an_officer_moved_to_another_city_never_writes_into_the_old_citys_response(
    client, open_round, officer, other_city
):
    bank = bank_of(open_round)
    section = bank.sections[0]
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    started = save_answers(open_round, officer, values)
    stored = Answer.objects.filter(response=started).count()
    Membership.objects.filter(user=officer).update(city=other_city)  # now in Valenciennes
    client.force_login(officer)
    section_url = reverse(
        "surveys:section", kwargs={"round_id": open_round.pk, "code": section.dimension.code}
    )
    changed = demo_values(bank, "rotterdam", "Mobility", 2)

    page = client.get(section_url)
    autosave = client.post(
        reverse(
            "surveys:autosave",
            kwargs={"round_id": open_round.pk, "code": section.dimension.code},
        ),
        section_data(section, changed, version=started.version),
    )
    saved = client.post(section_url, section_data(section, changed, version=started.version))
    client.post(reverse("surveys:submit", kwargs={"round_id": open_round.pk}))

    assert page.status_code == 200
    assert (
        "This response stays with Rotterdam, the city you answered for: it is read-only now"
        " that you belong to another city." in page.content.decode()
    )
    assert (autosave.status_code, autosave.json()["status"]) == (409, "locked")
    assert autosave.json()["message"] == (
        "This response stays with Rotterdam: you can no longer change it."
    )
    assert saved.status_code == 200  # shown again, read-only; nothing saved
    response = Response.objects.get(pk=started.pk)
    assert (response.city_id, response.status, response.version) == (
        started.city_id,
        Response.Status.DRAFT,
        started.version,
    )
    assert Answer.objects.filter(response=started).count() == stored
    assert Response.objects.count() == 1
