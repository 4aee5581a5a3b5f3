"""Security headers on every page: a script policy without inline code, no sniffing or framing,
answers never cached, and production cookies that are Secure and HttpOnly.

`manage.py check --deploy` with production settings is tests/test_settings.py's job
(test_production_settings_pass_the_deploy_check_without_warnings); it is not repeated here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.web import attr, find_all, has_attr, html, walk

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
NEVER_CACHED = {"section", "review", "my_data", "autosave"}


def _policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


@pytest.fixture
def pages(client, open_round, city, officer, facilitator, admin_user_):
    """(name, client-call) for one page of each kind, each as a role that may see it."""
    round_id = open_round.pk
    results = f"/rounds/{round_id}/cities/{city.slug}"

    def as_user(user, method, path, **data):
        def call():
            client.logout()
            if user is not None:
                client.force_login(user)
            return getattr(client, method)(path, data)

        return call

    return {
        "login": as_user(None, "get", "/accounts/login/"),
        "password_reset": as_user(None, "get", "/accounts/password_reset/"),
        "health": as_user(None, "get", "/health/"),
        "home": as_user(officer, "get", "/"),
        "section": as_user(officer, "get", f"/rounds/{round_id}/sections/strategy/"),
        "autosave": as_user(
            officer, "post", f"/rounds/{round_id}/sections/strategy/autosave/", version="1"
        ),
        "review": as_user(officer, "get", f"/rounds/{round_id}/review/"),
        "results": as_user(officer, "get", f"{results}/results/"),
        "results_json": as_user(officer, "get", f"{results}/results.json"),
        "report": as_user(officer, "get", f"{results}/report/"),
        "my_data": as_user(officer, "get", "/account/my-data.json"),
        "dashboard": as_user(facilitator, "get", f"/rounds/{round_id}/dashboard/"),
        "tracker": as_user(facilitator, "get", f"/rounds/{round_id}/tracker/"),
        "admin_index": as_user(admin_user_, "get", "/admin/"),
        "admin_users": as_user(admin_user_, "get", "/admin/auth/user/"),
        "admin_questionnaires": as_user(admin_user_, "get", "/admin/surveys/questionnaire/"),
    }


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(pages):
    seen = {}
    for name, call in pages.items():
        response = call()
        seen[name] = (
            response.status_code,
            _policy(response),
            response.headers.get("X-Content-Type-Options"),
            response.headers.get("Referrer-Policy"),
            response.headers.get("X-Frame-Options"),
            response.headers.get("Cross-Origin-Opener-Policy"),
        )

    expected = (200, POLICY, "nosniff", "same-origin", "DENY", "same-origin")
    assert seen == dict.fromkeys(pages, expected)


@pytest.mark.django_db
def test_the_script_policy_allows_neither_inline_code_nor_eval(pages):
    script_sources = {name: _policy(call())["script-src"] for name, call in pages.items()}

    assert all(
        "'unsafe-inline'" not in s and "'unsafe-eval'" not in s for s in script_sources.values()
    )
    assert set(map(tuple, script_sources.values())) == {("'self'",)}


@pytest.mark.django_db
def test_no_page_carries_inline_script_the_policy_would_block(pages):
    """Scripts come from files; inline data is JSON (json_script), never code or on* handlers."""
    offenders = {}
    for name, call in pages.items():
        response = call()
        if not response["Content-Type"].startswith("text/html"):
            continue
        document = html(response)
        inline = [
            s
            for s in find_all(document, "script")
            if not has_attr(s, "src") and attr(s, "type") != "application/json"
        ]
        handlers = [
            (element.name, key)
            for element in walk(document)
            for key, _ in element.attributes
            if key.startswith("on")
        ]
        if inline or handlers:
            offenders[name] = (len(inline), handlers)

    assert offenders == {}


NEVER_STORED = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_every_page_of_private_data_is_never_stored_by_browsers_or_proxies(
    pages, client, open_round, city, facilitator, officer
):
    round_id = open_round.pk
    downloads = {
        "report_pdf": (officer, f"/rounds/{round_id}/cities/{city.slug}/report.pdf"),
        "round_json": (facilitator, f"/rounds/{round_id}/results.json"),
        "export_answers_csv": (facilitator, f"/rounds/{round_id}/exports/answers.csv"),
        "export_city_scores_xlsx": (facilitator, f"/rounds/{round_id}/exports/city-scores.xlsx"),
    }
    cache_control = {name: pages[name]().headers.get("Cache-Control") for name in sorted(pages)}
    for name, (user, path) in downloads.items():
        client.force_login(user)
        response = client.get(path)
        cache_control[name] = (response.status_code, response.headers.get("Cache-Control"))

    assert cache_control == {
        **dict.fromkeys(sorted(pages), NEVER_STORED),
        **dict.fromkeys(downloads, (200, NEVER_STORED)),
    }


@pytest.mark.django_db
def test_answer_pages_are_never_stored_by_browsers_or_proxies(pages):
    cache_control = {name: pages[name]()["Cache-Control"] for name in sorted(NEVER_CACHED)}

    assert cache_control == dict.fromkeys(
        sorted(NEVER_CACHED), "max-age=0, no-cache, no-store, must-revalidate, private"
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "production-like-secret-for-a-settings-test-only-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "assess.example.org",
}
PRINT_COOKIE_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
]}))
"""


def test_production_cookies_are_secure_http_only_and_same_site():
    # Settings are computed from the environment at import, so only a fresh interpreter sees
    # what production sees (override_settings would only show what the test sets).
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="polis_assess.settings")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_COOKIE_SETTINGS],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert json.loads(result.stdout.splitlines()[-1]) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }
