"""Deny by default: every URL pattern is public by name, or sends whoever may not use it to log in.

The patterns come from the resolver itself (admin and auth included), so a new URL fails
``test_every_url_pattern_has_an_access_entry`` until it is listed below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter

# Anyone may open these, signed in or not. (Static files are served by WhiteNoise's middleware
# before the URLconf is consulted, so they are no URL pattern.)
PUBLIC = {
    "login": 200,
    "password_reset": 200,
    "password_reset_done": 200,
    "password_reset_confirm": 200,  # the "invalid link" page for a made-up token
    "password_reset_complete": 200,
    "health": 200,
    "admin:login": 200,
    # The language switcher takes a POST only (tests/surveys/test_languages.py).
    "set_language": 405,
    # An invited person has no password yet; a made-up link gets the "does not work" page.
    "surveys:invitation_accept": 200,
}

SIGNED_IN = {
    "home",
    "my_data",
    "keep_alive",
    "logout",
    "password_change",
    "password_change_done",
    "surveys:resume",
    "surveys:section",
    "surveys:autosave",
    "surveys:questionnaire",
    "surveys:questionnaire_autosave",
    "surveys:review",
    "surveys:submit",
    "surveys:reopen",
    "surveys:invitations",
    "surveys:invitations_upload",
    "surveys:invitation_resend",
    "surveys:invitation_revoke",
    "surveys:remind",
    "scoring:city_results",
    "scoring:city_results_json",
    "scoring:dashboard",
    "scoring:round_change",
    "scoring:tracker",
    "scoring:round_status",
    "scoring:round_deadline",
    "scoring:round_capacity_round",
    "scoring:export",
    "scoring:city_report",
    "scoring:city_report_pdf",
    "scoring:round_results_json",
    "scoring:consensus",
    "scoring:explained",
    "scoring:plan",
    "scoring:action_new",
    "scoring:action",
    "scoring:action_status",
}

ADMIN_SITE = {
    "admin:index",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin/(?P<url>.*)$",  # the admin's catch-all (unnamed)
}

# Registered ModelAdmins → their extra URL names besides the five every ModelAdmin has.
ADMIN_MODELS: dict[str, tuple[str, ...]] = {
    "auth/group": (),
    "auth/user": ("password_change",),
    "axes/accessattempt": (),
    "axes/accesslog": (),
    "axes/accessfailurelog": (),
    "surveys/questionnaire": ("simple_history",),
    "surveys/dimension": ("simple_history",),
    "surveys/question": ("simple_history",),
    "surveys/city": (),
    "surveys/membership": (),
    "surveys/profile": (),
    "surveys/round": (),
    "surveys/response": (),
}


def _admin_model_keys() -> set[str]:
    keys = set()
    for model, extras in ADMIN_MODELS.items():
        prefix = model.replace("/", "_")
        for suffix in ("changelist", "add", "history", "delete", "change", *extras):
            keys.add(f"admin:{prefix}_{suffix}")
        keys.add(f"admin/{model}/<path:object_id>/")  # unnamed: redirects to the change page
    return keys


ADMIN = ADMIN_SITE | _admin_model_keys()
EXPECTED = set(PUBLIC) | SIGNED_IN | ADMIN

CONVERTER_VALUES = {IntConverter: "999999", SlugConverter: "x", PathConverter: "x"}
NAMED_VALUES = {"uidb64": "MQ", "token": "made-up-token"}


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the full route when the pattern has no name
    route: str
    path: str  # a concrete path that this pattern (and no earlier one) resolves


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else route
            yield Pattern(key=key, route=route, path=_example_path(route))


def _example_path(route: str) -> str:
    def typed(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name in NAMED_VALUES:
            return NAMED_VALUES[name]
        converters = {"int": IntConverter, "slug": SlugConverter, "path": PathConverter}
        return CONVERTER_VALUES.get(converters.get(converter or "", StringConverter), "x")

    def group(match: re.Match[str]) -> str:
        # A regex group: the first word of an alternation ("auth|axes|surveys"), else "x".
        body = match.group(1)
        return body.split("|")[0] if re.fullmatch(r"\w+(\|\w+)*", body) else "x"

    path = re.sub(r"\((?:\?P<\w+>)?([^()]*)\)", group, route)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", typed, path)
    return "/" + path.replace("^", "").replace("$", "")


def all_patterns() -> list[Pattern]:
    """Every pattern once: a second pattern with the same route (auth.urls' own "login",
    shadowed by ours) can never be reached, so the first one stands for both."""
    found: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver()):
        found.setdefault(pattern.route, pattern)
    return list(found.values())


def _login_redirect(login_url: str, path: str) -> str:
    return f"{login_url}?{urlencode({'next': path}, safe='/')}"


def _outcome(response) -> tuple[int, str | None]:
    return response.status_code, response.headers.get("Location")


def test_every_url_pattern_has_an_access_entry():
    found = {pattern.key for pattern in all_patterns()}

    assert found - EXPECTED == set(), (
        "New URL pattern(s) without an access rule: add each to PUBLIC (only if anonymous "
        "visitors may really use it), SIGNED_IN or the ADMIN sets in tests/security/test_url_matrix.py"
    )
    assert EXPECTED - found == set(), "Listed patterns that no longer exist: remove them"


def test_example_paths_reach_their_own_pattern():
    wrong = {}
    for pattern in all_patterns():
        match = resolve(pattern.path)
        # The resolver drops a regex's "^" when it joins the routes of nested patterns.
        if match.route != re.sub(r"(^|/)\^", r"\1", pattern.route):
            wrong[pattern.path] = (pattern.route, match.route)

    assert wrong == {}


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_on_every_non_public_url(client):
    patterns = [p for p in all_patterns() if p.key not in PUBLIC]
    wrong = {}
    for pattern in patterns:
        # The admin site's own views do their own log-in check (to the admin's log-in page);
        # everything else, ModelAdmin pages included, is stopped by LoginRequiredMiddleware.
        login_url = "/admin/login/" if pattern.key in ADMIN_SITE else "/accounts/login/"
        expected = (302, _login_redirect(login_url, pattern.path))
        for method in ("get", "post"):
            outcome = _outcome(getattr(client, method)(pattern.path))
            if outcome != expected:
                wrong[f"{method.upper()} {pattern.path}"] = outcome

    assert {p.key for p in patterns} == EXPECTED - set(PUBLIC)
    assert wrong == {}


@pytest.mark.django_db
def test_public_urls_answer_anonymous_visitors(client):
    outcomes = {
        pattern.key: client.get(pattern.path).status_code
        for pattern in all_patterns()
        if pattern.key in PUBLIC
    }

    assert outcomes == PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "facilitator"])
def test_signed_in_non_staff_are_sent_to_the_admin_login_on_every_admin_url(request, client, role):
    client.force_login(request.getfixturevalue(role))
    patterns = [p for p in all_patterns() if p.key in ADMIN]
    wrong = {}
    for pattern in patterns:
        # The admin's log-out page sends non-staff to the admin index, which asks them to log in.
        target = "/admin/" if pattern.key == "admin:logout" else pattern.path
        expected = (302, _login_redirect("/admin/login/", target))
        if pattern.key == "admin:logout":
            expected = (302, "/admin/")
        for method in ("get", "post"):
            outcome = _outcome(getattr(client, method)(pattern.path))
            if outcome != expected:
                wrong[f"{method.upper()} {pattern.path}"] = outcome

    assert {p.key for p in patterns} == ADMIN
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["results/", "results.json", "report/", "report.pdf"])
def test_a_foreign_citys_results_look_exactly_like_a_missing_round(
    client, settings, officer, open_round, city, other_city, suffix
):
    settings.DEBUG = False  # the production 404 page, not the debug page naming the URL
    client.force_login(officer)

    foreign = client.get(f"/rounds/{open_round.pk}/cities/{other_city.slug}/{suffix}")
    no_round = client.get(f"/rounds/999999/cities/{city.slug}/{suffix}")
    no_city = client.get(f"/rounds/{open_round.pk}/cities/atlantis/{suffix}")
    own = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/{suffix}")

    assert own.status_code == 200
    assert [foreign.status_code, no_round.status_code, no_city.status_code] == [404, 404, 404]
    assert foreign.content == no_round.content == no_city.content
    assert foreign.headers["Content-Type"] == no_round.headers["Content-Type"]
