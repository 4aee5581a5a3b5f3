"""The facilitators' long tables and figures, as rendered: escaped texts, links, silo marks and
the reopen form."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from operations.demo import demo_values
from scoring.models import CityDimensionResult
from surveys.models import Response
from tests import factories
from tests.web import attr, bank_of, by_id, find_all, html, submit_answers, text

HOSTILE = "<img src=x onerror=alert(1)> & \"Co\" 'quoted' </script>"
FIGURE = re.compile(r'<script id="overlay-figure" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def hostile_city(open_round):
    """A city whose name is markup, with one submitted response in the round."""
    place = factories.CityFactory(name=HOSTILE, slug="hostile", country="NL")
    open_round.cities.add(place)
    user = factories.MembershipFactory(city=place, department=HOSTILE).user
    user.first_name = HOSTILE
    user.save()
    bank = bank_of(open_round)
    submit_answers(open_round, user, demo_values(bank, "hostile", "Mobility", 1))
    return place


def _dashboard(client, round_):
    return client.get(reverse("scoring:dashboard", kwargs={"round_id": round_.pk}))


def _tracker(client, round_):
    return client.get(reverse("scoring:tracker", kwargs={"round_id": round_.pk}))


def _raw_markup_absent(page):
    body = page.content.decode()
    return "<img" not in body and "alert(1)>" not in body


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_row_links_the_escaped_city_name_to_its_results(
    facilitator_client, open_round, hostile_city
):
    page = _dashboard(facilitator_client, open_round)

    row = find_all(by_id(html(page), "dashboard-table"), "tr", data_city="hostile")[0]
    link = find_all(row, "a")[0]
    assert text(link) == HOSTILE
    assert attr(link, "href") == reverse(
        "scoring:city_results", kwargs={"round_id": open_round.pk, "city_slug": "hostile"}
    )
    assert _raw_markup_absent(page)


def test_radar_choice_labels_escape_the_city_name(facilitator_client, open_round, hostile_city):
    page = _dashboard(facilitator_client, open_round)

    box = find_all(html(page), "input", id="overlay-hostile")[0]
    label = find_all(html(page), "label", for_="overlay-hostile")[0]
    assert (attr(box, "name"), attr(box, "value")) == ("city", "hostile")
    assert text(label) == HOSTILE
    assert _raw_markup_absent(page)


def test_figure_json_holds_the_city_name_and_cannot_end_its_script_element(
    facilitator_client, open_round, hostile_city
):
    page = _dashboard(facilitator_client, open_round)

    payload = FIGURE.search(page.content.decode()).group(1)
    assert not {"<", ">", "&"} & set(payload)
    # plotly reads tags in trace names; escaped, it shows the name as written
    assert [trace["name"] for trace in json.loads(payload)["data"]] == [
        "&lt;img src=x onerror=alert(1)&gt; &amp; \"Co\" 'quoted' &lt;/script&gt;",
        "Median of all cities",
    ]


def test_a_possible_silo_is_marked_in_its_cell_with_a_text_for_screen_readers(
    facilitator_client, open_round, hostile_city
):
    bank = bank_of(open_round)
    first = bank.sections[0].dimension
    stored = CityDimensionResult.objects.get(
        city_result__round=open_round, city_result__city=hostile_city, dimension=first
    )
    CityDimensionResult.objects.filter(pk=stored.pk).update(silo=True)

    page = _dashboard(facilitator_client, open_round)

    row = find_all(by_id(html(page), "dashboard-table"), "tr", data_city="hostile")[0]
    cells = find_all(row, "td")  # country, overall, agreed, then the dimensions
    assert text(cells[3]) == f"{stored.score:.1f} ({stored.stage}) ⚠ possible silo"
    assert attr(find_all(cells[3], "span")[0], "title") == "possible silo"
    marked = ["⚠" in text(cell) for cell in cells[3:]]
    assert marked == [True] + [False] * (len(bank.sections) - 1)


# --- Round change -----------------------------------------------------------------------------


def test_round_change_rows_escape_the_city_name(facilitator, client, ddg, hostile_city):
    later = factories.RoundFactory(
        questionnaire=ddg,
        opens_on=datetime.date(2022, 6, 1),
        closes_on=datetime.date(2022, 9, 30),
    )
    later.cities.add(hostile_city)
    client.force_login(facilitator)

    page = client.get(reverse("scoring:round_change", kwargs={"round_id": later.pk}))

    names = [text(cell) for cell in find_all(by_id(html(page), "change-table"), "th", scope="row")]
    assert names == [HOSTILE]
    assert _raw_markup_absent(page)


# --- Tracker ----------------------------------------------------------------------------------


def test_tracker_rows_escape_city_department_and_officer(
    facilitator_client, open_round, hostile_city
):
    page = _tracker(facilitator_client, open_round)

    rows = find_all(by_id(html(page), "tracker-table"), "tr", data_state="submitted")
    assert [text(cell) for cell in find_all(rows[0], "td")][:3] == [HOSTILE, HOSTILE, HOSTILE]
    assert _raw_markup_absent(page)


def test_reopen_form_posts_with_a_csrf_token_and_comes_back_to_the_tracker(
    facilitator_client, open_round, hostile_city
):
    response = Response.objects.get(round=open_round, city=hostile_city)

    page = _tracker(facilitator_client, open_round)

    form = find_all(by_id(html(page), "tracker-table"), "form")[0]
    assert (attr(form, "method"), attr(form, "action")) == (
        "post",
        reverse("surveys:reopen", kwargs={"response_id": response.pk}),
    )
    fields = {attr(field, "name"): attr(field, "value") for field in find_all(form, "input")}
    assert fields["next"] == reverse("scoring:tracker", kwargs={"round_id": open_round.pk})
    assert len(fields["csrfmiddlewaretoken"]) == 64
    hidden = find_all(form, "span", class_="visually-hidden")[0]
    assert text(hidden) == f"{HOSTILE} {HOSTILE} {HOSTILE}"
    assert text(find_all(form, "button")[0]) == f"Reopen {HOSTILE} {HOSTILE} {HOSTILE}"


def test_tracker_says_a_dash_for_who_reopened_when_that_account_is_gone(
    facilitator_client, open_round, city, officer
):
    reopened_at = datetime.datetime(2021, 7, 2, 9, 30, tzinfo=datetime.UTC)
    factories.ResponseFactory(
        round=open_round, city=city, respondent=officer, reopened_at=reopened_at
    )
    assert Response.objects.get(respondent=officer).reopened_by is None

    page = _tracker(facilitator_client, open_round)

    row = find_all(by_id(html(page), "tracker-table"), "tr", data_state="in progress")[0]
    when = dateformat.format(timezone.localtime(reopened_at), "j F Y, H:i")
    assert text(find_all(row, "td")[3]) == f"in progress reopened {when} by —"
