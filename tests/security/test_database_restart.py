"""A database outage under a running app: requests work again without restarting the app, and a
save cut off by the outage leaves nothing half-written.

With the embedded server the app starts it again itself, from whichever process asks first. With
DATABASE_URL it never starts a server: health answers 503 until the server is back, and the
next request after that works.

The app runs as in production: gunicorn sync workers with persistent connections
(CONN_MAX_AGE) and CONN_HEALTH_CHECKS. It gets its own embedded PostgreSQL (the same pgserver
binaries, a private data folder), because restarting the shared server under var/ would cut
off every other test run using it at the same moment.
"""

from __future__ import annotations

import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg2
import pytest
from django.conf import settings

from operations import pg_clients

BASE_DIR = Path(settings.BASE_DIR)
DB_NAME = "polis_assess"
CSRF_TOKEN = "restarttestcsrfsecret0123456789a"  # any 32 letters/digits: a double-submit token
WAIT = 30.0  # seconds: the bound on every wait in this file

SETUP = """
import json
from datetime import date
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from surveys.models import City, Membership, Questionnaire, Round
from surveys.structure import bank_for

call_command("migrate", verbosity=0)
call_command("load_bank", "--publish", "--skip-existing",
             "fixtures/question_banks/data-driven-government.yaml", verbosity=0)
bank = bank_for(Questionnaire.objects.get(key="data-driven-government", status="published"))
city = City.objects.create(name="Rotterdam", slug="rotterdam", country="NL")
round_ = Round.objects.create(questionnaire=bank.questionnaire, title="Restart round",
                              opens_on=date(2021, 6, 1), closes_on=date(2021, 9, 30))
round_.cities.add(city)
user = get_user_model()(username="restart-officer")
user.set_unusable_password()  # signed in below through a session, as Client.force_login does
user.save()
Membership.objects.create(user=user, city=city, department="Mobility")
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), HASH_SESSION_KEY: user.get_session_auth_hash(),
                BACKEND_SESSION_KEY: "polis_assess.auth.AccountBackend"})
session.create()
first, second = [q for q in bank.section("strategy").questions if q.kind == "scale"][:2]
print(json.dumps({
    "round": round_.pk,
    "session": session.session_key,
    "first": [first.code, [o.pk for o in first.options.all()]],
    "second": [second.code, [o.pk for o in second.options.all()]],
}))
"""


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


@dataclass
class App:
    """One gunicorn with one sync worker: a single thread that keeps its database connection."""

    socket: Path
    process: subprocess.Popen
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, bytes]:
        connection = _UnixHTTPConnection(self.socket, timeout=WAIT)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, content
        finally:
            connection.close()

    def status(self, path: str = "/health/") -> int:
        try:
            return self.request("GET", path)[0]
        except OSError:
            return 0


def _owner(path: Path) -> str:
    return pwd.getpwuid(path.stat().st_uid).pw_name


def _pg_ctl(pgdata: Path, *args: str) -> None:
    """pg_ctl as the server's own user (pgserver runs PostgreSQL as 'pgserver' under root)."""
    owner = _owner(pgdata)
    user = owner if owner != pwd.getpwuid(os.getuid()).pw_name else None
    # Output to files, not pipes: the server inherits them and would keep a pipe open.
    with tempfile.TemporaryFile() as out:
        subprocess.run(
            [str(pg_clients.program("pg_ctl")), "-D", str(pgdata), "-w", "-t", "30", *args],
            stdout=out,
            stderr=out,
            user=user,
            check=True,
            timeout=WAIT + 10,
        )


def _wait_until(predicate, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < WAIT:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"timed out after {WAIT} s waiting for {what}")


