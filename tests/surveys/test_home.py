"""The home page: officers see their own rounds; facilitators see every round with each city's
submissions and the way to its dashboard, tracker, change and consensus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response, Round
from surveys.services import round_set_status
from tests import factories
from tests.web import attr, by_id, find_all, html, text


def _submit(round_, officer):
    return factories.ResponseFactory(
        round=round_,
        city=officer.membership.city,
        respondent=officer,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def rotterdam_two_of_three(current_round, city, officer, colleague):
    """Rotterdam: three officers, two submitted and one with a draft; Valenciennes: none."""
    third = factories.MembershipFactory(city=city, department="Finance").user
    _submit(current_round, officer)
    _submit(current_round, colleague)
    factories.ResponseFactory(round=current_round, city=city, respondent=third)
    return current_round


def test_the_facilitator_sees_each_citys_submissions(client, facilitator, rotterdam_two_of_three):
    round_ = rotterdam_two_of_three
    client.force_login(facilitator)

    page = html(client.get(reverse("home")))

    card = by_id(page, f"round-{round_.pk}")
    cities = [text(item) for item in find_all(by_id(card, f"round-{round_.pk}-cities"), "li")]
    assert [line.split(" Results")[0] for line in cities] == [
        "Rotterdam: 2 of 3 submitted",
        "Valenciennes: 0 of 0 submitted",
    ]
    assert "2 of 3 officers submitted" in text(card)
    assert "My assessments" not in text(page)


def test_the_facilitator_reaches_every_page_of_a_round_from_home(
    client, facilitator, rotterdam_two_of_three
):
    round_ = rotterdam_two_of_three
    client.force_login(facilitator)

    card = by_id(html(client.get(reverse("home"))), f"round-{round_.pk}")

    links = {attr(link, "href") for link in find_all(card, "a")}
    expected = {
        reverse(name, kwargs={"round_id": round_.pk})
        for name in ("scoring:dashboard", "scoring:tracker", "scoring:round_change")
    } | {
        reverse(name, kwargs={"round_id": round_.pk, "city_slug": slug})
        for name in ("scoring:consensus", "scoring:city_results")
        for slug in ("rotterdam", "valenciennes")
    }
    assert expected <= links
    for href in expected:
        assert client.get(href).status_code == 200


def test_the_home_page_shows_the_deadline_and_who_closed_the_round(
    client, facilitator, rotterdam_two_of_three
):
    round_ = rotterdam_two_of_three
    Round.objects.filter(pk=round_.pk).update(deadline=timezone.localdate() + timedelta(days=3))
    round_set_status(round=round_, status=Round.Status.CLOSED, by=facilitator)
    client.force_login(facilitator)

    card = text(by_id(html(client.get(reverse("home"))), f"round-{round_.pk}"))

    assert "(in 3 days)" in card
    assert "Closed on " in card
    assert f"by {facilitator.get_username()}." in card
    assert "closed" in card


def test_an_officer_counts_as_submitted_as_on_the_tracker(
    client, facilitator, rotterdam_two_of_three, other_city, officer
):
    """An officer who moved to Valenciennes after submitting for Rotterdam counts where the
    tracker lists them: under Valenciennes."""
    officer.membership.city = other_city
    officer.membership.save()
    client.force_login(facilitator)

    home = client.get(reverse("home"))

    (overview,) = home.context["overviews"]
    assert [(c.city.slug, c.submitted, c.officers) for c in overview.cities] == [
        ("rotterdam", 1, 2),
        ("valenciennes", 1, 1),
    ]


def test_the_facilitators_home_takes_the_same_queries_for_more_rounds_and_cities(
    client, facilitator, ddg, django_assert_max_num_queries
):
    for _round in range(4):
        round_ = factories.RoundFactory(questionnaire=ddg)
        for _ in range(5):
            place = factories.CityFactory()
            round_.cities.add(place)
            _submit(round_, factories.MembershipFactory(city=place).user)
    client.force_login(facilitator)

    # Session and user, the permission check, the rounds, participations and the counts.
    with django_assert_max_num_queries(8):
        page = client.get(reverse("home"))

    assert len(page.context["overviews"]) == 4
    assert all(city.submitted == 1 for o in page.context["overviews"] for city in o.cities)


def test_officers_still_see_their_own_assessments(client, officer, current_round):
    client.force_login(officer)

    page = client.get(reverse("home"))

    assert "My assessments" in text(html(page))
    assert "overviews" not in page.context
