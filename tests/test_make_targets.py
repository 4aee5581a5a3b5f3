"""What the Makefile runs: `make run` serves on PORT, `make seed` ends with the demo accounts.

`make -n` prints the commands a target would run without running them (the install step is
up to date here, so it prints nothing for it).
"""

from __future__ import annotations

import os
import subprocess

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def _dry_run(target: str, **environment: str) -> list[str]:
    printed = subprocess.run(
        ["make", "-n", target],
        cwd=settings.BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return printed.stdout.splitlines()


def _commands(lines: list[str]) -> list[str]:
    return [line.split("manage.py ", 1)[1] for line in lines if "manage.py " in line]


def test_make_run_serves_on_port_8000_unless_port_is_set():
    environment = {name: value for name, value in os.environ.items() if name != "PORT"}
    default = subprocess.run(
        ["make", "-n", "run"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()

    assert _commands(default)[-1] == "runserver 127.0.0.1:8000"
    assert _commands(_dry_run("run", PORT="8123"))[-1] == "runserver 127.0.0.1:8123"


def test_make_seed_ends_by_printing_the_demo_accounts():
    assert _commands(_dry_run("seed"))[-2:] == ["seed_demo", "demo_accounts"]


def test_make_db_stop_leaves_a_database_url_server_alone(settings):
    settings.DATABASE_URL = "postgres://postgres@127.0.0.1:5432/polis"

    with pytest.raises(CommandError, match="not ours to stop"):
        call_command("stop_database")
