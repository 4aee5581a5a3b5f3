"""The real question banks meet the content rules of the study (issue 3), not only the file format."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from scoring.engine import StageDef, stage_for_score
from surveys.banks.files import bank_load_file
from surveys.banks.spec import BankSpec
from tests.conftest import BANK_DIR, BANK_FILES

SESSION_2 = BANK_DIR / "insight-driven-mobility.yaml"
BANKS = pytest.mark.parametrize("path", BANK_FILES, ids=[path.stem for path in BANK_FILES])


@functools.cache
def _bank(path: Path) -> BankSpec:
    return bank_load_file(path)


def test_both_session_banks_are_present():
    assert [path.name for path in BANK_FILES] == [
        "data-driven-government.yaml",
        "insight-driven-mobility.yaml",
    ]


@BANKS
def test_bank_has_at_least_seven_dimensions(path):
    assert len(_bank(path).dimensions) >= 7


@BANKS
def test_bank_has_at_least_40_scored_questions(path):
    scored = [question for question in _bank(path).questions() if question.is_scored]
    assert len(scored) >= 40
    assert {question.kind for question in scored} <= {"scale", "yes_no", "multi"}


@BANKS
def test_every_dimension_has_5_to_8_scored_questions(path):
    counts = {
        dimension.code: sum(question.is_scored for question in dimension.questions)
        for dimension in _bank(path).dimensions
    }
    assert {code: count for code, count in counts.items() if not 5 <= count <= 8} == {}


@BANKS
def test_bank_has_five_stages_ascending_from_zero(path):
    stages = _bank(path).stages
    thresholds = [stage.min_score for stage in stages]
    assert [stage.level for stage in stages] == [1, 2, 3, 4, 5]
    assert thresholds[0] == 0
    assert thresholds == sorted(set(thresholds))


@BANKS
def test_stage_thresholds_put_all_answers_at_level_k_in_stage_k_plus_1(path):
    # All answers at level k score 25*k: stage k+1 must be reached, stage k+2 must not.
    thresholds = [stage.min_score for stage in _bank(path).stages]
    for k in range(5):
        assert thresholds[k] <= 25 * k, f"stage {k + 1} starts above {25 * k}"
        if k + 1 < len(thresholds):
            assert thresholds[k + 1] > 25 * k, f"stage {k + 2} starts at or below {25 * k}"


@BANKS
def test_engine_gives_stage_k_plus_1_for_all_answers_at_level_k(path):
    stages = [
        StageDef(stage.level, stage.name, float(stage.min_score)) for stage in _bank(path).stages
    ]
    assert [stage_for_score(stages, 100 * k / 4) for k in range(5)] == [1, 2, 3, 4, 5]


@BANKS
def test_every_dimension_has_a_skill_and_a_tool_for_stages_2_to_5(path):
    missing = [
        (dimension.code, stage, kind)
        for dimension in _bank(path).dimensions
        for stage in range(2, 6)
        for kind in ("skill", "tool")
        if not any(rec.stage == stage and rec.kind == kind for rec in dimension.recommendations)
    ]
    assert missing == []


@BANKS
def test_bank_has_a_conditional_question(path):
    conditional = [question.code for question in _bank(path).questions() if question.condition]
    assert len(conditional) >= 1


@BANKS
def test_every_scale_question_has_one_option_per_level_and_dont_know(path):
    wrong = {
        question.code: [option.special or option.level for option in question.options]
        for question in _bank(path).questions()
        if question.kind == "scale"
        and (
            sorted(option.level for option in question.options if not option.special)
            != [0, 1, 2, 3, 4]
            or [option.special for option in question.options].count("dont_know") != 1
        )
    }
    assert wrong == {}


@BANKS
def test_every_question_has_help_text(path):
    assert [question.code for question in _bank(path).questions() if not question.help] == []


@BANKS
def test_every_multi_question_has_exactly_four_practices(path):
    counts = {
        question.code: len([option for option in question.options if not option.special])
        for question in _bank(path).questions()
        if question.kind == "multi"
    }
    assert counts
    assert {code: count for code, count in counts.items() if count != 4} == {}


@pytest.mark.parametrize("word", ["MDS", "GBFS", "permit"])
def test_session_2_questions_ask_about_shared_mobility_specifics(word):
    # What an officer reads for a question (in English): its text, help and option labels.
    wording = " ".join(
        " ".join(
            [question.text.en, question.help.en, *(option.label.en for option in question.options)]
        )
        for question in _bank(SESSION_2).questions()
    )
    assert re.search(rf"\b{word}\b", wording)
