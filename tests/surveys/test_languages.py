"""Which language a person reads: the browser's before sign-in, then theirs or their city's.

The switcher (Django's set_language) is on every page; a signed-in person's choice is kept with
their account. Answers record the language they were given in; exports come in any language.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings

from surveys.models import Answer, Profile
from surveys.structure import AnswerValue
from tests import factories
from tests.web import bank_of, option, section_data

pytestmark = pytest.mark.django_db


def _html_lang(response) -> str:
    head = response.content.decode()[:200]
    return head.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_before_sign_in_the_browsers_language_applies(client, language):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)

    assert _html_lang(response) == language
    assert response["Content-Language"] == language


def test_every_page_offers_the_three_languages_login_included(client, officer):
    for page in ("/accounts/login/", "/accounts/password_reset/"):
        html = client.get(page).content.decode()
        assert 'action="/language/"' in html
        for code, name in (("en", "English"), ("nl", "Nederlands"), ("fr", "Français")):
            assert f'name="language" value="{code}" lang="{code}"' in html
            assert name in html
    client.force_login(officer)
    assert 'action="/language/"' in client.get("/").content.decode()


def test_the_switcher_sets_the_language_and_returns_to_the_page(client):
    response = client.post("/language/", {"language": "fr", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert _html_lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")) == "fr"


def test_the_switcher_refuses_get_and_a_foreign_next(client):
    assert client.get("/language/").status_code == 405
    response = client.post("/language/", {"language": "nl", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("slug", "country", "language"),
    [("mechelen", "BE", "nl"), ("valenciennes-2", "FR", "fr"), ("norfolk", "GB", "en")],
)
def test_a_new_officer_reads_their_citys_language_whatever_the_browser(
    client, slug, country, language
):
    city = factories.CityFactory(slug=slug, country=country, language=language)
    officer = factories.MembershipFactory(city=city).user
    client.force_login(officer)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de, en;q=0.5" if language != "en" else "fr")

    assert _html_lang(response) == language
    assert not Profile.objects.filter(user=officer).exists()  # a default, not a stored choice


def test_a_signed_in_officers_switch_is_kept_for_the_next_sign_in(client, officer, city):
    city.language = "nl"
    city.save()
    client.force_login(officer)

    client.post("/language/", {"language": "fr", "next": "/"})
    client.logout()
    client.cookies.clear()  # another browser
    client.force_login(officer)

    assert Profile.objects.get(user=officer).language == "fr"
    assert _html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="nl")) == "fr"


def test_a_facilitator_without_a_choice_reads_the_browsers_language(client, facilitator):
    client.force_login(facilitator)

    assert _html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="nl")) == "nl"


def test_the_health_check_reads_no_session_for_the_language(
    client, officer, django_assert_num_queries
):
    client.force_login(officer)

    with django_assert_num_queries(1):  # its own read; the session and user are not loaded
        assert client.get("/health/").status_code == 200


def test_an_answer_records_the_language_it_was_given_in(client, officer, open_round):
    bank = bank_of(open_round)
    section = bank.section("strategy")
    vision = option(bank, "strategy-vision", "l2")
    client.force_login(officer)
    client.post("/language/", {"language": "nl", "next": "/"})

    saved = client.post(
        f"/rounds/{open_round.pk}/sections/strategy/autosave/",
        section_data(
            section,
            {vision.question_id: AnswerValue(option_id=vision.pk, comment="Zo is het.")},
            version=1,
        ),
    )

    assert saved.status_code == 200
    assert Answer.objects.get(question_id=vision.question_id).language == "nl"


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_a_facilitator_exports_the_answers_in_any_language_with_the_same_codes(
    client, facilitator, officer, open_round, language
):
    bank = bank_of(open_round)
    vision = option(bank, "strategy-vision", "l2")
    client.force_login(officer)
    client.post("/language/", {"language": "fr", "next": "/"})
    client.post(
        f"/rounds/{open_round.pk}/sections/strategy/autosave/",
        section_data(
            bank.section("strategy"),
            {vision.question_id: AnswerValue(option_id=vision.pk, comment="C'est ainsi.")},
            version=1,
        ),
    )
    client.force_login(facilitator)

    response = client.get(f"/rounds/{open_round.pk}/exports/answers.csv?language={language}")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-answers-{language}.csv"')
    (row,) = [row for row in _csv(response) if row["question_code"] == "strategy-vision"]
    question = vision.question
    assert row["question_text"] == getattr(question, f"text_{language}")
    assert row["option_label"] == getattr(vision, f"label_{language}")
    assert (row["option_level"], row["comment"], row["answer_language"]) == (
        "2",
        "C'est ainsi.",
        "fr",
    )


def test_an_export_in_an_unknown_language_is_not_found(client, facilitator, open_round):
    client.force_login(facilitator)

    assert client.get(f"/rounds/{open_round.pk}/exports/answers.csv?language=de").status_code == 404
