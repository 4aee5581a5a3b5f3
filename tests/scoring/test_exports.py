"""Answer and score exports: CSV streamed, XLSX in write-only mode, every cell made inert."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations.demo import demo_values
from scoring import answers_csv
from scoring.answers_csv import answer_rows
from scoring.csv_text import SEPARATORS, csv_cell, neutralise
from scoring.exports import COLUMN_TITLES, EXPORTS
from scoring.models import AgreedAnswer, CityDimensionResult, Consensus, DimensionScore
from scoring.xlsx_sheet import practices_ticked
from surveys.models import Answer, City, Dimension, Option, Question, Response, Round
from surveys.structure import AnswerValue
from tests import factories
from tests.web import attr, bank_of, find_all, html, option, question, save_answers, submit_answers

FORMULA = '=HYPERLINK("http://evil.example","x")'
EVIDENCE = "https://example.org/mobility-plan.pdf"
ANSWER_HEADER = [
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
]
RESPONSE_SCORE_HEADER = [
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
]
CITY_SCORE_HEADER = [
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
]


# --- neutralise (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+31 10 123", "'+31 10 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Mobility", "Mobility"),
        ("a = b", "a = b"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_neutralise_quotes_text_that_a_spreadsheet_would_run_as_a_formula(value, expected):
    assert neutralise(value) == expected


# --- Fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def answered(open_round, bank, officer, colleague):
    """Rotterdam's Mobility officer (a formula comment, evidence, two practices) and IT officer
    have submitted; Valenciennes has nothing."""
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    vision = question(bank, "strategy-vision")
    values[vision.pk] = AnswerValue(
        option_id=option(bank, "strategy-vision", "l2").pk, comment=FORMULA, evidence_url=EVIDENCE
    )
    practices = question(bank, "data-practices")
    values[practices.pk] = AnswerValue(
        choice_ids=(
            option(bank, "data-practices", "lineage").pk,
            option(bank, "data-practices", "error-reporting").pk,
        )
    )
    mobility = submit_answers(open_round, officer, values)
    submit_answers(open_round, colleague, demo_values(bank, "rotterdam", "IT and data", 1))
    return mobility


def _export(client, round_, kind, file_format, **query):
    return client.get(
        reverse(
            "scoring:export",
            kwargs={"round_id": round_.pk, "kind": kind, "file_format": file_format},
        ),
        query,
    )


def _csv_rows(reply, delimiter=","):
    body = b"".join(reply.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=delimiter))


def _xlsx_sheet(reply, title):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(reply.streaming_content)))
    assert workbook.sheetnames == [title]
    return workbook[title]


def _titles(header):
    """The spreadsheet's titles of the CSV's columns, as English words: the dimension's title
    beside its code, and the time zone of the times."""
    titles = []
    for code in header:
        title = str(COLUMN_TITLES[code])
        titles.append(f"{title} (Europe/Brussels)" if code.endswith("_at") else title)
        if code == "dimension":
            titles.append("Dimension")
    return titles


def _with_dimension_title(header, row, bank):
    """A row as the spreadsheet holds it: the dimension's title beside its code."""
    at = header.index("dimension") + 1
    titles = {section.dimension.code: section.dimension.title for section in bank.sections}
    return [*row[:at], titles[row[at - 1]], *row[at:]]


def _one_decimal(row, header):
    scores = {"score", "median_of_responses", "spread", "overall_score"}
    return [
        float(f"{value:.1f}") if code in scores and value is not None else value
        for code, value in zip(header, row, strict=True)
    ]


def _cell(value):
    return "" if value is None else str(value)


def _xlsx_approx(row):
    # openpyxl writes floats with 16 significant digits (spreadsheets show 15); the 17th may go.
    return [pytest.approx(value, rel=1e-15) if isinstance(value, float) else value for value in row]


def _answer(response, code):
    return Answer.objects.select_related("response").get(response=response, question__code=code)


# --- Answers ----------------------------------------------------------------------------------


