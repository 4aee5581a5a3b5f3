"""Throughput under concurrency: gunicorn with two workers on 127.0.0.1, driven by wrk.

Run as `python -m bench.load OUT.json [--quick]` (bench/run.py does) on the 200-city data set:
the two ceiling views, the signed-in floor, the section page and autosave, each for a fixed
time, in one server; `--quick` runs each once and briefly, to prove the code path works.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import scenarios as names

WORKERS = 2
CONNECTIONS = 4  # one wrk thread per connection, so each keeps its own officer's session
# Each scenario runs ROUNDS times for ROUND_S seconds, the scenarios taking turns, so that a
# change in the machine's other load over the run touches the ceilings and our pages alike.
ROUNDS = 2
ROUND_S = 5
WARMUP_S = 2
QUICK_ROUNDS = 1
QUICK_ROUND_S = 2
QUICK_WARMUP_S = 1
# Officers of the fixture cities other than those the in-process run edits.
LOAD_OFFICERS = (
    "rotterdam-it-and-data",
    "antwerp-it-and-data",
    "norfolk-mobility",
    "valenciennes-mobility",
)
SCRIPT = Path(__file__).resolve().parent / "wrk" / "scenario.lua"


@dataclass(frozen=True)
class LoadResult:
    scenario: str
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int


@dataclass(frozen=True)
class _Session:
    username: str
    cookie: str
    csrf: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _gunicorn(port: int) -> Iterator[str]:
    """A production-like server (settings from the environment) until the block ends."""
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "polis_assess.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
    )
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _healthy(port: int) -> bool:
    """Whether the server on ``port`` answers its health check (not yet, while it starts)."""
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        probe.request("GET", "/health/")
        return probe.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        probe.close()


def _login(base: str, username: str, password: str) -> _Session:
    """Sign in through the real login form, as a browser would."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/") as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    with opener.open(f"{base}/accounts/login/", data=form) as reply:
        if reply.url.rstrip("/").endswith("/accounts/login"):
            raise RuntimeError(f"could not sign in as {username}")
    cookies = {cookie.name: cookie.value for cookie in jar}
    return _Session(
        username=username,
        cookie=f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        csrf=str(cookies["csrftoken"]),
    )


def _lua_string(value: str) -> str:
    if not value.isascii():
        raise ValueError("wrk script values must be ASCII")
    return json.dumps(value)


def _lua_table(**fields: str) -> str:
    return "{" + ", ".join(f"{key} = {value}" for key, value in fields.items()) + "}"


def _run_wrk(wrk: str, base: str, name: str, header: str, seconds: int) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(header + SCRIPT.read_text(encoding="utf-8"))
    try:
        done = subprocess.run(
            [wrk, f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", script.name, base],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    return LoadResult(
        scenario=name,
        requests_per_s=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        requests=raw["requests"],
        errors=raw["status_errors"] + raw["socket_errors"],
    )


def measure_load(*, quick: bool) -> list[LoadResult]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from bench.postdata import section_post
    from surveys.answers import answers_load
    from surveys.models import Response, Round
    from surveys.services import response_reopen
    from surveys.structure import bank_for

    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (make bench installs it with apt-get)")
    users = get_user_model().objects
    facilitator = users.get(username="facilitator")
    open_round = Round.objects.select_related("questionnaire").get(status=Round.Status.OPEN)
    section = max(bank_for(open_round.questionnaire).sections, key=lambda s: len(s.questions))
    responses = {
        username: Response.objects.get(round=open_round, respondent__username=username)
        for username in LOAD_OFFICERS
    }
    for response in responses.values():
        response_reopen(response=response, by=facilitator)
    kwargs = {"round_id": open_round.pk, "code": section.dimension.code}
    section_path = reverse("surveys:section", kwargs=kwargs)
    autosave_path = reverse("surveys:autosave", kwargs=kwargs)

    def header(mode: str, path: str, sessions: list[_Session]) -> str:
        entries = []
        for session in sessions:
            response = Response.objects.get(pk=responses[session.username].pk)
            answers = answers_load(response)
            bodies = []
            for flip in (True, False):
                data = section_post(section, answers, version=0, changed=1, flip=flip)
                del data["version"], data["action"]
                bodies.append(urllib.parse.urlencode(data, doseq=True))
            entries.append(
                _lua_table(
                    cookie=_lua_string(session.cookie),
                    csrf=_lua_string(session.csrf),
                    body_a=_lua_string(bodies[0]),
                    body_b=_lua_string(bodies[1]),
                    version=str(response.version),
                )
            )
        table = _lua_table(
            mode=_lua_string(mode),
            path=_lua_string(path),
            sessions="{" + ", ".join(entries) + "}",
        )
        return f"BENCH = {table}\n"

    rounds_run, round_s, warmup_s = (
        (QUICK_ROUNDS, QUICK_ROUND_S, QUICK_WARMUP_S) if quick else (ROUNDS, ROUND_S, WARMUP_S)
    )
    with _gunicorn(_free_port()) as base:
        sessions = [_login(base, name, settings.DEMO_PASSWORD) for name in LOAD_OFFICERS]
        scenarios = [
            (names.CEILING_BARE, "get", reverse("bench_bare"), []),
            (names.CEILING_ONE_QUERY, "get", reverse("bench_one_query"), []),
            (names.SIGNED_IN_FLOOR, "get", reverse("bench_signed_in"), sessions),
            (names.SECTION_PAGE, "get", section_path, sessions),
            (names.AUTOSAVE, "autosave", autosave_path, sessions),
        ]
        for name, mode, path, used in scenarios:
            _run_wrk(wrk, base, name, header(mode, path, used), warmup_s)
        rounds: dict[str, list[LoadResult]] = {name: [] for name, *_ in scenarios}
        for _ in range(rounds_run):
            for name, mode, path, used in scenarios:
                # Let the last request of the previous run finish before reading versions.
                time.sleep(0.5)
                rounds[name].append(_run_wrk(wrk, base, name, header(mode, path, used), round_s))
    return [_combined(name, runs) for name, runs in rounds.items()]


def _combined(name: str, runs: list[LoadResult]) -> LoadResult:
    """Requests per second over all rounds; latency percentiles weighted by requests."""
    requests = sum(run.requests for run in runs)

    def weighted(attribute: str) -> float:
        total = sum(float(getattr(run, attribute)) * run.requests for run in runs)
        return total / max(requests, 1)

    return LoadResult(
        scenario=name,
        requests_per_s=sum(run.requests_per_s for run in runs) / len(runs),
        p50_ms=weighted("p50_ms"),
        p95_ms=weighted("p95_ms"),
        p99_ms=weighted("p99_ms"),
        requests=requests,
        errors=sum(run.errors for run in runs),
    )


def main(out: Path, *, quick: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    results = measure_load(quick=quick)
    out.write_text(json.dumps([dataclasses.asdict(r) for r in results], indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]), quick="--quick" in sys.argv[2:])
