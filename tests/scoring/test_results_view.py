"""A city's results page and JSON show the engine's numbers for its submitted responses."""

from __future__ import annotations

import pytest

from operations.demo import demo_values
from scoring import engine
from scoring.bridge import engine_bank, engine_response
from scoring.models import CityDimensionResult, CityResult
from tests import factories
from tests.web import FAST_HASHERS, attr, bank_of, by_id, find_all, html, submit_answers, text

DEPARTMENTS = ("Mobility", "IT and data", "Urban planning")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def officers(officer, colleague, city):
    planner = factories.MembershipFactory(city=city, department="Urban planning").user
    return [officer, colleague, planner]


def _submit_all(round_, bank, officers, count=3):
    """Submit the first ``count`` officers' demo answers; return the engine's city score."""
    ebank = engine_bank(bank)
    scored = []
    for user in officers[:count]:
        department = user.membership.department
        values = demo_values(bank, "rotterdam", department, 7)
        submit_answers(round_, user, values)
        scored.append(
            (department, engine.score_response(ebank, engine_response(bank, department, values)))
        )
    return scored, engine.combine_city(ebank, scored)


def _results_url(round_, city):
    return f"/rounds/{round_.pk}/cities/{city.slug}/results/"


def _table_scores(page):
    rows = find_all(by_id(html(page), "dimension-table"), "tr")
    return {
        dict(row.attributes)["data-dimension"]: [text(cell) for cell in find_all(row, "td")]
        for row in rows
        if "data-dimension" in dict(row.attributes)
    }


def test_departments_answer_differently(open_round, bank, officers):
    scored, _city = _submit_all(open_round, bank, officers)

    assert len({round(score.overall_score, 1) for _, score in scored}) == 3


def test_results_page_shows_the_engines_city_scores_and_overall_stage(
    client, open_round, city, bank, officers
):
    _scored, expected = _submit_all(open_round, bank, officers)
    client.force_login(officers[0])

    page = client.get(_results_url(open_round, city))

    assert page.status_code == 200
    tree = html(page)
    stage = next(s for s in bank.stages if s.level == expected.overall_stage)
    assert text(by_id(tree, "overall-stage")) == f"Stage {stage.level} of 5: {stage.name}"
    assert text(by_id(tree, "overall-score")) == f"{expected.overall_score:.1f}"
    stage_names = {s.level: s.name for s in bank.stages}
    table = _table_scores(page)
    assert list(table) == [item.dimension for item in expected.dimensions]
    assert table == {
        item.dimension: [
            f"{item.score:.1f}",
            f"{item.stage} · {stage_names[item.stage]}",
            "—",  # no other city has results: an officer sees no median of cities
            f"{round(100 * item.coverage)} %",
            f"{round(100 * item.dont_know_share)} %",
        ]
        for item in expected.dimensions
    }


def test_results_json_shows_the_engines_city_scores(client, open_round, city, bank, officers):
    _scored, expected = _submit_all(open_round, bank, officers)
    client.force_login(officers[1])

    body = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/results.json").json()

    assert body["submitted_responses"] == 3
    assert body["overall"]["score"] == round(expected.overall_score, 1)
    assert body["overall"]["stage"] == expected.overall_stage
    assert [(d["code"], d["score"], d["stage"], d["spread"]) for d in body["dimensions"]] == [
        (d.dimension, round(d.score, 1), d.stage, round(d.spread, 1)) for d in expected.dimensions
    ]
    assert [
        [(x["department"], x["score"]) for x in d["departments"]] for d in body["dimensions"]
    ] == [[(x.department, round(x.score, 1)) for x in d.departments] for d in expected.dimensions]


def test_results_json_matches_the_stored_city_result(client, open_round, city, bank, officers):
    _submit_all(open_round, bank, officers)
    client.force_login(officers[0])

    body = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/results.json").json()

    stored = CityResult.objects.get(round=open_round, city=city)
    assert body["overall"] == {
        "score": round(stored.overall_score, 1),
        "stage": stored.overall_stage,
        "stage_name": next(s.name for s in bank.stages if s.level == stored.overall_stage),
    }
    assert body["submitted_responses"] == stored.responses == 3
    rows = {
        row.dimension.code: row
        for row in CityDimensionResult.objects.filter(city_result=stored).select_related(
            "dimension"
        )
    }
    assert {
        d["code"]: (d["score"], d["stage"], d["possible_silo"]) for d in body["dimensions"]
    } == {code: (round(row.score, 1), row.stage, row.silo) for code, row in rows.items()}


def test_officer_sees_no_results_before_any_submission(client, open_round, city, officer):
    client.force_login(officer)

    page = client.get(_results_url(open_round, city))

    assert page.status_code == 200
    assert (
        "No results yet: results appear as soon as one officer of this city has submitted"
        in page.content.decode()
    )
    assert find_all(html(page), id="dimension-table") == []


