"""In the peer's environment: build its survey and time its survey page, submission and CSV.

Run by bench/peer.py as `python -m bench.peer_site.measure OUT.json`. The same method as
bench/pages.py: Django's test client in-process, warm-up calls, then timed calls; queries are
counted during the first timed call.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

SECTIONS = 8
QUESTIONS_PER_SECTION = 8
CHOICES = ("never", "rarely", "sometimes", "often", "always")
RESPONSES = 5000
PAGE_SAMPLES = 30
# One export takes minutes (a query per answer); one sample, without warm-up, is enough.
EXPORT_SAMPLES = 1
WARMUP = 2


def _survey(name: str, display_method: int) -> Any:
    from survey.models import Category, Question, Survey

    survey = Survey.objects.create(
        name=name,
        description="Benchmark survey",
        is_published=True,
        need_logged_user=False,
        editable_answers=True,
        display_method=display_method,
    )
    for section in range(SECTIONS):
        category = Category.objects.create(
            name=f"Section {section + 1}", survey=survey, order=section
        )
        Question.objects.bulk_create(
            Question(
                text=f"Question {section + 1}.{number + 1}: how often does this happen?",
                order=section * QUESTIONS_PER_SECTION + number,
                required=True,
                category=category,
                survey=survey,
                type=Question.RADIO,
                choices=", ".join(CHOICES),
            )
            for number in range(QUESTIONS_PER_SECTION)
        )
    return survey


def _responses(survey: Any) -> None:
    """RESPONSES complete responses, in bulk (as fast as the package's models allow)."""
    from survey.models import Answer, Response

    questions = list(survey.questions.order_by("order"))
    responses = Response.objects.bulk_create(
        Response(survey=survey, interview_uuid=uuid.uuid4().hex) for _ in range(RESPONSES)
    )
    for start in range(0, RESPONSES, 500):
        Answer.objects.bulk_create(
            Answer(
                question=question,
                response=response,
                body=CHOICES[(index + number) % len(CHOICES)],
            )
            for index, response in enumerate(responses[start : start + 500], start=start)
            for number, question in enumerate(questions)
        )


def _timed(
    call: Callable[[], object],
    samples: int,
    prepare: Callable[[], object] = lambda: None,
    warmup: int = WARMUP,
) -> dict[str, Any]:
    """Times of ``call`` and its query count, counted during the first timed call.

    Counted by an execute wrapper: Django's query log keeps only the last 9,000 queries, and
    the peer's export makes far more. The counter's cost is within the timing's noise.
    """
    from django.db import connection

    for _ in range(warmup):
        prepare()
        call()
    times = []
    executed = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    for sample in range(samples):
        prepare()
        started = time.perf_counter()
        if sample == 0:
            with connection.execute_wrapper(count):
                call()
        else:
            call()
        times.append((time.perf_counter() - started) * 1000)
    return {"samples_ms": times, "queries": executed}


def _expect(response: Any, status: int) -> Any:
    if response.status_code != status:
        raise AssertionError(f"expected HTTP {status}, got {response.status_code}")
    return response


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer_site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from survey.exporter.csv.survey2csv import Survey2Csv
    from survey.models import Answer, Survey

    from bench.peer_site.settings import CSV_DIRECTORY

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    sections = _survey("Benchmark by section", Survey.BY_CATEGORY)
    one_page = _survey("Benchmark on one page", Survey.ALL_IN_ONE_PAGE)
    _responses(sections)
    seeded = time.perf_counter() - started
    CSV_DIRECTORY.mkdir(parents=True, exist_ok=True)
    client = Client(HTTP_HOST="127.0.0.1")
    answers = {
        f"question_{question.pk}": CHOICES[number % len(CHOICES)]
        for number, question in enumerate(one_page.questions.order_by("order"))
    }
    csv_file = Survey2Csv(sections).filename

    def export() -> None:
        response = _expect(client.get(f"/survey/csv/{sections.pk}/"), 200)
        if response.content.count(b"\n") < RESPONSES:
            raise AssertionError("the CSV lacks responses")

    figures = {
        "seconds_to_seed": seeded,
        "answers_in_export": Answer.objects.filter(response__survey=sections).count(),
        "section page": _timed(
            lambda: _expect(client.get(f"/survey/{sections.pk}-0/"), 200), PAGE_SAMPLES
        ),
        "whole survey page (64 questions)": _timed(
            lambda: _expect(client.get(f"/survey/{one_page.pk}/"), 200), PAGE_SAMPLES
        ),
        "submission (64 answers)": _timed(
            # URL-encoded, as a browser posts the form (and as ours are posted).
            lambda: _expect(
                client.post(
                    f"/survey/{one_page.pk}/",
                    urlencode(answers),
                    content_type="application/x-www-form-urlencoded",
                ),
                302,
            ),
            PAGE_SAMPLES,
        ),
        # The package caches the file until an answer is newer; removing it times the export.
        "CSV export": _timed(
            export, EXPORT_SAMPLES, prepare=lambda: csv_file.unlink(True), warmup=0
        ),
    }
    out.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