@dataclass
class World:
    pgdata: Path
    socket_dir: Path
    first: App  # handles the save that the restart interrupts
    second: App  # idle through the restart, with its connection kept
    round_id: int
    questions: dict[str, tuple[str, list[int]]]

    def sql(self, query: str, *params) -> list[tuple]:
        connection = psycopg2.connect(host=str(self.socket_dir), dbname=DB_NAME, user="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        finally:
            connection.close()


@pytest.fixture
def world() -> Iterator[World]:
    yield from _world(database_url=False)


@pytest.fixture
def url_world() -> Iterator[World]:
    yield from _world(database_url=True)


def _world(*, database_url: bool) -> Iterator[World]:
    # Not pytest's tmp_path: every pytest run resets /tmp/pytest-of-<user> to mode 0700, which
    # would lock the 'pgserver' user out of a data folder beneath it half-way through.
    tmp_path = Path(tempfile.mkdtemp(prefix="polis-restart-"))
    pgdata = tmp_path / "pgdata"
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "POLIS_")) and name != "DATABASE_URL"
    }
    environment.update(
        DJANGO_DEBUG="true",
        DJANGO_SETTINGS_MODULE="polis_assess.settings",
        POLIS_PGDATA=str(pgdata),
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    setup = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SETUP],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    apps: list[App] = []
    try:
        assert setup.returncode == 0, setup.stderr
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        socket_dir = Path(
            (pgdata / "postmaster.pid").read_text().splitlines()[4]
        )  # line 5: the socket directory
        if database_url:
            del environment["POLIS_PGDATA"]
            host = quote(str(socket_dir), safe="")
            environment["DATABASE_URL"] = f"postgres://postgres@{host}/{DB_NAME}"
        for name in ("first", "second"):
            sock = tmp_path / f"{name}.sock"
            log = (tmp_path / f"{name}.log").open("w")
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "polis_assess.wsgi:application",
                    f"--bind=unix:{sock}",
                    "--workers=1",
                    "--worker-class=sync",
                    "--timeout=60",
                ],
                cwd=BASE_DIR,
                env=environment,
                stdout=log,
                stderr=log,
            )
            apps.append(App(socket=sock, process=process))
        for app in apps:
            _wait_until(lambda app=app: app.status() == 200, f"gunicorn on {app.socket}")
            app.cookies.update(sessionid=data["session"], csrftoken=CSRF_TOKEN)
        yield World(
            pgdata=pgdata,
            socket_dir=socket_dir,
            first=apps[0],
            second=apps[1],
            round_id=data["round"],
            questions={key: tuple(data[key]) for key in ("first", "second")},
        )
    finally:
        for app in apps:
            app.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
        for app in apps:
            app.process.wait(timeout=WAIT)
        if (pgdata / "postmaster.pid").exists():
            _pg_ctl(pgdata, "-m", "immediate", "stop")
        shutil.rmtree(tmp_path)


def _autosave(app: App, world: World, version: int, answers: dict[str, int]) -> tuple[int, bytes]:
    data = {"version": str(version)}
    for key, option_id in answers.items():
        code = world.questions[key][0]
        data[f"{code}__answer"] = str(option_id)
        data[f"{code}__comment"] = f"comment on {key}"
    return app.request("POST", f"/rounds/{world.round_id}/sections/strategy/autosave/", data)


def _state(world: World) -> dict[str, object]:
    return {
        "version": world.sql("SELECT version FROM surveys_response"),
        "answers": world.sql(
            "SELECT question_id, option_id, comment FROM surveys_answer ORDER BY question_id"
        ),
        "history": world.sql("SELECT count(*) FROM surveys_answerchange"),
    }


