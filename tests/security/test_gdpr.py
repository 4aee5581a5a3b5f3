"""Personal data: officers download their own, an admin's erasure leaves no trace of the person in
a full database dump while the city's answers stay, and retention prunes old log-in records."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from operations import pg_clients
from surveys.models import Answer, AnswerChange, Invitation, Reminder
from surveys.structure import AnswerValue
from tests import factories
from tests.factories import PASSWORD
from tests.web import bank_of, option, question, save_answers

USERNAME = "officer-evdb"
EMAIL = "erin.vandenbergh@rotterdam.example"
LAST_NAME = "Vandenbergh"


@pytest.fixture
def erin(city):
    user = factories.UserFactory(
        username=USERNAME, email=EMAIL, first_name="Erin", last_name=LAST_NAME
    )
    factories.MembershipFactory(user=user, city=city, department="Mobility")
    return user


def _two_saves(round_, user):
    """Vision at level 1, then level 3 with a comment: two answers' history for one question."""
    bank = bank_of(round_)
    vision = question(bank, "strategy-vision")
    save_answers(
        round_, user, {vision.pk: AnswerValue(option_id=option(bank, vision.code, "l1").pk)}
    )
    return save_answers(
        round_,
        user,
        {vision.pk: AnswerValue(option_id=option(bank, vision.code, "l3").pk, comment="Plan 2030")},
    )


@pytest.mark.django_db
def test_an_officer_downloads_their_account_membership_answers_and_history(
    client, open_round, erin, colleague, facilitator
):
    response = _two_saves(open_round, erin)
    invitation = Invitation.objects.create(
        round=open_round, user=erin, invited_by=facilitator, accepted_at=timezone.now()
    )
    reminder = Reminder.objects.create(round=open_round, officer=erin, days_before=2)
    Reminder.objects.create(round=open_round, officer=colleague, days_before=2)
    _two_saves(open_round, colleague)
    bank = bank_of(open_round)
    vision = question(bank, "strategy-vision")
    level_1, level_3 = option(bank, vision.code, "l1").pk, option(bank, vision.code, "l3").pk
    client.force_login(erin)

    download = client.get("/account/my-data.json")
    data = download.json()

    assert download["Content-Disposition"] == 'attachment; filename="polis-assess-my-data.json"'
    assert data["account"] == {
        "username": USERNAME,
        "first_name": "Erin",
        "last_name": LAST_NAME,
        "email": EMAIL,
        "date_joined": erin.date_joined.isoformat(),
        "last_login": data["account"]["last_login"],
        "language": "",
    }
    assert data["membership"] == {"city": "Rotterdam", "department": "Mobility"}
    snapshot = {"choices": [], "number": None, "text": "", "evidence_url": ""}
    assert data["responses"] == [
        {
            "round": "Session 1 test round",
            "department": "Mobility",
            "status": "draft",
            "created_at": response.created_at.isoformat(),
            "submitted_at": None,
            "answers": [
                {"question_id": vision.pk, "option": level_3, "comment": "Plan 2030", **snapshot}
            ],
        }
    ]
    history = [(h["question"], h["before"], h["after"]) for h in data["answer_history"]]
    assert history == [
        (
            "strategy-vision",
            {"option": level_1, "comment": "", **snapshot},
            {"option": level_3, "comment": "Plan 2030", **snapshot},
        ),
        ("strategy-vision", None, {"option": level_1, "comment": "", **snapshot}),
    ]
    assert data["invitations"] == [
        {
            "round": "Session 1 test round",
            "invited_at": invitation.created_at.isoformat(),
            "joined_at": invitation.accepted_at.isoformat(),
        }
    ]
    assert data["reminders"] == [
        {
            "round": "Session 1 test round",
            "sent_at": reminder.sent_at.isoformat(),
            "days_before_deadline": 2,
        }
    ]


def _log_in(username, password, address):
    client = Client()
    client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return client


def _dump() -> str:
    """A plain-SQL pg_dump of the whole (test) database, lower-cased for searching."""
    return pg_clients.run(
        "pg_dump", "--format=plain", params=pg_clients.connection_params()
    ).lower()


def _traces(dump: str) -> dict[str, int]:
    return {value: dump.count(value.lower()) for value in (USERNAME, EMAIL, LAST_NAME)}


