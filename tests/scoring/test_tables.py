"""The long tables built in Python escape every text, and write dates as the `date` filter does."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from scoring.tables import moments
from surveys.demo import demo_values
from surveys.models import Response
from tests import factories
from tests.web import bank_of, by_id, find_all, html, submit_answers, text

HOSTILE = "<img src=x onerror=alert(1)> & \"Co\" 'quoted'"


# --- Dates ------------------------------------------------------------------------------------

MOMENTS = [
    datetime.datetime(2021, month, day, hour, minute, tzinfo=datetime.UTC)
    for month in range(1, 13)
    for day, hour, minute in ((1, 0, 5), (9, 23, 59), (28, 12, 0))
] + [
    # Either side of the change to and from summer time in Brussels.
    datetime.datetime(2024, 3, 31, 0, 59, tzinfo=datetime.UTC),
    datetime.datetime(2024, 3, 31, 1, 0, tzinfo=datetime.UTC),
    datetime.datetime(2024, 10, 27, 0, 59, tzinfo=datetime.UTC),
    datetime.datetime(2024, 10, 27, 1, 0, tzinfo=datetime.UTC),
    datetime.datetime(987, 5, 4, 3, 2, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
@pytest.mark.parametrize("zone", ["Europe/Brussels", "UTC", "America/St_Johns"])
def test_moments_are_written_as_the_date_filter_writes_them(language, zone):
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        when = moments()
        expected = [dateformat.format(timezone.localtime(m), "j M Y H:i") for m in MOMENTS]

        assert [when(m) for m in MOMENTS] == expected


# --- Escaping ---------------------------------------------------------------------------------


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


def _raw_markup_absent(page):
    body = page.content.decode()
    return "<img" not in body and "alert(1)>" not in body


def test_dashboard_rows_and_radar_choices_escape_the_city_name(
    facilitator_client, open_round, hostile_city
):
    page = facilitator_client.get(reverse("scoring:dashboard", kwargs={"round_id": open_round.pk}))

    tree = html(page)
    row = next(r for r in find_all(by_id(tree, "dashboard-table"), "tr", data_city="hostile"))
    link = find_all(row, "a")[0]
    assert text(link) == HOSTILE
    assert dict(link.attributes)["href"] == reverse(
        "scoring:city_results", kwargs={"round_id": open_round.pk, "city_slug": "hostile"}
    )
    label = find_all(tree, "label", for_="overlay-hostile")[0]
    assert text(label) == HOSTILE
    assert _raw_markup_absent(page)


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


def test_tracker_rows_escape_city_department_and_officer(
    facilitator_client, open_round, hostile_city
):
    page = facilitator_client.get(reverse("scoring:tracker", kwargs={"round_id": open_round.pk}))

    rows = find_all(by_id(html(page), "tracker-table"), "tr", data_state="submitted")
    assert [text(cell) for cell in find_all(rows[0], "td")][:3] == [HOSTILE, HOSTILE, HOSTILE]
    assert _raw_markup_absent(page)


def test_tracker_says_a_dash_for_who_reopened_when_that_account_is_gone(
    facilitator_client, open_round, city, officer
):
    reopened_at = datetime.datetime(2021, 7, 2, 9, 30, tzinfo=datetime.UTC)
    factories.ResponseFactory(
        round=open_round, city=city, respondent=officer, reopened_at=reopened_at
    )
    assert Response.objects.get(respondent=officer).reopened_by is None

    page = facilitator_client.get(reverse("scoring:tracker", kwargs={"round_id": open_round.pk}))

    row = find_all(by_id(html(page), "tracker-table"), "tr", data_state="in progress")[0]
    when = dateformat.format(timezone.localtime(reopened_at), "j M Y H:i")
    assert text(find_all(row, "td")[3]) == f"in progress reopened {when} by —"
