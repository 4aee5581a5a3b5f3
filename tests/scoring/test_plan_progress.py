"""The plan measured round over round, on the demo's two rounds of Session 1: the actions done
between the rounds beside each dimension's change, in the results, the PDF, the dashboard, the
JSON and the export; peers' adoptions only above the anonymity threshold."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from operations.demo import demo_values
from scoring.change import city_change
from scoring.models import Action, CityDimensionResult
from scoring.plan_progress import plan_progress, plans_overview
from surveys.models import City, Membership, Profile, Round
from tests import factories
from tests.web import attr, bank_of, by_id, find_all, submit_answers, text

pytestmark = pytest.mark.django_db

FIRST = "Session 1 — Data-Driven Government (summer 2021)"
FOLLOW_UP = "Session 1 follow-up — Data-Driven Government (spring 2023)"
KEY = "data-driven-government"


@pytest.fixture
def demo(banks) -> Round:
    call_command("seed_demo", stdout=io.StringIO())
    return Round.objects.get(title=FOLLOW_UP)


def _officer(slug: str):
    """An officer of the city, reading in English (the demo's Dutch cities default to Dutch)."""
    user = Membership.objects.filter(city__slug=slug).order_by("department").first().user
    Profile.objects.update_or_create(user=user, defaults={"language": "en"})
    return user


def _expected_lines(city: City) -> dict[str, str]:
    """Each dimension's line, worked out from the stored scores and the demo's actions."""
    stored = {
        (row.city_result.round.title, row.dimension.code): (row.score, row.stage)
        for row in CityDimensionResult.objects.filter(city_result__city=city).select_related(
            "city_result__round", "dimension"
        )
    }
    lines = {}
    for (title, code), (after, stage_after) in stored.items():
        if title != FOLLOW_UP:
            continue
        before, stage_before = stored[(FIRST, code)]
        actions = Action.objects.filter(city=city, dimension_code=code).exclude(status="dropped")
        planned, done = actions.count(), actions.filter(status="done").count()
        overdue = actions.filter(status__in=["planned", "in_progress"]).count()
        delta = round(after, 1) - round(before, 1) if abs(after - before) >= 0.05 else 0
        points = "±0.0" if delta == 0 else f"{after - before:+.1f}"
        head = (
            f"{done} of {planned} planned action{'s' if planned != 1 else ''} done"
            if planned
            else "No actions planned"
        )
        line = f"{head} · {points} points, stage {stage_before} → {stage_after}"
        lines[code] = line + (f" · {overdue} overdue" if overdue else "")
    return lines


def _progress(page: str) -> dict[str, str]:
    table = by_id(parse_html(page), "plan-progress")
    return {
        attr(row, "data-dimension"): text(find_all(row, "td")[0])
        for row in find_all(table, "tr")[1:]
    }


def test_the_demo_gives_two_cities_a_plan_with_done_and_overdue_actions(demo):
    today = timezone.localdate()

    for slug in ("antwerp", "rotterdam"):
        actions = Action.objects.filter(city__slug=slug, questionnaire_key=KEY)
        assert sorted(actions.values_list("status", flat=True)) == [
            "done",
            "done",
            "done",
            "done",
            "dropped",
            "in_progress",
            "planned",
        ]
        assert actions.overdue(today).count() == 2
        assert all(
            demo.opens_on > action.done_on > date(2021, 9, 30)
            for action in actions.filter(status="done")
        )
    assert set(Action.objects.values_list("city__slug", flat=True)) == {"antwerp", "rotterdam"}


def test_the_follow_up_results_show_actions_done_beside_each_dimensions_change(client, demo):
    city = City.objects.get(slug="rotterdam")
    client.force_login(_officer("rotterdam"))

    page = client.get(f"/rounds/{demo.pk}/cities/rotterdam/results/").content.decode()

    shown = _progress(page)
    assert shown == _expected_lines(city)
    weakest = Action.objects.filter(city=city, status="in_progress").get().dimension_code
    assert shown[weakest].startswith("3 of 4 planned actions done · ")
    assert shown[weakest].endswith(" · 1 overdue")


def test_the_first_rounds_results_list_the_plan_without_a_change(client, demo):
    first = Round.objects.get(title=FIRST)
    client.force_login(_officer("antwerp"))

    page = client.get(f"/rounds/{first.pk}/cities/antwerp/results/").content.decode()

    assert 'id="plan-progress"' not in page
    assert page.count('<tr data-action="') == 7
    assert page.count("Overdue</strong>") == 2


def test_the_pdf_report_carries_the_plan_and_its_progress(client, demo):
    client.force_login(_officer("rotterdam"))
    lines = _expected_lines(City.objects.get(slug="rotterdam"))

    pdf = client.get(f"/rounds/{demo.pk}/cities/rotterdam/report.pdf")

    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    content = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Action plan" in content
    assert "3 of 4 planned actions done" in content
    assert [line for line in lines.values() if line.split(" · ")[0] in content] == list(
        lines.values()
    )


def test_the_dashboard_shows_each_citys_completion_and_the_adopted_steps(client, demo, facilitator):
    client.force_login(facilitator)

    page = client.get(f"/rounds/{demo.pk}/dashboard/").content.decode()

    table = by_id(parse_html(page), "plan-cities")
    assert [text(row) for row in find_all(table, "tr")[1:]] == [
        "Antwerp 6 4 67 % 2",
        "Rotterdam 6 4 67 % 2",
    ]
    adopted = [text(row) for row in find_all(by_id(parse_html(page), "plan-adoptions"), "tr")[1:]]
    assert len(adopted) == 10
    assert all(row.endswith(("1 1", "1 0", "2 2", "2 1", "2 0")) for row in adopted)


def test_the_overview_takes_two_queries_whatever_the_number_of_cities(demo):
    city_ids = list(City.objects.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        overview = plans_overview(KEY, city_ids, timezone.localdate())

    assert len(queries) == 2
    assert [(c.city, c.counted, c.done, c.overdue) for c in overview.cities] == [
        ("Antwerp", 6, 4, 2),
        ("Rotterdam", 6, 4, 2),
    ]


def test_results_json_carries_the_citys_plan(client, demo):
    client.force_login(_officer("rotterdam"))

    own = client.get(f"/rounds/{demo.pk}/cities/rotterdam/results.json").json()
    every = client.get(f"/rounds/{demo.pk}/results.json").json()

    plan = own["plan"]
    stored = Action.objects.filter(city__slug="rotterdam").order_by("due_on", "pk")
    assert [item["id"] for item in plan] == [action.pk for action in stored]
    first = stored[0]
    assert plan[0] == {
        "id": first.pk,
        "dimension": first.dimension_code,
        "kind": first.kind,
        "title": first.title,
        "recommendation_id": first.recommendation_id,
        "department": first.department,
        "due_on": first.due_on.isoformat(),
        "status": first.status,
        "note": first.note,
        "done_on": first.done_on.isoformat() if first.done_on else None,
        "overdue": first.status in ("planned", "in_progress"),
    }
    assert [city["plan"] for city in every["cities"]] == [plan]  # an officer: their city only


def test_the_plans_export_lists_every_action(client, demo, facilitator):
    client.force_login(facilitator)

    reply = client.get(f"/rounds/{demo.pk}/exports/plans.csv")

    rows = list(csv.reader(io.StringIO(b"".join(reply.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
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
    ]
    assert len(rows) == 1 + 14
    assert sorted({row[1] for row in rows[1:]}) == ["Antwerp", "Rotterdam"]
    assert sum(row[11] == "True" for row in rows[1:]) == 4
    xlsx = client.get(f"/rounds/{demo.pk}/exports/plans.xlsx?language=fr")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.title == "Plans d'action"
    assert sheet.max_row == 1 + 14


def _plan_for(slug: str) -> None:
    city = City.objects.get(slug=slug)
    Action.objects.create(
        city=city,
        questionnaire_key=KEY,
        dimension_code="strategy",
        kind="skill",
        title="A step of our own",
        department="Mobility",
        due_on=date(2030, 1, 1),
    )


def test_an_officer_sees_what_other_cities_adopted_only_above_the_threshold(client, demo, settings):
    settings.PEER_FIGURES_MIN_OTHER_CITIES = 3
    client.force_login(_officer("rotterdam"))
    url = f"/rounds/{demo.pk}/cities/rotterdam/results/"

    two = client.get(url).content.decode()
    _plan_for("norfolk")
    three = client.get(url).content.decode()
    _plan_for("mechelen")
    four = client.get(url).content.decode()

    for page in (two, three):
        assert 'id="plan-adoptions"' not in page
        assert "shown once at least 3 other cities have a plan" in page
    assert 'id="plan-adoptions"' in four
    assert "shown once at least" not in four


def test_a_facilitator_sees_the_adoptions_of_two_cities(client, demo, facilitator):
    client.force_login(facilitator)

    page = client.get(f"/rounds/{demo.pk}/cities/rotterdam/results/").content.decode()

    assert 'id="plan-adoptions"' in page


@pytest.fixture
def two_rounds(ddg, city, officer):
    rounds = []
    for title, opens, closes, salt in (
        ("Before", date(2021, 6, 1), date(2021, 9, 30), 1),
        ("Now", date(2023, 3, 1), date(2023, 5, 31), 7),
    ):
        round_ = factories.RoundFactory(
            questionnaire=ddg, title=title, opens_on=opens, closes_on=closes
        )
        round_.cities.add(city)
        submit_answers(round_, officer, demo_values(bank_of(round_), city.slug, "Mobility", salt))
        rounds.append(round_)
    return rounds


def _dated(city, created: date, status: str = "planned", done_on: date | None = None) -> None:
    Action.objects.create(
        city=city,
        questionnaire_key=KEY,
        dimension_code="strategy",
        kind="tool",
        title=f"{status} {created} {done_on}",
        department="Mobility",
        due_on=date(2030, 1, 1),
        status=status,
        done_on=done_on,
        created_at=timezone.make_aware(datetime.combine(created, time(12))),
    )


def test_only_actions_planned_and_done_between_the_rounds_count(two_rounds, city):
    _before, now = two_rounds
    _dated(city, date(2021, 10, 1), "done", date(2022, 5, 1))  # planned and done in between
    _dated(city, date(2021, 10, 1), "in_progress")  # planned in between, not done
    _dated(city, date(2020, 1, 1), "done", date(2023, 5, 31))  # older, done by the close
    _dated(city, date(2020, 1, 1), "done", date(2021, 5, 31))  # done before: an earlier stretch
    _dated(city, date(2021, 10, 1), "done", date(2023, 6, 1))  # done after this round closed
    _dated(city, date(2023, 6, 1))  # planned after this round closed
    _dated(city, date(2021, 10, 1), "dropped")  # dropped: not counted

    rows = plan_progress(now, city, city_change(now, city), date(2024, 1, 1))

    strategy = next(row for row in rows if row.row.code == "strategy")
    assert (strategy.planned, strategy.done, strategy.overdue) == (4, 2, 0)
    assert {row.planned for row in rows if row.row.code != "strategy"} == {0}