@pytest.mark.django_db(transaction=True)
def test_erasure_by_an_admin_leaves_the_answers_but_no_trace_in_a_database_dump(banks):
    city = factories.CityFactory(slug="rotterdam", name="Rotterdam", country="NL")
    round_ = factories.RoundFactory(questionnaire=banks["data-driven-government"])
    round_.cities.add(city)
    user = factories.UserFactory(
        username=USERNAME, email=EMAIL, first_name="Erin", last_name=LAST_NAME
    )
    membership = factories.MembershipFactory(user=user, city=city, department="Mobility")
    response = _two_saves(round_, user)
    # Invited to the round and reminded of it.
    Invitation.objects.create(round=round_, user=user, accepted_at=timezone.now())
    Reminder.objects.create(round=round_, officer=user, days_before=2)
    # Traces elsewhere: failed log-ins (also typed as the e-mail address, and in capitals),
    # a successful one with its session, and an admin's change to the membership.
    _log_in(USERNAME, "wrong-guess", "198.51.100.7")
    _log_in(EMAIL, "wrong-guess", "198.51.100.8")
    _log_in(USERNAME.upper(), "wrong-guess", "198.51.100.9")
    officer_client = _log_in(USERNAME, PASSWORD, "198.51.100.7")
    assert officer_client.session.get("_auth_user_id") == str(user.pk)
    admin = factories.UserFactory(is_staff=True, is_superuser=True, username="root-admin")
    admin_client = Client()
    admin_client.force_login(admin)
    changed = admin_client.post(
        f"/admin/surveys/membership/{membership.pk}/change/",
        {"user": user.pk, "city": city.pk, "department": "Mobility and transport"},
    )
    traces_before = _traces(_dump())
    answers = list(Answer.objects.filter(response=response).values_list("pk", "option_id"))

    erased = admin_client.post(
        "/admin/auth/user/",
        {"action": "erase_personal_data", "_selected_action": [user.pk, admin.pk]},
    )

    assert changed.status_code == 302
    assert min(traces_before.values()) >= 1
    assert erased.status_code == 302
    assert get_user_model().objects.filter(username__iexact=USERNAME).exists() is False
    assert get_user_model().objects.filter(pk=admin.pk).exists()  # never erases oneself
    assert officer_client.get("/").headers["Location"] == "/accounts/login/?next=/"
    response.refresh_from_db()
    assert (response.respondent_id, response.city_id, response.version) == (None, city.pk, 3)
    assert list(Answer.objects.filter(response=response).values_list("pk", "option_id")) == answers
    assert set(
        AnswerChange.objects.filter(response=response).values_list("changed_by", flat=True)
    ) == {None}
    assert AccessAttempt.objects.count() == AccessFailureLog.objects.count() == 0
    # Only the admin's own log-in record is left.
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["root-admin"]
    assert LogEntry.objects.count() == 0
    assert (Invitation.objects.count(), Reminder.objects.count()) == (0, 0)
    assert _traces(_dump()) == dict.fromkeys([USERNAME, EMAIL, LAST_NAME], 0)


def _aged(model, days: int, **fields):
    row = model.objects.create(
        user_agent="pytest", ip_address="198.51.100.7", http_accept="*/*", path_info="/", **fields
    )
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - timedelta(days=days))
    return row.pk


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.mark.django_db
def test_pruning_deletes_old_log_in_records_and_expired_sessions_only(settings):
    attempt = {"get_data": "", "post_data": "", "failures_since_start": 1}
    _aged(AccessAttempt, 91, username="old", **attempt)
    new_attempt = _aged(AccessAttempt, 89, username="new", **attempt)
    _aged(AccessLog, 91)
    new_log = _aged(AccessLog, 89)
    _aged(AccessFailureLog, 91)
    new_failure = _aged(AccessFailureLog, 1)
    _session(timedelta(seconds=-1))
    current = _session(timedelta(hours=1))
    out = StringIO()

    call_command("prune_personal_data", stdout=out)

    assert settings.PERSONAL_DATA_RETENTION_DAYS == 90
    assert (
        out.getvalue() == "sessions: 1 deleted, login_attempts: 1 deleted, login_logs: 2 deleted\n"
    )
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [new_attempt]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new_log]
    assert list(AccessFailureLog.objects.values_list("pk", flat=True)) == [new_failure]
    assert list(Session.objects.values_list("pk", flat=True)) == [current]


@pytest.mark.django_db
def test_pruning_keeps_log_in_records_younger_than_the_days_asked_for():
    _aged(AccessLog, 31)
    kept = _aged(AccessLog, 29)
    out = StringIO()

    call_command("prune_personal_data", "--days", "30", stdout=out)

    assert (
        out.getvalue() == "sessions: 0 deleted, login_attempts: 0 deleted, login_logs: 1 deleted\n"
    )
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept]
