"""The benchmark's scenarios: each page of the issue timed in-process, with its SQL query count."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import scenarios as names
from bench.postdata import section_post
from scoring.services import round_recompute
from surveys.answers import answers_load
from surveys.models import Answer, Response, Round
from surveys.services import response_reopen
from surveys.structure import SectionView, bank_for

PAGE_SAMPLES = 30
# Smaller data sets are measured for their query counts and for the growth pages' times;
# fewer samples of the other pages keep the whole run short.
QUICK_SAMPLES = 8
EXPORT_SAMPLES = 5
RECOMPUTE_SAMPLES = 3
WARMUP = 2
# Officers and a city of the fixture file, so every data set (5, 50 or 200 cities) has them.
EDITING_OFFICER = "rotterdam-mobility"
SUBMITTING_OFFICER = "antwerp-mobility"
RESULTS_CITY = "rotterdam"
GROWTH_PAGES = (names.RESULTS, names.DASHBOARD)


@dataclass(frozen=True)
class Measurement:
    """One scenario's server times (ms), queries per request, and a throughput where it has one."""

    scenario: str
    samples_ms: list[float]
    queries: int
    rate: float | None = None
    rate_unit: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples_ms, 95)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _timed(
    call: Callable[[Any], object],
    *,
    samples: int,
    prepare: Callable[[], Any] = lambda: None,
    warmup: int = WARMUP,
) -> tuple[list[float], int]:
    """Times of ``call`` (``prepare`` runs untimed before each), then its query count once more."""
    for _ in range(warmup):
        call(prepare())
    times = []
    for _ in range(samples):
        argument = prepare()
        started = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - started) * 1000)
    argument = prepare()
    with CaptureQueriesContext(connection) as queries:
        call(argument)
    return times, _statements(queries.captured_queries)


# What a transaction costs besides its statements: Django logs these too, and every write now
# runs in transaction.atomic (the first version's writes were single statements without one).
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _statements(captured: list[dict[str, str]]) -> int:
    """The SQL statements among the captured queries, leaving out transaction control."""
    return sum(1 for query in captured if not query["sql"].startswith(_TRANSACTION_CONTROL))


def _expect(response: HttpResponseBase, status: int) -> HttpResponseBase:
    if response.status_code != status:
        raise AssertionError(f"expected HTTP {status}, got {response.status_code}")
    return response


def _form_post(client: Client, url: str, data: dict[str, Any] | None = None) -> HttpResponseBase:
    """POST as a browser posts the section form and the page's script its autosave: URL-encoded
    (the test client would otherwise send multipart, which takes Django longer to parse)."""
    return client.post(url, urlencode(data or {}, doseq=True), content_type=FORM_ENCODED)


FORM_ENCODED = "application/x-www-form-urlencoded"


def _getter(client: Client, url: str) -> Callable[[object], object]:
    def get(_: object) -> object:
        return _expect(client.get(url), 200)

    return get


