"""The cross-city dashboard: every city × dimension, allow-listed filters, facilitators only."""

from __future__ import annotations

import datetime
import statistics

import pytest
from django.urls import reverse

from operations.demo import demo_values
from scoring.consensus import (
    Agreed,
    consensus_get_or_create,
    consensus_items,
    consensus_publish,
    consensus_save,
)
from scoring.models import CityDimensionResult, CityResult
from tests import factories
from tests.web import FAST_HASHERS, attr, bank_of, by_id, find_all, html, submit_answers, text

# The request's own (session, user, permissions: five) and the dashboard's: the round, its
# cities with their results, their scores, the medians (of every city, and of those shown when
# a country is chosen), the previous round and its medians; the action plans: each city's
# completion, and the steps adopted most; the data exchanges of the cities on the page.
DASHBOARD_QUERIES = 15
# The request's five, the round, the previous round and both rounds' scores, with room for one.
CHANGE_PAGE_QUERIES = 10
EXTRA_CITIES = [
    ("Utrecht", "utrecht", "NL"),
    ("Antwerp", "antwerp", "BE"),
    ("Mechelen", "mechelen", "BE"),
    ("Norfolk", "norfolk", "GB"),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _submit_for(round_, bank, city):
    user = factories.MembershipFactory(city=city, department="Mobility").user
    submit_answers(round_, user, demo_values(bank, city.slug, "Mobility", 3))


def _add_cities(round_, bank, entries):
    for name, slug, country in entries:
        city = factories.CityFactory(name=name, slug=slug, country=country)
        round_.cities.add(city)
        _submit_for(round_, bank, city)


@pytest.fixture
def submitted(open_round, bank, city, other_city):
    """Rotterdam (NL) and Valenciennes (FR) have each one submitted response."""
    _submit_for(open_round, bank, city)
    _submit_for(open_round, bank, other_city)
    return open_round


def _dashboard(client, round_, query=""):
    return client.get(f"/rounds/{round_.pk}/dashboard/{query}")


def _rows(page):
    table = by_id(html(page), "dashboard-table")
    return {
        attr(row, "data-city"): [text(cell) for cell in find_all(row, "td")]
        for row in find_all(table, "tr")
        if attr(row, "data-city")
    }


def _warnings(page):
    return [text(alert) for alert in find_all(html(page), "div", class_="alert alert-warning")]


def _expected_row(bank, result):
    cells = {
        row.dimension_id: row for row in CityDimensionResult.objects.filter(city_result=result)
    }
    return [
        result.city.country,
        f"{result.overall_score:.1f} ({result.overall_stage})",
        "—",  # no agreed result published
        *(
            f"{cells[s.dimension.pk].score:.1f} ({cells[s.dimension.pk].stage})"
            for s in bank.sections
        ),
    ]


def test_facilitator_sees_every_city_with_a_score_in_every_cell(
    facilitator_client, submitted, bank
):
    _add_cities(submitted, bank, EXTRA_CITIES[:1])

    page = _dashboard(facilitator_client, submitted)

    assert page.status_code == 200
    rows = _rows(page)
    assert list(rows) == ["rotterdam", "utrecht", "valenciennes"]
    assert rows == {
        result.city.slug: _expected_row(bank, result)
        for result in CityResult.objects.filter(round=submitted).select_related("city")
    }


def test_city_without_a_submission_is_listed_without_scores(
    facilitator_client, open_round, bank, city, other_city
):
    _submit_for(open_round, bank, city)

    rows = _rows(_dashboard(facilitator_client, open_round))

    assert rows["valenciennes"] == ["FR", "no submission", "—", *["—"] * len(bank.sections)]


def test_dashboard_stays_within_fifteen_queries_for_two_and_six_cities(
    facilitator_client, submitted, bank, django_assert_max_num_queries
):
    _dashboard(facilitator_client, submitted)  # warm-up: session and bank cache
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        two = _dashboard(facilitator_client, submitted)
    _add_cities(submitted, bank, EXTRA_CITIES)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        six = _dashboard(facilitator_client, submitted)

    assert (len(_rows(two)), len(_rows(six))) == (2, 6)


def test_country_filter_stays_within_fifteen_queries_for_two_and_six_cities(
    facilitator_client, submitted, bank, django_assert_max_num_queries
):
    _dashboard(facilitator_client, submitted)  # warm-up: session and bank cache
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        two = _dashboard(facilitator_client, submitted, "?country=NL")
    _add_cities(submitted, bank, [(f"Extra {n}", f"extra-{n}", "NL") for n in range(4)])

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        six = _dashboard(facilitator_client, submitted, "?country=NL")

    assert (len(_rows(two)), len(_rows(six))) == (1, 5)


def test_dashboard_and_change_page_stay_within_their_ceilings_for_two_and_eight_cities(
    facilitator_client, ddg, submitted, bank, city, django_assert_max_num_queries
):
    earlier = factories.RoundFactory(
        questionnaire=ddg, opens_on=datetime.date(2020, 6, 1), closes_on=datetime.date(2020, 9, 30)
    )
    earlier.cities.add(city)
    _submit_for(earlier, bank, city)
    change_url = reverse("scoring:round_change", kwargs={"round_id": submitted.pk})
    _dashboard(facilitator_client, submitted)  # warm-up: session and bank cache
    facilitator_client.get(change_url)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        before = _dashboard(facilitator_client, submitted)
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        facilitator_client.get(change_url)
    _add_cities(submitted, bank, EXTRA_CITIES)
    _add_cities(submitted, bank, [(f"Extra {n}", f"extra-{n}", "NL") for n in range(2)])

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        page = _dashboard(facilitator_client, submitted)
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        changes = facilitator_client.get(change_url)

    assert len(_rows(before)) == 2
    assert len(_rows(page)) == 8
    median_row = find_all(by_id(html(page), "change-table"), "th", scope="row")
    assert [text(cell) for cell in median_row] == ["Median of cities"]
    assert len(find_all(by_id(html(changes), "change-table"), "th", scope="row")) == 8


def test_country_filter_shows_only_that_countrys_cities(facilitator_client, submitted, bank):
    _add_cities(submitted, bank, EXTRA_CITIES)

    page = _dashboard(facilitator_client, submitted, "?country=NL")

    assert list(_rows(page)) == ["rotterdam", "utrecht"]
    assert _warnings(page) == []


def test_median_row_is_the_median_of_the_cities_shown(facilitator_client, submitted, bank):
    _add_cities(submitted, bank, EXTRA_CITIES)
    shown = CityDimensionResult.objects.filter(
        city_result__round=submitted, city_result__city__country="BE"
    )
    expected = [
        f"{statistics.median(row.score for row in shown if row.dimension_id == s.dimension.pk):.1f}"
        for s in bank.sections
    ]

    page = _dashboard(facilitator_client, submitted, "?country=BE")

    median_row = find_all(by_id(html(page), "dashboard-table"), "tr", class_="table-light")[0]
    assert text(find_all(median_row, "th")[0]) == "Median of the selected cities"
    assert [text(cell) for cell in find_all(median_row, "td")][
        3:
    ] == expected  # after country, overall, agreed


def test_sort_by_overall_puts_the_highest_score_first(facilitator_client, submitted, bank):
    _add_cities(submitted, bank, EXTRA_CITIES)
    by_score = [
        r.city.slug
        for r in CityResult.objects.filter(round=submitted)
        .select_related("city")
        .order_by("-overall_score")
    ]
    assert by_score != sorted(by_score)  # the two orders differ, so the test can tell them apart

    page = _dashboard(facilitator_client, submitted, "?sort=overall")

    assert list(_rows(page)) == by_score


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        ("?country=ZZ", "Unknown country 'ZZ'; showing all countries."),
        ("?dimension=nonsense", "Unknown dimension 'nonsense'; showing all dimensions."),
        (
            "?sort=%3Cscript%3Ealert(1)%3C/script%3E",
            "Unknown sort order '<script>alert(1)</script>'; sorted by name.",
        ),
    ],
)
def test_unknown_parameter_warns_and_falls_back_to_the_full_list(
    facilitator_client, submitted, bank, query, warning
):
    page = _dashboard(facilitator_client, submitted, query)

    assert page.status_code == 200
    assert _warnings(page) == [warning]
    assert "<script>alert(1)" not in page.content.decode()
    rows = _rows(page)
    assert list(rows) == ["rotterdam", "valenciennes"]
    assert all(len(cells) == 3 + len(bank.sections) for cells in rows.values())


@pytest.mark.parametrize("role", ["officer", "foreign_officer"])
def test_officers_do_not_find_the_dashboard(request, client, submitted, role):
    client.force_login(request.getfixturevalue(role))

    assert _dashboard(client, submitted).status_code == 404


def test_a_published_agreed_result_shows_in_its_own_column(
    facilitator_client, submitted, bank, facilitator
):
    city = submitted.cities.get(slug="rotterdam")
    consensus = consensus_get_or_create(round=submitted, city=city)
    items = consensus_items(submitted, city, consensus)
    agreed = {
        item.question.pk: Agreed(next(a.value for a in item.answers if a.value is not None))
        for item in items
    }
    consensus = consensus_save(
        consensus=consensus, agreed=agreed, expected_version=1, by=facilitator
    )
    consensus = consensus_publish(
        consensus=consensus,
        items=consensus_items(submitted, city, consensus),
        expected_version=consensus.version,
        by=facilitator,
    )

    rows = _rows(_dashboard(facilitator_client, submitted))

    assert rows["rotterdam"][2] == f"{consensus.overall_score:.1f} ({consensus.overall_stage})"
    assert rows["valenciennes"][2] == "—"
