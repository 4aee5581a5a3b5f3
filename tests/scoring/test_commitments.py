"""Commitments beyond capacity on the results page, the report, the dashboard's grid and the
tracker's link between a Session 2 round and a Session 1 round."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations.demo import demo_values
from scoring.commitments import check_cities
from surveys.structure import AnswerValue
from tests import factories
from tests.web import FAST_HASHERS, bank_of, by_id, find_all, html, option, submit_answers, text

RULE = "trip-data-without-dpia"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def session_2(idm, city, other_city):
    round_ = factories.RoundFactory(
        questionnaire=idm,
        title="Session 2 test round",
        opens_on=datetime.date(2022, 1, 10),
        closes_on=datetime.date(2022, 4, 30),
    )
    round_.cities.add(city, other_city)
    return round_


def _submit(round_, user, city, **chosen: str):
    """The officer's demo answers, with the given question codes set to these options."""
    bank = bank_of(round_)
    values = demo_values(bank, city.slug, user.membership.department, 3)
    for code, option_code in chosen.items():
        picked = option(bank, code, option_code)
        values[picked.question_id] = AnswerValue(option_id=picked.pk)
    return submit_answers(round_, user, values)


@pytest.fixture
def gap(open_round, session_2, city, officer, colleague):
    """Rotterdam collects individual trips (levels 4, 3 and 0: median 3, mean 2.33) while its
    GDPR practice is at levels 0, 1 and 4 (median 1, mean 1.67): by the median, the city's level,
    the DPIA rule (trip data 3 or more, GDPR practice 1 or less) fires; by the mean it would not."""
    planner = factories.MembershipFactory(city=city, department="Urban planning").user
    for user, gdpr, trips in (
        (officer, "l0", "l4"),
        (colleague, "l1", "l3"),
        (planner, "l4", "l0"),
    ):
        _submit(open_round, user, city, **{"governance-gdpr": gdpr})
        _submit(session_2, user, city, **{"access-trip-data": trips})


def _fired(page) -> list[str]:
    return [
        dict(item.attributes)["data-rule"]
        for item in find_all(by_id(html(page), "commitments-list"), "li")
    ]


def _card(page, code):
    return next(
        item
        for item in find_all(by_id(html(page), "commitments-list"), "li")
        if dict(item.attributes)["data-rule"] == code
    )


def test_the_session_2_results_show_the_rule_the_answers_behind_it_and_the_way_out(
    client, officer, city, session_2, gap
):
    client.force_login(officer)

    page = client.get(f"/rounds/{session_2.pk}/cities/{city.slug}/results/")

    assert RULE in _fired(page)
    card = text(_card(page, RULE))
    assert "Individual trip data is collected without a DPIA practice" in card
    assert (
        "What trip data does the city receive from shared-mobility operators? — level 3 of 4: "
        "We receive individual trips (start and end time and place)"
    ) in card
    assert (
        "How does the city make sure that new data projects comply with the GDPR? — "
        "level 1 of 4: Projects ask the data protection officer for advice when someone thinks "
        "of it"
    ) in card
    assert "To close the gap: Carry out a DPIA for shared-mobility trip data now" in card


def test_the_session_1_results_show_the_same_check(client, officer, city, open_round, gap):
    client.force_login(officer)

    page = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/results/")

    assert RULE in _fired(page)


def test_the_report_lists_the_commitments_beyond_capacity(client, officer, city, session_2, gap):
    client.force_login(officer)

    page = client.get(f"/rounds/{session_2.pk}/cities/{city.slug}/report/")

    assert RULE in _fired(page)


def test_without_session_1_answers_the_page_says_the_check_waits(client, officer, city, session_2):
    _submit(session_2, officer, city, **{"access-trip-data": "l4"})
    client.force_login(officer)

    page = client.get(f"/rounds/{session_2.pk}/cities/{city.slug}/results/")

    assert text(by_id(html(page), "commitments-waiting")).startswith(
        "This check sets what the city demands or promises in mobility (Session 2)"
    )
    assert find_all(html(page), id="commitments-list") == []


def test_a_round_no_rule_concerns_shows_no_section(client, officer, city, ddg, open_round):
    # No rule reads a questionnaire of another key, and its own bank declares none.
    other = factories.RoundFactory(questionnaire=ddg, title="Another")
    other.cities.add(city)
    ddg.key = "something-else"  # the rules read data-driven-government only
    ddg.save(update_fields=["key"])
    client.force_login(officer)

    page = client.get(f"/rounds/{other.pk}/cities/{city.slug}/results/")

    assert find_all(html(page), id="commitments") == []


def test_the_city_level_is_the_median_of_its_officers(city, session_2, open_round, gap):
    check = check_cities(session_2, [city])[city.pk]

    fired = next(item for item in check.fired if item.rule.code == RULE)
    assert (fired.demand.value, fired.capacity.value) == (3.0, 1.0)
    assert (fired.demand.round, fired.capacity.round) == (session_2, open_round)


def test_raising_the_capacity_answer_stops_the_rule(city, session_2, open_round, officer, gap):
    response = open_round.responses.get(respondent=officer)
    bank = bank_of(open_round)
    l4 = option(bank, "governance-gdpr", "l4")
    response.answers.filter(question_id=l4.question_id).update(option=l4)
    check = check_cities(session_2, [city])[city.pk]

    # The median of levels 4, 1 and 4 is 4: above the rule's maximum of 1.
    assert RULE not in check.fired_codes()


