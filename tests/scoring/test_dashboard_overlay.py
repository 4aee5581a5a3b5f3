"""The dashboard's radar overlay: ?city=<slug> (repeatable) picks the cities drawn with the median."""

from __future__ import annotations

import json
import re
from statistics import median

import pytest
from django.urls import reverse

from operations.demo import demo_values
from scoring.dashboard import RADAR_CITIES
from scoring.models import CityDimensionResult
from tests import factories
from tests.web import bank_of, find_all, html, submit_answers, text

MEDIAN = "Median of all cities"
WARNING = "Unknown cities were left out of the radar."
OVERLAY = re.compile(r'<script id="overlay-figure" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def three_cities(open_round, bank, city, other_city):
    """Antwerp, Rotterdam and Valenciennes each have one submitted response."""
    antwerp = factories.CityFactory(name="Antwerp", slug="antwerp", country="BE")
    open_round.cities.add(antwerp)
    for place in (antwerp, city, other_city):
        user = factories.MembershipFactory(city=place, department="Mobility").user
        submit_answers(open_round, user, demo_values(bank, place.slug, "Mobility", 2))
    return open_round


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _dashboard(client, round_, query=""):
    return client.get(reverse("scoring:dashboard", kwargs={"round_id": round_.pk}) + query)


def _overlay(page):
    return json.loads(OVERLAY.search(page.content.decode()).group(1))


def _trace_names(page):
    return [trace["name"] for trace in _overlay(page)["data"]]


def _warnings(page):
    return [text(alert) for alert in find_all(html(page), "div", class_="alert alert-warning")]


def test_without_a_choice_every_city_with_a_result_is_drawn(facilitator_client, three_cities):
    page = _dashboard(facilitator_client, three_cities)

    assert _trace_names(page) == ["Antwerp", "Rotterdam", "Valenciennes", MEDIAN]
    assert _warnings(page) == []


def test_chosen_cities_limit_the_radar_to_them_and_the_median(facilitator_client, three_cities):
    page = _dashboard(facilitator_client, three_cities, "?city=rotterdam&city=antwerp")

    assert page.status_code == 200
    assert _trace_names(page) == ["Antwerp", "Rotterdam", MEDIAN]
    assert _warnings(page) == []
    ticked = [
        dict(box.attributes)["value"]
        for box in find_all(html(page), "input", name="city")
        if "checked" in dict(box.attributes)
    ]
    assert ticked == ["antwerp", "rotterdam"]


def test_the_median_stays_the_median_of_all_cities(facilitator_client, three_cities, bank):
    page = _dashboard(facilitator_client, three_cities, "?city=rotterdam")

    traces = {trace["name"]: trace for trace in _overlay(page)["data"]}
    scores = [
        [
            row.score
            for row in CityDimensionResult.objects.filter(
                city_result__round=three_cities, dimension=section.dimension
            )
        ]
        for section in bank.sections
    ]
    medians = [median(values) for values in scores]
    assert all(len(values) == 3 for values in scores)
    assert traces[MEDIAN]["r"] == pytest.approx([*medians, medians[0]])


def test_an_unknown_city_is_left_out_with_a_warning(facilitator_client, three_cities):
    page = _dashboard(facilitator_client, three_cities, "?city=rotterdam&city=atlantis")

    assert page.status_code == 200
    assert _warnings(page) == [WARNING]
    assert _trace_names(page) == ["Rotterdam", MEDIAN]


def test_a_city_outside_the_round_counts_as_unknown(facilitator_client, three_cities):
    factories.CityFactory(name="Utrecht", slug="utrecht", country="NL")

    page = _dashboard(facilitator_client, three_cities, "?city=utrecht")

    assert _warnings(page) == [WARNING]
    assert _trace_names(page) == ["Antwerp", "Rotterdam", "Valenciennes", MEDIAN]


@pytest.fixture
def crowded(open_round, bank):
    """One city more with a result than the radar tells apart, named "City 0" to "City 8"."""
    for n in range(RADAR_CITIES + 1):
        place = factories.CityFactory(name=f"City {n}", slug=f"city-{n}", country="NL")
        open_round.cities.add(place)
        user = factories.MembershipFactory(city=place, department="Mobility").user
        submit_answers(open_round, user, demo_values(bank, place.slug, "Mobility", n))
    return open_round


def test_with_more_cities_than_the_radar_tells_apart_only_the_median_is_drawn_until_some_are_ticked(
    facilitator_client, crowded
):
    page = _dashboard(facilitator_client, crowded)

    assert _trace_names(page) == [MEDIAN]
    assert text(find_all(html(page), "figcaption", id="overlay-caption")[0]).startswith(
        "The median of all cities per dimension. Too many cities to tell apart on one radar:"
        f" tick up to {RADAR_CITIES} above"
    )


def test_ticking_more_cities_than_the_radar_tells_apart_draws_the_first_ones_with_a_warning(
    facilitator_client, crowded
):
    query = "?" + "&".join(f"city=city-{n}" for n in range(RADAR_CITIES + 1))

    page = _dashboard(facilitator_client, crowded, query)

    assert _trace_names(page) == [f"City {n}" for n in range(RADAR_CITIES)] + [MEDIAN]
    assert _warnings(page) == [
        f"The radar tells at most {RADAR_CITIES} cities apart: it shows the first {RADAR_CITIES}."
    ]


def test_one_dimension_is_drawn_as_a_bar_per_city_with_the_median(
    facilitator_client, three_cities, bank
):
    section = bank.sections[1]
    stored = {
        row.city_result.city.name: row.score
        for row in CityDimensionResult.objects.filter(
            city_result__round=three_cities, dimension=section.dimension
        ).select_related("city_result__city")
    }

    page = _dashboard(facilitator_client, three_cities, f"?dimension={section.dimension.code}")

    bars, median_line = _overlay(page)["data"]
    assert bars["type"] == "bar"
    assert dict(zip(bars["y"], bars["x"], strict=True)) == stored
    assert bars["y"] == ["Antwerp", "Rotterdam", "Valenciennes"]
    assert median_line["name"] == MEDIAN
    assert median_line["x"] == [median(stored.values())] * 2
    assert "with the median of all cities as a dashed line" in text(html(page))


def test_a_country_filter_names_its_median_the_median_of_the_selected_cities(
    facilitator_client, three_cities
):
    page = _dashboard(facilitator_client, three_cities, "?country=BE")

    assert _trace_names(page) == ["Antwerp", "Median of the selected cities"]
