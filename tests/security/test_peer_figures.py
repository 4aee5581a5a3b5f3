"""Officers see figures of other cities only where at least three other cities have a score, so
nothing they can fetch gives another city's score away; facilitators always see them."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.db.models import F
from django.urls import reverse

from operations.demo import demo_values
from scoring.models import CityDimensionResult, CityResult
from tests import factories
from tests.web import bank_of, by_id, find_all, html, submit_answers, text

NOTE = (
    "Figures of other cities are shown only where at least 3 other cities have a score, "
    "so that no city's score can be worked out from them."
)
# What changes from one request to the next whatever the data: the masked CSRF token and the
# seconds left in the session.
PER_REQUEST = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|data-session-seconds="\d+"')
MEDIAN_TICK = 'stroke="#E69F00"'


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


def _cities(open_round, bank, officer, foreign_officer, count):
    """``count`` cities with one submitted response each: Rotterdam (the officer's), Valenciennes
    and extra ones, each answering differently."""
    submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 3))
    submit_answers(open_round, foreign_officer, demo_values(bank, "valenciennes", "Mobility", 5))
    for n in range(count - 2):
        place = factories.CityFactory(name=f"Extra {n}", slug=f"extra-{n}")
        open_round.cities.add(place)
        user = factories.MembershipFactory(city=place, department="Mobility").user
        submit_answers(open_round, user, demo_values(bank, place.slug, "Mobility", 11 + n))
    assert CityResult.objects.filter(round=open_round).count() == count


def _urls(round_, city):
    kwargs = {"round_id": round_.pk, "city_slug": city.slug}
    return {
        "page": reverse("scoring:city_results", kwargs=kwargs),
        "json": reverse("scoring:city_results_json", kwargs=kwargs),
        "round json": reverse("scoring:round_results_json", kwargs={"round_id": round_.pk}),
        "report": reverse("scoring:city_report", kwargs=kwargs),
        "pdf": reverse("scoring:city_report_pdf", kwargs=kwargs),
    }


def _everything(client, round_, city):
    """All an officer can fetch about the round's results, as comparable values."""
    seen = {}
    for name, url in _urls(round_, city).items():
        reply = client.get(url)
        assert reply.status_code == 200, name
        if name == "pdf":
            reader = pypdf.PdfReader(io.BytesIO(reply.content))
            seen[name] = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        elif name.endswith("json"):
            seen[name] = reply.json()
        else:
            seen[name] = PER_REQUEST.sub("", reply.content.decode())
    return seen


def _change_other_cities(city):
    """Every other city's stored scores halved: a figure derived from them would change."""
    others = CityDimensionResult.objects.exclude(city_result__city=city)
    assert others.filter(score__gt=0).exists()
    others.update(score=F("score") / 2)
    CityResult.objects.exclude(city=city).update(overall_score=F("overall_score") / 2)


def _medians(body):
    return [d["cross_city_median"] for d in body["dimensions"]]


@pytest.mark.parametrize("cities", [2, 3])
def test_officer_with_fewer_than_three_other_cities_can_fetch_nothing_that_depends_on_them(
    client, open_round, bank, city, officer, foreign_officer, cities
):
    _cities(open_round, bank, officer, foreign_officer, cities)
    client.force_login(officer)
    before = _everything(client, open_round, city)

    _change_other_cities(city)

    assert _everything(client, open_round, city) == before


@pytest.mark.parametrize("cities", [2, 3])
def test_officer_with_fewer_than_three_other_cities_is_told_why_the_medians_are_missing(
    client, open_round, bank, city, officer, foreign_officer, cities
):
    _cities(open_round, bank, officer, foreign_officer, cities)
    client.force_login(officer)

    seen = _everything(client, open_round, city)

    withheld = {"withheld": True, "note": NOTE}
    assert seen["json"]["peer_figures"] == withheld
    assert _medians(seen["json"]) == [None] * len(bank.sections)
    assert [c["peer_figures"] for c in seen["round json"]["cities"]] == [withheld]
    page = html(client.get(_urls(open_round, city)["page"]))
    assert text(by_id(page, "peer-note")) == NOTE
    rows = find_all(by_id(page, "dimension-table"), "tr")[1:]
    assert [text(find_all(row, "td")[2]) for row in rows] == ["—"] * len(bank.sections)
    assert "Median of all cities" not in seen["page"]
    report = html(client.get(_urls(open_round, city)["report"]))
    assert text(by_id(report, "peer-note")) == NOTE
    assert MEDIAN_TICK not in seen["report"]
    assert NOTE in seen["pdf"]


def test_officer_with_three_other_cities_sees_the_median_of_all_four(
    client, open_round, bank, city, officer, foreign_officer
):
    _cities(open_round, bank, officer, foreign_officer, 4)
    client.force_login(officer)

    seen = _everything(client, open_round, city)

    assert seen["json"]["peer_figures"] == {"withheld": False, "note": ""}
    expected = []
    for section in bank.sections:
        scores = sorted(
            CityDimensionResult.objects.filter(
                city_result__round=open_round, dimension=section.dimension
            ).values_list("score", flat=True)
        )
        expected.append(round((scores[1] + scores[2]) / 2, 1))
    assert _medians(seen["json"]) == expected
    assert 'id="peer-note"' not in seen["page"]
    assert "Median of all cities" in seen["page"]
    assert seen["report"].count(MEDIAN_TICK) == len(bank.sections)
    assert NOTE not in seen["pdf"]


def test_officer_with_three_other_cities_cannot_tell_which_city_has_which_score(
    client, open_round, bank, city, officer, foreign_officer
):
    _cities(open_round, bank, officer, foreign_officer, 4)
    client.force_login(officer)
    before = _everything(client, open_round, city)

    # Valenciennes and Extra 0 trade results: the figures an officer sees stay the same.
    valenciennes = CityResult.objects.get(round=open_round, city__slug="valenciennes")
    extra = CityResult.objects.get(round=open_round, city__slug="extra-0")
    valenciennes_city, extra_city = valenciennes.city_id, extra.city_id
    CityResult.objects.filter(pk=extra.pk).update(city=factories.CityFactory(slug="parked"))
    CityResult.objects.filter(pk=valenciennes.pk).update(city_id=extra_city)
    CityResult.objects.filter(pk=extra.pk).update(city_id=valenciennes_city)

    assert _everything(client, open_round, city) == before


def test_the_threshold_is_a_setting(
    client, settings, open_round, bank, city, officer, foreign_officer
):
    settings.PEER_FIGURES_MIN_OTHER_CITIES = 2
    _cities(open_round, bank, officer, foreign_officer, 3)
    client.force_login(officer)

    body = client.get(_urls(open_round, city)["json"]).json()

    assert body["peer_figures"] == {"withheld": False, "note": ""}
    assert None not in _medians(body)


def test_a_facilitator_sees_the_medians_of_two_cities(
    client, open_round, bank, city, officer, foreign_officer, facilitator
):
    _cities(open_round, bank, officer, foreign_officer, 2)
    client.force_login(facilitator)

    body = client.get(_urls(open_round, city)["json"]).json()
    cities = client.get(_urls(open_round, city)["round json"]).json()["cities"]

    assert body["peer_figures"] == {"withheld": False, "note": ""}
    scores = {
        (row.city_result.city.slug, row.dimension_id): row.score
        for row in CityDimensionResult.objects.select_related("city_result__city")
    }
    assert _medians(body) == [
        round(
            (
                scores["rotterdam", section.dimension.pk]
                + scores["valenciennes", section.dimension.pk]
            )
            / 2,
            1,
        )
        for section in bank.sections
    ]
    assert [_medians(c) for c in cities] == [_medians(body)] * 2
