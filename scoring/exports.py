"""CSV and XLSX exports of a round's answers and scores, streamed row by row."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scoring.models import CityDimensionResult, DimensionScore
from surveys.models import Answer, Round

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

ANSWER_HEADER = (
    "round",
    "city",
    "department",
    "respondent_id",
    "response_status",
    "dimension",
    "question_code",
    "question_text",
    "option_level",
    "option_label",
    "number",
    "text",
    "comment",
    "evidence_link",
    "answered_at",
    "submitted_at",
)
RESPONSE_SCORE_HEADER = (
    "round",
    "city",
    "department",
    "respondent_id",
    "dimension",
    "score",
    "stage",
    "coverage",
    "dont_know_share",
    "overall_score",
    "overall_stage",
)
CITY_SCORE_HEADER = (
    "round",
    "city",
    "country",
    "dimension",
    "score",
    "median_of_responses",
    "stage",
    "spread",
    "possible_silo",
    "coverage",
    "dont_know_share",
    "overall_score",
    "overall_stage",
    "responses",
)


def neutralise(value: Any) -> Any:
    """Make a cell inert in spreadsheets: text that would run as a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _answers(round: Round) -> QuerySet[Answer, tuple[Any, ...]]:
    return (
        Answer.objects.filter(response__round=round)
        .annotate(chosen=StringAgg("choices__label", delimiter="; ", order_by="choices__position"))
        .order_by(
            "response__city__name",
            "response__department",
            "response_id",
            "question__dimension__position",
            "question__position",
        )
        .values_list(
            F("response__round__title"),
            F("response__city__name"),
            F("response__department"),
            F("response__respondent_id"),
            F("response__status"),
            F("question__dimension__code"),
            F("question__code"),
            F("question__text"),
            F("option__level"),
            F("option__label"),
            F("chosen"),
            F("number"),
            F("text"),
            F("comment"),
            F("evidence_url"),
            F("updated_at"),
            F("response__submitted_at"),
        )
    )


def answer_rows(round: Round) -> Iterator[tuple[Any, ...]]:
    """One row per answer, read from the database in chunks (memory stays flat)."""
    for row in _answers(round).iterator(chunk_size=CHUNK):
        (
            title,
            city,
            department,
            respondent,
            status,
            dimension,
            code,
            text,
            level,
            label,
            chosen,
            number,
            free_text,
            comment,
            evidence,
            updated,
            submitted,
        ) = row
        yield (
            title,
            city,
            department,
            respondent if respondent is not None else "erased",
            status,
            dimension,
            code,
            text,
            level,
            label if label is not None else (chosen or ""),
            number,
            free_text,
            comment,
            evidence,
            updated.isoformat() if updated else "",
            submitted.isoformat() if submitted else "",
        )


def response_score_rows(round: Round) -> Iterator[tuple[Any, ...]]:
    rows = (
        DimensionScore.objects.filter(result__round=round)
        .order_by("result__city__name", "result__department", "result_id", "dimension__position")
        .values_list(
            "result__round__title",
            "result__city__name",
            "result__department",
            "result__response__respondent_id",
            "dimension__code",
            "score",
            "stage",
            "coverage",
            "dont_know_share",
            "result__overall_score",
            "result__overall_stage",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield (*row[:3], row[3] if row[3] is not None else "erased", *row[4:])


def city_score_rows(round: Round) -> Iterator[tuple[Any, ...]]:
    rows = (
        CityDimensionResult.objects.filter(city_result__round=round)
        .order_by("city_result__city__name", "dimension__position")
        .values_list(
            "city_result__round__title",
            "city_result__city__name",
            "city_result__city__country",
            "dimension__code",
            "score",
            "median",
            "stage",
            "spread",
            "silo",
            "coverage",
            "dont_know_share",
            "city_result__overall_score",
            "city_result__overall_stage",
            "city_result__responses",
        )
    )
    yield from rows.iterator(chunk_size=CHUNK)


EXPORTS = {
    "answers": (ANSWER_HEADER, answer_rows),
    "response-scores": (RESPONSE_SCORE_HEADER, response_score_rows),
    "city-scores": (CITY_SCORE_HEADER, city_score_rows),
}


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8 correctly
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def xlsx_file(sheet_title: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Any:
    """A spooled temporary file holding the workbook (write-only mode: rows are not kept)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(list(header))
    for row in rows:
        # Strip first: a dropped control character must not uncover a formula start.
        sheet.append([neutralise(_xlsx_safe(value)) for value in row])
    # Not a context manager: FileResponse closes the file once it has been sent.
    handle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def _xlsx_safe(value: Any) -> Any:
    # XLSX cannot hold most control characters; a CSV can, so only this path drops them.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
