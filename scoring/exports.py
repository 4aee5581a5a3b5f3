"""CSV and XLSX exports of a round's answers and scores, streamed in chunks of rows."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scoring.answers_csv import ANSWER_HEADER, answer_rows, answers_csv
from scoring.csv_text import CHUNK, csv_stream, neutralise
from scoring.models import CityDimensionResult, DimensionScore
from surveys.models import Round

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


def csv_export(kind: str, round: Round) -> Iterator[str]:
    """The CSV text of one of the EXPORTS, in pieces."""
    if kind == "answers":
        return answers_csv(round)
    header, rows = EXPORTS[kind]
    return csv_stream(header, rows(round))


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