def test_answers_csv_is_streamed_as_an_attachment(facilitator_client, open_round, answered):
    reply = _export(facilitator_client, open_round, "answers", "csv")

    assert reply.status_code == 200
    assert isinstance(reply, StreamingHttpResponse)
    assert reply["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        reply["Content-Disposition"] == 'attachment; filename="session-1-test-round-answers-en.csv"'
    )


def test_answers_csv_has_the_header_and_one_row_per_stored_answer(
    facilitator_client, open_round, answered
):
    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    assert rows[0] == ANSWER_HEADER
    assert len(rows) - 1 == Answer.objects.filter(response__round=open_round).count()
    # Ordered by city, department, response, then the bank's order of dimensions and questions.
    assert [row[2] for row in rows[1:3]] == ["IT and data", "IT and data"]
    assert rows[-1][2] == "Mobility"


def test_answers_csv_row_of_a_scale_answer_holds_its_level_label_comment_and_times(
    facilitator_client, open_round, bank, officer, answered
):
    stored = _answer(answered, "strategy-vision")
    chosen = option(bank, "strategy-vision", "l2")

    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))
    [row] = [row for row in rows if row[2] == "Mobility" and row[6] == "strategy-vision"]

    assert row[:15] == [
        open_round.title,
        "Rotterdam",
        "Mobility",
        str(officer.pk),
        "submitted",
        "strategy",
        "strategy-vision",
        question(bank, "strategy-vision").text,
        "2",
        chosen.label,
        "",
        "",
        "'" + FORMULA,
        EVIDENCE,
        "en",
    ]
    assert [datetime.fromisoformat(time) for time in row[15:]] == [
        stored.updated_at,
        stored.response.submitted_at,
    ]


def test_answers_csv_joins_the_chosen_practices_in_bank_order(
    facilitator_client, open_round, bank, answered
):
    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    (row,) = [r for r in rows if r[2] == "Mobility" and r[6] == "data-practices"]
    labels = [option(bank, "data-practices", code).label for code in ("error-reporting", "lineage")]
    assert row[8:10] == ["", "; ".join(labels)]


def test_answers_csv_lists_only_the_practices_chosen_in_its_own_round(
    facilitator_client, open_round, ddg, bank, officer, answered
):
    later = factories.RoundFactory(questionnaire=ddg, title="Session 2")
    later.cities.add(open_round.cities.first())
    practices = question(bank, "data-practices")
    values = demo_values(bank, "rotterdam", "Mobility", 2)
    values[practices.pk] = AnswerValue(choice_ids=(option(bank, "data-practices", "lineage").pk,))
    save_answers(later, officer, values)

    first = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))
    second = _csv_rows(_export(facilitator_client, later, "answers", "csv"))

    labels = [option(bank, "data-practices", code).label for code in ("error-reporting", "lineage")]
    assert [r[9] for r in first if r[2] == "Mobility" and r[6] == "data-practices"] == [
        "; ".join(labels)
    ]
    assert [r[9] for r in second if r[6] == "data-practices"] == [labels[1]]


def test_answers_csv_lists_cities_by_name_then_departments(
    facilitator_client, open_round, bank, answered
):
    amsterdam = factories.CityFactory(name="Amsterdam")
    open_round.cities.add(amsterdam)
    for department in ("Water", "Culture"):
        user = factories.MembershipFactory(city=amsterdam, department=department).user
        submit_answers(open_round, user, demo_values(bank, "amsterdam", department, 1))

    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    order = [(row[1], row[2]) for row in rows[1:]]
    assert list(dict.fromkeys(order)) == [
        ("Amsterdam", "Culture"),
        ("Amsterdam", "Water"),
        ("Rotterdam", "IT and data"),
        ("Rotterdam", "Mobility"),
    ]


def test_answers_of_an_erased_officer_show_erased_instead_of_an_id(
    facilitator_client, open_round, answered
):
    Response.objects.filter(pk=answered.pk).update(respondent=None)

    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    assert {row[3] for row in rows[1:] if row[2] == "Mobility"} == {"erased"}


