"""Round-over-round change: each city's dimension scores against the previous round of the same
questionnaire, on a page of its own, and the median city's change on the dashboard."""

from __future__ import annotations

import datetime
import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from scoring.change import previous_round, round_change
from scoring.models import CityDimensionResult
from surveys.models import Questionnaire, Round
from tests import factories
from tests.web import FAST_HASHERS, attr, by_id, find_all, html, text

SESSION_1 = "Session 1 — Data-Driven Government (summer 2021)"
SESSION_2 = "Session 2 — Insight-Driven Mobility Planning (early 2022)"
FOLLOW_UP = "Session 1 follow-up — Data-Driven Government (spring 2023)"
CITIES = ["Antwerp", "Mechelen", "Norfolk", "Rotterdam", "Valenciennes"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, seeded once for this module inside a transaction rolled back at its end
    (each test's own transaction nests inside it as a savepoint)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                call_command("seed_demo", stdout=StringIO())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def rounds(demo, db):
    return {round_.title: round_ for round_ in Round.objects.select_related("questionnaire")}


def _scores(round_):
    return {
        (row.city_result.city.name, row.dimension.code): row.score
        for row in CityDimensionResult.objects.filter(city_result__round=round_).select_related(
            "city_result__city", "dimension"
        )
    }


def _arrow(delta):
    if abs(delta) < 0.05:
        return "■ ±0.0"
    return f"{'▲' if delta > 0 else '▼'} {delta:+.1f}"


# --- round_change -----------------------------------------------------------------------------


def test_follow_up_is_compared_with_session_1(rounds):
    change = round_change(rounds[FOLLOW_UP])

    assert (change.previous.title, change.current.title) == (SESSION_1, FOLLOW_UP)


def test_every_city_has_a_change_per_dimension_with_delta_after_minus_before(rounds):
    follow_up, session_1 = rounds[FOLLOW_UP], rounds[SESSION_1]
    before, after = _scores(session_1), _scores(follow_up)
    codes = list(
        follow_up.questionnaire.dimensions.order_by("position").values_list("code", flat=True)
    )

    change = round_change(follow_up)

    assert [city.city for city in change.cities] == CITIES
    for city in change.cities:
        assert [item.dimension for item in city.changes] == codes
        for item in city.changes:
            key = (city.city, item.dimension)
            assert (item.before, item.after) == (before[key], after[key])
            assert item.delta == after[key] - before[key]


def test_session_1_has_no_round_change(rounds):
    assert round_change(rounds[SESSION_1]) is None


# --- The dashboard section --------------------------------------------------------------------


def _dashboard(client, round_):
    client.force_login(factories.FacilitatorFactory())
    return client.get(reverse("scoring:dashboard", kwargs={"round_id": round_.pk}))


def _change_page(client, round_):
    client.force_login(factories.FacilitatorFactory())
    return client.get(reverse("scoring:round_change", kwargs={"round_id": round_.pk}))


def _table(section):
    return {
        text(find_all(row, "th")[0]): [text(cell) for cell in find_all(row, "td")]
        for row in find_all(by_id(section, "change-table"), "tr")[1:]
    }


def _codes(round_):
    return list(round_.questionnaire.dimensions.order_by("position").values_list("code", flat=True))


def test_the_change_page_shows_each_citys_score_with_an_arrow(client, rounds):
    follow_up = rounds[FOLLOW_UP]
    before, after = _scores(rounds[SESSION_1]), _scores(follow_up)
    codes = _codes(follow_up)

    page = _change_page(client, follow_up)

    assert text(find_all(html(page), "h1")[0]) == f"Change since {SESSION_1}"
    rows = _table(by_id(html(page), "round-change"))
    assert rows == {
        city: [
            f"{after[city, code]:.1f} {_arrow(after[city, code] - before[city, code])}"
            for code in codes
        ]
        for city in CITIES
    }
    cells = " ".join(cell for row in rows.values() for cell in row)
    assert "▲" in cells  # the follow-up's answers lean higher, so most cities went up


def test_the_dashboard_shows_the_median_citys_change_and_links_to_every_citys(client, rounds):
    follow_up = rounds[FOLLOW_UP]
    before, after = _scores(rounds[SESSION_1]), _scores(follow_up)
    codes = _codes(follow_up)

    page = _dashboard(client, follow_up)

    section = by_id(html(page), "round-change")
    assert text(find_all(section, "h2")[0]) == f"Change since {SESSION_1}"
    medians = {
        code: (
            statistics.median(before[city, code] for city in CITIES),
            statistics.median(after[city, code] for city in CITIES),
        )
        for code in codes
    }
    assert _table(section) == {
        "Median of cities": [
            f"{now:.1f} {_arrow(now - was)}" for was, now in (medians[code] for code in codes)
        ]
    }
    link = find_all(section, "a")[-1]
    assert (text(link), attr(link, "href")) == (
        "Every city’s change",
        reverse("scoring:round_change", kwargs={"round_id": follow_up.pk}),
    )


def test_the_change_page_of_a_first_round_says_there_is_nothing_to_compare(client, rounds):
    page = _change_page(client, rounds[SESSION_1])

    assert page.status_code == 200
    assert find_all(html(page), id="round-change") == []
    assert "there is no earlier round to compare with" in text(html(page))


def test_session_1_dashboard_has_no_change_section(client, rounds):
    page = _dashboard(client, rounds[SESSION_1])

    assert page.status_code == 200
    assert find_all(html(page), id="round-change") == []


# --- previous_round ---------------------------------------------------------------------------


def _round(questionnaire, opens_on):
    return factories.RoundFactory(
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=30),
    )


def test_previous_round_is_the_latest_earlier_round_of_the_same_key(ddg, idm):
    oldest = _round(ddg, datetime.date(2031, 1, 1))
    latest_earlier = _round(ddg, datetime.date(2032, 1, 1))
    _round(idm, datetime.date(2032, 6, 1))  # another questionnaire, later: not it
    current = _round(ddg, datetime.date(2033, 1, 1))
    _round(ddg, datetime.date(2034, 1, 1))  # later: not it

    assert previous_round(current) == latest_earlier
    assert previous_round(latest_earlier) == oldest


def test_previous_round_may_use_an_older_version_of_the_questionnaire(ddg):
    newer = Questionnaire.objects.create(
        key=ddg.key,
        version=ddg.version + 1,
        title_en=ddg.title_en,
        status=Questionnaire.Status.DRAFT,
    )
    earlier = _round(ddg, datetime.date(2031, 1, 1))
    current = _round(newer, datetime.date(2032, 1, 1))

    assert previous_round(current) == earlier


def test_previous_round_ignores_rounds_of_another_questionnaire(idm, banks):
    other = Questionnaire.objects.create(key="another-bank", title_en="Another bank")
    _round(idm, datetime.date(1990, 1, 1))
    current = _round(other, datetime.date(1991, 1, 1))

    assert previous_round(current) is None
