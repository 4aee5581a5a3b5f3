"""A city's action plan: adopting a next step, writing one's own action, editing it, changing its
status with a note, and the history of who changed what when."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from operations.demo import demo_values
from scoring.models import Action
from scoring.plans import action_histories
from surveys.models import Recommendation
from tests import factories
from tests.web import attr, bank_of, by_id, find_all, has_attr, html, submit_answers, text

pytestmark = pytest.mark.django_db

KEY = "data-driven-government"


@pytest.fixture
def scored(open_round, city, officer, colleague):
    """Rotterdam's officer has submitted: the results page lists next steps."""
    submit_answers(open_round, officer, demo_values(bank_of(open_round), city.slug, "Mobility", 1))
    return open_round


def _adoptable(client, round_, city) -> list[int]:
    page = html(client.get(f"/rounds/{round_.pk}/cities/{city.slug}/results/"))
    return [
        int(attr(li, "data-recommendation") or 0) for li in find_all(by_id(page, "adoptable"), "li")
    ]


def _value(page, name: str) -> str | None:
    (field,) = find_all(page, "input", name=name)
    return attr(field, "value")


def _new_url(city, **query) -> str:
    url = reverse("scoring:action_new", kwargs={"city_slug": city.slug, "key": KEY})
    return url + "".join(f"?{name}={value}" for name, value in query.items())


def _fields(**changes) -> dict[str, str]:
    return {
        "title": "Appoint a data steward",
        "dimension_code": "strategy",
        "kind": "skill",
        "department": "Mobility",
        "due_on": "2030-06-30",
        **changes,
    }


def test_the_results_page_offers_every_next_step_for_adoption(client, scored, city, officer):
    client.force_login(officer)

    offered = _adoptable(client, scored, city)

    page = html(client.get(f"/rounds/{scored.pk}/cities/{city.slug}/results/"))
    listed = [
        r.ref
        for step in page_report_steps(client, scored, city)
        for r in (*step.skills, *step.tools, *step.practices)
    ]
    assert offered == listed
    assert offered  # the officer's answers leave room to grow
    assert "No actions yet." in text(by_id(page, "action-plan"))


def page_report_steps(client, round_, city):
    response = client.get(f"/rounds/{round_.pk}/cities/{city.slug}/results/")
    return response.context["report"].next_steps


def test_adopting_a_recommendation_keeps_its_dimension_and_kind(client, scored, city, officer):
    client.force_login(officer)
    recommendation = Recommendation.objects.get(pk=_adoptable(client, scored, city)[0])

    form = client.get(_new_url(city, recommendation=recommendation.pk))
    # A tampered form cannot move the adopted step to another dimension or kind.
    other_kind = "tool" if recommendation.kind != "tool" else "skill"
    response = client.post(
        _new_url(city, recommendation=recommendation.pk),
        _fields(title="Our data steward", dimension_code="zzz", kind=other_kind),
    )

    assert recommendation.title in text(by_id(html(form), "adopted-recommendation"))
    assert response.status_code == 302
    assert response["Location"] == f"/cities/{city.slug}/plans/{KEY}/"
    action = Action.objects.get()
    assert (
        action.city,
        action.questionnaire_key,
        action.recommendation,
        action.dimension_code,
        action.kind,
        action.title,
        action.department,
        action.due_on,
        action.status,
        action.updated_by,
    ) == (
        city,
        KEY,
        recommendation,
        recommendation.dimension.code,
        recommendation.kind,
        "Our data steward",
        "Mobility",
        datetime.date(2030, 6, 30),
        "planned",
        officer,
    )
    page = html(client.get(f"/rounds/{scored.pk}/cities/{city.slug}/results/"))
    (adopted,) = find_all(
        by_id(page, "adoptable"), "li", data_recommendation=str(recommendation.pk)
    )
    assert "In the plan" in text(adopted)
    assert "Our data steward" in text(by_id(page, "plan-table"))


def test_an_officer_writes_an_action_of_their_own(client, scored, city, officer):
    client.force_login(officer)

    response = client.post(_new_url(city), _fields(kind="practice", department="IT and data"))

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.recommendation, action.dimension_code, action.kind, action.department) == (
        None,
        "strategy",
        "practice",
        "IT and data",
    )


