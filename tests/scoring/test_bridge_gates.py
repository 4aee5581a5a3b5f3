"""A gate's "No" never scores above its weakest "Yes": hidden follow-ups count as level 0."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import engine
from scoring.bridge import GatePath, answer_paths, engine_bank, engine_response
from surveys.models import Option, Question
from surveys.structure import AnswerValue, Bank, bank_for

pytestmark = pytest.mark.django_db

ACCESS = "shared-data-access"
# The dimension's questions that no gate hides.
ACCESS_UNGATED = (
    "access-licensing",
    "access-vehicle-data",
    "access-trip-data",
    "access-car-sharing",
    "access-agreements",
)
ACCESS_FOLLOW_UPS = ("access-data-scope", "access-standard", "access-quality-check")


def _question(bank: Bank, code: str) -> Question:
    return next(q for q in bank.questions() if q.code == code)


def _pick(bank: Bank, code: str, option: str) -> tuple[int, AnswerValue]:
    question = _question(bank, code)
    chosen = next(o for o in question.options.all() if o.code == option)
    return question.pk, AnswerValue(option_id=chosen.pk)


def _access(bank: Bank, gate: str, follow_ups: str | None) -> engine.DimensionScore:
    answers = dict(_pick(bank, code, "l2") for code in ACCESS_UNGATED)
    answers.update([_pick(bank, "access-permit-gate", gate)])
    if follow_ups is not None:
        answers.update(_pick(bank, code, follow_ups) for code in ACCESS_FOLLOW_UPS)
    scored = engine.score_response(engine_bank(bank), engine_response(bank, "IT", answers))
    return scored.dimension(ACCESS)


def test_gate_no_counts_its_follow_ups_at_level_0(idm):
    bank = bank_for(idm)

    no = _access(bank, "no", None)
    vague = _access(bank, "yes", "l0")

    # Before, "No" left the follow-ups out: 50.0 (stage 3) against the vague clause's 31.25.
    assert (no.score, no.stage, no.answered, no.applicable) == (31.25, 2, 8, 8)
    assert (vague.score, vague.stage, vague.answered, vague.applicable) == (31.25, 2, 8, 8)


def test_gate_no_ignores_follow_up_answers_stored_before_it(idm):
    bank = bank_for(idm)

    # An officer answered "Yes" with strong follow-ups, then changed the gate to "No".
    stale = _access(bank, "no", "l4")

    assert (stale.score, stale.stage) == (31.25, 2)


def test_gate_dont_know_counts_its_follow_ups_as_dont_know(idm):
    bank = bank_for(idm)

    unknown = _access(bank, "dont-know", None)

    assert (unknown.score, unknown.answered, unknown.applicable) == (50.0, 5, 8)
    assert (unknown.coverage, unknown.dont_know_share) == (5 / 8, 3 / 8)


def test_follow_ups_of_an_unanswered_gate_do_not_count(idm):
    bank = bank_for(idm)
    answers = dict(_pick(bank, code, "l2") for code in ACCESS_UNGATED)

    paths = answer_paths(bank, answers)
    scored = engine.score_response(engine_bank(bank), engine_response(bank, "IT", answers))

    assert [paths[_question(bank, code).pk] for code in ACCESS_FOLLOW_UPS] == [GatePath.HIDDEN] * 3
    assert (scored.dimension(ACCESS).score, scored.dimension(ACCESS).applicable) == (50.0, 5)


def _lowest(question: Question) -> AnswerValue:
    """The weakest answer that still says something: level 0, or no practice ticked."""
    options = list(question.options.all())
    if question.kind == Question.Kind.MULTI:
        none = [o.pk for o in options if o.special == Option.Special.NONE]
        return AnswerValue(choice_ids=tuple(none))
    return AnswerValue(option_id=next(o.pk for o in options if o.level == 0))


def _any_answer(question: Question) -> st.SearchStrategy[AnswerValue | None]:
    options = [o.pk for o in question.options.all()]
    if question.kind == Question.Kind.MULTI:
        return st.none() | st.lists(st.sampled_from(options), unique=True).map(
            lambda picked: AnswerValue(choice_ids=tuple(picked))
        )
    return st.none() | st.sampled_from(options).map(lambda pk: AnswerValue(option_id=pk))


def _gates(bank: Bank) -> list[tuple[Question, Option, Option, list[Question]]]:
    """Each gate with its "yes" and "no" options and the scored questions it shows."""
    gates = []
    for gate in bank.questions():
        follow_ups = [
            q
            for q in bank.questions()
            if q.condition_id is not None
            and bank.options_by_id[q.condition_id].question_id == gate.pk
            and q.is_scored
        ]
        if follow_ups:
            options = {o.code: o for o in gate.options.all()}
            gates.append((gate, options["yes"], options["no"], follow_ups))
    return gates


@pytest.mark.parametrize("key", ["data-driven-government", "insight-driven-mobility"])
def test_yes_with_the_lowest_follow_ups_never_scores_below_no(banks, key):
    bank = bank_for(banks[key])
    ebank = engine_bank(bank)
    gates = _gates(bank)
    questions = [q for q in bank.questions() if q.kind != Question.Kind.NUMBER and q.options.all()]
    # Each shipped bank has three gates; the property draws one of them per example.
    assert len(gates) == 3

    @settings(max_examples=60, deadline=None, database=None)
    @given(
        others=st.fixed_dictionaries({q.pk: _any_answer(q) for q in questions}),
        index=st.integers(0, len(gates) - 1),
    )
    def check(others: dict[int, AnswerValue | None], index: int) -> None:
        gate, yes, no, follow_ups = gates[index]
        given_answers = {pk: answer for pk, answer in others.items() if answer is not None}
        said_no = {**given_answers, gate.pk: AnswerValue(option_id=no.pk)}
        said_yes = {
            **given_answers,
            gate.pk: AnswerValue(option_id=yes.pk),
            **{q.pk: _lowest(q) for q in follow_ups},
        }
        scored_no = engine.score_response(ebank, engine_response(bank, "IT", said_no))
        scored_yes = engine.score_response(ebank, engine_response(bank, "IT", said_yes))
        dimension = next(s.dimension.code for s in bank.sections if gate in s.questions)

        yes_score = scored_yes.dimension(dimension).score
        no_score = scored_no.dimension(dimension).score
        assert yes_score is not None
        assert no_score is not None
        assert yes_score >= no_score
        assert (scored_yes.overall_score or 0) >= (scored_no.overall_score or 0)

    check()
