"""`make backup` / `make restore`: a pg_dump round trip gives back every row of every table."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from operations import pg_clients
from operations.demo import demo_values
from surveys.models import Answer, AnswerChange
from tests import factories
from tests.web import bank_of, save_answers, submit_answers


def _fingerprint(params: dict, dbname: str) -> dict[str, tuple[int, str]]:
    """Row count and md5 of the sorted rows of every table in the public schema."""
    import psycopg2

    db = psycopg2.connect(**{**params, "dbname": dbname, "cursor_factory": None})
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            tables = [row[0] for row in cursor.fetchall()]
            result = {}
            for table in tables:
                cursor.execute(
                    sql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                        " FROM {} AS t"
                    ).format(sql.Identifier(table))
                )
                result[table] = cursor.fetchone()
            return result
    finally:
        db.close()


@pytest.fixture
def filled(banks):
    """Two cities, a submitted (scored) response, a draft with answer history."""
    questionnaire = banks["data-driven-government"]
    round_ = factories.RoundFactory(questionnaire=questionnaire, title="Backup round")
    bank = bank_of(round_)
    for slug, country in (("rotterdam", "NL"), ("valenciennes", "FR")):
        city = factories.CityFactory(slug=slug, name=slug.title(), country=country)
        round_.cities.add(city)
        officer = factories.MembershipFactory(city=city, department="Mobility").user
        submit_answers(round_, officer, demo_values(bank, slug, "Mobility", 1))
    draft = factories.MembershipFactory(city=city, department="IT and data").user
    save_answers(round_, draft, demo_values(bank, "valenciennes", "IT and data", 2))
    return round_


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_every_row(filled, tmp_path):
    params = pg_clients.connection_params()
    fresh = f"{params['dbname']}_restored"
    out = StringIO()
    try:
        call_command("backup_db", directory=tmp_path, stdout=out)
        (dump,) = tmp_path.iterdir()
        call_command("restore_db", str(dump), database=fresh, interactive=False, stdout=StringIO())

        original = _fingerprint(params, params["dbname"])
        restored = _fingerprint(params, fresh)
    finally:
        pg_clients.database_drop(params, fresh)

    assert re.fullmatch(r"polis-\d{8}-\d{6}\.dump", dump.name)
    assert out.getvalue() == (
        f"Backed up database {params['dbname']!r} to {dump} ({dump.stat().st_size} bytes).\n"
    )
    assert oct(dump.stat().st_mode & 0o777) == "0o600"
    assert restored == original
    assert original["surveys_answer"][0] == Answer.objects.count() > 100
    assert original["surveys_answerchange"][0] == AnswerChange.objects.count() > 100
    assert original["surveys_answer_choices"][0] > 0


@pytest.mark.django_db(transaction=True)
def test_restoring_over_the_live_database_undoes_later_damage(filled, tmp_path):
    params = pg_clients.connection_params()
    dump = tmp_path / "before.dump"
    call_command("backup_db", output=dump, stdout=StringIO())
    before = _fingerprint(params, params["dbname"])

    AnswerChange.objects.all().delete()
    Answer.objects.filter(pk__in=Answer.objects.values("pk")[:10]).delete()
    factories.CityFactory(slug="added-after-the-backup", country="BE")
    damaged = _fingerprint(params, params["dbname"])
    call_command("restore_db", str(dump), interactive=False, stdout=StringIO())
    connection.close()  # the restore replaced the tables under this connection

    assert damaged != before
    assert _fingerprint(params, params["dbname"]) == before


@pytest.mark.django_db
def test_restore_refuses_a_missing_file_and_an_unconfirmed_run(tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    dump = tmp_path / "x.dump"

    with pytest.raises(CommandError, match=r"^No backup file at .*x\.dump\.$"):
        call_command("restore_db", str(dump), interactive=False)
    dump.write_bytes(b"not a dump")
    with pytest.raises(CommandError, match=r"^Restore cancelled\.$"):
        call_command("restore_db", str(dump))


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "polis.dump"
    existing.write_bytes(b"keep me")

    with pytest.raises(CommandError, match=r"already exists; not overwriting it\.$"):
        call_command("backup_db", output=existing)
    assert existing.read_bytes() == b"keep me"
