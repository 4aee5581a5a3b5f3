"""`manage.py seed_demo`: the study's cities, two demo rounds, accounts and invented, scored answers."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from scoring.commitments import check_cities
from scoring.exchanges import round_networks
from scoring.models import CityDimensionResult, CityResult, Consensus
from surveys.models import Answer, City, Membership, Response, Round

pytestmark = pytest.mark.django_db

SESSION_1 = "Session 1 — Data-Driven Government (summer 2021)"
FOLLOW_UP = "Session 1 follow-up — Data-Driven Government (spring 2023)"
SESSION_2 = "Session 2 — Insight-Driven Mobility Planning (early 2022)"
CITIES = ["Antwerp", "Mechelen", "Norfolk", "Rotterdam", "Valenciennes"]
FIXTURE_ROUNDS = yaml.safe_load(
    (settings.BASE_DIR / "fixtures" / "cities.yaml").read_text(encoding="utf-8")
)["rounds"]
# Closed rounds: all 14 officers submitted. The open round: the four urban planners have not
# started and Mechelen's IT officer is halfway, so 9 submitted.
SUBMITTED = {"closed": 14, "open": 9}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # seed_demo hashes a password per account; the default hasher would take seconds here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(banks) -> str:
    return _seed()


def _counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "cities": City.objects.count(),
        "memberships": Membership.objects.count(),
        "rounds": Round.objects.count(),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "city results": CityResult.objects.count(),
        "city dimension results": CityDimensionResult.objects.count(),
    }


def _round_1_scores() -> dict[tuple[str, str], float | None]:
    results = CityDimensionResult.objects.filter(city_result__round__title=SESSION_1)
    overall = CityResult.objects.filter(round__title=SESSION_1)
    return {
        **{
            (row.city_result.city.slug, row.dimension.code): row.score
            for row in results.select_related("city_result__city", "dimension")
        },
        **{(row.city.slug, "overall"): row.overall_score for row in overall.select_related("city")},
    }


def test_seed_reports_the_submitted_responses_per_round(seeded):
    assert seeded == "".join(
        [
            *(
                f"{entry['title']}: {SUBMITTED[entry['status']]} demo responses submitted\n"
                for entry in FIXTURE_ROUNDS
            ),
            f"{SESSION_1}: Antwerp's consensus published\n",
            f"{FOLLOW_UP}: action plans of Antwerp and Rotterdam\n",
            "Demo data ready.\n",
        ]
    )


def test_seed_publishes_antwerps_consensus_in_the_first_round(seeded):
    consensus = Consensus.objects.get()

    assert (consensus.round.title, consensus.city.slug, consensus.status) == (
        SESSION_1,
        "antwerp",
        "published",
    )
    assert consensus.overall_score is not None
    assert consensus.answers.count() > 20


def test_seed_creates_the_five_study_cities(seeded):
    assert list(City.objects.order_by("name").values_list("name", flat=True)) == CITIES


def test_seed_creates_the_fixture_rounds_as_demo_rounds(seeded):
    rounds = Round.objects.order_by("opens_on").select_related("questionnaire")

    assert [(r.title, r.questionnaire.key, r.status, r.is_demo) for r in rounds] == [
        (entry["title"], entry["questionnaire"], entry["status"], True) for entry in FIXTURE_ROUNDS
    ]
    assert [r.title for r in rounds][:2] == [SESSION_1, SESSION_2]


def test_every_demo_round_includes_all_five_cities(seeded):
    cities = {
        round_.title: sorted(round_.cities.values_list("name", flat=True))
        for round_ in Round.objects.all()
    }

    assert cities == {entry["title"]: CITIES for entry in FIXTURE_ROUNDS}


def test_seed_creates_a_facilitator_with_the_facilitate_round_permission(seeded):
    facilitator = get_user_model().objects.get(username="facilitator")

    assert list(facilitator.groups.values_list("name", flat=True)) == ["POLIS facilitators"]
    assert facilitator.has_perm("surveys.facilitate_round")
    assert not hasattr(facilitator, "membership")


def test_seed_creates_two_or_three_officers_per_city(seeded):
    officers = {name: Membership.objects.filter(city__name=name).count() for name in CITIES}

    assert officers == {
        "Antwerp": 3,
        "Mechelen": 2,
        "Norfolk": 3,
        "Rotterdam": 3,
        "Valenciennes": 3,
    }


def test_every_city_has_a_result_in_round_1(seeded):
    results = CityResult.objects.filter(round__title=SESSION_1).select_related("city")

    assert {result.city.name: result.responses for result in results} == {
        "Antwerp": 3,
        "Mechelen": 2,
        "Norfolk": 3,
        "Rotterdam": 3,
        "Valenciennes": 3,
    }
    assert all(0 <= result.overall_score <= 100 for result in results)
    assert {result.overall_stage for result in results} <= {1, 2, 3, 4, 5}


def test_demo_results_show_at_least_one_silo(seeded):
    silos = CityDimensionResult.objects.filter(city_result__round__is_demo=True, silo=True)

    assert silos.count() >= 1


def test_seeding_again_changes_no_counts(seeded):
    before = _counts()

    output = _seed()

    assert output == "Demo data ready.\n"
    assert _counts() == before


def test_reseeding_after_deleting_the_rounds_gives_the_same_round_1_scores(seeded):
    before = _round_1_scores()
    Response.objects.filter(round__is_demo=True).delete()
    Round.objects.filter(is_demo=True).delete()

    _seed()

    assert len(before) == 5 * 8
    assert _round_1_scores() == before


def test_synthetic_cities_option_adds_demo_cities_with_their_officers(seeded):
    _seed("--cities", "3", "--officers", "2")

    synthetic = City.objects.filter(name__startswith="Demo city").order_by("name")
    assert list(synthetic.values_list("name", "slug")) == [
        ("Demo city 001", "demo-city-001"),
        ("Demo city 002", "demo-city-002"),
        ("Demo city 003", "demo-city-003"),
    ]
    assert [city.memberships.count() for city in synthetic] == [2, 2, 2]
    assert list(
        Membership.objects.filter(city__slug="demo-city-001")
        .order_by("user__username")
        .values_list("user__username", flat=True)
    ) == ["demo-city-001-officer-1", "demo-city-001-officer-2"]
    for round_ in Round.objects.filter(is_demo=True):
        assert set(synthetic) <= set(round_.cities.all())


def test_demo_links_session_2_to_the_first_session_1_round(seeded):
    session_2 = Round.objects.get(title=SESSION_2)

    assert session_2.capacity_round.title == SESSION_1


def test_demo_fires_a_commitment_beyond_capacity_for_mechelen(seeded):
    session_2 = Round.objects.get(title=SESSION_2)
    checks = check_cities(session_2, list(session_2.cities.order_by("name")))

    fired = {check.city.slug: sorted(check.fired_codes()) for check in checks.values()}

    # Mechelen's operator-data answers lean two levels above its Session 1 capacity
    # (operations.demo.DEMO_AMBITION); every city has results in both sessions.
    assert fired["mechelen"] == [
        "operator-data-checks-without-quality-practice",
        "trip-data-without-data-policy",
    ]
    assert sorted(fired) == ["antwerp", "mechelen", "norfolk", "rotterdam", "valenciennes"]


def test_demo_networks_show_one_sided_links_and_both_kinds_of_means(seeded):
    session_1 = Round.objects.get(title=SESSION_1)
    networks = round_networks(session_1)
    rotterdam = City.objects.get(slug="rotterdam")

    (link,) = networks[rotterdam.pk].one_sided
    assert (link.reporter, link.silent, link.reporter_gives) == (
        "Urban planning",
        "Mobility",
        False,
    )
    assert sum(len(network.one_sided) for network in networks.values()) == 4  # not Mechelen
    shares = {network.automated_share for network in networks.values()}
    assert len(shares) > 1
