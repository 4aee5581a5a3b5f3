"""The data-sharing network where people read it: the city results page, the dashboard, the
report and PDF, and the exchanges export; and who may open them."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from operations.demo import demo_values
from scoring.exchanges import city_network, round_networks
from surveys.structure import AnswerValue, ExchangeValue
from tests import factories
from tests.web import bank_of, by_id, find_all, html, option, question, submit_answers, text

CODE = "collab-exchanges"


def _exchange(bank, direction, partner, means, frequency):
    external = not partner.startswith("department:")
    return ExchangeValue(
        direction=direction,
        means_id=option(bank, CODE, means).pk,
        frequency_id=option(bank, CODE, frequency).pk,
        partner_department="" if external else partner.removeprefix("department:"),
        partner_id=option(bank, CODE, partner).pk if external else None,
    )


@pytest.fixture
def disagreeing(open_round, officer, colleague):
    """Rotterdam's Mobility says it gives data to IT and data by e-mail and receives operator
    data by API; IT and data submitted without naming Mobility at all."""
    bank = bank_of(open_round)
    mobility = demo_values(bank, "rotterdam", "Mobility", 1)
    mobility[question(bank, CODE).pk] = AnswerValue(
        exchanges=(
            _exchange(bank, "gives", "department:IT and data", "email-files", "weekly"),
            _exchange(bank, "receives", "operators", "api-feed", "real-time"),
        )
    )
    it = demo_values(bank, "rotterdam", "IT and data", 1)
    it[question(bank, CODE).pk] = AnswerValue(
        exchanges=(_exchange(bank, "receives", "national", "data-platform", "monthly"),)
    )
    submit_answers(open_round, officer, mobility)
    submit_answers(open_round, colleague, it)
    return bank


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _results(client, round_, slug="rotterdam"):
    return client.get(f"/rounds/{round_.pk}/cities/{slug}/results/")


def test_two_departments_that_disagree_give_a_one_sided_link(open_round, city, disagreeing):
    network = city_network(open_round, city.pk)

    (link,) = network.one_sided
    assert (link.reporter, link.silent, link.reporter_gives) == ("Mobility", "IT and data", True)
    assert network.isolated == ()
    assert [(c.first, c.second) for c in network.manual_only] == [("IT and data", "Mobility")]
    assert (network.exchange_count, network.automated_share) == (3, 2 / 3)


def test_results_page_shows_the_picture_the_table_the_summary_and_the_flags(
    client, officer, open_round, disagreeing
):
    client.force_login(officer)

    page = _results(client, open_round)

    tree = html(page)
    assert text(by_id(tree, "network-summary")) == (
        "The departments report 3 flows of data between 4 parties. 67 % of the flows use an "
        "automated means (database access, an API or feed, a data platform); the others are "
        "e-mail, files or shared drives. 1 link between departments is reported by one side only."
    )
    flags = text(by_id(tree, "network-flags"))
    assert (
        "One-sided link: Mobility says it gives data to IT and data, but IT and data reports "
        "receiving nothing from Mobility." in flags
    )
    assert "Manual-only channel: IT and data and Mobility exchange data only by e-mail" in flags
    rows = [text(row) for row in by_id(tree, "network-table").children[-1].children]
    assert len(rows) == 3
    figure = json.loads(text(by_id(tree, "network-figure")))
    nodes = figure["data"][-1]
    # Names wrap at 14 characters, so none runs past the picture's edge on a phone.
    lines = [re.sub(r"(?<=-)<br>", "", label).replace("<br>", " ") for label in nodes["text"]]
    assert sorted(lines) == sorted(
        [
            "IT and data",
            "Mobility",
            "Shared-mobility operators",
            "National bodies or the National Access Point",
        ]
    )
    assert [trace["line"]["dash"] for trace in figure["data"][:-1]].count("dash") == 1


def test_results_page_of_a_round_whose_bank_has_no_exchanges_shows_no_network(
    client, officer, open_round, disagreeing, monkeypatch
):
    monkeypatch.setattr("scoring.exchanges.asks_exchanges", lambda bank: False)
    client.force_login(officer)

    tree = html(_results(client, open_round))

    assert find_all(tree, id="network") == []
    assert find_all(tree, id="dimension-table") != []


def test_officers_of_another_city_do_not_find_the_network(
    client, foreign_officer, open_round, disagreeing
):
    client.force_login(foreign_officer)

    assert _results(client, open_round).status_code == 404
    assert client.get(f"/rounds/{open_round.pk}/cities/rotterdam/report/").status_code == 404
    assert client.get(f"/rounds/{open_round.pk}/exports/exchanges.csv").status_code == 404


@pytest.mark.parametrize("role", ["officer", "foreign_officer"])
def test_officers_do_not_find_the_exchanges_export(request, client, open_round, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(f"/rounds/{open_round.pk}/exports/exchanges.csv").status_code == 404
    assert client.get(f"/rounds/{open_round.pk}/exports/exchanges.xlsx").status_code == 404


def test_facilitators_open_any_citys_network(facilitator_client, open_round, disagreeing):
    tree = html(_results(facilitator_client, open_round))

    assert "One-sided link: Mobility" in text(by_id(tree, "network-flags"))


def test_dashboard_counts_flows_automated_share_and_one_sided_links_per_city(
    facilitator_client, open_round, disagreeing, django_assert_max_num_queries
):
    tree = html(facilitator_client.get(f"/rounds/{open_round.pk}/dashboard/"))

    table = by_id(tree, "networks-table")
    cells = [text(row) for row in table.children[-1].children]
    assert cells == ["Rotterdam 3 67 % 1", "Valenciennes no submission"]


def test_round_networks_reads_every_city_in_one_query(
    open_round, disagreeing, django_assert_num_queries
):
    other = factories.CityFactory(name="Mechelen", slug="mechelen", country="BE")
    open_round.cities.add(other)
    officer = factories.MembershipFactory(city=other, department="Mobility").user
    bank = disagreeing
    values = demo_values(bank, "mechelen", "Mobility", 1)
    values[question(bank, CODE).pk] = AnswerValue(
        exchanges=(_exchange(bank, "gives", "region", "email-files", "ad-hoc"),)
    )
    submit_answers(open_round, officer, values)

    with django_assert_num_queries(1):
        networks = round_networks(open_round)

    assert sorted(n.exchange_count for n in networks.values()) == [1, 3]


def test_report_carries_the_picture_and_the_flags(facilitator_client, open_round, disagreeing):
    page = facilitator_client.get(f"/rounds/{open_round.pk}/cities/rotterdam/report/")

    tree = html(page)
    section = by_id(tree, "network")
    assert "One-sided link: Mobility says it gives data to IT and data" in text(section)
    content = page.content.decode()
    assert content.count('marker-end="url(#arrow-manual)"') == 1
    assert content.count('marker-end="url(#arrow-automated)"') == 2


def test_pdf_report_is_made_with_the_network(facilitator_client, open_round, disagreeing):
    reply = facilitator_client.get(f"/rounds/{open_round.pk}/cities/rotterdam/report.pdf")

    assert reply.status_code == 200
    assert reply.content.startswith(b"%PDF")


EXCHANGE_HEADER = [
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
]


def test_exchanges_csv_has_one_row_per_exchange_with_codes_and_labels_in_the_language_asked(
    facilitator_client, open_round, disagreeing
):
    reply = facilitator_client.get(f"/rounds/{open_round.pk}/exports/exchanges.csv?language=nl")

    rows = list(csv.reader(io.StringIO(b"".join(reply.streaming_content).decode("utf-8-sig"))))
    title = open_round.title
    assert rows == [
        EXCHANGE_HEADER,
        [
            title,
            "Rotterdam",
            "IT and data",
            "receives",
            "Ontvangt van",
            "external",
            "national",
            "Nationale instanties of het Nationaal Toegangspunt (NAP)",
            "data-platform",
            "Dataplatform",
            "monthly",
            "Maandelijks",
        ],
        [
            title,
            "Rotterdam",
            "Mobility",
            "gives",
            "Geeft aan",
            "department",
            "IT and data",
            "IT and data",
            "email-files",
            "E-mail of losse bestanden",
            "weekly",
            "Wekelijks",
        ],
        [
            title,
            "Rotterdam",
            "Mobility",
            "receives",
            "Ontvangt van",
            "external",
            "operators",
            "Deelmobiliteitsaanbieders",
            "api-feed",
            "API of feed",
            "real-time",
            "Realtime",
        ],
    ]


def test_exchanges_xlsx_has_titled_columns_and_the_same_rows(
    facilitator_client, open_round, disagreeing
):
    reply = facilitator_client.get(f"/rounds/{open_round.pk}/exports/exchanges.xlsx?language=en")

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(reply.streaming_content)))
    assert workbook.sheetnames == ["Data exchanges"]
    rows = [list(row) for row in workbook["Data exchanges"].iter_rows(values_only=True)]
    assert rows[0][:4] == ["Round", "City", "Department", "Direction (code)"]
    assert [row[2:4] + row[6:7] for row in rows[1:]] == [
        ["IT and data", "receives", "national"],
        ["Mobility", "gives", "IT and data"],
        ["Mobility", "receives", "operators"],
    ]