def test_answers_xlsx_holds_the_formula_comment_as_quoted_text(
    facilitator_client, open_round, answered
):
    reply = _export(facilitator_client, open_round, "answers", "xlsx")

    assert reply.status_code == 200
    assert reply["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        reply["Content-Disposition"]
        == 'attachment; filename="session-1-test-round-answers-en.xlsx"'
    )
    sheet = _xlsx_sheet(reply, "Answers")
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][: len(ANSWER_HEADER) + 1] == _titles(ANSWER_HEADER)
    assert len(rows) - 1 == Answer.objects.filter(response__round=open_round).count()
    (formula,) = [
        row[13]
        for row in rows[1:]
        if (row[2].value, row[7].value) == ("Mobility", "strategy-vision")
    ]
    assert formula.value == "'" + FORMULA
    assert formula.data_type == "s"


def test_answers_xlsx_quotes_a_formula_hidden_behind_a_control_character(
    facilitator_client, open_round, bank, officer
):
    # XLSX cannot hold \x01, so it is dropped; the formula behind it must still be quoted.
    vision = question(bank, "strategy-vision")
    comment = AnswerValue(
        option_id=option(bank, "strategy-vision", "l1").pk, comment="\x01" + FORMULA
    )
    save_answers(open_round, officer, {vision.pk: comment})

    sheet = _xlsx_sheet(_export(facilitator_client, open_round, "answers", "xlsx"), "Answers")

    (row,) = list(sheet.iter_rows())[1:]
    assert (row[13].value, row[13].data_type) == ("'" + FORMULA, "s")


def test_answers_csv_runs_the_same_queries_for_one_and_five_cities(
    facilitator_client, ddg, bank, facilitator
):
    def round_with(cities):
        round_ = factories.RoundFactory(questionnaire=ddg)
        for n in range(cities):
            place = factories.CityFactory()
            round_.cities.add(place)
            user = factories.MembershipFactory(city=place).user
            save_answers(round_, user, demo_values(bank, place.slug, "Mobility", n))
        return round_

    one, five = round_with(1), round_with(5)
    _export(facilitator_client, one, "answers", "csv")  # warm-up: session
    counts = {}
    lines = {}
    for name, round_ in (("one", one), ("five", five)):
        with CaptureQueriesContext(connection) as queries:
            lines[name] = len(_csv_rows(_export(facilitator_client, round_, "answers", "csv")))
        counts[name] = len(queries)

    assert lines == {
        "one": 1 + Answer.objects.filter(response__round=one).count(),
        "five": 1 + Answer.objects.filter(response__round=five).count(),
    }
    assert counts["one"] == counts["five"]


@pytest.fixture
def hostile(open_round, bank, officer):
    """One draft answered with text a spreadsheet would run, quote marks, commas and line
    breaks, in every column that can hold text."""
    vision = question(bank, "strategy-vision")
    practices = question(bank, "data-practices")
    context = question(bank, "decisions-context")
    staff = question(bank, "skills-staff")
    lineage = option(bank, "data-practices", "lineage")
    response = save_answers(
        open_round,
        officer,
        {
            vision.pk: AnswerValue(
                option_id=option(bank, "strategy-vision", "l2").pk,
                comment='@SUM(A1), "quoted"',
                evidence_url="-https://example.org/x",
            ),
            practices.pk: AnswerValue(choice_ids=(lineage.pk,)),
            context.pk: AnswerValue(text="\rline one\nline two", comment="plain, with a comma"),
            staff.pk: AnswerValue(number=Decimal("12.50")),
        },
    )
    Answer.objects.filter(response=response, question=staff).update(number=Decimal("-3.50"))
    Round.objects.filter(pk=open_round.pk).update(title="=Round, one")
    City.objects.filter(pk=response.city_id).update(name="+Rotterdam")
    Response.objects.filter(pk=response.pk).update(department="-Mobility\n")
    Question.objects.filter(pk=vision.pk).update(code="-vision", text_en='=Vision "text"')
    Option.objects.filter(pk=option(bank, "strategy-vision", "l2").pk).update(label_en="\tLevel 2")
    Option.objects.filter(pk=lineage.pk).update(label_en="=Lineage")
    open_round.refresh_from_db()
    return response


