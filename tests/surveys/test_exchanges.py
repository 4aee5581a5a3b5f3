"""Data exchanges on the answer pages: the rows save, autosave and validate like every other
answer, a rejected form keeps every row, and the review shows them."""

from __future__ import annotations

import pytest

from surveys.models import AnswerChange, Exchange, Response
from surveys.structure import AnswerValue, ExchangeValue
from tests import factories
from tests.web import (
    attr,
    bank_of,
    by_id,
    find_all,
    has_attr,
    html,
    option,
    question,
    save_answers,
    text,
)

PREFIX = "collab-exchanges__answer"


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def officer_client(client, officer, colleague):
    # The colleague puts "IT and data" on Rotterdam's department list.
    factories.MembershipFactory(city=officer.membership.city, department="Parking")
    client.force_login(officer)
    return client


def _url(round_, part=""):
    return f"/rounds/{round_.pk}/sections/collaboration/{part}"


def _rows(*rows, initial=0, total=None):
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "60",
    }
    for index, row in enumerate(rows):
        data.update({f"{PREFIX}-{index}-{name}": value for name, value in row.items()})
    return data


def _ids(bank, *codes):
    return [str(option(bank, "collab-exchanges", code).pk) for code in codes]


def _row(bank, direction, partner, means, frequency):
    means_id, frequency_id = _ids(bank, means, frequency)
    if not partner.startswith("department:"):
        partner = f"partner:{_ids(bank, partner)[0]}"
    return {
        "direction": direction,
        "partner": partner,
        "means": means_id,
        "frequency": frequency_id,
    }


def _stored(officer):
    return list(
        Exchange.objects.filter(answer__response__respondent=officer)
        .order_by("position")
        .values_list(
            "direction", "partner_department", "partner__code", "means__code", "frequency__code"
        )
    )


def _selected(tree, name):
    (select,) = find_all(tree, "select", name=name)
    return [attr(o, "value") for o in find_all(select, "option") if has_attr(o, "selected")]


def test_posted_rows_are_stored_one_row_per_exchange_in_the_order_typed(
    officer_client, open_round, bank, officer
):
    data = {
        "version": "1",
        "action": "stay",
        **_rows(
            _row(bank, "gives", "department:IT and data", "email-files", "monthly"),
            _row(bank, "receives", "operators", "api-feed", "real-time"),
            {"direction": "", "partner": "", "means": "", "frequency": ""},
        ),
    }
    officer_client.get(_url(open_round))

    page = officer_client.post(_url(open_round), data)

    assert page.status_code == 302
    assert _stored(officer) == [
        ("gives", "IT and data", None, "email-files", "monthly"),
        ("receives", "", "operators", "api-feed", "real-time"),
    ]
    change = AnswerChange.objects.get(response__respondent=officer)
    assert [row["direction"] for row in change.new_value["exchanges"]] == ["gives", "receives"]


def test_an_unfinished_row_is_refused_with_its_errors_and_every_row_is_kept(
    officer_client, open_round, bank, officer
):
    agreements = question(bank, "collab-agreements")
    chosen = option(bank, "collab-agreements", "l2")
    complete = _row(bank, "gives", "department:Parking", "shared-drive", "weekly")
    unfinished = {**_row(bank, "receives", "region", "api-feed", "daily"), "frequency": ""}
    officer_client.get(_url(open_round))

    page = officer_client.post(
        _url(open_round),
        {
            "version": "1",
            "action": "stay",
            "collab-agreements__answer": str(chosen.pk),
            **_rows(complete, unfinished),
        },
    )

    assert page.status_code == 400
    tree = html(page)
    assert text(by_id(tree, f"id_{PREFIX}_error")) == (
        "Question 8: some exchanges are not complete: each needs a direction, a partner, a means and a "
        "frequency (or clear the row)."
    )
    assert text(by_id(tree, f"id_{PREFIX}-1-frequency_error")) == "Choose how often."
    assert _selected(tree, f"{PREFIX}-0-partner") == ["department:Parking"]
    assert _selected(tree, f"{PREFIX}-0-frequency") == _ids(bank, "weekly")
    assert _selected(tree, f"{PREFIX}-1-partner") == [unfinished["partner"]]
    assert _selected(tree, f"{PREFIX}-1-means") == _ids(bank, "api-feed")
    assert _selected(tree, f"{PREFIX}-1-frequency") == [""]
    assert _stored(officer) == []
    # The section's other answers are saved all the same.
    response = Response.objects.get(respondent=officer)
    assert response.answers.get(question=agreements).option_id == chosen.pk


def test_a_partner_outside_the_citys_departments_and_the_banks_list_is_refused(
    officer_client, open_round, bank, officer
):
    officer_client.get(_url(open_round))
    row = _row(bank, "gives", "department:Ministry of Magic", "shared-drive", "weekly")

    page = officer_client.post(_url(open_round), {"version": "1", "action": "stay", **_rows(row)})

    assert page.status_code == 400
    assert text(by_id(html(page), f"id_{PREFIX}-0-partner_error")).startswith(
        "Select a valid choice."
    )
    assert _stored(officer) == []