def test_a_rejected_action_keeps_every_value_typed(client, scored, city, officer):
    client.force_login(officer)

    response = client.post(
        _new_url(city), _fields(title="Open the parking data", department="Bakery", due_on="31-02")
    )

    page = html(response)
    assert response.status_code == 200
    assert Action.objects.count() == 0
    assert "Nothing was saved" in text(by_id(page, "error-summary"))
    assert _value(page, "title") == "Open the parking data"
    assert _value(page, "due_on") == "31-02"
    (kind,) = find_all(page, "select", name="kind")
    assert [attr(o, "value") for o in find_all(kind, "option") if has_attr(o, "selected")] == [
        "skill"
    ]
    assert "Select a valid choice. Bakery is not one of the available choices." in text(page)
    assert "Enter a valid date." in text(page)


def test_departments_to_choose_are_the_citys_own(client, scored, city, officer, foreign_officer):
    client.force_login(officer)

    page = html(client.get(_new_url(city)))

    (select,) = find_all(page, "select", name="department")
    options = [attr(o, "value") for o in find_all(select, "option")]
    assert options == ["", "IT and data", "Mobility"]


def _action(city, officer, **fields) -> Action:
    values = {
        "city": city,
        "questionnaire_key": KEY,
        "dimension_code": "strategy",
        "kind": "skill",
        "title": "Appoint a data steward",
        "department": "Mobility",
        "due_on": datetime.date(2030, 6, 30),
        "updated_by": officer,
        **fields,
    }
    return Action.objects.create(**values)


def _action_url(action, name="scoring:action") -> str:
    return reverse(name, kwargs={"city_slug": action.city.slug, "key": KEY, "action_id": action.pk})


def test_editing_an_action_changes_it_and_lists_the_change(client, city, officer, colleague):
    action = _action(city, officer)
    client.force_login(colleague)

    response = client.post(
        _action_url(action), _fields(title="Appoint two data stewards", due_on="2031-01-15")
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.due_on, action.updated_by) == (
        "Appoint two data stewards",
        datetime.date(2031, 1, 15),
        colleague,
    )
    history = text(by_id(html(client.get(_action_url(action))), "action-history"))
    assert "Action: Appoint a data steward → Appoint two data stewards" in history
    assert "Due date: June 30, 2030 → Jan. 15, 2031" in history


def test_saving_an_unchanged_action_adds_no_history(client, city, officer):
    action = _action(city, officer)
    client.force_login(officer)

    client.post(_action_url(action), _fields())

    assert action.history.count() == 1


def test_marking_an_action_done_records_the_day_and_the_note(client, city, officer):
    action = _action(city, officer)
    client.force_login(officer)

    response = client.post(
        _action_url(action, "scoring:action_status"), {"status": "done", "note": "Hired in May."}
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.note, action.done_on) == (
        "done",
        "Hired in May.",
        timezone.localdate(),
    )
    reopened = client.post(
        _action_url(action, "scoring:action_status"), {"status": "in_progress", "note": "Left."}
    )
    action.refresh_from_db()
    assert reopened.status_code == 302
    assert (action.status, action.done_on) == ("in_progress", None)


def test_a_rejected_status_change_keeps_the_note_typed(client, city, officer):
    action = _action(city, officer)
    client.force_login(officer)
    note = "x" * 301

    response = client.post(
        _action_url(action, "scoring:action_status"), {"status": "done", "note": note}
    )

    page = html(response)
    assert response.status_code == 200
    assert _value(page, "note") == note
    assert "Ensure this value has at most 300 characters (it has 301)." in text(page)
    action.refresh_from_db()
    assert action.status == "planned"


def test_the_history_says_who_changed_what_and_when(client, city, officer, facilitator):
    client.force_login(officer)
    client.post(_new_url(city), _fields())
    action = Action.objects.get()
    client.force_login(facilitator)
    client.post(_action_url(action, "scoring:action_status"), {"status": "in_progress", "note": ""})
    client.post(_action_url(action, "scoring:action_status"), {"status": "done", "note": "Ok."})

    events = action_histories([action])[action.pk]

    assert [(e.by, e.created) for e in events] == [
        (facilitator.username, False),
        (facilitator.username, False),
        (officer.username, True),
    ]
    assert [(c.label, c.before, c.after) for c in events[0].changes] == [
        ("status", "In progress", "Done"),
        ("note", "", "Ok."),
    ]
    assert [(c.label, c.before, c.after) for c in events[1].changes] == [
        ("status", "Planned", "In progress")
    ]
    assert all(e.at <= timezone.now() for e in events)
    page = text(by_id(html(client.get(_action_url(action))), "action-history"))
    assert f"{officer.username}: added the action to the plan." in page


