"""The consensus page (facilitators) and the agreed result beside the self-assessed one."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from scoring.consensus import agreed_values, consensus_items
from scoring.exports import AGREED_HEADER
from scoring.models import Consensus
from surveys.structure import AnswerValue
from tests.web import attr, bank_of, by_id, find_all, html, option, question, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


def _url(round_, city):
    return f"/rounds/{round_.pk}/cities/{city.slug}/consensus/"


def _first_departments_answers(open_round, city, consensus=None):
    """Form data agreeing, for every question not agreed yet, the first department's answer."""
    data = {}
    for item in consensus_items(open_round, city, consensus):
        value = next(a.value for a in item.answers if a.value is not None)
        key = f"{item.question.code}__agreed"
        if item.agreed is not None:
            continue
        if value.choice_ids:
            data[key] = [str(pk) for pk in value.choice_ids]
        elif value.option_id:
            data[key] = str(value.option_id)
    return data


def _agree_all(client, open_round, city, bank, version):
    """Post an agreed answer for every question: the first department's."""
    data = {
        "version": str(version),
        "action": "publish",
        **_first_departments_answers(open_round, city),
    }
    return client.post(_url(open_round, city), data)


def test_the_page_lists_the_most_divergent_question_first_with_each_departments_answer(
    client, facilitator, open_round, city, submitted, bank
):
    client.force_login(facilitator)

    page = html(client.get(_url(open_round, city)))

    cards = [s for s in find_all(page, "section") if (attr(s, "id") or "").startswith("q-")]
    assert attr(cards[0], "id") == "q-strategy-vision"  # 3 levels apart: the widest gap
    first = text(cards[0])
    for shown in ("We say l0.", "We say l3.", "Mobility", "IT and data"):
        assert shown in first


def test_a_saved_agreed_answer_and_its_rationale_show_who_agreed(
    client, facilitator, open_round, city, submitted, bank
):
    client.force_login(facilitator)
    chosen = option(bank, "strategy-vision", "l2")

    reply = client.post(
        _url(open_round, city),
        {
            "version": "1",
            "action": "save",
            "strategy-vision__agreed": str(chosen.pk),
            "strategy-vision__rationale": "The plan names goals but no budget.",
        },
    )

    assert reply.status_code == 302
    consensus = Consensus.objects.get(round=open_round, city=city)
    assert agreed_values(consensus) == {chosen.question_id: AnswerValue(option_id=chosen.pk)}
    page = text(html(client.get(_url(open_round, city))))
    assert "The plan names goals but no budget." in page
    assert "Agreed by" in page


def test_a_rationale_too_long_is_refused_and_everything_typed_stays(
    client, facilitator, open_round, city, submitted, bank
):
    client.force_login(facilitator)
    chosen = option(bank, "strategy-vision", "l2")

    reply = client.post(
        _url(open_round, city),
        {
            "version": "1",
            "action": "save",
            "strategy-vision__agreed": str(chosen.pk),
            "strategy-vision__rationale": "x" * 1001,
        },
    )

    assert reply.status_code == 200
    assert not Consensus.objects.filter(round=open_round, city=city).exists()
    form = reply.context["form"]
    assert form.errors["strategy-vision__rationale"]
    assert form["strategy-vision__agreed"].value() == str(chosen.pk)
    assert form["strategy-vision__rationale"].value() == "x" * 1001


def test_accept_agrees_the_unanimous_questions_and_publish_needs_the_rest(
    client, facilitator, open_round, city, submitted, bank
):
    client.force_login(facilitator)

    client.post(_url(open_round, city), {"version": "1", "action": "accept"})
    consensus = Consensus.objects.get(round=open_round, city=city)
    agreed = agreed_values(consensus)
    assert question(bank, "strategy-sponsor").pk in agreed
    assert question(bank, "strategy-vision").pk not in agreed

    refused = client.post(
        _url(open_round, city), {"version": str(consensus.version), "action": "publish"}
    )
    assert refused.status_code == 200
    assert "not published" in text(html(refused))
    assert Consensus.objects.get(pk=consensus.pk).status == "draft"


def test_officers_see_the_agreed_result_only_once_it_is_published(
    client, facilitator, officer, open_round, city, submitted, bank
):
    results = f"/rounds/{open_round.pk}/cities/{city.slug}/results/"
    client.force_login(facilitator)
    client.post(
        _url(open_round, city),
        {
            "version": "1",
            "action": "save",
            "strategy-vision__agreed": str(option(bank, "strategy-vision", "l2").pk),
        },
    )
    client.force_login(officer)
    assert not find_all(html(client.get(results)), "section", id="agreed-result")

    client.force_login(facilitator)
    published = _agree_all(client, open_round, city, bank, 2)
    assert published.status_code == 302
    assert Consensus.objects.get(round=open_round, city=city).status == "published"

    client.force_login(officer)
    (section,) = find_all(html(client.get(results)), "section", id="agreed-result")
    rows = [text(row) for row in find_all(section, "tr")]
    assert rows[0].startswith("Dimension")
    assert any(row.startswith("Strategy and leadership") for row in rows)
    assert rows[-1].startswith("Overall")
    assert "Open the consensus" not in text(section)  # officers do not get the facilitator's link


def test_the_agreed_answers_reach_the_exports_and_json_only_once_published(
    client, facilitator, officer, open_round, city, submitted, bank
):
    export = f"/rounds/{open_round.pk}/exports/agreed-answers.csv?language=en"
    json_url = f"/rounds/{open_round.pk}/cities/{city.slug}/results.json"
    client.force_login(facilitator)
    client.post(_url(open_round, city), {"version": "1", "action": "accept"})
    before = b"".join(client.get(export).streaming_content).decode("utf-8-sig").splitlines()
    assert before == [",".join(AGREED_HEADER)]
    client.force_login(officer)
    assert client.get(json_url).json()["agreed"] is None

    client.force_login(facilitator)
    consensus = Consensus.objects.get(round=open_round, city=city)
    vision = option(bank, "strategy-vision", "l2")
    data = _first_departments_answers(open_round, city, consensus)
    data.update(
        {
            "version": str(consensus.version),
            "action": "publish",
            "strategy-vision__agreed": str(vision.pk),
            "strategy-vision__rationale": "=SUM(A1)",
        }
    )
    client.post(_url(open_round, city), data)
    assert Consensus.objects.get(pk=consensus.pk).status == "published"

    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get(export).streaming_content).decode("utf-8-sig"))
        )
    )
    (row,) = [r for r in rows if r["question_code"] == "strategy-vision"]
    assert (row["city"], row["option_level"], row["rationale"]) == ("Rotterdam", "2", "'=SUM(A1)")
    client.force_login(officer)
    agreed = client.get(json_url).json()["agreed"]
    (answer,) = [a for a in agreed["answers"] if a["question"] == "strategy-vision"]
    assert (answer["option"], answer["dissenting_departments"]) == ("l2", ["Mobility"])
    assert agreed["overall"]["score"] is not None


def test_the_report_and_its_pdf_carry_the_agreed_result_once_published(
    client, facilitator, officer, open_round, city, submitted, bank
):
    client.force_login(facilitator)
    _agree_all(client, open_round, city, bank, 1)
    client.force_login(officer)

    page = html(client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/report/"))
    rows = [text(row) for row in find_all(by_id(page, "agreed-table"), "tr")]
    pdf = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/report.pdf")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)

    assert rows[-1].startswith("Overall")
    assert "Self-assessed and agreed result" in pdf_text
    assert find_all(page, "ul", id="agreed-next-steps")
