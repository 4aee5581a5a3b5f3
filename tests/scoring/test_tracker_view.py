"""The completion tracker: who has answered, reopening a submission, and opening or closing a round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from operations.demo import demo_values
from scoring.models import CityResult, ResponseResult
from surveys.answers import answers_load
from surveys.models import Response, Round
from surveys.structure import AnswerValue
from tests import factories
from tests.web import (
    attr,
    bank_of,
    by_id,
    find_all,
    html,
    question,
    save_answers,
    section_data,
    section_of,
    submit_answers,
    text,
)

# The bank has 49 required questions shown to everyone; 10 of them answered, and a follow-up
# that one of them shows (required too) answered as well: 11 of 50 is 22 %, as the officer's
# own pages count it.
ANSWERED_REQUIRED = 10
EXPECTED_PERCENT = "22 %"


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _tracker_url(round_):
    return reverse("scoring:tracker", kwargs={"round_id": round_.pk})


def _status_url(round_):
    return reverse("scoring:round_status", kwargs={"round_id": round_.pk})


def _reopen_url(response):
    return reverse("surveys:reopen", kwargs={"response_id": response.pk})


def _when(moment):
    return dateformat.format(timezone.localtime(moment), "j F Y, H:i")


def _rows(page):
    """Each tracker row's cells as text, without the action column."""
    table = by_id(html(page), "tracker-table")
    return [[text(cell) for cell in find_all(row, "td")][:6] for row in find_all(table, "tr")[1:]]


def _partial_answers(bank):
    """The first ten required, always-shown questions answered, plus the follow-up that one of
    them shows (which counts) and an optional question (which does not)."""
    required = [q for q in bank.questions() if q.required and q.condition_id is None]
    values = {
        q.pk: AnswerValue(option_id=q.options.all()[0].pk) for q in required[:ANSWERED_REQUIRED]
    }
    follow_up = question(bank, "strategy-follow-through")
    assert follow_up.condition_id == values[question(bank, "strategy-written").pk].option_id
    values[follow_up.pk] = AnswerValue(option_id=follow_up.options.all()[2].pk)
    optional = question(bank, "skills-staff")
    assert not optional.required
    values[optional.pk] = AnswerValue(number=12)
    return values


@pytest.fixture
def board(open_round, bank, officer, colleague, foreign_officer):
    """Rotterdam: Mobility submitted, IT and data halfway. Valenciennes: Mobility joined, not started."""
    submitted = submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    draft = save_answers(open_round, colleague, _partial_answers(bank))
    return submitted, draft


def test_facilitator_sees_every_officer_with_state_percent_and_last_activity(
    facilitator_client, open_round, officer, colleague, foreign_officer, board
):
    submitted, draft = board

    page = facilitator_client.get(_tracker_url(open_round))

    assert page.status_code == 200
    assert _rows(page) == [
        [
            "Rotterdam",
            "IT and data",
            colleague.username,
            "in progress",
            EXPECTED_PERCENT,
            _when(draft.updated_at),
        ],
        [
            "Rotterdam",
            "Mobility",
            officer.username,
            "submitted",
            "100 %",
            _when(submitted.updated_at),
        ],
        ["Valenciennes", "Mobility", foreign_officer.username, "joined", "0 %", "—"],
    ]


def test_counts_line_counts_each_state(facilitator_client, open_round, board):
    page = facilitator_client.get(_tracker_url(open_round))

    assert (
        text(by_id(html(page), "tracker-counts"))
        == "submitted: 1 · in progress: 1 · joined: 1 · invited: 0"
    )


def test_only_submitted_rows_offer_a_reopen_button(facilitator_client, open_round, board):
    submitted, _draft = board

    page = facilitator_client.get(_tracker_url(open_round))

    forms = find_all(html(page), "form", action=_reopen_url(submitted))
    assert len(forms) == 1
    # The other rows (in progress, joined) offer a reminder instead.
    remind = reverse("surveys:remind", kwargs={"round_id": open_round.pk})
    actions = [attr(f, "action") for f in find_all(by_id(html(page), "tracker-table"), "form")]
    assert actions == [remind, _reopen_url(submitted), remind]