def test_a_linked_session_1_round_is_read_instead_of_the_latest(
    city, ddg, session_2, open_round, officer, colleague, gap
):
    later = factories.RoundFactory(
        questionnaire=ddg,
        title="Session 1 follow-up",
        opens_on=datetime.date(2023, 3, 1),
        closes_on=datetime.date(2023, 5, 31),
    )
    later.cities.add(city)
    _submit(later, officer, city, **{"governance-gdpr": "l4"})

    unlinked = check_cities(session_2, [city])[city.pk]
    session_2.capacity_round = open_round
    session_2.save(update_fields=["capacity_round"])
    linked = check_cities(session_2, [city])[city.pk]

    assert (unlinked.capacity_round, RULE in unlinked.fired_codes()) == (later, False)
    assert (linked.capacity_round, RULE in linked.fired_codes()) == (open_round, True)


def test_checking_more_cities_takes_no_more_queries(
    idm, ddg, session_2, open_round, city, other_city, gap
):
    valenciennes_officer = factories.MembershipFactory(city=other_city, department="Mobility").user
    _submit(open_round, valenciennes_officer, other_city)
    _submit(session_2, valenciennes_officer, other_city)

    with CaptureQueriesContext(connection) as one:
        check_cities(session_2, [city])
    with CaptureQueriesContext(connection) as two:
        checks = check_cities(session_2, [city, other_city])

    assert sorted(checks) == sorted([city.pk, other_city.pk])
    assert len(two) == len(one)


def test_the_dashboard_grid_marks_the_fired_rule_per_city(
    client, facilitator, session_2, city, other_city, gap
):
    client.force_login(facilitator)

    page = html(client.get(f"/rounds/{session_2.pk}/dashboard/"))

    rows = {
        dict(row.attributes)["data-city"]: row
        for row in find_all(by_id(page, "rule-grid-table"), "tr")
        if "data-city" in dict(row.attributes)
    }
    fired = [
        dict(cell.attributes)["data-rule"]
        for cell in find_all(rows[city.slug], "td")
        if find_all(cell, "span", class_="badge text-bg-warning")
    ]
    assert RULE in fired
    assert text(rows[other_city.slug]) == "Valenciennes Needs submitted answers in both sessions."
    assert len(find_all(by_id(page, "rule-grid-legend"), "li")) == 10


def test_the_dashboard_of_a_session_1_round_has_no_grid(client, facilitator, open_round):
    client.force_login(facilitator)

    page = html(client.get(f"/rounds/{open_round.pk}/dashboard/"))

    assert find_all(page, id="rule-grid") == []


def test_a_facilitator_links_the_session_1_round_on_the_tracker(
    client, facilitator, session_2, open_round
):
    client.force_login(facilitator)
    tracker = html(client.get(f"/rounds/{session_2.pk}/tracker/"))
    choices = [text(o) for o in find_all(by_id(tracker, "capacity-round-form"), "option")]

    result = client.post(
        f"/rounds/{session_2.pk}/capacity-round/", {"capacity_round": str(open_round.pk)}
    )

    session_2.refresh_from_db()
    assert choices == ["Each city's latest Session 1 result", "Session 1 test round"]
    assert (result.status_code, result["Location"]) == (302, f"/rounds/{session_2.pk}/tracker/")
    assert session_2.capacity_round == open_round


def test_a_round_of_another_questionnaire_cannot_be_linked(client, facilitator, session_2):
    client.force_login(facilitator)

    result = client.post(
        f"/rounds/{session_2.pk}/capacity-round/",
        {"capacity_round": str(session_2.pk)},
        follow=True,
    )

    session_2.refresh_from_db()
    assert session_2.capacity_round is None
    assert [str(m) for m in result.context["messages"]] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_the_tracker_of_a_session_1_round_offers_no_link(client, facilitator, open_round):
    client.force_login(facilitator)

    page = html(client.get(f"/rounds/{open_round.pk}/tracker/"))

    assert find_all(page, id="capacity-round-form") == []


def test_a_session_1_round_refuses_a_link(client, facilitator, open_round):
    client.force_login(facilitator)

    result = client.post(
        f"/rounds/{open_round.pk}/capacity-round/", {"capacity_round": ""}, follow=True
    )

    open_round.refresh_from_db()
    assert [str(m) for m in result.context["messages"]] == [
        "This round's questionnaire has no consistency rules."
    ]


def test_the_pdf_report_carries_the_commitments(client, officer, city, session_2, gap):
    client.force_login(officer)

    result = client.get(f"/rounds/{session_2.pk}/cities/{city.slug}/report.pdf")

    words = " ".join(
        " ".join(page.extract_text().split())
        for page in pypdf.PdfReader(io.BytesIO(result.content)).pages
    )
    assert (result.status_code, result["Content-Type"]) == (200, "application/pdf")
    assert "Commitments beyond capacity" in words
    assert "Individual trip data is collected without a DPIA practice" in words
    assert "To close the gap: Carry out a DPIA" in words


def test_an_earlier_session_1_round_is_compared_only_when_linked(
    city, ddg, session_2, open_round, officer, colleague, gap
):
    later = factories.RoundFactory(
        questionnaire=ddg,
        title="Session 1 follow-up",
        opens_on=datetime.date(2023, 3, 1),
        closes_on=datetime.date(2023, 5, 31),
    )
    later.cities.add(city)
    _submit(later, officer, city, **{"governance-gdpr": "l4"})

    unlinked = (check_cities(open_round, [city], ""), check_cities(later, [city], ""))
    session_2.capacity_round = open_round
    session_2.save(update_fields=["capacity_round"])
    linked = (check_cities(open_round, [city], ""), check_cities(later, [city], ""))

    assert [sorted(checks) for checks in unlinked] == [[], [city.pk]]
    assert [sorted(checks) for checks in linked] == [[city.pk], []]
    assert linked[0][city.pk].demand_round == session_2
