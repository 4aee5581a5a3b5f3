"""`manage.py load_bank`: a whole file (or set of files) loads, or nothing does, and errors say where."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from surveys.banks.spec import LANGUAGES as BANK_LANGUAGES
from surveys.models import Option, Question, Questionnaire

pytestmark = pytest.mark.django_db

THRESHOLDS = (0, 20, 45, 70, 90)


def _scale(code: str, **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "scale",
        "text": f"How mature is {code}?",
        "help": "Note one example.",
        "options": [
            *(
                {"code": f"l{level}", "level": level, "label": f"Level {level}"}
                for level in range(5)
            ),
            {"code": "dont-know", "special": "dont_know", "label": "Don't know"},
        ],
        **fields,
    }


def _yes_no(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "yes_no",
        "text": f"Is there {code}?",
        "weight": 0,
        "options": [
            {"code": "yes", "level": 4, "label": "Yes"},
            {"code": "no", "level": 0, "label": "No"},
        ],
    }


def _recommendations() -> list[dict[str, Any]]:
    return [
        {"stage": stage, "kind": kind, "title": f"{kind} for stage {stage}", "body": "Do it."}
        for stage in range(2, 6)
        for kind in ("skill", "tool")
    ]


def bank_data(**fields: Any) -> dict[str, Any]:
    """A minimal valid bank: two dimensions, four questions (one conditional), eight options each."""
    return {
        "key": "test-bank",
        "version": 1,
        "title": "Test bank",
        "description": "A bank for loader tests.",
        "stages": [
            {"level": level, "name": f"Stage {level}", "min_score": score}
            for level, score in enumerate(THRESHOLDS, start=1)
        ],
        "dimensions": [
            {
                "code": "alpha",
                "title": "Alpha",
                "weight": 1,
                "questions": [
                    _scale("q1"),
                    _yes_no("q2"),
                    _scale("q3", condition={"question": "q2", "option": "yes"}),
                ],
                "recommendations": _recommendations(),
            },
            {
                "code": "beta",
                "title": "Beta",
                "weight": 2,
                "questions": [_scale("q9")],
                "recommendations": _recommendations(),
            },
        ],
        **fields,
    }


TEXT_FIELDS = {"title", "description", "name", "text", "help", "unit", "label", "body"}


def translated(data: Any, languages: tuple[str, ...] = BANK_LANGUAGES) -> Any:
    """``data`` with every text as a mapping: the English, and "[nl] ..." / "[fr] ..." copies."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    {lang: value if lang == "en" else f"[{lang}] {value}" for lang in languages}
                    if key in TEXT_FIELDS and isinstance(value, str) and value
                    else walk(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return {**walk(data), "languages": list(languages)}


def published_bank_data(**fields: Any) -> dict[str, Any]:
    """A minimal bank that can be published: every text in English, Dutch and French."""
    return translated(bank_data(**fields))


def _question(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(
        question
        for dimension in data["dimensions"]
        for question in dimension["questions"]
        if question["code"] == code
    )


def _write(directory: Path, data: Any, name: str = "test-bank.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _load(*paths: Path, **options: Any) -> str:
    out = StringIO()
    call_command("load_bank", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    return Questionnaire.objects.count(), Question.objects.count(), Option.objects.count()


def _assert_nothing_loaded(*paths: Path, problems: list[str], **options: Any) -> None:
    before = _counts()
    with pytest.raises(CommandError) as error:
        _load(*paths, **options)
    assert str(error.value) == "\n".join(["Nothing was loaded.", *problems])
    assert _counts() == before


# --- Valid files ------------------------------------------------------------------------------


def test_valid_file_loads_as_draft(tmp_path):
    path = _write(tmp_path, bank_data())

    output = _load(path)

    questionnaire = Questionnaire.objects.get(key="test-bank")
    assert output == f"{path}: loaded test-bank v1 (2 dimensions, 4 questions) as draft\n"
    assert (questionnaire.version, questionnaire.status, questionnaire.title) == (
        1,
        "draft",
        "Test bank",
    )
    assert questionnaire.published_at is None
    assert list(questionnaire.stages.values_list("level", "min_score")) == [
        (level, score) for level, score in enumerate(THRESHOLDS, start=1)
    ]
    assert list(questionnaire.dimensions.values_list("code", flat=True)) == ["alpha", "beta"]
    assert list(
        Question.objects.filter(dimension__questionnaire=questionnaire).values_list(
            "code", flat=True
        )
    ) == ["q1", "q2", "q3", "q9"]
    assert Option.objects.filter(question__dimension__questionnaire=questionnaire).count() == 20


def test_condition_is_stored_as_the_earlier_option(tmp_path):
    _load(_write(tmp_path, bank_data()))

    q3 = Question.objects.select_related("condition__question").get(
        dimension__questionnaire__key="test-bank", code="q3"
    )
    assert (q3.condition.question.code, q3.condition.code) == ("q2", "yes")


def test_publish_flag_loads_as_published(tmp_path):
    path = _write(tmp_path, published_bank_data())

    output = _load(path, publish=True)

    questionnaire = Questionnaire.objects.get(key="test-bank")
    assert output == f"{path}: loaded test-bank v1 (2 dimensions, 4 questions) as published\n"
    assert questionnaire.status == "published"
    assert questionnaire.published_at is not None


# --- Broken files: nothing is written, and the error names file, item and problem -----------


def test_option_level_7_is_rejected(tmp_path):
    data = bank_data()
    _question(data, "q1")["options"][4]["level"] = 7
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: question q1 option l4: level 7 is outside 0-4",
            f"{path}: question q1: a scale needs one option per level 0-4, got levels [0, 1, 2, 3, 7]",
        ],
    )


def test_condition_pointing_to_a_later_question_is_rejected(tmp_path):
    data = bank_data()
    _question(data, "q2")["condition"] = {"question": "q9", "option": "l4"}
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: question q2: condition points to 'q9', which is not an earlier question"
        ],
    )


