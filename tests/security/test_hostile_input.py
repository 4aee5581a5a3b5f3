"""Hostile input gets a clean refusal, never a 500: huge bodies, NUL bytes, forged option ids,
out-of-range numbers, malformed URLs, and random dashboard parameters.

The test client re-raises any exception a view lets escape, so a 500 fails these tests.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from surveys.models import Answer, Response
from surveys.structure import bank_for
from tests.web import bank_of, find_all, html, option, question, text

NOT_A_NUMBER = "Question 8: enter a number, like 12 or 12.5"
NUL_MESSAGE = "Question 2 — comment: remove the invisible control character (NUL) that came in with pasted text"


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _section_url(round_, code, autosave=False):
    return f"/rounds/{round_.pk}/sections/{code}/" + ("autosave/" if autosave else "")


def _stored(officer):
    return list(Answer.objects.filter(response__respondent=officer).values_list("question_id"))


def _version(officer):
    return Response.objects.filter(respondent=officer).values_list("version", flat=True).first()


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_refused_with_400(officer_client, open_round, officer):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    officer_client.get(_section_url(open_round, "strategy"))  # the response exists at version 1

    response = officer_client.post(
        _section_url(open_round, "strategy", autosave=True),
        {"version": "1", "strategy-vision__comment": "x" * limit},
    )

    assert limit == 2_621_440
    assert response.status_code == 400
    assert _stored(officer) == []
    assert _version(officer) == 1


@pytest.mark.django_db
def test_more_fields_than_allowed_are_refused_with_400(officer_client, open_round, officer):
    fields = {f"field{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = officer_client.post(_section_url(open_round, "strategy", autosave=True), fields)

    assert response.status_code == 400
    assert _stored(officer) == []


def _post_section(client, round_, code, data):
    return client.post(_section_url(round_, code), {"version": "1", "action": "stay", **data})


@pytest.mark.django_db
def test_a_nul_byte_in_a_comment_is_a_field_error_and_stores_nothing(
    officer_client, open_round, officer, bank
):
    vision = option(bank, "strategy-vision", "l2")

    response = _post_section(
        officer_client,
        open_round,
        "strategy",
        {"strategy-vision__answer": str(vision.pk), "strategy-vision__comment": "ok\x00; DROP"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"strategy-vision__comment": [NUL_MESSAGE]}
    assert _stored(officer) == []


@pytest.mark.django_db
def test_a_nul_byte_in_an_autosave_is_left_out_and_reported(officer_client, open_round, officer):
    response = officer_client.post(
        _section_url(open_round, "strategy", autosave=True),
        {"version": "1", "strategy-vision__comment": "\x00"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "partial"
    assert response.json()["errors"] == {"strategy-vision__comment": [NUL_MESSAGE]}
    assert _stored(officer) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged",
    ["unknown", "other_question", "other_questionnaire", "not_a_number", "negative"],
)
def test_an_option_id_not_offered_by_the_question_is_a_field_error(
    officer_client, open_round, officer, bank, idm, forged
):
    neighbour = next(
        o
        for q in bank.section("strategy").questions
        if q.code != "strategy-vision"
        for o in q.options.all()
    )
    values = {
        "unknown": "999999",
        "other_question": str(neighbour.pk),
        "other_questionnaire": str(next(iter(bank_for(idm).options_by_id))),
        "not_a_number": "1 OR 1=1",
        "negative": "-1",
    }

    response = _post_section(
        officer_client, open_round, "strategy", {"strategy-vision__answer": values[forged]}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "strategy-vision__answer": ["Question 2: choose one of the options shown"]
    }
    assert _stored(officer) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "messages"),
    [
        ("101", ["Question 8: enter a number of 100 or less"]),
        ("-0.01", ["Question 8: enter a number of 0 or more"]),
        ("NaN", [NOT_A_NUMBER]),
        ("Infinity", [NOT_A_NUMBER]),
        ("0x10", [NOT_A_NUMBER]),
        ("50\x00", [NOT_A_NUMBER]),
        (
            "1e400",
            [
                "Question 8: enter a number of 100 or less",
                "Question 8: enter a number of at most 14 digits",
            ],
        ),
    ],
)
def test_a_number_out_of_range_or_malformed_is_a_field_error(
    officer_client, open_round, officer, bank, typed, messages
):
    share = question(bank, "decisions-open-share")

    response = _post_section(
        officer_client, open_round, "decisions", {"decisions-open-share__answer": typed}
    )

    assert (share.min_value, share.max_value) == (0, 100)
    assert response.status_code == 400
    assert response.context["form"].errors == {"decisions-open-share__answer": messages}
    assert _stored(officer) == []


MALFORMED_ROUND_IDS = ["abc", "-1", "1.0", "1e3", "0x1", quote("１"), "1%00", "%20%31"]


@pytest.mark.parametrize("round_id", MALFORMED_ROUND_IDS)
def test_a_malformed_id_in_a_url_matches_no_pattern(round_id):
    with pytest.raises(Resolver404):
        resolve(f"/rounds/{round_id}/review/")


@pytest.mark.django_db
@pytest.mark.parametrize("round_id", MALFORMED_ROUND_IDS)
def test_a_malformed_id_in_a_url_is_not_found(officer_client, round_id):
    assert officer_client.get(f"/rounds/{round_id}/review/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["review/", "sections/strategy/", "cities/rotterdam/results/"])
def test_an_id_too_large_for_the_database_is_not_found(officer_client, open_round, path):
    # Matches the int converter, but overflows PostgreSQL's bigint.
    response = officer_client.get(f"/rounds/{2**63}/{path}")

    assert response.status_code == 404


# --- Dashboard parameters, fuzzed ---------------------------------------------------------------

KNOWN_PARAMETERS = ("country", "dimension", "sort")
hostile_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
) | st.sampled_from(["\x00", "' OR 1=1 --", "<script>alert(1)</script>", "%00", "../../etc"])


def _expected_warnings(query, countries, dimensions):
    """The dashboard's allow-list rule, stated independently: one warning per unknown value."""
    warnings = []
    country = query.get("country", "")
    if country and country not in countries:
        warnings.append(f"Unknown country {country[:20]!r}; showing all countries.")
    dimension = query.get("dimension", "")
    if dimension and dimension not in dimensions:
        warnings.append(f"Unknown dimension {dimension[:40]!r}; showing all dimensions.")
    sort = query.get("sort", "name")
    if sort not in ("name", "overall") and sort not in dimensions:
        warnings.append(f"Unknown sort order {sort[:40]!r}; sorted by name.")
    return warnings


def _squashed(value):
    return " ".join(value.split())


@pytest.mark.django_db
def test_random_dashboard_parameters_never_break_the_page(open_round, facilitator, bank):
    client = Client()
    client.force_login(facilitator)
    countries = {"NL", "FR"}
    dimensions = {s.dimension.code for s in bank.sections}
    known = st.sampled_from(sorted(countries | dimensions | {"name", "overall", ""}))
    seen = []

    @hypothesis_settings(
        max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        query=st.dictionaries(st.sampled_from(KNOWN_PARAMETERS), known | hostile_text),
        unknown=st.dictionaries(
            hostile_text.filter(lambda k: k not in KNOWN_PARAMETERS), hostile_text, max_size=3
        ),
    )
    def check(query, unknown):
        response = client.get(f"/rounds/{open_round.pk}/dashboard/", {**unknown, **query})
        warnings = [
            _squashed(text(alert))
            for alert in find_all(html(response), "div", class_="alert alert-warning")
        ]

        assert response.status_code == 200
        assert warnings == [_squashed(w) for w in _expected_warnings(query, countries, dimensions)]
        seen.append(bool(warnings))

    check()

    assert len(seen) == 100
    assert any(seen)
    assert not all(seen)
