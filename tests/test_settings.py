"""Settings come from the environment: production values pass `check --deploy`, bad values fail loudly."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "".join(
        secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60)
    ),
    "DJANGO_ALLOWED_HOSTS": "assess.example.org",
}
# Built in two parts so this file does not match its own search.
FORBIDDEN_BACKEND = "sql" + "ite"
PROJECT_PATHS = [
    "polis_assess",
    "surveys",
    "scoring",
    "operations",
    "templates",
    "tests",
    "fixtures",
    "Makefile",
    "pyproject.toml",
    ".ci",
]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh interpreter, so settings are read from exactly this environment."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DJANGO_DEBUG": "maybe"},
            "DJANGO_DEBUG must be a boolean (true/false, 1/0, yes/no), got 'maybe'",
        ),
        (
            {"DJANGO_DEBUG": "false"},
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off",
        ),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "too-short"},
            "DJANGO_SECRET_KEY must be at least 50 characters long",
        ),
        (
            {"DJANGO_DEBUG": "true", "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL must point to PostgreSQL (postgres://...)",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_EMAIL_PORT": "abc"},
            "DJANGO_EMAIL_PORT must be an integer, got 'abc'",
        ),
        (
            {"DJANGO_DEBUG": "true", "POLIS_SITE_URL": "assess.polis.example"},
            "POLIS_SITE_URL must be an http:// or https:// address without query, got "
            "'assess.polis.example'",
        ),
        (
            {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "*"},
            "POLIS_SITE_URL must be set (e.g. https://assess.polis.example) when "
            "DJANGO_ALLOWED_HOSTS names no single host",
        ),
        (
            {"DJANGO_DEBUG": "true", "POLIS_REMINDER_DAYS": "7,two"},
            "POLIS_REMINDER_DAYS must be whole numbers of days separated by commas, got '7,two'",
        ),
        (
            {"DJANGO_DEBUG": "true", "POLIS_REMINDER_DAYS": "7,0"},
            "POLIS_REMINDER_DAYS must list numbers of days of at least 1, got '7,0'",
        ),
    ],
    ids=[
        "debug-not-boolean",
        "no-secret-key",
        "short-secret-key",
        "not-postgres",
        "email-port",
        "site-url-scheme",
        "site-url-no-host",
        "reminder-days-text",
        "reminder-days-zero",
    ],
)
def test_invalid_environment_stops_startup_naming_the_variable(env, message):
    result = _manage("check", **env)

    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.parametrize(
    ("env", "site_url", "reminder_days"),
    [
        ({**PRODUCTION}, "https://assess.example.org", "[7, 2]"),
        (
            {
                **PRODUCTION,
                "POLIS_SITE_URL": "https://polis.example/assess/",
                "POLIS_REMINDER_DAYS": "3,10,3",
            },
            "https://polis.example/assess",
            "[10, 3]",
        ),
        ({"DJANGO_DEBUG": "true"}, "http://127.0.0.1:8000", "[7, 2]"),
    ],
    ids=["production-default", "configured", "development"],
)
def test_the_site_address_and_reminder_days_come_from_the_environment(env, site_url, reminder_days):
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.POLIS_SITE_URL, settings.REMINDER_DAYS_BEFORE)",
        **env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{site_url} {reminder_days}"


def test_no_project_file_mentions_another_database_backend():
    this_file = Path(__file__).resolve()
    files = [
        path
        for name in PROJECT_PATHS
        for path in (
            [BASE_DIR / name] if (BASE_DIR / name).is_file() else (BASE_DIR / name).rglob("*")
        )
        if path.is_file() and "__pycache__" not in path.parts and path.resolve() != this_file
    ]
    offenders = [
        str(path.relative_to(BASE_DIR))
        for path in files
        if FORBIDDEN_BACKEND in path.read_bytes().decode("utf-8", "replace").lower()
    ]

    assert len(files) > 50
    assert offenders == []
