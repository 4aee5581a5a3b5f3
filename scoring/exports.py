"""CSV and XLSX exports of a round's answers and scores, streamed in chunks of rows."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scoring.answers_csv import ANSWER_HEADER, answer_rows, answers_csv
from scoring.csv_text import CHUNK, csv_stream, neutralise
from scoring.exchanges import round_exchanges
from scoring.models import AgreedAnswer, CityDimensionResult, DimensionScore
from surveys.models import Exchange, Round

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


AGREED_HEADER = (
    "round",
    "city",
    "dimension",
    "question_code",
    "question_text",
    "option_level",
    "option_label",
    "rationale",
    "agreed_at",
)


def agreed_rows(round: Round, language: str) -> Iterator[tuple[Any, ...]]:
    """The published agreed answers of the round, a row per city and question; texts in
    ``language`` (English where a draft left one blank)."""
    answers = (
        AgreedAnswer.objects.filter(consensus__round=round, consensus__status="published")
        .select_related("consensus__city", "question__dimension", "option")
        .prefetch_related("choices")
        .order_by("consensus__city__name", "question__dimension__position", "question__position")
    )
    for answer in answers:
        question = answer.question
        if answer.option is not None:
            level, label = answer.option.level, _in(answer.option, "label", language)
        else:
            level = None
            label = "; ".join(
                _in(option, "label", language)
                for option in sorted(answer.choices.all(), key=lambda o: o.position)
            )
        yield (
            round.title,
            answer.consensus.city.name,
            question.dimension.code,
            question.code,
            _in(question, "text", language),
            level,
            label,
            answer.rationale,
            answer.agreed_at.isoformat(),
        )


EXCHANGE_HEADER = (
    "round",
    "city",
    "department",
    "direction",
    "direction_label",
    "partner_type",
    "partner",
    "partner_label",
    "means",
    "means_label",
    "frequency",
    "frequency_label",
)


def exchange_export_rows(round_: Round, language: str) -> Iterator[tuple[Any, ...]]:
    """The round's exchanges as export rows: codes, and their labels in ``language`` (English
    where a label lacks it). A department partner's code and label are its name."""
    with translation.override(language):
        directions = {code: str(label) for code, label in Exchange.Direction.choices}
    for row in round_exchanges(round_).rows:
        partner = row.partner_party
        yield (
            round_.title,
            row.city_name,
            row.department,
            row.direction,
            directions[row.direction],
            "department" if partner.is_department else "external",
            partner.key,
            partner.key if row.partner is None else _in(row.partner, "label", language),
            row.means.code,
            _in(row.means, "label", language),
            row.frequency.code,
            _in(row.frequency, "label", language),
        )


def _in(row: Any, field: str, language: str) -> str:
    return str(getattr(row, f"{field}_{language}") or getattr(row, f"{field}_en"))


EXPORTS = {
    "answers": ANSWER_HEADER,
    "response-scores": RESPONSE_SCORE_HEADER,
    "city-scores": CITY_SCORE_HEADER,
    "agreed-answers": AGREED_HEADER,
    "exchanges": EXCHANGE_HEADER,
}

# The spreadsheet's titles: its sheet, and a row of column titles in the reader's language. The
# CSV's header row keeps the codes, so that files exported in different languages combine.
SHEET_TITLES = {
    "answers": _("Answers"),
    "response-scores": _("Scores per response"),
    "city-scores": _("Scores per city"),
    "agreed-answers": _("Agreed answers"),
    "exchanges": _("Data exchanges"),
}
COLUMN_TITLES = {
    "round": _("Round"),
    "city": _("City"),
    "country": _("Country"),
    "department": _("Department"),
    "respondent_id": _("Respondent number"),
    "response_status": _("Response status"),
    "dimension": _("Dimension (code)"),
    "question_code": _("Question (code)"),
    "question_text": _("Question"),
    "option_level": _("Level of the answer"),
    "option_label": _("Answer"),
    "number": _("Number"),
    "text": _("Text"),
    "comment": _("Comment"),
    "evidence_link": _("Evidence link"),
    "answer_language": _("Language of the answer"),
    "answered_at": _("Answered at"),
    "submitted_at": _("Submitted at"),
    "score": _("Score"),
    "median_of_responses": _("Median of the responses"),
    "stage": _("Stage"),
    "spread": _("Spread between departments"),
    "possible_silo": _("Possible silo"),
    "coverage": _("Coverage"),
    "dont_know_share": _("Share of “Don't know”"),
    "overall_score": _("Overall score"),
    "overall_stage": _("Overall stage"),
    "responses": _("Responses"),
    "rationale": _("Rationale"),
    "agreed_at": _("Agreed at"),
    "direction": _("Direction (code)"),
    "direction_label": _("Direction"),
    "partner_type": _("Partner type"),
    "partner": _("Partner (code)"),
    "partner_label": _("Partner"),
    "means": _("Means (code)"),
    "means_label": _("Means"),
    "frequency": _("Frequency (code)"),
    "frequency_label": _("Frequency"),
}


def export_rows(kind: str, round: Round, language: str) -> Iterator[tuple[Any, ...]]:
    """The rows of one of the EXPORTS; only the answers have texts, in ``language``."""
    if kind == "answers":
        return answer_rows(round, language)
    if kind == "response-scores":
        return response_score_rows(round)
    if kind == "agreed-answers":
        return agreed_rows(round, language)
    if kind == "exchanges":
        return exchange_export_rows(round, language)
    return city_score_rows(round)


def csv_export(kind: str, round: Round, language: str) -> Iterator[str]:
    """The CSV text of one of the EXPORTS, in pieces."""
    if kind == "answers":
        return answers_csv(round, language)
    return csv_stream(EXPORTS[kind], export_rows(kind, round, language))


def xlsx_export(kind: str, round: Round, language: str) -> Any:
    """The spreadsheet of one of the EXPORTS, its titles and texts in ``language``."""
    with translation.override(language):
        titles = [str(COLUMN_TITLES[column]) for column in EXPORTS[kind]]
        sheet_title = str(SHEET_TITLES[kind])
    return xlsx_file(sheet_title, titles, export_rows(kind, round, language))


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