def _hostile_row(rows, code):
    (row,) = [r for r in rows[1:] if r[6] == code]
    return row


def test_answers_csv_quotes_a_formula_start_in_every_text_column(
    facilitator_client, open_round, hostile
):
    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    vision = _hostile_row(rows, "'-vision")
    assert vision[:10] == [
        "'=Round, one",
        "'+Rotterdam",
        "'-Mobility\n",
        str(hostile.respondent_id),
        "draft",
        "strategy",
        "'-vision",
        '\'=Vision "text"',
        "2",
        "'\tLevel 2",
    ]
    assert vision[12:14] == ['\'@SUM(A1), "quoted"', "'-https://example.org/x"]
    assert _hostile_row(rows, "data-practices")[8:10] == ["", "'=Lineage"]
    assert _hostile_row(rows, "decisions-context")[11:13] == [
        "'\rline one\nline two",
        "plain, with a comma",
    ]


def test_answers_csv_keeps_a_negative_number_a_number(facilitator_client, open_round, hostile):
    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    assert _hostile_row(rows, "skills-staff")[10] == "-3.50"


def test_answers_csv_is_what_csv_writer_writes_for_the_inert_rows(
    facilitator_client, open_round, hostile, answered
):
    # The CSV is written a group of cells at a time; it must equal writing whole rows.
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(ANSWER_HEADER)
    writer.writerows([neutralise(value) for value in row] for row in answer_rows(open_round, "en"))

    reply = _export(facilitator_client, open_round, "answers", "csv")

    assert b"".join(reply.streaming_content).decode("utf-8") == "\ufeff" + expected.getvalue()


def test_answers_csv_streams_pieces_of_chunk_rows(
    monkeypatch, facilitator_client, open_round, answered
):
    whole = b"".join(_export(facilitator_client, open_round, "answers", "csv").streaming_content)
    monkeypatch.setattr(answers_csv, "CHUNK", 7)

    pieces = list(_export(facilitator_client, open_round, "answers", "csv").streaming_content)

    answers = Answer.objects.filter(response__round=open_round).count()
    assert len(pieces) == 1 + -(-answers // 7)  # the header, then ceil(answers / 7) pieces
    assert [piece.count(b"\r\n") for piece in pieces[:2]] == [1, 7]
    assert b"".join(pieces) == whole


@pytest.mark.parametrize(
    ("answered_at", "text"),
    [
        (datetime(2024, 3, 1, 9, 30, tzinfo=UTC), "2024-03-01T09:30:00+00:00"),
        (datetime(2024, 3, 1, 9, 30, 5, 500000, tzinfo=UTC), "2024-03-01T09:30:05.5+00:00"),
        (datetime(2024, 3, 1, 9, 30, 5, 123456, tzinfo=UTC), "2024-03-01T09:30:05.123456+00:00"),
        (
            datetime(2024, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=2))),
            "2024-03-01T08:30:00+00:00",
        ),
    ],
)
def test_answers_csv_writes_times_as_iso_8601_in_utc(
    facilitator_client, open_round, answered, answered_at, text
):
    Answer.objects.filter(response=answered).update(updated_at=answered_at)
    Response.objects.filter(pk=answered.pk).update(submitted_at=datetime(2024, 3, 2, tzinfo=UTC))

    rows = _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))

    assert {tuple(row[15:]) for row in rows[1:] if row[2] == "Mobility"} == {
        (text, "2024-03-02T00:00:00+00:00")
    }
    assert datetime.fromisoformat(text) == answered_at