@pytest.mark.parametrize("role", ["officer", "foreign_officer"])
def test_officers_do_not_find_the_tracker(request, client, open_round, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(_tracker_url(open_round)).status_code == 404


# --- Reopening a submission -------------------------------------------------------------------


@pytest.fixture
def two_submitted(open_round, bank, officer, colleague):
    """Rotterdam's Mobility and IT officers have both submitted."""
    mobility = submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    submit_answers(open_round, colleague, demo_values(bank, "rotterdam", "IT and data", 1))
    return mobility


def test_reopen_returns_a_submission_to_draft_and_records_who_and_when(
    facilitator_client, open_round, facilitator, two_submitted
):
    before = timezone.now()

    reply = facilitator_client.post(_reopen_url(two_submitted), {"next": _tracker_url(open_round)})

    reopened = Response.objects.get(pk=two_submitted.pk)
    assert reply.status_code == 302
    assert reply["Location"] == _tracker_url(open_round)
    assert reopened.status == Response.Status.DRAFT
    assert reopened.reopened_by == facilitator
    assert before <= reopened.reopened_at <= timezone.now()
    assert reopened.version == two_submitted.version + 1


def test_reopen_drops_the_response_score_and_recomputes_the_city(
    facilitator_client, open_round, city, two_submitted
):
    assert CityResult.objects.get(round=open_round, city=city).responses == 2

    facilitator_client.post(_reopen_url(two_submitted), {"next": _tracker_url(open_round)})

    assert not ResponseResult.objects.filter(response=two_submitted).exists()
    assert ResponseResult.objects.filter(round=open_round).count() == 1
    assert CityResult.objects.get(round=open_round, city=city).responses == 1


def test_tracker_shows_when_and_by_whom_a_response_was_reopened(
    facilitator_client, open_round, facilitator, officer, two_submitted
):
    facilitator_client.post(_reopen_url(two_submitted), {"next": _tracker_url(open_round)})
    reopened = Response.objects.get(pk=two_submitted.pk)

    page = facilitator_client.get(_tracker_url(open_round))

    row = next(row for row in _rows(page) if row[2] == officer.username)
    assert row[3] == (
        f"in progress reopened {_when(reopened.reopened_at)} by {facilitator.username}"
    )
    assert text(by_id(html(page), "tracker-counts")) == (
        "submitted: 1 · in progress: 1 · joined: 0 · invited: 0"
    )


@pytest.mark.parametrize(
    "next_url", ["https://evil.example", "https://evil.example/tracker/", "//evil.example/"]
)
def test_reopen_with_an_outside_next_url_redirects_home(
    facilitator_client, open_round, two_submitted, next_url
):
    reply = facilitator_client.post(_reopen_url(two_submitted), {"next": next_url})

    assert reply.status_code == 302
    assert reply["Location"] == reverse("home")
    assert Response.objects.get(pk=two_submitted.pk).status == Response.Status.DRAFT


def test_officers_cannot_reopen_a_response(client, open_round, officer, two_submitted):
    client.force_login(officer)

    reply = client.post(_reopen_url(two_submitted), {"next": _tracker_url(open_round)})

    assert reply.status_code == 404
    assert Response.objects.get(pk=two_submitted.pk).status == Response.Status.SUBMITTED


# --- Opening and closing the round ------------------------------------------------------------


def test_closing_the_round_makes_officers_section_posts_change_nothing(
    client, facilitator, open_round, bank, officer
):
    vision = question(bank, "strategy-vision")
    draft = save_answers(
        open_round, officer, {vision.pk: AnswerValue(option_id=vision.options.all()[1].pk)}
    )
    client.force_login(facilitator)

    reply = client.post(_status_url(open_round), {"status": "closed"})

    assert reply.status_code == 302
    assert reply["Location"] == _tracker_url(open_round)
    assert Round.objects.get(pk=open_round.pk).status == Round.Status.CLOSED
    client.force_login(officer)
    section = section_of(bank, "strategy-vision")
    changed = {vision.pk: AnswerValue(option_id=vision.options.all()[4].pk)}
    page = client.post(
        reverse(
            "surveys:section",
            kwargs={"round_id": open_round.pk, "code": section.dimension.code},
        ),
        section_data(section, changed, version=draft.version),
    )
    stored = Response.objects.get(pk=draft.pk)
    assert page.status_code == 200
    assert stored.version == draft.version
    assert answers_load(stored) == {vision.pk: AnswerValue(option_id=vision.options.all()[1].pk)}


def test_opening_a_closed_round_sets_it_open(facilitator_client, open_round):
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)

    reply = facilitator_client.post(_status_url(open_round), {"status": "open"})

    assert reply.status_code == 302
    assert Round.objects.get(pk=open_round.pk).status == Round.Status.OPEN


