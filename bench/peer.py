"""`make bench-peer`: django-survey-and-report in its own environment, timed against our pages.

The peer (from PyPI, installed by the Makefile into var/bench/peer/venv, never copied here)
gets a fresh database on the same PostgreSQL server; bench/peer_site/measure.py builds its
survey (8 sections × 8 five-choice questions, 5,000 responses) and times it. Our pages are
timed again in the same run on the 200-city data set of `make bench`. Exits 1 when one of
issue 15's goals is not met.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from bench import scenarios as names
from bench.run import BASE_DIR, OUT, SERVER_ENV, SIZES, database

PEER_DB = "polis_bench_peer"
PEER_PYTHON = BASE_DIR / "var" / "bench" / "peer" / "venv" / "bin" / "python"


def _median(figures: dict[str, Any]) -> float:
    return float(statistics.median(figures["samples_ms"]))


def _ours() -> dict[str, dict[str, Any]]:
    path = OUT / "peer-ours.json"
    env = {**os.environ, "POLIS_DB_NAME": database(SIZES[-1])}
    subprocess.run(
        [sys.executable, "-m", "bench.inprocess", str(path)], cwd=BASE_DIR, env=env, check=True
    )
    measurements = json.loads(path.read_text(encoding="utf-8"))["measurements"]
    found = {}
    for measurement in measurements:
        key = measurement["scenario"]
        found[names.SECTION_SAVE if key.startswith(names.SECTION_SAVE) else key] = measurement
    return found


def _peer() -> dict[str, Any]:
    import django

    django.setup()
    from bench.database import connection_params, database_create, database_drop

    database_drop(name=PEER_DB)
    database_create(name=PEER_DB)
    params = connection_params(name=PEER_DB)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.peer_site.settings",
        "PEER_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "PEER_DB_NAME": params["dbname"],
        "PEER_DB_USER": params.get("user", ""),
        "PEER_DB_PASSWORD": params.get("password", ""),
        "PEER_DB_HOST": params.get("host", ""),
        "PEER_DB_PORT": params.get("port", ""),
    }
    path = OUT / "peer.json"
    subprocess.run(
        [str(PEER_PYTHON), "-m", "bench.peer_site.measure", str(path)],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return dict(json.loads(path.read_text(encoding="utf-8")))


# Issue 15's goals for the comparison: ours at most this share of the peer's time. Judged on
# our page with all questions, as the peer shows and posts its survey on one page; the figures
# of an officer going section by section are printed beside them, for reference.
GOALS = {
    names.ONE_PAGE_SHOWN: 1 / 3,
    names.ONE_PAGE_SUBMITTED: 1 / 3,
}
EXPORT_GOAL = 100  # times the peer's answers per second
EXPORT_RESPONSES = 1000  # the goal's export size, in responses
PEER_RESPONSES = 5000  # in the peer's survey (bench/peer_site/measure.py)


@dataclass(frozen=True)
class Comparison:
    """One line of the comparison: our median time and queries beside the peer's."""

    label: str
    ours_ms: float
    peer_ms: float
    ours_queries: int
    peer_queries: int
    limit: float | None = None  # the goal for ours/peer; None for a line shown for reference

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.peer_ms

    @property
    def met(self) -> bool:
        return self.limit is None or self.ratio <= self.limit


@dataclass(frozen=True)
class PeerReport:
    pages: list[Comparison]
    our_answers_per_s: float
    peer_answers_per_s: float

    @property
    def export_times_faster(self) -> float:
        return self.our_answers_per_s / self.peer_answers_per_s

    @property
    def missed(self) -> list[str]:
        """The goals not met, by line; empty when all are."""
        missed = [page.label for page in self.pages if not page.met]
        if self.export_times_faster < EXPORT_GOAL:
            missed.append(f"CSV export ≥ {EXPORT_GOAL}× the peer's answers per second")
        return missed