def test_answers_csv_reads_the_database_in_at_most_ten_queries(
    facilitator_client, open_round, answered, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        _csv_rows(_export(facilitator_client, open_round, "answers", "csv"))


def test_answers_xlsx_keeps_ids_levels_and_numbers_as_numbers(
    facilitator_client, open_round, hostile
):
    sheet = _xlsx_sheet(_export(facilitator_client, open_round, "answers", "xlsx"), "Answers")

    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    (vision,) = [row for row in rows if row[7] == "'-vision"]
    (staff,) = [row for row in rows if row[7] == "skills-staff"]
    assert (vision[3], vision[9]) == (hostile.respondent_id, 2)
    assert staff[11] == -3.5


def test_answer_rows_of_a_draft_have_empty_text_for_the_submission_time(open_round, hostile):
    assert {row[ANSWER_HEADER.index("submitted_at")] for row in answer_rows(open_round, "en")} == {
        ""
    }


# --- Scores -----------------------------------------------------------------------------------


def _response_score_rows(round_):
    scores = DimensionScore.objects.filter(result__round=round_).select_related(
        "result__response", "result__city", "dimension"
    )
    return [
        [
            round_.title,
            row.result.city.name,
            row.result.department,
            row.result.response.respondent_id,
            row.dimension.code,
            row.score,
            row.stage,
            row.coverage,
            row.dont_know_share,
            row.result.overall_score,
            row.result.overall_stage,
        ]
        for row in sorted(
            scores, key=lambda s: (s.result.department, s.result_id, s.dimension.position)
        )
    ]


def _city_score_rows(round_):
    rows = CityDimensionResult.objects.filter(city_result__round=round_).select_related(
        "city_result__city", "dimension"
    )
    return [
        [
            round_.title,
            row.city_result.city.name,
            row.city_result.city.country,
            row.dimension.code,
            row.score,
            row.median,
            row.stage,
            row.spread,
            row.silo,
            row.coverage,
            row.dont_know_share,
            row.city_result.overall_score,
            row.city_result.overall_stage,
            row.city_result.responses,
        ]
        for row in sorted(rows, key=lambda r: r.dimension.position)
    ]


def test_response_scores_csv_lists_every_dimension_score_of_every_response(
    facilitator_client, open_round, bank, answered
):
    rows = _csv_rows(_export(facilitator_client, open_round, "response-scores", "csv"))

    expected = _response_score_rows(open_round)
    assert len(expected) == 2 * len(bank.sections)
    assert rows == [RESPONSE_SCORE_HEADER, *([_cell(v) for v in row] for row in expected)]


def test_response_scores_of_an_erased_officer_show_erased(facilitator_client, open_round, answered):
    Response.objects.filter(pk=answered.pk).update(respondent=None)

    rows = _csv_rows(_export(facilitator_client, open_round, "response-scores", "csv"))

    assert {row[3] for row in rows[1:] if row[2] == "Mobility"} == {"erased"}


def test_response_scores_xlsx_keeps_numbers_as_numbers_with_scores_to_one_decimal(
    facilitator_client, open_round, bank, answered
):
    sheet = _xlsx_sheet(
        _export(facilitator_client, open_round, "response-scores", "xlsx"), "Scores per response"
    )

    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == _titles(RESPONSE_SCORE_HEADER)
    assert rows[1:] == [
        _with_dimension_title(
            RESPONSE_SCORE_HEADER, _xlsx_approx(_one_decimal(row, RESPONSE_SCORE_HEADER)), bank
        )
        for row in _response_score_rows(open_round)
    ]


def test_city_scores_csv_lists_every_dimension_of_every_city_with_a_result(
    facilitator_client, open_round, bank, answered
):
    rows = _csv_rows(_export(facilitator_client, open_round, "city-scores", "csv"))

    expected = _city_score_rows(open_round)
    assert len(expected) == len(bank.sections)
    assert {row[1] for row in rows[1:]} == {"Rotterdam"}
    assert rows == [CITY_SCORE_HEADER, *([_cell(v) for v in row] for row in expected)]


def test_city_scores_xlsx_keeps_numbers_as_numbers_with_scores_to_one_decimal(
    facilitator_client, open_round, bank, answered
):
    sheet = _xlsx_sheet(
        _export(facilitator_client, open_round, "city-scores", "xlsx"), "Scores per city"
    )

    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == _titles(CITY_SCORE_HEADER)
    assert rows[1:] == [
        _with_dimension_title(
            CITY_SCORE_HEADER, _xlsx_approx(_one_decimal(row, CITY_SCORE_HEADER)), bank
        )
        for row in _city_score_rows(open_round)
    ]


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "file_format"),
    [("passwords", "csv"), ("answers", "pdf"), ("answers", "json"), ("city-scores", "xls")],
)
def test_an_unknown_export_kind_or_format_is_not_found(
    facilitator_client, open_round, kind, file_format
):
    assert _export(facilitator_client, open_round, kind, file_format).status_code == 404