def _client(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


@dataclass
class _World:
    open_round: Round
    closed_round: Round
    section: SectionView
    officer: User
    officer_response: Response
    submitter: User
    submitter_response: Response
    facilitator: User


def _world() -> _World:
    users = get_user_model().objects
    facilitator = users.get(username="facilitator")
    open_round = Round.objects.select_related("questionnaire").get(status=Round.Status.OPEN)
    # The latest closed round follows an earlier one, so its dashboard shows the change too.
    closed_round = (
        Round.objects.select_related("questionnaire")
        .filter(status=Round.Status.CLOSED)
        .latest("opens_on")
    )
    bank = bank_for(open_round.questionnaire)
    officer = users.get(username=EDITING_OFFICER)
    submitter = users.get(username=SUBMITTING_OFFICER)
    officer_response = response_reopen(
        response=Response.objects.get(round=open_round, respondent=officer), by=facilitator
    )
    return _World(
        open_round=open_round,
        closed_round=closed_round,
        section=max(bank.sections, key=lambda s: len(s.questions)),
        officer=officer,
        officer_response=officer_response,
        submitter=submitter,
        submitter_response=Response.objects.get(round=open_round, respondent=submitter),
        facilitator=facilitator,
    )


def measure_all(*, quick: bool) -> list[Measurement]:
    """Every scenario; ``quick`` takes fewer samples except of the ceilings and growth pages."""
    samples = QUICK_SAMPLES if quick else PAGE_SAMPLES
    world = _world()
    officer = _client(world.officer)
    facilitator = _client(world.facilitator)
    return [
        *_ceilings(),
        *_officer_pages(world, officer, samples),
        _submit(world, samples),
        *_whole_questionnaire(world, samples),
        *_facilitator_pages(world, facilitator, samples),
        _csv_export(world, facilitator),
        _recompute(world),
    ]


def _ceilings() -> list[Measurement]:
    """The two ceiling views (bench/ceiling.py), anonymous as in the load test."""
    client = Client(HTTP_HOST="127.0.0.1")
    results = []
    for name, url in (
        (names.CEILING_BARE, reverse("bench_bare")),
        (names.CEILING_ONE_QUERY, reverse("bench_one_query")),
    ):
        times, queries = _timed(_getter(client, url), samples=PAGE_SAMPLES)
        results.append(Measurement(name, times, queries))
    return results


def _officer_pages(world: _World, client: Client, samples: int) -> list[Measurement]:
    round_id, code = world.open_round.pk, world.section.dimension.code
    section_url = reverse("surveys:section", kwargs={"round_id": round_id, "code": code})
    autosave_url = reverse("surveys:autosave", kwargs={"round_id": round_id, "code": code})
    review_url = reverse("surveys:review", kwargs={"round_id": round_id})
    size = len(world.section.questions)
    flips = iter(range(10**6))

    def posted(changed: int) -> Callable[[], dict[str, Any]]:
        def prepare() -> dict[str, Any]:
            response = Response.objects.get(pk=world.officer_response.pk)
            return section_post(
                world.section,
                answers_load(response),
                version=response.version,
                changed=changed,
                flip=next(flips) % 2 == 0,
            )

        return prepare

    def autosave(data: dict[str, Any]) -> None:
        reply = _expect(_form_post(client, autosave_url, data), 200)
        if reply.json()["status"] != "saved":  # type: ignore[attr-defined]
            raise AssertionError(f"autosave did not save: {reply.content[:200]!r}")  # type: ignore[attr-defined]

    results = []
    times, queries = _timed(lambda _: _expect(client.get(section_url), 200), samples=samples)
    results.append(Measurement(names.SECTION_PAGE, times, queries))
    times, queries = _timed(
        lambda data: _expect(_form_post(client, section_url, data), 302),
        samples=samples,
        prepare=posted(size),
    )
    results.append(Measurement(f"{names.SECTION_SAVE} ({size} answers)", times, queries))
    times, queries = _timed(autosave, samples=samples, prepare=posted(1))
    results.append(Measurement(names.AUTOSAVE, times, queries))
    times, queries = _timed(lambda _: _expect(client.get(review_url), 200), samples=samples)
    results.append(Measurement(names.REVIEW, times, queries))
    return results


def _submit(world: _World, samples: int) -> Measurement:
    """Submit and score a complete draft; the facilitator reopens it (untimed) before each."""
    response = world.submitter_response
    client = _client(world.submitter)
    url = reverse("surveys:submit", kwargs={"round_id": world.open_round.pk})

    def reopen() -> None:
        response_reopen(response=response, by=world.facilitator)

    def submit(_: None) -> None:
        _expect(_form_post(client, url), 302)

    times, queries = _timed(submit, samples=samples, prepare=reopen)
    status = Response.objects.values_list("status", flat=True).get(pk=response.pk)
    if status != Response.Status.SUBMITTED:
        raise AssertionError(f"submit left the response {status}")
    return Measurement(names.SUBMIT, times, queries)


def _expect_submitted(world: _World) -> None:
    status = Response.objects.values_list("status", flat=True).get(pk=world.submitter_response.pk)
    if status != Response.Status.SUBMITTED:
        raise AssertionError(f"the whole response was left {status}")


def _whole_questionnaire(world: _World, samples: int) -> list[Measurement]:
    """Every section page of the open round in turn; then the submitter's whole response
    saved section by section (every answer changed) and submitted, reopened before each; then
    the same on the page with all questions: shown, and saved and submitted in one post."""
    bank = bank_for(world.open_round.questionnaire)
    round_id = world.open_round.pk
    client = _client(world.submitter)
    urls = [
        reverse("surveys:section", kwargs={"round_id": round_id, "code": s.dimension.code})
        for s in bank.sections
    ]
    submit_url = reverse("surveys:submit", kwargs={"round_id": round_id})
    flips = iter(range(10**6))

    def show_all(_: object) -> None:
        for url in urls:
            _expect(client.get(url), 200)

    def posts() -> list[tuple[str, dict[str, Any]]]:
        response = response_reopen(response=world.submitter_response, by=world.facilitator)
        answers = answers_load(response)
        flip = next(flips) % 2 == 0
        return [
            (
                url,
                section_post(
                    section,
                    answers,
                    version=response.version + index,
                    changed=len(section.questions),
                    flip=flip,
                    action="next",
                ),
            )
            for index, (url, section) in enumerate(zip(urls, bank.sections, strict=True))
        ]

    def save_all_and_submit(posted: list[tuple[str, dict[str, Any]]]) -> None:
        for url, data in posted:
            _expect(_form_post(client, url, data), 302)
        _expect(_form_post(client, submit_url), 302)

    one_page_url = reverse("surveys:questionnaire", kwargs={"round_id": round_id})

    def one_post() -> dict[str, Any]:
        response = response_reopen(response=world.submitter_response, by=world.facilitator)
        answers = answers_load(response)
        flip = next(flips) % 2 == 0
        data: dict[str, Any] = {"version": str(response.version), "action": "submit"}
        for section in bank.sections:
            fields = section_post(
                section, answers, version=0, changed=len(section.questions), flip=flip
            )
            del fields["version"], fields["action"]
            data.update(fields)
        return data

    def save_and_submit_one_page(data: dict[str, Any]) -> None:
        reply = _expect(_form_post(client, one_page_url, data), 302)
        if not reply["Location"].endswith("/review/"):
            raise AssertionError(f"the one-page post went to {reply['Location']}")

    shown, shown_queries = _timed(show_all, samples=samples)
    saved, saved_queries = _timed(save_all_and_submit, samples=samples, prepare=posts)
    _expect_submitted(world)
    one_shown, one_shown_queries = _timed(
        lambda _: _expect(client.get(one_page_url), 200), samples=samples
    )
    one_saved, one_saved_queries = _timed(
        save_and_submit_one_page, samples=samples, prepare=one_post
    )
    _expect_submitted(world)
    answered = len(list(bank.questions()))
    return [
        Measurement(names.WHOLE_SHOWN, shown, shown_queries, notes={"pages": len(urls)}),
        Measurement(names.WHOLE_SUBMITTED, saved, saved_queries, notes={"posts": len(urls) + 1}),
        Measurement(
            names.ONE_PAGE_SHOWN, one_shown, one_shown_queries, notes={"questions": answered}
        ),
        Measurement(
            names.ONE_PAGE_SUBMITTED, one_saved, one_saved_queries, notes={"questions": answered}
        ),
    ]


def _facilitator_pages(world: _World, client: Client, samples: int) -> list[Measurement]:
    round_id = world.closed_round.pk
    pages = [
        (
            names.RESULTS,
            reverse(
                "scoring:city_results", kwargs={"round_id": round_id, "city_slug": RESULTS_CITY}
            ),
        ),
        (names.DASHBOARD, reverse("scoring:dashboard", kwargs={"round_id": round_id})),
        (names.TRACKER, reverse("scoring:tracker", kwargs={"round_id": round_id})),
        (names.ROUND_CHANGE, reverse("scoring:round_change", kwargs={"round_id": round_id})),
    ]
    results = []
    for name, url in pages:
        times, queries = _timed(
            _getter(client, url), samples=PAGE_SAMPLES if name in GROWTH_PAGES else samples
        )
        results.append(Measurement(name, times, queries))
    return results


def _csv_export(world: _World, client: Client) -> Measurement:
    """The answers CSV read to the end; its rows per second and the peak Python memory."""
    url = reverse(
        "scoring:export",
        kwargs={"round_id": world.closed_round.pk, "kind": "answers", "file_format": "csv"},
    )
    rows = Answer.objects.filter(response__round=world.closed_round).count()
    responses = Response.objects.filter(round=world.closed_round).count()

    def export(_: None) -> int:
        response = _expect(client.get(url), 200)
        size = 0
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            size += len(chunk)
        return size

    times, queries = _timed(export, samples=EXPORT_SAMPLES, warmup=1)
    tracemalloc.start()
    size = export(None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measurement(
        names.CSV_EXPORT,
        times,
        queries,
        rate=rows / (statistics.median(times) / 1000),
        rate_unit="rows/s",
        notes={"rows": rows, "responses": responses, "bytes": size, "peak_kib": round(peak / 1024)},
    )


def _recompute(world: _World) -> Measurement:
    report = round_recompute(round=world.closed_round)
    times, queries = _timed(
        lambda _: round_recompute(round=world.closed_round), samples=RECOMPUTE_SAMPLES, warmup=0
    )
    return Measurement(
        names.RECOMPUTE,
        times,
        queries,
        rate=report.responses / (statistics.median(times) / 1000),
        rate_unit="responses/s",
        notes={"responses": report.responses, "cities": report.cities},
    )