def test_partners_are_the_citys_other_departments_then_the_external_parties(
    officer_client, open_round, foreign_officer
):
    tree = html(officer_client.get(_url(open_round)))

    (select,) = find_all(tree, "select", name=f"{PREFIX}-0-partner")
    groups = {
        attr(group, "label"): [text(o) for o in find_all(group, "option")]
        for group in find_all(select, "optgroup")
    }
    # Mobility (the officer's own) and Valenciennes' departments are not offered.
    assert groups["Departments of the city"] == ["IT and data", "Parking"]
    assert groups["External partners"][:2] == [
        "Shared-mobility operators",
        "Public transport authority",
    ]
    assert len(groups["External partners"]) == 6


def test_stored_rows_come_back_selected_with_blank_rows_below(
    officer_client, open_round, bank, officer
):
    save_answers(
        open_round,
        officer,
        {
            question(bank, "collab-exchanges").pk: AnswerValue(
                exchanges=(
                    ExchangeValue(
                        direction="receives",
                        means_id=option(bank, "collab-exchanges", "data-platform").pk,
                        frequency_id=option(bank, "collab-exchanges", "daily").pk,
                        partner_department="IT and data",
                    ),
                )
            )
        },
    )

    tree = html(officer_client.get(_url(open_round)))

    assert attr(find_all(tree, "input", name=f"{PREFIX}-TOTAL_FORMS")[0], "value") == "3"
    assert _selected(tree, f"{PREFIX}-0-direction") == ["receives"]
    assert _selected(tree, f"{PREFIX}-0-partner") == ["department:IT and data"]
    assert _selected(tree, f"{PREFIX}-1-partner") == [""]


def test_ticking_remove_deletes_the_row_and_keeps_the_others(
    officer_client, open_round, bank, officer
):
    first = _row(bank, "gives", "department:IT and data", "email-files", "monthly")
    second = _row(bank, "receives", "national", "api-feed", "daily")
    officer_client.get(_url(open_round))
    officer_client.post(
        _url(open_round), {"version": "1", "action": "stay", **_rows(first, second)}
    )

    page = officer_client.post(
        _url(open_round),
        {"version": "2", "action": "stay", **_rows({**first, "DELETE": "on"}, second, initial=2)},
    )

    assert page.status_code == 302
    assert _stored(officer) == [("receives", "", "national", "api-feed", "daily")]


def test_autosave_stores_the_rows_and_leaves_an_unfinished_one_out(
    officer_client, open_round, bank, officer
):
    officer_client.get(_url(open_round))
    row = _row(bank, "gives", "department:IT and data", "database-access", "weekly")

    saved = officer_client.post(_url(open_round, "autosave/"), {"version": "1", **_rows(row)})

    assert (saved.status_code, saved.json()["status"], saved.json()["version"]) == (200, "saved", 2)
    assert _stored(officer) == [("gives", "IT and data", None, "database-access", "weekly")]

    unfinished = {**row, "means": ""}
    partial = officer_client.post(
        _url(open_round, "autosave/"), {"version": "2", **_rows(row, unfinished)}
    )

    assert partial.json()["status"] == "partial"
    assert list(partial.json()["errors"]) == [PREFIX]
    assert _stored(officer) == [("gives", "IT and data", None, "database-access", "weekly")]


def test_a_section_posted_without_the_rows_clears_nothing_else(
    officer_client, open_round, bank, officer
):
    officer_client.get(_url(open_round))

    page = officer_client.post(_url(open_round), {"version": "1", "action": "stay"})

    assert page.status_code == 302
    assert _stored(officer) == []


def test_the_review_lists_the_exchanges_in_words(officer_client, open_round, bank, officer):
    officer_client.get(_url(open_round))
    officer_client.post(
        _url(open_round),
        {
            "version": "1",
            "action": "stay",
            **_rows(_row(bank, "receives", "operators", "api-feed", "real-time")),
        },
    )

    page = officer_client.get(f"/rounds/{open_round.pk}/review/")

    assert (
        "Receives from Shared-mobility operators: API or feed, Real time" in page.content.decode()
    )


def test_the_page_of_all_questions_saves_rows_and_offers_the_citys_departments(
    officer_client, open_round, bank, officer
):
    url = f"/rounds/{open_round.pk}/all/"
    tree = html(officer_client.get(url))
    (select,) = find_all(tree, "select", name=f"{PREFIX}-0-partner")
    assert [text(o) for o in find_all(find_all(select, "optgroup")[0], "option")] == [
        "IT and data",
        "Parking",
    ]

    page = officer_client.post(
        url,
        {
            "version": "1",
            "action": "stay",
            **_rows(_row(bank, "gives", "department:Parking", "data-platform", "daily")),
        },
    )

    assert page.status_code == 302
    assert _stored(officer) == [("gives", "Parking", None, "data-platform", "daily")]
