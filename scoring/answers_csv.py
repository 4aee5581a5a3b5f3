"""The answers CSV export, a round's every answer as a row: the one job that keeps hand-written
SQL (its gain over the ORM is measured in docs/performance.md; tests/scoring/test_exports_sql.py
checks it against the ORM on the same data)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any, TypeVar

from django.db import connection

from scoring.csv_text import BOM, CHUNK, COMMA, Separators, csv_cell, csv_writer
from surveys.banks.spec import LANGUAGES
from surveys.models import Option, Question, Round

RENDERED_CACHE = 512  # groups of answer cells kept rendered while writing the answers CSV

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
    "answer_language",
    "answered_at",
    "submitted_at",
)


# Raw SQL: the ORM's StringAgg would group by every selected column, and its Subquery would
# run for every answer rather than only the multiple-choice ones (each 2-3x slower). Questions
# and options come from two small queries rather than once per row, and timestamps arrive as
# text, so the rows stay narrow.
#
# A response's cells come from a query of their own, rendered once into a dict of one entry per
# response (a few hundred bytes each, against tens of answers): repeated on each of its answers
# they doubled the bytes fetched and parsed. The answers are sorted by two whole numbers, the
# response's place in the export and the question's place in the questionnaire, not by city
# name, department and the positions of dimension and question: comparing text by collation
# made the sort the query's largest cost, and two keys (the second numbered once per question)
# took a sixth off the query against four keys over two joined tables.
# A multiple-choice answer's practices are looked up by its id (two index probes per ticked
# practice), only for the multiple-choice questions: a join with every answer's choices,
# grouped, took a third of the query's time.

_RESPONSES_SQL_TEMPLATE = """
SELECT response.id, city.name, response.department, response.respondent_id, response.status,
       {submitted_at}
FROM surveys_response AS response
JOIN surveys_city AS city ON city.id = response.city_id
WHERE response.round_id = %(round)s
"""

_ANSWERS_SQL_TEMPLATE = """
WITH response AS (
    SELECT response.id,
           row_number() OVER (ORDER BY city.name, response.department, response.id) AS place
    FROM surveys_response AS response
    JOIN surveys_city AS city ON city.id = response.city_id
    WHERE response.round_id = %(round)s
), question AS (
    SELECT question.id, question.kind,
           row_number() OVER (ORDER BY dimension.position, question.position) AS place
    FROM surveys_question AS question
    JOIN surveys_dimension AS dimension ON dimension.id = question.dimension_id
    WHERE dimension.questionnaire_id = %(questionnaire)s
)
SELECT answer.response_id, answer.question_id, answer.option_id,
       CASE WHEN question.kind = '{multi}' THEN (
           SELECT string_agg({label}, '; ' ORDER BY option.position)
           FROM surveys_answer_choices AS choice
           JOIN surveys_option AS option ON option.id = choice.option_id
           WHERE choice.answer_id = answer.id
       ) END,
       answer.number, answer.text, answer.comment, answer.evidence_url, answer.language,
       {answered_at}
