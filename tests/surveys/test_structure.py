"""Question numbering and the required-answer count (surveys/structure.py), without a database."""

from __future__ import annotations

from types import SimpleNamespace

from surveys.models import Question
from surveys.structure import AnswerValue, Bank, Numbering, SectionView, progress_for


def _question(pk: int, *, condition: int | None = None, required: bool = True) -> Question:
    return SimpleNamespace(  # type: ignore[return-value]
        pk=pk, code=f"q{pk}", kind=Question.Kind.YES_NO, required=required, condition_id=condition
    )


def _section(code: str, *questions: Question) -> SectionView:
    return SectionView(
        dimension=SimpleNamespace(code=code, title=code.title()),  # type: ignore[arg-type]
        questions=questions,
        recommendations=(),
    )


# Options: 11 is question 1's "yes", which shows question 2 and 3; 41 is question 4's "yes",
# which shows question 5.
OPTIONS = {
    11: SimpleNamespace(pk=11, question_id=1),
    41: SimpleNamespace(pk=41, question_id=4),
}
FIRST = _section(
    "first",
    _question(1),
    _question(2, condition=11),
    _question(3, condition=11, required=False),
    _question(4),
    _question(5, condition=41),
    _question(6),
)
SECOND = _section("second", _question(7, condition=11), _question(8))


def _bank() -> Bank:
    sections = (FIRST, SECOND)
    return Bank(
        questionnaire=None,  # type: ignore[arg-type]
        stages=(),
        sections=sections,
        questions_by_id={q.pk: q for s in sections for q in s.questions},
        options_by_id=OPTIONS,  # type: ignore[arg-type]
        numbering=Numbering.of(sections),
    )


def test_follow_ups_take_the_number_of_the_question_before_them_and_a_letter():
    numbers = Numbering.of((FIRST, SECOND)).numbers

    assert [numbers[q.pk] for q in FIRST.questions] == ["1", "1a", "1b", "2", "2a", "3"]


def test_a_follow_up_that_opens_a_section_is_numbered_as_a_main_question():
    numbers = Numbering.of((FIRST, SECOND)).numbers

    assert [numbers[q.pk] for q in SECOND.questions] == ["1", "2"]


def test_past_z_follow_up_letters_go_on_as_aa_ab():
    many = _section("many", _question(100), *(_question(101 + i, condition=11) for i in range(28)))

    numbers = Numbering.of((many,)).numbers

    assert [numbers[pk] for pk in (101, 126, 127, 128)] == ["1a", "1z", "1aa", "1ab"]


def _yes(option: int) -> AnswerValue:
    return AnswerValue(option_id=option)


def test_the_required_count_stays_when_an_answer_shows_follow_ups():
    bank = _bank()

    before = progress_for(bank, {})
    after = progress_for(bank, {1: _yes(11)})

    assert (before.section("first").required, before.section("second").required) == (3, 1)
    assert (after.section("first").required, after.section("second").required) == (3, 2)
    # Question 7 opens the second section on its own: it counts once question 1 shows it.


def test_a_question_counts_as_answered_once_its_shown_required_follow_ups_are():
    bank = _bank()

    gate_only = progress_for(bank, {1: _yes(11)}).section("first")
    with_follow_up = progress_for(bank, {1: _yes(11), 2: _yes(21)}).section("first")

    assert (gate_only.answered, [q.pk for q in gate_only.missing]) == (0, [2, 4, 6])
    # The optional follow-up 1b need not be answered.
    assert (with_follow_up.answered, [q.pk for q in with_follow_up.missing]) == (1, [4, 6])


def test_a_gate_answered_no_is_answered_alone():
    bank = _bank()

    progress = progress_for(bank, {1: _yes(12), 4: _yes(42), 6: _yes(61)}).section("first")

    assert (progress.answered, progress.required, progress.is_complete) == (3, 3, True)