def test_condition_on_an_unknown_option_is_rejected(tmp_path):
    data = bank_data()
    _question(data, "q3")["condition"] = {"question": "q2", "option": "maybe"}
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[f"{path}: question q3: condition option 'maybe' is not an option of 'q2'"],
    )


def test_condition_on_a_special_option_is_rejected(tmp_path):
    data = bank_data()
    _question(data, "q2")["options"].append(
        {"code": "dont-know", "special": "dont_know", "label": "Don't know"}
    )
    _question(data, "q3")["condition"] = {"question": "q2", "option": "dont-know"}
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: question q3: condition option 'dont-know' is special (dont_know); "
            "a condition needs a regular option such as 'yes'"
        ],
    )


def test_duplicate_question_code_across_dimensions_is_rejected(tmp_path):
    data = bank_data()
    _question(data, "q9")["code"] = "q1"
    path = _write(tmp_path, data)

    _assert_nothing_loaded(path, problems=[f"{path}: question q1: duplicate question code"])


def test_duplicate_option_code_is_rejected(tmp_path):
    data = bank_data()
    _question(data, "q1")["options"][2]["code"] = "l1"
    path = _write(tmp_path, data)

    _assert_nothing_loaded(path, problems=[f"{path}: question q1 option l1: duplicate option code"])


def test_scale_missing_level_3_is_rejected(tmp_path):
    data = bank_data()
    options = _question(data, "q1")["options"]
    options[:] = [option for option in options if option.get("level") != 3]
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: question q1: a scale needs one option per level 0-4, got levels [0, 1, 2, 4]"
        ],
    )


def test_stages_not_ascending_are_rejected(tmp_path):
    data = bank_data()
    data["stages"][1]["min_score"], data["stages"][2]["min_score"] = 45, 20
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path, problems=[f"{path}: stage 3: min_score 20 must be above stage 2's 45"]
    )


def test_invalid_yaml_is_rejected(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("key: test-bank\ntitle: [unclosed\n", encoding="utf-8")
    before = _counts()

    with pytest.raises(CommandError) as error:
        _load(path)

    assert str(error.value).startswith(f"Nothing was loaded.\n{path}: file: is not valid YAML: ")
    assert _counts() == before


def test_second_file_broken_loads_neither(tmp_path):
    good = _write(tmp_path, bank_data(), "good.yaml")
    data = bank_data(key="other-bank")
    _question(data, "q1")["options"][4]["level"] = 7
    broken = _write(tmp_path, data, "broken.yaml")

    _assert_nothing_loaded(
        good,
        broken,
        problems=[
            f"{broken}: question q1 option l4: level 7 is outside 0-4",
            f"{broken}: question q1: a scale needs one option per level 0-4, got levels [0, 1, 2, 3, 7]",
        ],
    )
    assert not Questionnaire.objects.filter(key__in=["test-bank", "other-bank"]).exists()


# --- Existing versions ------------------------------------------------------------------------


def test_reloading_a_published_version_fails_naming_it(tmp_path):
    path = _write(tmp_path, published_bank_data())
    _load(path, publish=True)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: questionnaire: test-bank version 1 exists and is published; "
            "give the file a new version"
        ],
    )