@pytest.mark.parametrize("role", ["officer", "foreign_officer"])
def test_officers_do_not_find_the_exports(request, client, open_round, role):
    client.force_login(request.getfixturevalue(role))

    assert _export(client, open_round, "answers", "csv").status_code == 404
    assert _export(client, open_round, "city-scores", "xlsx").status_code == 404


# --- Semicolons for Excel in Dutch and French ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "comma", "semicolon"),
    [
        (62.5, 62.5, "62,5"),
        (Decimal("-3.50"), Decimal("-3.50"), "-3,50"),
        (0.1, 0.1, "0,1"),
        (3, 3, 3),
        (True, True, True),
        ("12.5 km", "12.5 km", "12.5 km"),
        ("-1.5", "'-1.5", "'-1.5"),
        (None, None, None),
    ],
)
def test_csv_cell_writes_fractions_with_a_decimal_comma_only_beside_semicolons(
    value, comma, semicolon
):
    assert csv_cell(value, SEPARATORS["comma"]) == comma
    assert csv_cell(value, SEPARATORS["semicolon"]) == semicolon


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_every_csv_export_has_a_semicolon_variant_with_the_bom(
    facilitator_client, open_round, answered, kind
):
    reply = _export(facilitator_client, open_round, kind, "csv", sep="semicolon")

    assert reply.status_code == 200
    assert reply["Content-Disposition"] == (
        f'attachment; filename="session-1-test-round-{kind}-en-semicolon.csv"'
    )
    body = b"".join(reply.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff" + ";".join(EXPORTS[kind]) + "\r\n")


def test_city_scores_csv_with_semicolons_writes_decimal_commas(
    facilitator_client, open_round, answered
):
    rows = _csv_rows(
        _export(facilitator_client, open_round, "city-scores", "csv", sep="semicolon"), ";"
    )

    expected = [
        [str(v).replace(".", ",") if isinstance(v, float) else _cell(v) for v in row]
        for row in _city_score_rows(open_round)
    ]
    assert any("," in cell for cell in expected[0][4:6])  # the scores have fractions
    assert rows == [CITY_SCORE_HEADER, *expected]


def test_answers_csv_with_semicolons_is_what_csv_writer_writes_for_the_rows(
    facilitator_client, open_round, hostile, answered
):
    separators = SEPARATORS["semicolon"]
    expected = io.StringIO()
    writer = csv.writer(expected, delimiter=";")
    writer.writerow(ANSWER_HEADER)
    writer.writerows(
        [csv_cell(value, separators) for value in row] for row in answer_rows(open_round, "en")
    )

    reply = _export(facilitator_client, open_round, "answers", "csv", sep="semicolon")

    assert b"".join(reply.streaming_content).decode("utf-8") == "\ufeff" + expected.getvalue()


def test_answers_csv_with_semicolons_writes_a_number_with_a_decimal_comma(
    facilitator_client, open_round, hostile
):
    rows = _csv_rows(
        _export(facilitator_client, open_round, "answers", "csv", sep="semicolon"), ";"
    )

    assert _hostile_row(rows, "skills-staff")[10] == "-3,50"


def test_answers_csv_with_semicolons_quotes_the_joined_practices(
    facilitator_client, open_round, bank, answered
):
    reply = _export(facilitator_client, open_round, "answers", "csv", sep="semicolon")
    body = b"".join(reply.streaming_content).decode("utf-8")

    labels = [option(bank, "data-practices", code).label for code in ("error-reporting", "lineage")]
    assert f';"{"; ".join(labels)}";' in body
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    (practices,) = [r for r in rows if r[2] == "Mobility" and r[6] == "data-practices"]
    assert practices[9] == "; ".join(labels)


def test_an_unknown_separator_is_not_found(facilitator_client, open_round):
    assert _export(facilitator_client, open_round, "answers", "csv", sep="tab").status_code == 404


def test_the_dashboard_links_every_export_as_a_csv_with_semicolons(
    facilitator_client, open_round, answered
):
    page = html(facilitator_client.get(reverse("scoring:dashboard", args=[open_round.pk])))

    links = {
        attr(link, "href")
        for link in find_all(page, "a")
        if (attr(link, "href") or "").endswith("sep=semicolon")
    }
    base = f"/rounds/{open_round.pk}/exports"
    assert links == {
        *(f"{base}/{kind}.csv?sep=semicolon" for kind in EXPORTS),
        *(f"{base}/answers.csv?language={code}&sep=semicolon" for code in ("en", "nl", "fr")),
    }


def test_the_dashboard_names_the_semicolon_variant_in_the_readers_language(
    client, facilitator, open_round
):
    client.force_login(facilitator)

    reply = client.get(
        reverse("scoring:dashboard", args=[open_round.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    )

    page = reply.content.decode()
    assert "CSV voor Excel in het Nederlands of Frans" in page
    assert "CSV met puntkomma's" in page


# --- The spreadsheet's layout -----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_every_xlsx_export_freezes_its_title_row(facilitator_client, open_round, answered, kind):
    reply = _export(facilitator_client, open_round, kind, "xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(reply.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])


def _wall_clock(*fields):
    """A spreadsheet's time: as a clock on the wall shows it, with no time zone."""
    return datetime(*fields, tzinfo=UTC).replace(tzinfo=None)


def _sheet_rows(reply):
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(reply.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    return header, [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_answers_xlsx_writes_times_as_date_cells_in_the_round_time_zone(
    facilitator_client, open_round, answered
):
    Answer.objects.filter(response=answered).update(
        updated_at=datetime(2024, 3, 1, 9, 30, 5, tzinfo=UTC)  # winter: Brussels is UTC+1
    )
    Response.objects.filter(pk=answered.pk).update(
        submitted_at=datetime(2024, 7, 1, 22, 15, tzinfo=UTC)  # summer: UTC+2, the next day
    )

    header, rows = _sheet_rows(_export(facilitator_client, open_round, "answers", "xlsx"))

    assert header[16:18] == ["Answered at (Europe/Brussels)", "Submitted at (Europe/Brussels)"]
    row = next(row for row in rows if row["Department"].value == "Mobility")
    answered_at, submitted_at = row["Answered at (Europe/Brussels)"], row[header[17]]
    assert (answered_at.value, submitted_at.value) == (
        _wall_clock(2024, 3, 1, 10, 30, 5),
        _wall_clock(2024, 7, 2, 0, 15),
    )
    assert answered_at.is_date
    assert submitted_at.is_date
    assert answered_at.number_format == "yyyy-mm-dd hh:mm:ss"


def test_answers_xlsx_follows_the_site_time_zone_and_leaves_a_draft_unsubmitted(
    settings, facilitator_client, open_round, hostile
):
    settings.TIME_ZONE = "America/New_York"
    Answer.objects.filter(response=hostile).update(
        updated_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    )

    header, rows = _sheet_rows(_export(facilitator_client, open_round, "answers", "xlsx"))

    assert header[16:18] == ["Answered at (America/New_York)", "Submitted at (America/New_York)"]
    assert {row[header[16]].value for row in rows} == {_wall_clock(2024, 3, 1, 4, 30)}
    assert {row[header[17]].value for row in rows} == {None}


def test_answers_xlsx_has_the_dimension_title_beside_its_code_in_the_language_asked(
    facilitator_client, open_round, answered
):
    header, rows = _sheet_rows(
        _export(facilitator_client, open_round, "answers", "xlsx", language="nl")
    )

    assert header[5:7] == ["Dimensie (code)", "Dimensie"]
    pairs = {(row[header[5]].value, row[header[6]].value) for row in rows}
    assert ("data-management", "Databeheer en datakwaliteit") in pairs
    assert len(pairs) == len({code for code, _ in pairs}) == 7


def test_answers_xlsx_quotes_a_dimension_title_that_starts_like_a_formula(
    facilitator_client, open_round, hostile
):
    Dimension.objects.filter(questionnaire=open_round.questionnaire, code="strategy").update(
        title_en="=Strategy"
    )

    header, rows = _sheet_rows(_export(facilitator_client, open_round, "answers", "xlsx"))

    (vision,) = [row for row in rows if row[header[7]].value == "'-vision"]
    assert (vision[header[6]].value, vision[header[6]].data_type) == ("'=Strategy", "s")


def test_scores_xlsx_show_one_decimal_and_the_csv_keeps_every_digit(
    facilitator_client, open_round, answered
):
    CityDimensionResult.objects.filter(city_result__round=open_round).update(score=58.33333333)

    _header, rows = _sheet_rows(_export(facilitator_client, open_round, "city-scores", "xlsx"))
    csv_rows = _csv_rows(_export(facilitator_client, open_round, "city-scores", "csv"))

    assert {(row["Score"].value, row["Score"].number_format) for row in rows} == {(58.3, "0.0")}
    assert {row[4] for row in csv_rows[1:]} == {"58.33333333"}


def _practice_titles(bank, code):
    return [
        f"{code}: {option.label}" for option in question(bank, code).options.order_by("position")
    ]


def test_answers_xlsx_has_a_column_per_practice_ticked_or_not_on_its_questions_rows(
    facilitator_client, open_round, bank, answered
):
    header, rows = _sheet_rows(_export(facilitator_client, open_round, "answers", "xlsx"))

    data, skills, collab = (
        _practice_titles(bank, code)
        for code in ("data-practices", "skills-practices", "collab-practices")
    )
    assert header[len(ANSWER_HEADER) + 1 :] == [*data, *skills, *collab]
    (row,) = [
        row
        for row in rows
        if (row["Department"].value, row["Question (code)"].value) == ("Mobility", "data-practices")
    ]
    # error-reporting and lineage ticked; data-dictionary, change-notice, none, don't know not.
    assert [row[title].value for title in data] == [1, 1, 0, 0, 0, 0]
    assert {row[title].value for title in skills + collab} == {None}
    (vision,) = [
        row
        for row in rows
        if (row["Department"].value, row["Question (code)"].value)
        == ("Mobility", "strategy-vision")
    ]
    assert {vision[title].value for title in data + skills + collab} == {None}


def test_agreed_answers_xlsx_has_date_cells_and_a_column_per_practice(
    facilitator_client, open_round, city, bank
):
    consensus = Consensus.objects.create(round=open_round, city=city, status="published")
    agreed = AgreedAnswer.objects.create(
        consensus=consensus,
        question=question(bank, "skills-practices"),
        agreed_at=datetime(2024, 1, 15, 12, 0, tzinfo=UTC),
    )
    agreed.choices.set([option(bank, "skills-practices", "job-profiles")])

    _header, rows = _sheet_rows(_export(facilitator_client, open_round, "agreed-answers", "xlsx"))

    (row,) = rows
    assert (row["Agreed at (Europe/Brussels)"].value, row["Dimension"].value) == (
        _wall_clock(2024, 1, 15, 13, 0),
        question(bank, "skills-practices").dimension.title,
    )
    skills = _practice_titles(bank, "skills-practices")
    assert [row[title].value for title in skills] == [0, 0, 0, 1, 0, 0]


@pytest.mark.parametrize(
    ("joined", "ticked"),
    [
        ("", [0, 0, 0]),
        ("Lineage", [0, 1, 0]),
        ("Error reporting; Lineage", [1, 1, 0]),
        ("Error reporting; Lineage; A glossary; of terms", [1, 1, 1]),
        ("A glossary; of terms", [0, 0, 1]),
    ],
)
def test_practices_ticked_reads_the_labels_joined_in_bank_order(joined, ticked):
    labels = ["Error reporting", "Lineage", "A glossary; of terms"]

    assert practices_ticked(labels, joined) == ticked
