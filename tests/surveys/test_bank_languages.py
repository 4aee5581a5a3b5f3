"""Question banks carry every displayed text in English, Dutch and French; codes stay the same.

The file format, the loader's checks (every declared language, for every text), publishing
(only a complete bank), the export (all languages, byte for byte) and what officers read.
"""

from __future__ import annotations

import copy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from surveys.banks.files import bank_load_file
from surveys.banks.reading import parse_bank
from surveys.banks.spec import LANGUAGES, BankInvalid
from surveys.banks.store import bank_write, questionnaire_publish
from surveys.models import Option, Question, Questionnaire
from tests.conftest import BANK_FILES
from tests.surveys.test_bank_loader import bank_data, translated

pytestmark = pytest.mark.django_db


def _problems(data: Any) -> list[str]:
    with pytest.raises(BankInvalid) as refused:
        parse_bank(data)
    return [str(error) for error in refused.value.errors]


def test_the_banks_languages_are_the_apps_languages():
    assert tuple(code for code, _name in settings.LANGUAGES) == LANGUAGES


def test_a_trilingual_bank_reads_every_text_in_every_language():
    spec = parse_bank(translated(bank_data()))

    assert spec.languages == ("en", "nl", "fr")
    question = spec.dimensions[0].questions[0]
    assert (question.text.en, question.text.nl, question.text.fr) == (
        "How mature is q1?",
        "[nl] How mature is q1?",
        "[fr] How mature is q1?",
    )
    assert spec.stages[0].name.get("fr") == "[fr] Stage 1"
    assert question.options[0].label.get("nl") == "[nl] Level 0"


def test_the_loader_names_every_text_that_lacks_a_declared_language():
    data = translated(bank_data())
    question = data["dimensions"][0]["questions"][0]
    del question["text"]["fr"]
    question["options"][2]["label"]["nl"] = "  "
    data["dimensions"][1]["title"] = "Beta"  # a plain string in a trilingual bank

    assert sorted(_problems(data)) == [
        "dimension beta: 'title' needs a text in each of en, nl, fr",
        "question q1 option l2: 'label' has no nl text",
        "question q1: 'text' has no fr text",
    ]


def test_the_loader_refuses_languages_the_bank_does_not_declare_or_the_app_lacks():
    data = translated(bank_data(), ("en", "nl"))
    data["title"]["fr"] = "Banque de test"

    assert _problems(data) == [
        "questionnaire: 'title' has languages ['fr'] that the bank does not declare"
        " (languages: en, nl)"
    ]
    assert _problems({**bank_data(), "languages": ["en", "de"]}) == [
        "questionnaire: languages ['de'] are not among the app's languages en, nl, fr"
    ]
    assert "questionnaire: 'languages' must list en, and each language once" in _problems(
        {**bank_data(), "languages": ["nl", "fr"]}
    )


def test_codes_are_the_same_whatever_the_language():
    english = parse_bank(bank_data())
    trilingual = parse_bank(translated(bank_data()))

    def codes(spec):
        return [
            (question.code, [(o.code, o.level, o.special) for o in question.options])
            for question in spec.questions()
        ]

    assert codes(trilingual) == codes(english)


def test_an_english_only_bank_loads_as_a_draft_but_is_not_published():
    questionnaire = bank_write(spec=parse_bank(bank_data()))

    with pytest.raises(BankInvalid) as refused:
        questionnaire_publish(questionnaire=questionnaire)

    problems = [str(error) for error in refused.value.errors]
    assert "questionnaire: 'title' has no nl text" in problems
    assert "question q1 option l0: 'label' has no fr text" in problems
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.DRAFT


def test_load_bank_publish_refuses_an_incomplete_bank_and_loads_nothing(tmp_path):
    path = tmp_path / "english.yaml"
    path.write_text(yaml.safe_dump(bank_data(), sort_keys=False), encoding="utf-8")

    with pytest.raises(CommandError, match="has no nl text"):
        call_command("load_bank", str(path), "--publish", stdout=StringIO())

    assert not Questionnaire.objects.filter(key="test-bank").exists()


def test_a_complete_trilingual_bank_is_published_and_read_in_the_active_language():
    questionnaire = questionnaire_publish(
        questionnaire=bank_write(spec=parse_bank(translated(bank_data())))
    )
    question = Question.objects.get(dimension__questionnaire=questionnaire, code="q1")

    with translation.override("nl"):
        assert question.text == "[nl] How mature is q1?"
        assert str(questionnaire).startswith("[nl] Test bank")
    with translation.override("fr"):
        assert question.options.get(code="l0").label == "[fr] Level 0"
    with translation.override("en"):
        assert question.text == "How mature is q1?"


def test_a_blank_translation_in_a_draft_reads_as_english():
    questionnaire = bank_write(spec=parse_bank(bank_data()))
    option = Option.objects.get(
        question__dimension__questionnaire=questionnaire, code="l0", question__code="q1"
    )

    with translation.override("fr"):
        assert option.label == "Level 0"


def _export(key: str) -> str:
    out = StringIO()
    call_command("export_bank", key, stdout=out)
    return out.getvalue()


def test_export_keeps_every_language_byte_for_byte(tmp_path):
    data = translated(bank_data())
    data["dimensions"][0]["questions"][0]["help"] = {
        "en": "Note one example: a plan, a budget line.",
        "nl": "Noem één voorbeeld: een plan, een begrotingspost.",
        "fr": "Citez un exemple : un plan, une ligne budgétaire « dédiée ».",
    }
    bank_write(spec=parse_bank(data))

    exported = _export("test-bank")
    reloaded = parse_bank(yaml.safe_load(exported))

    assert reloaded == parse_bank(data)
    assert reloaded.dimensions[0].questions[0].help.fr == (
        "Citez un exemple : un plan, une ligne budgétaire « dédiée »."
    )
    # And again: what was exported, loaded as a new version, exports to the same bytes.
    again = copy.deepcopy(yaml.safe_load(exported))
    again["version"] = 2
    bank_write(spec=parse_bank(again))
    assert _export("test-bank").replace("version: 2", "version: 1") == exported


def test_an_english_only_export_stays_in_the_old_format():
    bank_write(spec=parse_bank(bank_data()))

    data = yaml.safe_load(_export("test-bank"))

    assert "languages" not in data
    assert data["title"] == "Test bank"


@pytest.mark.parametrize("path", BANK_FILES, ids=[path.stem for path in BANK_FILES])
def test_every_text_of_the_shipped_banks_is_in_english_dutch_and_french(path: Path):
    spec = bank_load_file(path)

    assert spec.languages == LANGUAGES
    missing = [
        f"{name}: {language}" for name, text in spec.texts() for language in text.missing(LANGUAGES)
    ]
    assert missing == []
    untranslated = [
        name for name, text in spec.texts() if text and text.nl == text.en and len(text.en) > 12
    ]
    assert untranslated == []
