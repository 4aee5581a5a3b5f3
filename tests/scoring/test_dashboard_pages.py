"""The dashboard's heatmap and table show fifty cities a page; the medians take them all."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from scoring.views import DASHBOARD_PAGE_SIZE
from tests import factories
from tests.web import by_id, find_all, html, text

HEATMAP = re.compile(r'<script id="heatmap-figure" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def many(open_round):
    """One city more than fits on a page (the round's two fixture cities included)."""
    for n in range(DASHBOARD_PAGE_SIZE - 1):
        open_round.cities.add(
            factories.CityFactory(name=f"Town {n:02d}", slug=f"town-{n:02d}", country="BE")
        )
    return open_round


def _page(client, round_, query=""):
    return client.get(reverse("scoring:dashboard", kwargs={"round_id": round_.pk}) + query)


def _table_cities(page):
    table = by_id(html(page), "dashboard-table")
    return [text(find_all(row, "th")[0]) for row in find_all(table, "tr")[1:-1]]


def _heatmap_cities(page):
    return json.loads(HEATMAP.search(page.content.decode()).group(1))["data"][0]["y"]


def test_the_first_page_shows_fifty_cities_and_the_second_the_rest(facilitator_client, many):
    first = _page(facilitator_client, many)
    second = _page(facilitator_client, many, "?page=2")

    assert len(_table_cities(first)) == DASHBOARD_PAGE_SIZE
    assert _table_cities(second) == ["Valenciennes"]
    assert _heatmap_cities(first) == _table_cities(first)
    assert _heatmap_cities(second) == ["Valenciennes"]
    assert "Cities 1 to 50 of 51" in text(by_id(html(first), "heatmap-caption"))


def test_the_page_links_keep_the_filters(facilitator_client, many):
    page = _page(facilitator_client, many, "?sort=overall&country=BE")

    links = [
        dict(link.attributes)["href"] for link in find_all(html(page), "a", class_="page-link")
    ]
    assert links == []  # 49 Belgian towns fit on one page

    page = _page(facilitator_client, many, "?sort=overall")
    links = [
        dict(link.attributes)["href"] for link in find_all(html(page), "a", class_="page-link")
    ]
    assert links == ["?sort=overall&page=2"]
