"""CSV and XLSX exports of a round's answers and scores, streamed in chunks of rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from scoring.answers_csv import ANSWER_HEADER, answer_rows, answers_csv
from scoring.csv_text import CHUNK, COMMA, Separators, csv_stream
from scoring.exchanges import round_exchanges
from scoring.models import Action, AgreedAnswer, CityDimensionResult, DimensionScore
from scoring.xlsx_sheet import LABEL_JOINER, SheetFacts, xlsx_file
from surveys.models import Dimension, Exchange, Option, Question, Round

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
            label = LABEL_JOINER.join(
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


PLAN_HEADER = (
    "questionnaire",
    "city",
    "dimension",
    "kind",
    "action",
    "recommendation",
    "department",
    "due_on",
    "status",
    "note",
    "done_on",
    "overdue",
    "updated_at",
)


def plan_rows(round: Round, language: str) -> Iterator[tuple[Any, ...]]:
    """Every city's action plan in the round's questionnaire (all rounds of it: a plan spans
    them), a row per action; the adopted recommendation's title in ``language``."""
    actions = (
        Action.objects.filter(questionnaire_key=round.questionnaire.key)
        .with_overdue(timezone.localdate())
        .select_related("city", "recommendation")
        .order_by("city__name", "due_on", "pk")
    )
    for action in actions.iterator(chunk_size=CHUNK):
        recommendation = action.recommendation
        yield (
            action.questionnaire_key,
            action.city.name,
            action.dimension_code,
            action.kind,
            action.title,
            _in(recommendation, "title", language) if recommendation else "",
            action.department,
            action.due_on.isoformat(),
            action.status,
            action.note,
            action.done_on.isoformat() if action.done_on else "",
            action.overdue,  # type: ignore[attr-defined]  # annotated by with_overdue
            action.updated_at.isoformat(),
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
    "plans": PLAN_HEADER,
    "exchanges": EXCHANGE_HEADER,
}

# The spreadsheet's titles: its sheet, and a row of column titles in the reader's language. The
# CSV's header row keeps the codes, so that files exported in different languages combine.
# The spreadsheet reads some columns by their code (scoring/xlsx_sheet.py): "dimension" gets its
# title beside it, codes ending in "_at" become date cells, SCORE_COLUMNS one decimal, and
# "question_code" with "option_label" a column per practice.
SHEET_TITLES = {
    "answers": _("Answers"),
    "response-scores": _("Scores per response"),
    "city-scores": _("Scores per city"),
    "agreed-answers": _("Agreed answers"),
    "plans": _("Action plans"),
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
    "dimension_title": _("Dimension"),  # the spreadsheet's, beside the code
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
    "questionnaire": _("Questionnaire (key)"),
    "kind": _("Kind"),
    "action": _("Action"),
    "recommendation": _("Recommendation"),
    "due_on": _("Due date"),
    "status": _("Status"),
    "note": _("Note"),
    "done_on": _("Done on"),
    "overdue": _("Overdue"),
    "updated_at": _("Last changed at"),
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
    if kind == "plans":
        return plan_rows(round, language)
    if kind == "exchanges":
        return exchange_export_rows(round, language)
    return city_score_rows(round)


def csv_export(
    kind: str, round: Round, language: str, separators: Separators = COMMA
) -> Iterator[str]:
    """The CSV text of one of the EXPORTS, in pieces."""
    if kind == "answers":
        return answers_csv(round, language, separators)
    return csv_stream(EXPORTS[kind], export_rows(kind, round, language), separators)


def xlsx_export(kind: str, round: Round, language: str) -> Any:
    """The spreadsheet of one of the EXPORTS, its titles and texts in ``language``."""
    with translation.override(language):
        titles = {column: str(title) for column, title in COLUMN_TITLES.items()}
        sheet_title = str(SHEET_TITLES[kind])
    facts = sheet_facts(round, language)
    return xlsx_file(sheet_title, EXPORTS[kind], titles, export_rows(kind, round, language), facts)


def round_time_zone(round: Round) -> tzinfo:
    """The time zone of a round's times in spreadsheets: a round has none of its own (its
    cities may lie in several), so the site's, settings.TIME_ZONE."""
    return timezone.get_default_timezone()


def sheet_facts(round: Round, language: str) -> SheetFacts:
    """The round's time zone, and its questionnaire's dimension titles and practices in
    ``language`` (English where a draft left one blank), for its spreadsheets."""
    dimensions = Dimension.objects.filter(questionnaire_id=round.questionnaire_id)
    practices: dict[str, list[str]] = {}
    options = (
        Option.objects.filter(
            question__dimension__questionnaire_id=round.questionnaire_id,
            question__kind=Question.Kind.MULTI,
        )
        .order_by("question__dimension__position", "question__position", "position")
        .values_list("question__code", "label_en", f"label_{language}")
    )
    for question, english, label in options:
        practices.setdefault(question, []).append(label or english)
    return SheetFacts(
        time_zone=round_time_zone(round),
        dimension_titles={
            code: title or english
            for code, english, title in dimensions.values_list(
                "code", "title_en", f"title_{language}"
            )
        },
        practices=practices,
    )
