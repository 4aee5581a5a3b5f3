"""Who may open which page: every URL of the apps, tried as every role, for one city's objects.

A new URL in surveys.urls or scoring.urls fails ``test_every_url_has_an_access_rule`` until it
gets an entry in ``ACCESS`` below, so no page goes without an access test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from operations.demo import demo_values
from scoring import urls as scoring_urls
from scoring.models import Action, CityResult, ResponseResult
from surveys import urls as surveys_urls
from surveys.models import Answer, Invitation, Response
from surveys.structure import AnswerValue
from tests import factories
from tests.web import FAST_HASHERS, bank_of, option, section_data, submit_answers

ROLE_FIXTURES = {
    "owner": "officer",
    "colleague": "colleague",
    "foreign": "foreign_officer",
    "facilitator": "facilitator",
    "admin": "admin_user_",
}


@dataclass(frozen=True)
class World:
    """A round only ``city`` takes part in, with the officer's submitted, scored response, and a
    pending invitation of a new officer of the city."""

    round: Any
    city: Any
    response: Any
    bank: Any
    invitation: Any
    action: Any = None  # an action of the city's plan in the round's questionnaire


@dataclass(frozen=True)
class Rule:
    kwargs: Callable[[World], dict[str, Any]]
    missing: Callable[[World], dict[str, Any]] | None  # None: the page shows no one's object
    expect: dict[str, dict[str, int]]  # method → role → status
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    public: bool = False  # no log-in needed (the invited person's link)


def _round(world):
    return {"round_id": world.round.pk}


def _no_round(world):
    return {"round_id": world.round.pk + 10_000}


def _section(world):
    return {"round_id": world.round.pk, "code": "strategy"}


def _no_section_round(world):
    return {"round_id": world.round.pk + 10_000, "code": "strategy"}


def _city(world):
    return {"round_id": world.round.pk, "city_slug": world.city.slug}


def _no_city_round(world):
    return {"round_id": world.round.pk + 10_000, "city_slug": world.city.slug}


def _plan(world):
    return {"city_slug": world.city.slug, "key": world.round.questionnaire.key}


def _no_plan_city(world):
    return {"city_slug": "atlantis", "key": world.round.questionnaire.key}


def _action(world):
    return {**_plan(world), "action_id": world.action.pk}


def _no_action(world):
    return {**_plan(world), "action_id": world.action.pk + 10_000}


def _action_data(world):
    return {
        "title": "Open the parking data",
        "dimension_code": "strategy",
        "kind": "tool",
        "department": "Mobility",
        "due_on": "2030-01-31",
    }


def _answer_data(world):
    vision = option(world.bank, "strategy-vision", "l0")
    return section_data(
        world.bank.section("strategy"),
        {vision.question_id: AnswerValue(option_id=vision.pk, comment="posted by someone")},
        version=1,
    )


def _invitation(world):
    return {"invitation_id": world.invitation.pk}


def _no_invitation(world):
    return {"invitation_id": world.invitation.pk + 10_000}


def _invitee(world):
    return {
        "email": "new@rotterdam.example",
        "name": "New",
        "city": world.city.pk,
        "department": "IT",
    }


def _invitees_file(world):
    csv = f"email,name,city,department\nnew@rotterdam.example,New,{world.city.name},IT\n"
    return {"file": SimpleUploadedFile("officers.csv", csv.encode(), content_type="text/csv")}


def _made_up_link(world):
    return {"uidb64": "MQ", "token": "made-up-token"}


QUESTIONNAIRE_ONLY = {"foreign": 404, "facilitator": 404, "admin": 404}
RESULTS = {"owner": 200, "colleague": 200, "foreign": 404, "facilitator": 200, "admin": 200}
FACILITATORS = {"owner": 404, "colleague": 404, "foreign": 404, "facilitator": 200, "admin": 200}
# A city's action plan: its officers and facilitators change it; another city's officer gets 404.
PLAN_CHANGES = {"owner": 302, "colleague": 302, "foreign": 404, "facilitator": 302, "admin": 302}

ACCESS: dict[str, Rule] = {
    "surveys:resume": Rule(
        _round, _no_round, {"GET": {"owner": 302, "colleague": 302, **QUESTIONNAIRE_ONLY}}
    ),
    "surveys:section": Rule(
        _section,
        _no_section_round,
        {
            # The owner's response is submitted: the page shows it read-only.
            "GET": {"owner": 200, "colleague": 200, **QUESTIONNAIRE_ONLY},
            "POST": {"owner": 200, "colleague": 302, **QUESTIONNAIRE_ONLY},
        },
        data=_answer_data,
    ),
    "surveys:autosave": Rule(
        lambda world: {"round_id": world.round.pk, "code": "strategy"},
        _no_section_round,
        {"POST": {"owner": 409, "colleague": 200, **QUESTIONNAIRE_ONLY}},
        data=_answer_data,
    ),
    "surveys:questionnaire": Rule(
        _round,
        _no_round,
        {
            "GET": {"owner": 200, "colleague": 200, **QUESTIONNAIRE_ONLY},
            "POST": {"owner": 200, "colleague": 302, **QUESTIONNAIRE_ONLY},
        },
        data=_answer_data,
    ),
    "surveys:questionnaire_autosave": Rule(
        _round,
        _no_round,
        {"POST": {"owner": 409, "colleague": 200, **QUESTIONNAIRE_ONLY}},
        data=_answer_data,
    ),
    "surveys:review": Rule(
        _round, _no_round, {"GET": {"owner": 200, "colleague": 200, **QUESTIONNAIRE_ONLY}}
    ),
    "surveys:submit": Rule(
        _round, _no_round, {"POST": {"owner": 302, "colleague": 302, **QUESTIONNAIRE_ONLY}}
    ),
    "surveys:reopen": Rule(
        lambda world: {"response_id": world.response.pk},
        lambda world: {"response_id": world.response.pk + 10_000},
        {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
    ),
    "surveys:invitations": Rule(
        _round,
        _no_round,
        {"GET": FACILITATORS, "POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=_invitee,
    ),
    "surveys:invitations_upload": Rule(
        _round,
        _no_round,
        {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=_invitees_file,
    ),
    "surveys:invitation_resend": Rule(
        _invitation, _no_invitation, {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}}
    ),
    "surveys:invitation_revoke": Rule(
        _invitation, _no_invitation, {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}}
    ),
    # Anyone signed in gets the page saying the link does not work (it is not theirs).
    "surveys:invitation_accept": Rule(
        _made_up_link,
        _made_up_link,
        {"GET": dict.fromkeys(ROLE_FIXTURES, 200)},
        public=True,
    ),
    "surveys:remind": Rule(
        _round,
        _no_round,
        {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=lambda world: {"city": world.city.slug},
    ),
    "scoring:round_deadline": Rule(
        _round,
        _no_round,
        {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=lambda world: {"deadline": ""},
    ),
    "scoring:round_capacity_round": Rule(
        _round,
        _no_round,
        {"POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=lambda world: {"capacity_round": ""},
    ),
    "scoring:city_results": Rule(_city, _no_city_round, {"GET": RESULTS}),
    "scoring:city_results_json": Rule(_city, _no_city_round, {"GET": RESULTS}),
    "scoring:dashboard": Rule(_round, _no_round, {"GET": FACILITATORS}),
    "scoring:round_change": Rule(_round, _no_round, {"GET": FACILITATORS}),
    "scoring:tracker": Rule(_round, _no_round, {"GET": FACILITATORS}),
    "scoring:round_status": Rule(
        _round,
        _no_round,
        {"GET": FACILITATORS, "POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=lambda world: {"status": "open"},
    ),
    "scoring:export": Rule(
        lambda world: {"round_id": world.round.pk, "kind": "answers", "file_format": "csv"},
        lambda world: {
            "round_id": world.round.pk + 10_000,
            "kind": "answers",
            "file_format": "csv",
        },
        {"GET": FACILITATORS},
    ),
    "scoring:city_report": Rule(_city, _no_city_round, {"GET": RESULTS}),
    "scoring:city_report_pdf": Rule(_city, _no_city_round, {"GET": RESULTS}),
    "scoring:round_results_json": Rule(_round, _no_round, {"GET": RESULTS}),
    "scoring:explained": Rule(
        lambda world: {},
        None,
        {"GET": {"owner": 200, "colleague": 200, "foreign": 200, "facilitator": 200, "admin": 200}},
    ),
    # Only facilitators record what a city agrees on; the city's own officers included get 404.
    "scoring:consensus": Rule(
        _city,
        _no_city_round,
        {"GET": FACILITATORS, "POST": {**FACILITATORS, "facilitator": 302, "admin": 302}},
        data=lambda world: {"version": "1", "action": "save"},
    ),
    "scoring:plan": Rule(_plan, _no_plan_city, {"GET": RESULTS}),
    "scoring:action_new": Rule(
        _plan, _no_plan_city, {"GET": RESULTS, "POST": PLAN_CHANGES}, data=_action_data
    ),
    "scoring:action": Rule(
        _action, _no_action, {"GET": RESULTS, "POST": PLAN_CHANGES}, data=_action_data
    ),
    "scoring:action_status": Rule(
        _action,
        _no_action,
        {"POST": PLAN_CHANGES},
        data=lambda world: {"status": "done", "note": "Delivered."},
    ),
}

# Only these requests may change the owner's response (reopening is what they are for).
CHANGES_OWNER = {("surveys:reopen", "facilitator"), ("surveys:reopen", "admin")}


def _cases(roles=None):
    return [
        pytest.param(name, method, role, status, id=f"{name}-{method}-{role}")
        for name, rule in ACCESS.items()
        for method, statuses in rule.expect.items()
        for role, status in statuses.items()
        if roles is None or role in roles
    ]


def _requests(*, public: bool = True, of_objects: bool = False):
    return [
        pytest.param(name, method, id=f"{name}-{method}")
        for name, rule in ACCESS.items()
        for method in rule.expect
        if (public or not rule.public) and (not of_objects or rule.missing is not None)
    ]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def world(ddg, city, other_city, officer):
    round_ = factories.RoundFactory(questionnaire=ddg, title="Rotterdam only")
    round_.cities.add(city)
    bank = bank_of(round_)
    response = submit_answers(round_, officer, demo_values(bank, city.slug, "Mobility", 1))
    invitee = factories.MembershipFactory(city=city, department="Finance").user
    invitee.set_unusable_password()
    invitee.save()
    invitation = Invitation.objects.create(round=round_, user=invitee)
    action = Action.objects.create(
        city=city,
        questionnaire_key=ddg.key,
        dimension_code="strategy",
        kind="skill",
        title="Appoint a data steward",
        department="Mobility",
        due_on=date(2030, 6, 30),
    )
    return World(
        round=round_, city=city, response=response, bank=bank, invitation=invitation, action=action
    )


def _snapshot():
    return {
        "responses": sorted(
            Response.objects.values_list("pk", "respondent_id", "status", "version", "submitted_at")
        ),
        "answers": sorted(
            Answer.objects.values_list("pk", "response_id", "option_id", "comment", "updated_at")
        ),
        "response_results": ResponseResult.objects.count(),
        "city_results": sorted(CityResult.objects.values_list("pk", "responses")),
        "actions": sorted(Action.objects.values_list("pk", "title", "status", "updated_at")),
    }


def _owner_snapshot(world):
    response = Response.objects.get(pk=world.response.pk)
    answers = sorted(
        Answer.objects.filter(response=response).values_list("pk", "option_id", "comment")
    )
    return (response.status, response.version, response.submitted_at, answers)


def _request(client, method, name, kwargs, data):
    url = reverse(name, kwargs=kwargs)
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


def test_every_url_has_an_access_rule():
    names = {
        f"{module.app_name}:{pattern.name}"
        for module in (surveys_urls, scoring_urls)
        for pattern in module.urlpatterns
    }

    assert set(ACCESS) == names


@pytest.mark.parametrize(("name", "method"), _requests())
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, name, method):
    rule = ACCESS[name]
    before = _snapshot()

    result = _request(client, method, name, rule.kwargs(world), rule.data(world))

    if rule.public:
        assert result.status_code == 200
    else:
        assert result.status_code == 302
        assert (
            result["Location"]
            == f"/accounts/login/?next={quote(reverse(name, kwargs=rule.kwargs(world)))}"
        )
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "method", "role", "status"), _cases())
def test_each_role_gets_only_what_it_may_see(request, client, world, name, method, role, status):
    rule = ACCESS[name]
    client.force_login(request.getfixturevalue(ROLE_FIXTURES[role]))
    before, owner_before = _snapshot(), _owner_snapshot(world)

    result = _request(client, method, name, rule.kwargs(world), rule.data(world))

    assert result.status_code == status
    if status == 404:
        assert _snapshot() == before
    elif (name, role) not in CHANGES_OWNER:
        assert _owner_snapshot(world) == owner_before


@pytest.mark.parametrize(("name", "method"), _requests(public=False, of_objects=True))
def test_another_citys_object_is_as_unknown_as_a_missing_one(
    client, world, foreign_officer, name, method
):
    rule = ACCESS[name]
    client.force_login(foreign_officer)

    foreign = _request(client, method, name, rule.kwargs(world), rule.data(world))
    assert rule.missing is not None
    missing = _request(client, method, name, rule.missing(world), rule.data(world))

    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert foreign.content == missing.content


def test_reopen_by_a_facilitator_returns_the_response_to_draft(client, world, facilitator):
    client.force_login(facilitator)

    client.post(reverse("surveys:reopen", kwargs={"response_id": world.response.pk}))

    response = Response.objects.get(pk=world.response.pk)
    assert (response.status, response.reopened_by) == ("draft", facilitator)
    assert not ResponseResult.objects.filter(response=response).exists()


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/rounds/1/tracker/", "/rounds/1/tracker/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("", "/"),
    ],
)
def test_reopen_returns_only_to_a_page_of_this_site(client, world, facilitator, next_url, location):
    client.force_login(facilitator)

    result = client.post(
        reverse("surveys:reopen", kwargs={"response_id": world.response.pk}), {"next": next_url}
    )

    assert (result.status_code, result["Location"]) == (302, location)


def test_colleague_sees_their_own_new_response_not_the_owners(client, world, colleague):
    client.force_login(colleague)
    owner_comment = "Visible only to the owner."
    Answer.objects.filter(response=world.response).update(comment=owner_comment)

    page = client.get(reverse("surveys:section", kwargs=_section(world)))

    assert page.status_code == 200
    assert owner_comment not in page.content.decode()
    assert 'name="version" value="1"' in page.content.decode()
    own = Response.objects.get(round=world.round, respondent=colleague)
    assert (own.department, own.status) == ("IT and data", "draft")


def test_colleague_post_saves_into_their_own_response_only(client, world, colleague):
    client.force_login(colleague)
    owner_before = _owner_snapshot(world)

    client.post(reverse("surveys:section", kwargs=_section(world)), _answer_data(world))

    own = Response.objects.get(round=world.round, respondent=colleague)
    assert list(Answer.objects.filter(response=own).values_list("comment", flat=True)) == [
        "posted by someone"
    ]
    assert _owner_snapshot(world) == owner_before


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_staff_without_a_city_have_no_questionnaire_response(request, client, world, role):
    client.force_login(request.getfixturevalue(ROLE_FIXTURES[role]))

    page = client.get(reverse("surveys:section", kwargs=_section(world)))

    assert page.status_code == 404
    assert Response.objects.filter(round=world.round).count() == 1
