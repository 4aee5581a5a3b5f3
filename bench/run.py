"""`make bench`: build the data sets, measure every page and the server, judge the budgets.

Steps, each timed: collect static files; a template database (migrated, question banks loaded)
copied into one database per data set (5, 50 and 200 cities, four officers per synthetic city,
every round seeded by `seed_demo`, then vacuumed and analysed); in-process measurements on
each; gunicorn + wrk on the largest; the table. Exits 1 if any budget fails. Figures go to var/bench/.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "bench"
TEMPLATE_DB = "polis_bench_template"
# Cities per data set; the fixture file brings five, so seed_demo adds the rest.
SIZES = (5, 50, 200)
FIXTURE_CITIES = 5
OFFICERS_PER_CITY = 4
BANKS = sorted(str(p) for p in (BASE_DIR / "fixtures" / "question_banks").glob("*.yaml"))

# A production-like configuration, except plain HTTP on 127.0.0.1.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    # 404s and 409s are expected in passing; only errors would matter here.
    "DJANGO_LOG_LEVEL": "ERROR",
}


def database(size: int) -> str:
    return f"polis_bench_{size}"


def _step(label: str) -> float:
    print(f"[bench] {label}", flush=True)
    return time.perf_counter()


def _done(started: float) -> None:
    print(f"[bench]   {time.perf_counter() - started:.1f} s", flush=True)


def _run(args: Sequence[str], db: str | None = None) -> None:
    env = dict(os.environ)
    if db is not None:
        env["POLIS_DB_NAME"] = db
    subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, check=True)


def _seed(size: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "POLIS_DB_NAME": database(size)}
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "seed_demo",
            f"--cities={size - FIXTURE_CITIES}",
            f"--officers={OFFICERS_PER_CITY}",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def build_databases() -> None:
    import django

    django.setup()
    from bench.database import database_create, database_drop, database_vacuum

    started = _step("template database: migrate and load the question banks")
    for name in (TEMPLATE_DB, *(database(size) for size in SIZES)):
        database_drop(name=name)
    database_create(name=TEMPLATE_DB)
    _run(["manage.py", "migrate", "--noinput", "-v0"], TEMPLATE_DB)
    _run(["manage.py", "load_bank", "--publish", "--skip-existing", *BANKS], TEMPLATE_DB)
    for size in SIZES:
        database_create(name=database(size), template=TEMPLATE_DB)
    _done(started)
    started = _step(
        f"seed_demo: {', '.join(map(str, SIZES))} cities × {OFFICERS_PER_CITY} officers, all rounds"
    )
    # The largest first; the smaller ones share the second core meanwhile.
    largest = _seed(SIZES[-1])
    for size in SIZES[:-1]:
        if _seed(size).wait() != 0:
            raise SystemExit(f"seed_demo failed for {size} cities")
    if largest.wait() != 0:
        raise SystemExit(f"seed_demo failed for {SIZES[-1]} cities")
    _done(started)
    started = _step("VACUUM (ANALYZE) each data set, as autovacuum would after a bulk load")
    for size in SIZES:
        database_vacuum(name=database(size))
    _done(started)


def main() -> int:
    os.environ.update(SERVER_ENV)
    OUT.mkdir(parents=True, exist_ok=True)
    begun = time.perf_counter()
    # Other work on the machine moves absolute times; the ratios within one run count.
    load_before = os.getloadavg()[0]
    started = _step("collectstatic (production storage: whitenoise manifest)")
    _run(["manage.py", "collectstatic", "--noinput", "-v0"])
    _done(started)
    build_databases()
    inprocess = {}
    for size in SIZES:
        started = _step(f"in-process pages, {size} cities")
        path = OUT / f"inprocess-{size}.json"
        quick = ["--quick"] if size != SIZES[-1] else []
        _run(["-m", "bench.inprocess", str(path), *quick], database(size))
        inprocess[size] = json.loads(path.read_text(encoding="utf-8"))["measurements"]
        _done(started)
    started = _step(f"load: gunicorn ×2 workers + wrk, {SIZES[-1]} cities")
    load_path = OUT / "load.json"
    _run(["-m", "bench.load", str(load_path)], database(SIZES[-1]))
    load = json.loads(load_path.read_text(encoding="utf-8"))
    _done(started)

    from bench.report import judge, table

    report = judge(inprocess, load)
    total = time.perf_counter() - begun
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        table(report)
        + f"\nRun of {when}: {total:.0f} s on {os.cpu_count()} cores; load average "
        + f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
    )
    print()
    print(text)
    (OUT / "latest.txt").write_text(text + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(
        json.dumps({"inprocess": inprocess, "load": load, "seconds": total}, indent=1),
        encoding="utf-8",
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