def test_reopening_the_only_submission_takes_the_results_away(
    client, open_round, city, bank, officers, facilitator
):
    _submit_all(open_round, bank, officers, count=1)
    response = officers[0].responses.get()
    client.force_login(facilitator)
    client.post(f"/responses/{response.pk}/reopen/")

    page = client.get(_results_url(open_round, city))
    body = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/results.json").json()

    assert "No results yet" in page.content.decode()
    assert (body["submitted_responses"], body["overall"]["score"]) == (0, None)
    assert not CityResult.objects.filter(round=open_round, city=city).exists()


# The request's own (session, user, membership or permissions), the round, the city, the city's
# result with its rows, the medians, the departments' divergence (responses, answers), whether
# an agreed result is published, the city's results of this and its previous round, the
# consistency rules that concern the round with the city's results in the other session; the
# city's action plan, and what other cities adopted (how many have a plan, for an officer).
RESULTS_PAGE_QUERIES = 18


def test_results_page_stays_within_eighteen_queries_for_one_and_three_responses(
    client, open_round, city, bank, officers, django_assert_max_num_queries
):
    submit_answers(open_round, officers[0], demo_values(bank, "rotterdam", "Mobility", 7))
    client.force_login(officers[0])
    url = _results_url(open_round, city)
    client.get(url)  # warm-up: session and bank cache

    with django_assert_max_num_queries(RESULTS_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for user in officers[1:]:
        submit_answers(
            open_round, user, demo_values(bank, "rotterdam", user.membership.department, 7)
        )
    with django_assert_max_num_queries(RESULTS_PAGE_QUERIES):
        page = client.get(url)

    assert "based on 3 submitted responses" in page.content.decode()


def test_results_page_for_a_facilitator_stays_within_eighteen_queries_for_two_and_six_cities(
    client, open_round, city, bank, officers, facilitator, django_assert_max_num_queries
):
    _submit_all(open_round, bank, officers, count=1)
    client.force_login(facilitator)
    url = _results_url(open_round, city)
    client.get(url)  # warm-up: session and bank cache
    with django_assert_max_num_queries(RESULTS_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for n in range(4):
        place = factories.CityFactory(name=f"Extra {n}", slug=f"extra-{n}")
        open_round.cities.add(place)
        user = factories.MembershipFactory(city=place, department="Mobility").user
        submit_answers(open_round, user, demo_values(bank, place.slug, "Mobility", n))

    with django_assert_max_num_queries(RESULTS_PAGE_QUERIES):
        page = client.get(url)

    assert CityResult.objects.filter(round=open_round).count() == 5
    assert page.status_code == 200


def test_round_json_lists_every_city_for_a_facilitator(
    client, open_round, bank, officers, foreign_officer, facilitator
):
    _submit_all(open_round, bank, officers, count=1)
    submit_answers(open_round, foreign_officer, demo_values(bank, "valenciennes", "Mobility", 7))
    client.force_login(facilitator)

    body = client.get(f"/rounds/{open_round.pk}/results.json").json()

    assert [(c["city"]["slug"], c["submitted_responses"]) for c in body["cities"]] == [
        ("rotterdam", 1),
        ("valenciennes", 1),
    ]
    assert all(c["overall"]["score"] is not None for c in body["cities"])


def test_round_json_lists_only_their_own_city_for_an_officer(
    client, open_round, bank, officers, foreign_officer
):
    _submit_all(open_round, bank, officers, count=1)
    submit_answers(open_round, foreign_officer, demo_values(bank, "valenciennes", "Mobility", 7))
    client.force_login(foreign_officer)

    body = client.get(f"/rounds/{open_round.pk}/results.json").json()

    assert [c["city"]["slug"] for c in body["cities"]] == ["valenciennes"]


def _breadcrumb(page):
    (crumbs,) = find_all(html(page), "ol", class_="breadcrumb")
    return [
        (text(item), [attr(link, "href") for link in find_all(item, "a")])
        for item in find_all(crumbs, "li")
    ]


def test_the_breadcrumb_leads_a_facilitator_back_to_the_dashboard(
    client, open_round, city, facilitator
):
    client.force_login(facilitator)

    crumbs = _breadcrumb(client.get(_results_url(open_round, city)))

    assert crumbs == [
        ("Rounds", ["/"]),
        (f"{open_round.title}: dashboard", [f"/rounds/{open_round.pk}/dashboard/"]),
        ("Rotterdam", []),
    ]


def test_the_breadcrumb_leads_an_officer_back_to_their_assessments(
    client, open_round, city, officer
):
    client.force_login(officer)

    crumbs = _breadcrumb(client.get(_results_url(open_round, city)))

    assert crumbs == [("My assessments", ["/"]), (open_round.title, []), ("Rotterdam", [])]