def test_an_overdue_action_is_marked_on_the_plan(client, city, officer):
    late = _action(
        city, officer, title="Late one", due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    _action(
        city,
        officer,
        title="Done late",
        due_on=datetime.date(2020, 1, 1),
        status="done",
        done_on=datetime.date(2020, 2, 1),
    )
    _action(city, officer, title="On time", due_on=timezone.localdate())
    client.force_login(officer)

    page = html(client.get(f"/cities/{city.slug}/plans/{KEY}/"))

    rows = {
        text(find_all(row, "th")[0]): text(row)
        for row in find_all(by_id(page, "plan-table"), "tr")[1:]
    }
    assert [title for title, row in rows.items() if "Overdue" in row] == [late.title]


def test_a_facilitator_sees_and_changes_any_citys_plan(
    client, city, other_city, officer, facilitator
):
    action = _action(other_city, officer, department="Mobility")
    client.force_login(facilitator)

    page = client.get(f"/cities/{other_city.slug}/plans/{KEY}/")
    changed = client.post(
        _action_url(action, "scoring:action_status"), {"status": "dropped", "note": "No budget."}
    )

    assert page.status_code == 200
    assert "Appoint a data steward" in text(by_id(html(page), "plan-table"))
    assert changed.status_code == 302
    action.refresh_from_db()
    assert action.status == "dropped"


def test_an_officer_moved_to_another_city_can_no_longer_change_the_old_plan(
    client, city, other_city, officer
):
    action = _action(city, officer)
    client.force_login(officer)
    assert client.get(_action_url(action)).status_code == 200
    officer.membership.city = other_city
    officer.membership.save()

    pages = [
        client.get(f"/cities/{city.slug}/plans/{KEY}/"),
        client.get(_new_url(city)),
        client.post(_new_url(city), _fields()),
        client.get(_action_url(action)),
        client.post(_action_url(action), _fields(title="Taken over")),
        client.post(_action_url(action, "scoring:action_status"), {"status": "done", "note": ""}),
    ]

    assert [page.status_code for page in pages] == [404] * 6
    action.refresh_from_db()
    assert (action.title, action.status, Action.objects.count()) == (
        "Appoint a data steward",
        "planned",
        1,
    )
    assert client.get(f"/cities/{other_city.slug}/plans/{KEY}/").status_code == 200


def test_an_unknown_questionnaire_or_a_foreign_recommendation_is_not_found(
    client, city, officer, idm
):
    client.force_login(officer)
    foreign = Recommendation.objects.filter(dimension__questionnaire=idm).first()

    assert client.get(f"/cities/{city.slug}/plans/no-such-bank/").status_code == 404
    assert client.get(_new_url(city, recommendation=foreign.pk)).status_code == 404
    assert client.get(_new_url(city, recommendation="x")).status_code == 404


def test_the_plan_page_reads_a_constant_number_of_queries(
    client, city, officer, django_assert_max_num_queries
):
    for number in range(30):
        _action(city, officer, title=f"Action {number}")
    factories.MembershipFactory(city=city, department="Finance")
    client.force_login(officer)

    with django_assert_max_num_queries(12):
        response = client.get(f"/cities/{city.slug}/plans/{KEY}/")

    assert len(find_all(by_id(html(response), "plan-table"), "tr")) == 31


def test_editing_an_adopted_action_keeps_its_recommendations_dimension_and_kind(
    client, city, officer
):
    recommendation = (
        Recommendation.objects.filter(dimension__questionnaire__key=KEY, kind="tool")
        .select_related("dimension")
        .first()
    )
    action = _action(
        city,
        officer,
        recommendation=recommendation,
        dimension_code=recommendation.dimension.code,
        kind="tool",
    )
    other = "strategy" if recommendation.dimension.code != "strategy" else "skills"
    client.force_login(officer)

    response = client.post(
        _action_url(action), _fields(title="Our own wording", dimension_code=other, kind="skill")
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.dimension_code, action.kind) == (
        "Our own wording",
        recommendation.dimension.code,
        "tool",
    )