def judge_peer(ours: dict[str, dict[str, Any]], peer: dict[str, Any]) -> PeerReport:
    """``ours`` maps our scenarios to their measurements; ``peer`` is the peer's figures."""
    export = ours[names.CSV_EXPORT]
    whole_page = peer["whole survey page (64 questions)"]
    submission = peer["submission (64 answers)"]
    pairs = [
        ("section page (one section)", names.SECTION_PAGE, peer["section page"]),
        (
            "whole questionnaire shown (ours: all questions on one page)",
            names.ONE_PAGE_SHOWN,
            whole_page,
        ),
        ("  for reference: ours as 8 section pages", names.WHOLE_SHOWN, whole_page),
        (
            "whole response saved and submitted (both: one post of the one-page form)",
            names.ONE_PAGE_SUBMITTED,
            submission,
        ),
        ("  for reference: ours as 8 section saves + submit", names.WHOLE_SUBMITTED, submission),
    ]
    return PeerReport(
        pages=[
            Comparison(
                label=label,
                ours_ms=_median(ours[key]),
                peer_ms=_median(theirs),
                ours_queries=ours[key]["queries"],
                peer_queries=theirs["queries"],
                limit=GOALS.get(key),
            )
            for label, key, theirs in pairs
        ],
        our_answers_per_s=export["notes"]["rows"] / (_median(export) / 1000),
        peer_answers_per_s=peer["answers_in_export"] / (_median(peer["CSV export"]) / 1000),
    )


def table(ours: dict[str, dict[str, Any]], peer: dict[str, Any]) -> str:
    report = judge_peer(ours, peer)
    export = ours[names.CSV_EXPORT]
    lines = [
        f"{'scenario':78}  {'ours ms':>9}  {'peer ms':>9}  {'ours/peer':>9}  "
        f"{'queries ours/peer':>17}  goal",
    ]
    for page in report.pages:
        goal = ""
        if page.limit is not None:
            goal = f"≤ {page.limit:.2f}× {'met' if page.met else 'NOT met'}"
        lines.append(
            f"{page.label:78}  {page.ours_ms:9.1f}  {page.peer_ms:9.1f}  "
            f"{page.ratio:8.2f}×  {page.ours_queries:>8} / {page.peer_queries:<7}  {goal}"
        )
    times = report.export_times_faster
    lines.append(
        f"{'CSV export, answers per second (ours / peer: times faster)':78}  "
        f"{report.our_answers_per_s:9,.0f}  {report.peer_answers_per_s:9,.0f}  {times:8.1f}×  "
        f"{export['queries']:>8} / {peer['CSV export']['queries']:<7}  "
        f"≥ {EXPORT_GOAL}× {'met' if times >= EXPORT_GOAL else 'NOT met'}"
    )
    per_response = export["notes"]["rows"] / export["notes"].get("responses", 1)
    peer_per_response = peer["answers_in_export"] / PEER_RESPONSES
    lines.append(
        f"At {EXPORT_RESPONSES:,} responses (both exports grow linearly): ours about "
        f"{EXPORT_RESPONSES * per_response / report.our_answers_per_s:.2f} s, the peer's about "
        f"{EXPORT_RESPONSES * peer_per_response / report.peer_answers_per_s:.1f} s."
    )
    lines.append(
        f"Ours: {SIZES[-1]} cities (export: {export['notes']['rows']:,} answers). Peer: "
        f"{peer['answers_in_export']:,} answers in {PEER_RESPONSES:,} responses, anonymous survey."
    )
    missed = report.missed
    lines.append(
        "All goals met."
        if not missed
        else f"{len(missed)} goal(s) NOT met: " + "; ".join(label.strip() for label in missed)
    )
    return "\n".join(lines)


def main() -> int:
    os.environ.update(SERVER_ENV)
    OUT.mkdir(parents=True, exist_ok=True)
    if not PEER_PYTHON.exists():
        print("The peer's environment is missing: run `make bench-peer`.", file=sys.stderr)
        return 2
    peer = _peer()
    ours = _ours()
    text = table(ours, peer)
    print(text)
    (OUT / "peer.txt").write_text(text + "\n", encoding="utf-8")
    return 1 if judge_peer(ours, peer).missed else 0


if __name__ == "__main__":
    sys.exit(main())