def test_a_crash_interrupts_one_save_cleanly_and_the_app_starts_the_server_again(world):
    first_options, second_options = world.questions["first"][1], world.questions["second"][1]
    status, body = _autosave(world.first, world, 1, {"first": first_options[1]})
    assert (status, json.loads(body)["version"]) == (200, 2)
    before = _state(world)
    old_pid = _postmaster_pid(world)

    # Hold the first answer's row, so the next save stops half-way through its transaction:
    # the response's version is claimed, the write of the answer waits for the row.
    holder = psycopg2.connect(host=str(world.socket_dir), dbname=DB_NAME, user="postgres")
    holder.cursor().execute("SELECT id FROM surveys_answer FOR UPDATE")
    interrupted: list[int] = []
    changed = {"first": first_options[3], "second": second_options[2]}
    save = threading.Thread(
        target=lambda: interrupted.append(
            _status_or_zero(lambda: _autosave(world.first, world, 2, changed))
        )
    )
    save.start()
    waiting_sql = (
        "SELECT position('surveys_answer' in query) > 0 FROM pg_stat_activity"
        " WHERE datname = %s AND wait_event_type = 'Lock'"
    )
    _wait_until(lambda: len(world.sql(waiting_sql, DB_NAME)) == 1, "the save to wait for the row")
    waiting = world.sql(waiting_sql, DB_NAME)
    assert world.second.status() == 200  # the second app now holds an idle, open connection
    idle = world.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'idle'"
        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        DB_NAME,
    )

    # SIGQUIT, PostgreSQL's immediate shutdown, as after a crash or a power cut (the server
    # recovers from its WAL): every backend stops at once, so the waiting save is always cut
    # off. Not `pg_ctl stop`, which waits for the pid file to go and would find the new one the
    # app writes when it starts the server again. Nobody but the app starts it again.
    started = time.monotonic()
    os.kill(old_pid, signal.SIGQUIT)
    save.join(timeout=WAIT)
    cut_off = time.monotonic() - started
    holder.close()
    recovered = _wait_until(lambda: world.first.status() == 200, "the first app to answer again")
    after_restart = world.second.status()

    assert waiting == [(True,)]  # the save, writing the held answer
    assert idle == [(1,)]
    assert interrupted == [500]
    assert _postmaster_pid(world) not in {None, old_pid}  # a new server, started by the app
    assert after_restart == 200  # the idle connection was checked and replaced, no app restart
    assert _state(world) == before  # the interrupted save left nothing behind
    status, body = _autosave(world.second, world, 2, changed)
    assert (status, json.loads(body)["status"], json.loads(body)["version"]) == (200, "saved", 3)
    assert _state(world)["history"] == [(3,)]
    print(
        f"\ndatabase crash: the save was cut off after {cut_off:.2f} s; the app had started the "
        f"server again and answered {recovered:.2f} s later; the interrupted save left 0 rows"
    )


def _stop_database(pgdata: Path) -> str:
    """`make db-stop`'s command, for the server in ``pgdata``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "POLIS_")) and name != "DATABASE_URL"
    }
    environment.update(DJANGO_DEBUG="true", POLIS_PGDATA=str(pgdata))
    stopped = subprocess.run(
        [sys.executable, "manage.py", "stop_database"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=WAIT + 10,
        check=True,
    )
    return stopped.stdout


def test_every_app_process_finds_the_embedded_server_again_after_it_was_stopped(world):
    """Stopped by `make db-stop`, as a developer would."""
    assert world.first.status("/") == 200
    assert world.second.status("/") == 200
    old_pid = _postmaster_pid(world)

    assert _stop_database(world.pgdata).startswith("Stopped the embedded PostgreSQL")
    assert _postmaster_pid(world) is None
    assert _stop_database(world.pgdata).endswith("is not running.\n")

    # Each process recovers by itself on its next request: the second finds the server the first
    # started, through the postmaster.pid it reads on every new connection.
    assert world.first.status() == 200
    assert world.second.status() == 200
    assert world.second.status("/") == 200
    assert _postmaster_pid(world) not in {None, old_pid}


def test_with_database_url_health_answers_503_and_the_app_never_starts_a_server(url_world):
    world = url_world
    assert world.first.status() == 200
    assert world.second.status("/") == 200

    _pg_ctl(world.pgdata, "-m", "fast", "stop")

    down = [world.first.request("GET", "/health/") for _ in range(3)]
    assert down == [(503, b'{"status": "database unavailable"}')] * 3
    assert world.second.status() == 503
    assert _postmaster_pid(world) is None  # still down: with DATABASE_URL the app starts nothing

    _pg_ctl(
        world.pgdata,
        "-o",
        f'-h "" -k {world.socket_dir}',
        "-l",
        str(world.pgdata / "log"),
        "start",
    )

    assert world.first.status() == 200  # the next request after the server is back
    assert world.second.status("/") == 200


def _postmaster_pid(world: World) -> int | None:
    """The running server's process id, or None when no server runs."""
    try:
        return int((world.pgdata / "postmaster.pid").read_text().splitlines()[0])
    except FileNotFoundError:
        return None


def _status_or_zero(call) -> int:
    try:
        return call()[0]
    except OSError:
        return 0
