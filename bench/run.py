"""`make bench`: build the data sets, measure every page and the server, judge the budgets.

Steps, each timed: collect static files; a template database (migrated, question banks loaded)
copied into one database per data set (5, 50 and 200 cities, four officers per synthetic city,
every round seeded by `seed_demo`, then vacuumed and analysed); in-process measurements on
each; gunicorn + wrk on the largest; the table. Exits 1 if any budget fails. Figures go to
var/bench/. `BENCH_SIZES=5 BENCH_QUICK=1` makes a reduced run that proves the code path works
in a minute or two; its query counts hold at any size, its times are not the budgets' figures
(docs/performance.md).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "bench"
TEMPLATE_DB = "polis_bench_template"
# Cities per data set; the fixture file brings five, so seed_demo adds the rest.
SIZES: tuple[int, ...] = (5, 50, 200)
FIXTURE_CITIES = 5
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")
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


@dataclass(frozen=True)
class RunOptions:
    """Which data sets to build and measure, and whether to take fewer samples and shorter
    load runs; anything but the defaults is a smoke run, not figures to judge the budgets by."""

    sizes: tuple[int, ...] = SIZES
    quick: bool = False

    @property
    def reduced(self) -> bool:
        return self.quick or self.sizes != SIZES


def options_from(environ: Mapping[str, str]) -> RunOptions:
    """`BENCH_SIZES` (cities per data set, comma-separated, each at least the fixture's five)
    and `BENCH_QUICK` (a yes or no word); a bad value stops the run before it builds anything."""
    raw_sizes = environ.get("BENCH_SIZES", "").strip()
    sizes = SIZES
    if raw_sizes:
        try:
            sizes = tuple(sorted({int(part) for part in raw_sizes.split(",")}))
        except ValueError:
            raise ValueError(f"BENCH_SIZES must be whole numbers, got {raw_sizes!r}") from None
        if sizes[0] < FIXTURE_CITIES:
            raise ValueError(
                f"BENCH_SIZES must each be at least {FIXTURE_CITIES} (the fixture's cities), "
                f"got {raw_sizes!r}"
            )
    raw_quick = environ.get("BENCH_QUICK", "").strip().lower()
    if raw_quick not in TRUE_WORDS + FALSE_WORDS:
        raise ValueError(
            f"BENCH_QUICK must be one of {', '.join(TRUE_WORDS + FALSE_WORDS[1:])}, "
            f"got {raw_quick!r}"
        )
    return RunOptions(sizes=sizes, quick=raw_quick in TRUE_WORDS)


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


def build_databases(sizes: tuple[int, ...]) -> None:
    import django

    django.setup()
    from bench.database import database_create, database_drop, database_vacuum

    started = _step("template database: migrate and load the question banks")
    for name in (TEMPLATE_DB, *(database(size) for size in sizes)):
        database_drop(name=name)
    database_create(name=TEMPLATE_DB)
    _run(["manage.py", "migrate", "--noinput", "-v0"], TEMPLATE_DB)
    _run(["manage.py", "load_bank", "--publish", "--skip-existing", *BANKS], TEMPLATE_DB)
    for size in sizes:
        database_create(name=database(size), template=TEMPLATE_DB)
    _done(started)
    started = _step(
        f"seed_demo: {', '.join(map(str, sizes))} cities × {OFFICERS_PER_CITY} officers, all rounds"
    )
    # The largest first; the smaller ones share the second core meanwhile.
    largest = _seed(sizes[-1])
    for size in sizes[:-1]:
        if _seed(size).wait() != 0:
            raise SystemExit(f"seed_demo failed for {size} cities")
    if largest.wait() != 0:
        raise SystemExit(f"seed_demo failed for {sizes[-1]} cities")
    _done(started)
    started = _step("VACUUM (ANALYZE) each data set, as autovacuum would after a bulk load")
    for size in sizes:
        database_vacuum(name=database(size))
    _done(started)


def main() -> int:
    try:
        options = options_from(os.environ)
    except ValueError as error:
        print(f"[bench] {error}", file=sys.stderr)
        return 2
    sizes, quick = options.sizes, ["--quick"] if options.quick else []
    os.environ.update(SERVER_ENV)
    OUT.mkdir(parents=True, exist_ok=True)
    begun = time.perf_counter()
    # Other work on the machine moves absolute times; the ratios within one run count.
    load_before = os.getloadavg()[0]
    started = _step("collectstatic (production storage: whitenoise manifest)")
    _run(["manage.py", "collectstatic", "--noinput", "-v0"])
    _done(started)
    build_databases(sizes)
    inprocess = {}
    for size in sizes:
        started = _step(f"in-process pages, {size} cities")
        path = OUT / f"inprocess-{size}.json"
        # The smaller data sets are judged on their query counts only; fewer samples do.
        fewer = ["--quick"] if size != sizes[-1] else quick
        _run(["-m", "bench.inprocess", str(path), *fewer], database(size))
        inprocess[size] = json.loads(path.read_text(encoding="utf-8"))["measurements"]
        _done(started)
    started = _step(f"load: gunicorn ×2 workers + wrk, {sizes[-1]} cities")
    load_path = OUT / "load.json"
    _run(["-m", "bench.load", str(load_path), *quick], database(sizes[-1]))
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
    if options.reduced:
        text += (
            f"\nReduced run ({'/'.join(map(str, sizes))} cities"
            + (", fewer samples, short load runs" if options.quick else "")
            + "): a smoke test of the code path; its times are not the budgets' figures."
        )
    print()
    print(text)
    # A reduced run must not overwrite the latest full run's figures.
    stem = "smoke" if options.reduced else "latest"
    (OUT / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")
    (OUT / f"{stem}.json").write_text(
        json.dumps({"inprocess": inprocess, "load": load, "seconds": total}, indent=1),
        encoding="utf-8",
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
