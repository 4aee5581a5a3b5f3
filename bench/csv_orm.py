"""The answers CSV's rows built through the ORM: the reference its hand-written SQL is tested
and timed against (tests/scoring/test_exports_sql.py, `python -m bench.csv_orm`)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import TextField, Value
from django.db.models.functions import Coalesce, NullIf


def answer_rows_orm(round: Any, language: str = "en") -> Iterator[tuple[Any, ...]]:
    """What `scoring.answers_csv.answer_rows` yields, read with one QuerySet."""
    from surveys.models import Answer, Question

    def in_language(path: str) -> Coalesce:
        # The text in ``language``, or the English one where a draft left it blank.
        return Coalesce(NullIf(f"{path}_{language}", Value("", TextField())), f"{path}_en")

    practices = StringAgg(
        in_language("choices__label"), delimiter="; ", order_by="choices__position", default=""
    )
    rows = (
        Answer.objects.filter(response__round=round)
        .annotate(
            practices=practices,
            question_text=in_language("question__text"),
            option_label=in_language("option__label"),
        )
        .order_by(
            "response__city__name",
            "response__department",
            "response_id",
            "question__dimension__position",
            "question__position",
        )
        .values_list(
            "response__round__title",
            "response__city__name",
            "response__department",
            "response__respondent_id",
            "response__status",
            "question__dimension__code",
            "question__code",
            "question_text",
            "question__kind",
            "option__level",
            "option_label",
            "practices",
            "number",
            "text",
            "comment",
            "evidence_url",
            "language",
            "updated_at",
            "response__submitted_at",
        )
    )
    for row in rows.iterator(chunk_size=1000):
        (title, city, department, respondent, status, dimension, code, text_, kind) = row[:9]
        level, label, practices_, number, text, comment, evidence, language_ = row[9:17]
        answered, submitted = row[17:]
        if label is None:
            label = practices_ if kind == Question.Kind.MULTI else ""
        yield (
            title,
            city,
            department,
            respondent if respondent is not None else "erased",
            status,
            dimension,
            code,
            text_,
            level,
            label,
            number,
            text,
            comment,
            evidence,
            language_,
            _iso(answered),
            _iso(submitted),
        )


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def main() -> None:
    """Time the SQL export and the ORM reference on a bench data set's closed round:
    `POLIS_DB_NAME=polis_bench_200 python -m bench.csv_orm`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis_assess.settings")
    import django

    django.setup()
    from scoring.answers_csv import answer_rows
    from surveys.models import Round

    round_ = Round.objects.filter(status=Round.Status.CLOSED).order_by("-opens_on").first()
    if round_ is None:
        sys.exit("no closed round: run `make bench` first and point POLIS_DB_NAME at a data set")
    for name, rows in (("SQL", answer_rows), ("ORM", answer_rows_orm)):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            count = sum(1 for _ in rows(round_, "en"))
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        print(f"{name}: {count} rows in {median * 1000:.0f} ms = {count / median:,.0f} rows/s")


if __name__ == "__main__":
    main()