def test_closing_asks_first_and_tells_what_it_changes(facilitator_client, open_round, officer):
    draft = factories.ResponseFactory(
        round=open_round, city=officer.membership.city, respondent=officer
    )

    page = facilitator_client.get(_status_url(open_round))

    assert page.status_code == 200
    consequences = text(by_id(html(page), "round-status-consequences"))
    assert "1 response is still in progress" in consequences
    assert "0 submitted responses stay as they are" in consequences
    assert Round.objects.get(pk=open_round.pk).status == Round.Status.OPEN
    assert Response.objects.get(pk=draft.pk).is_editable
    tracker = html(facilitator_client.get(_tracker_url(open_round)))
    assert find_all(tracker, id="round-status-record") == []  # nobody has closed it yet


def test_closing_and_opening_again_record_who_and_when(facilitator_client, facilitator, open_round):
    facilitator_client.post(_status_url(open_round), {"status": "closed"})
    closed = Round.objects.get(pk=open_round.pk)

    assert closed.status_changed_by == facilitator
    assert timezone.now() - closed.status_changed_at < timedelta(minutes=1)
    record = text(
        by_id(html(facilitator_client.get(_tracker_url(open_round))), "round-status-record")
    )
    assert record == f"Closed on {_when(closed.status_changed_at)} by {facilitator.get_username()}."
    confirm = html(facilitator_client.get(_status_url(open_round)))
    assert text(find_all(confirm, "h1")[0]) == f"Open {open_round.title} again?"

    facilitator_client.post(_status_url(open_round), {"status": "open"})
    opened = Round.objects.get(pk=open_round.pk)
    assert opened.status_changed_at > closed.status_changed_at
    record = text(
        by_id(html(facilitator_client.get(_tracker_url(open_round))), "round-status-record")
    )
    assert record.startswith("Opened again on ")


def test_asking_for_the_status_a_round_has_records_nothing(facilitator_client, open_round):
    facilitator_client.post(_status_url(open_round), {"status": "open"})

    assert Round.objects.get(pk=open_round.pk).status_changed_at is None


def test_an_unknown_round_status_is_refused(facilitator_client, open_round):
    reply = facilitator_client.post(_status_url(open_round), {"status": "archived"})

    assert reply.status_code == 400
    assert reply.content.decode() == "Unknown round status."
    assert Round.objects.get(pk=open_round.pk).status == Round.Status.OPEN


def test_officers_cannot_close_a_round(client, open_round, officer):
    client.force_login(officer)

    assert client.post(_status_url(open_round), {"status": "closed"}).status_code == 404
    assert Round.objects.get(pk=open_round.pk).status == Round.Status.OPEN


# --- Queries ----------------------------------------------------------------------------------


def _populate(round_, bank, city, facilitator):
    """Four officers in a city: submitted, reopened, halfway and joined (not started)."""
    now = timezone.now()
    submitted, reopened, halfway, _idle = (
        factories.MembershipFactory(city=city, department=department).user
        for department in ("Mobility", "IT and data", "Urban planning", "Finance")
    )
    factories.ResponseFactory(
        round=round_,
        city=city,
        respondent=submitted,
        status=Response.Status.SUBMITTED,
        submitted_at=now,
    )
    factories.ResponseFactory(
        round=round_,
        city=city,
        respondent=reopened,
        department="IT and data",
        reopened_at=now,
        reopened_by=facilitator,
    )
    vision = question(bank, "strategy-vision")
    save_answers(round_, halfway, {vision.pk: AnswerValue(option_id=vision.options.all()[0].pk)})


def test_tracker_stays_within_ten_queries_for_two_and_six_cities(
    facilitator_client,
    facilitator,
    open_round,
    bank,
    city,
    other_city,
    django_assert_max_num_queries,
):
    for place in (city, other_city):
        _populate(open_round, bank, place, facilitator)
    url = _tracker_url(open_round)
    facilitator_client.get(url)  # warm-up: session
    with django_assert_max_num_queries(10):
        two = facilitator_client.get(url)
    for n in range(4):
        extra = factories.CityFactory(name=f"Extra {n}", slug=f"extra-{n}")
        open_round.cities.add(extra)
        _populate(open_round, bank, extra, facilitator)

    with django_assert_max_num_queries(10):
        six = facilitator_client.get(url)

    assert (len(_rows(two)), len(_rows(six))) == (8, 24)
    assert text(by_id(html(six), "tracker-counts")) == (
        "submitted: 6 · in progress: 12 · joined: 6 · invited: 0"
    )