FROM response
JOIN surveys_answer AS answer ON answer.response_id = response.id
JOIN question ON question.id = answer.question_id
ORDER BY response.place, question.place
"""


def _isoformat(column: str) -> str:
    """SQL for a timestamp as ISO 8601 text in UTC, or "" for none.

    As ``datetime.isoformat()`` writes it, except that a fraction of a second loses its
    trailing zeros (``.5`` rather than ``.500000``), as PostgreSQL writes timestamps; both
    read back as the same time (``datetime.fromisoformat``). Half the cost of ``to_char``,
    which was a sixth of the query's. (psycopg2 keeps the session's DateStyle ISO.)
    """
    text = f"replace(({column} AT TIME ZONE 'UTC')::text, ' ', 'T') || '+00:00'"
    return f"coalesce({text}, '')"


_RESPONSES_SQL = _RESPONSES_SQL_TEMPLATE.format(submitted_at=_isoformat("response.submitted_at"))
# One per language: an option's label in it, or in English where a draft left it blank.
_ANSWERS_SQL = {
    language: _ANSWERS_SQL_TEMPLATE.format(
        answered_at=_isoformat("answer.updated_at"),
        multi=Question.Kind.MULTI.value,
        label=f"coalesce(nullif(option.label_{language}, ''), option.label_en)",
    )
    for language in LANGUAGES
}

Group = TypeVar("Group")


def _records(sql: str, round: Round) -> Iterator[tuple[Any, ...]]:
    """The rows of a query about the round, fetched CHUNK rows at a time."""
    # A server-side cursor keeps memory flat, unless disabled as for QuerySet.iterator().
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        cursor = connection.cursor()
    else:
        cursor = connection.chunked_cursor()
    with cursor:
        cursor.execute(sql, {"round": round.pk, "questionnaire": round.questionnaire_id})
        while records := cursor.fetchmany(CHUNK):
            yield from records


def _answer_groups(
    round: Round, language: str, render: Callable[[Sequence[Any]], Group]
) -> Iterator[tuple[Group, Group, Group, Group, str, str]]:
    """Each answer's row as four groups of cells (response, question, option and answer) and
    its two times, answered and submitted.

    ``render`` turns a group of cells into its output. The group of a response, question or
    option (most of a row's text) is rendered once and shared by all the rows that repeat it.
    Answers are to the round's questionnaire, so its questions and options are all we need.
    The times are text that needs no quoting, left for the caller to place. Question texts and
    option labels are in ``language`` (English where a draft left one blank); codes, levels and
    what officers typed are the same in every language.
    """
    questions = {
        pk: render((dimension, code, text or english))
        for pk, dimension, code, english, text in Question.objects.filter(
            dimension__questionnaire_id=round.questionnaire_id
        ).values_list("pk", "dimension__code", "code", "text_en", f"text_{language}")
    }
    options = {
        pk: render((level, label or english))
        for pk, level, english, label in Option.objects.filter(
            question__dimension__questionnaire_id=round.questionnaire_id
        ).values_list("pk", "level", "label_en", f"label_{language}")
    }
    responses = {
        response: (render((round.title, city, department, _respondent(id_), status)), submitted)
        for response, city, department, id_, status, submitted in _records(_RESPONSES_SQL, round)
    }
    for (
        response,
        question,
        option,
        practices,
        number,
        text,
        comment,
        evidence,
        answer_language,
        answered,
    ) in _records(_ANSWERS_SQL[language], round):
        if response not in responses:
            continue  # started after the responses were read: left out as if a moment later
        response_group, submitted = responses[response]
        yield (
            response_group,
            questions[question],
            options[option] if option is not None else render((None, practices or "")),
            render((number, text, comment, evidence, answer_language)),
            answered,
            submitted,
        )


def _respondent(respondent_id: int | None) -> int | str:
    return respondent_id if respondent_id is not None else "erased"


def answer_rows(round: Round, language: str) -> Iterator[tuple[Any, ...]]:
    """One row per answer (the columns of ANSWER_HEADER); memory stays flat."""
    groups = _answer_groups(round, language, tuple)
    for response, question, option, answer, answered, submitted in groups:
        yield (*response, *question, *option, *answer, answered, submitted)


def answers_csv(round: Round, language: str, separators: Separators = COMMA) -> Iterator[str]:
    """The answers CSV in pieces of CHUNK rows, every cell made inert; memory stays flat.

    csv.writer quotes each cell on its own, so writing a row's groups of cells one by one and
    joining them with the cell separator gives the line it would write for the whole row. (Each
    group has two cells or more: csv.writer writes a row of one empty cell as ``""``.) The times
    are written as they are: ISO text or "" is never quoted, and starts with no formula sign.
    """
    writer = csv_writer(separators)
    delimiter, line_end = writer.dialect.delimiter, writer.dialect.lineterminator

    # Most answers are a choice without number, text or comment, so the same few groups of
    # cells come again and again; a bounded cache renders each once and keeps memory flat.
    @lru_cache(maxsize=RENDERED_CACHE)
    def render(cells: Sequence[Any]) -> str:
        line: str = writer.writerow([csv_cell(value, separators) for value in cells])
        return line.removesuffix(line_end)

    yield BOM + writer.writerow(ANSWER_HEADER)
    lines = (
        delimiter.join(groups) + line_end for groups in _answer_groups(round, language, render)
    )
    while piece := "".join(islice(lines, CHUNK)):
        yield piece