def test_published_conflict_in_second_file_rolls_back_the_first(tmp_path):
    published = _write(tmp_path, published_bank_data(), "published.yaml")
    _load(published, publish=True)
    new = _write(tmp_path, published_bank_data(key="new-bank"), "new.yaml")

    _assert_nothing_loaded(
        new,
        published,
        problems=[
            f"{published}: questionnaire: test-bank version 1 exists and is published; "
            "give the file a new version"
        ],
    )
    assert not Questionnaire.objects.filter(key="new-bank").exists()


def test_skip_existing_leaves_a_published_version_alone(tmp_path):
    path = _write(tmp_path, published_bank_data())
    _load(path, publish=True)
    published = Questionnaire.objects.get(key="test-bank")
    _write(tmp_path, published_bank_data(title="Changed title"))

    output = _load(path, publish=True, skip_existing=True)

    assert output == f"{path}: test-bank v1 already published, skipped\n"
    assert list(Questionnaire.objects.filter(key="test-bank")) == [published]
    assert Questionnaire.objects.get(key="test-bank").title == "Test bank"


def test_draft_of_the_same_version_is_replaced(tmp_path):
    path = _write(tmp_path, bank_data())
    _load(path)
    data = bank_data(title="Second draft")
    data["dimensions"].pop()
    _write(tmp_path, data)

    output = _load(path)

    questionnaire = Questionnaire.objects.get(key="test-bank")
    assert output == f"{path}: loaded test-bank v1 (1 dimensions, 3 questions) as draft\n"
    assert (questionnaire.title, questionnaire.status) == ("Second draft", "draft")
    assert list(
        Question.objects.filter(dimension__questionnaire__key="test-bank").values_list(
            "code", flat=True
        )
    ) == ["q1", "q2", "q3"]


# --- Data-exchanges questions ----------------------------------------------------------------


def _exchanges(code: str = "q-exchanges", **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "exchanges",
        "text": "Which data does your department exchange?",
        "required": False,
        "weight": 0,
        "options": [
            {"code": "operators", "group": "partner", "label": "Operators"},
            {"code": "email", "group": "means", "label": "E-mail"},
            {"code": "api", "group": "means", "automated": True, "label": "API"},
            {"code": "monthly", "group": "frequency", "level": 1, "label": "Monthly"},
            {"code": "daily", "group": "frequency", "level": 3, "label": "Daily"},
        ],
        **fields,
    }


def test_an_exchanges_question_loads_its_three_lists(tmp_path):
    data = bank_data()
    data["dimensions"][1]["questions"].append(_exchanges())

    _load(_write(tmp_path, data))

    options = Option.objects.filter(question__code="q-exchanges").order_by("position")
    assert [(o.code, o.group, o.automated, o.level) for o in options] == [
        ("operators", "partner", False, None),
        ("email", "means", False, None),
        ("api", "means", True, None),
        ("monthly", "frequency", False, 1),
        ("daily", "frequency", False, 3),
    ]
    assert Question.objects.get(code="q-exchanges").is_scored is False


def test_an_exchanges_question_breaking_its_rules_is_rejected_naming_each_option(
    tmp_path,
):
    question = _exchanges(weight=1, required=True)
    question["options"] = [
        {"code": "email", "group": "means", "label": "E-mail"},
        {"code": "monthly", "group": "frequency", "label": "Monthly"},
        {"code": "stray", "group": "colour", "label": "Stray"},
        {"code": "partner-level", "group": "partner", "level": 2, "automated": True, "label": "P"},
    ]
    data = bank_data()
    data["dimensions"][1]["questions"].append(question)
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: question q-exchanges: exchanges questions are not scored: give weight 0",
            f"{path}: question q-exchanges: exchanges questions cannot be required",
            f"{path}: question q-exchanges option monthly: a frequency needs a level (0 rarest to 4)",
            f"{path}: question q-exchanges option stray: group 'colour' is not one of partner, means, frequency",
            f"{path}: question q-exchanges option partner-level: only a means can be automated",
            f"{path}: question q-exchanges option partner-level: only a frequency has a level",
        ],
    )


def test_options_of_other_kinds_take_no_group(tmp_path):
    data = bank_data()
    _question(data, "q1")["options"][0]["group"] = "means"
    path = _write(tmp_path, data)

    _assert_nothing_loaded(
        path,
        problems=[
            f"{path}: question q1: options ['l0'] take 'group' or 'automated', which only "
            "exchanges questions' options do"
        ],
    )
