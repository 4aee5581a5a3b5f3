"""Names edited in admin (city, department, dimension) are text in every chart, never markup."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from operations.demo import demo_values
from surveys.models import Dimension
from surveys.structure import clear_cache
from tests import factories
from tests.web import attr, bank_of, find_all, html, submit_answers, text

LINK = '<a href="https://evil.example">x</a>'
# The name in plotly's text: plotly draws these characters as written instead of a link.
LINK_TEXT = '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'


@pytest.fixture
def linked_city(open_round):
    """The officer of a city that, with its department and the bank's first dimension, is named
    with a link; they have submitted."""
    clear_cache()
    Dimension.objects.filter(pk=bank_of(open_round).sections[0].dimension.pk).update(title_en=LINK)
    clear_cache()
    place = factories.CityFactory(name=LINK, slug="linked", country="NL")
    open_round.cities.add(place)
    membership = factories.MembershipFactory(city=place, department=LINK)
    bank = bank_of(open_round)
    submit_answers(open_round, membership.user, demo_values(bank, "linked", "Mobility", 1))
    yield membership.user
    clear_cache()


def _figure(page, element_id):
    pattern = rf'<script id="{element_id}" type="application/json">(.*?)</script>'
    return json.loads(re.search(pattern, page.content.decode(), re.S).group(1))


def _unwrapped(label: str) -> str:
    """A label as one line: plotly's line breaks (our only tag) taken out."""
    return label.replace("<br>", "")


def test_results_page_charts_show_city_department_and_dimension_names_as_text(
    client, open_round, linked_city
):
    client.force_login(linked_city)

    page = client.get(
        reverse("scoring:city_results", kwargs={"round_id": open_round.pk, "city_slug": "linked"})
    )

    radar = _figure(page, "radar-figure")["data"]
    assert [trace["name"] for trace in radar] == [LINK_TEXT]
    assert radar[0]["theta"][0] == '&lt;a href="https://e<br>vil.example"&gt;x&lt;/a&gt;'
    dots = _figure(page, "departments-figure")["data"]
    assert [(trace["name"], trace["y"][0]) for trace in dots] == [
        (LINK_TEXT, '&lt;a href="https://evil.ex<br>ample"&gt;x&lt;/a&gt;')
    ]
    # The phone's bars: names wrapped into lines, each escaped; only the <br> is a tag.
    bars = _figure(page, "radar-bars-figure")["data"]
    assert [(_unwrapped(t["name"]), _unwrapped(t["y"][0])) for t in bars] == [
        (LINK_TEXT, LINK_TEXT)
    ]


def test_dashboard_charts_show_city_and_dimension_names_as_text(
    client, open_round, linked_city, facilitator
):
    client.force_login(facilitator)

    page = client.get(reverse("scoring:dashboard", kwargs={"round_id": open_round.pk}))

    heatmap = _figure(page, "heatmap-figure")["data"][0]
    assert (heatmap["y"], heatmap["x"][0]) == (
        [LINK_TEXT, "Rotterdam", "Valenciennes"],
        '&lt;a href="https<br>://evil.exampl<br>e"&gt;x&lt;/a&gt;',  # wrapped, each line escaped
    )
    stage_bars = _figure(page, "heatmap-bars-figure")["data"]
    assert [_unwrapped(y) for y in stage_bars[0]["y"]] == [LINK_TEXT, "Rotterdam", "Valenciennes"]
    assert _unwrapped(stage_bars[0]["name"]) == LINK_TEXT
    overlay_bars = _figure(page, "overlay-bars-figure")["data"]
    assert [_unwrapped(t["name"]) for t in overlay_bars] == [LINK_TEXT, "Median of all cities"]
    overlay = _figure(page, "overlay-figure")["data"]
    assert [trace["name"] for trace in overlay] == [LINK_TEXT, "Median of all cities"]


def test_report_bar_chart_shows_the_city_and_dimension_names_as_text(
    client, open_round, linked_city, facilitator
):
    client.force_login(facilitator)

    page = client.get(
        reverse("scoring:city_report", kwargs={"round_id": open_round.pk, "city_slug": "linked"})
    )

    svg = find_all(html(page), "svg")[0]
    assert find_all(svg, "a") == []
    assert text(find_all(svg, "title")[0]) == f"Score per dimension for {LINK}"
    labels = [text(label) for label in find_all(svg, "text") if attr(label, "text-anchor") == "end"]
    assert labels[0] == LINK
