"""The one bridge between ORM rows and the pure engine's inputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from scoring import engine
from surveys.models import Option, Question
from surveys.structure import AnswerValue, Bank

_FLAGS: dict[str, engine.Flag] = {
    Option.Special.DONT_KNOW: engine.Flag.DONT_KNOW,
    Option.Special.NOT_APPLICABLE: engine.Flag.NOT_APPLICABLE,
}


def engine_bank(bank: Bank) -> engine.Bank:
    return engine.Bank(
        dimensions=tuple(
            engine.DimensionDef(
                code=s.dimension.code, title=s.dimension.title, weight=float(s.dimension.weight)
            )
            for s in bank.sections
        ),
        stages=tuple(
            engine.StageDef(level=stage.level, name=stage.name, min_score=float(stage.min_score))
            for stage in bank.stages
        ),
        recommendations=tuple(
            engine.RecommendationDef(
                dimension=s.dimension.code,
                stage=r.stage_level,
                kind=r.kind,
                title=r.title,
                body=r.body,
                ref=r.pk,
            )
            for s in bank.sections
            for r in s.recommendations
        ),
    )


class GatePath(Enum):
    """How a question counts, given the answers to the gates above it."""

    SHOWN = "shown"  # no condition, or its condition holds: its own answer counts
    NO = "no"  # a gate above it got another answer ("No"): it counts as level 0
    DONT_KNOW = "dont_know"  # a gate above it got "don't know": it counts as don't know
    HIDDEN = "hidden"  # a gate above it is unanswered or not applicable: it does not count


def engine_response(
    bank: Bank, department: str, answers: Mapping[int, AnswerValue]
) -> engine.ResponseInput:
    """Turn one response's answers into engine input; ``GatePath`` says how follow-ups count."""
    (single,) = engine_responses(bank, [(department, answers)])
    return single


def engine_responses(
    bank: Bank, responses: Iterable[tuple[str, Mapping[int, AnswerValue]]]
) -> list[engine.ResponseInput]:
    """``engine_response`` for many (department, answers) pairs of one bank at once.

    Responses repeat the same answers to the same questions, so each distinct engine answer
    is built once and shared (they are immutable).
    """
    scoring = _scoring_for(bank)
    built: dict[tuple[int, int | None, tuple[int, ...], GatePath], engine.AnswerInput] = {}
    inputs = []
    for department, answers in responses:
        paths = scoring.paths(answers)
        items = []
        for question in scoring.questions:
            answer = answers.get(question.pk)
            path = paths[question.pk]
            key = (
                question.pk,
                None if answer is None else answer.option_id,
                () if answer is None else answer.choice_ids,
                path,
            )
            item = built.get(key)
            if item is None:
                value, flag = scoring.value(question, answer)
                if path is GatePath.NO:
                    value, flag = 0.0, engine.Flag.NONE
                elif path is GatePath.DONT_KNOW:
                    value, flag = None, engine.Flag.DONT_KNOW
                item = built[key] = engine.AnswerInput(
                    question=question.code,
                    dimension=question.dimension,
                    weight=question.weight,
                    value=value,
                    flag=flag,
                    applicable=path is not GatePath.HIDDEN,
                )
            items.append(item)
        inputs.append(engine.ResponseInput(department=department, answers=tuple(items)))
    return inputs


def answer_paths(bank: Bank, answers: Mapping[int, AnswerValue]) -> dict[int, GatePath]:
    """Every question's ``GatePath`` given one response's answers, by question id."""
    return _scoring_for(bank).paths(answers)


def answer_value(
    bank: Bank, question: Question, answer: AnswerValue | None
) -> tuple[float | None, engine.Flag]:
    """One answer as the engine sees it: a value 0..1 (level / 4, or share of practices) or a
    don't-know / not-applicable flag; (None, NONE) when unanswered."""
    scoring = _scoring_for(bank)
    return scoring.value(scoring.by_id[question.pk], answer)


@dataclass(frozen=True, slots=True)
class _Question:
    """What scoring needs of a question of the bank."""

    pk: int
    code: str
    dimension: str
    weight: float
    is_scored: bool
    is_multi: bool
    practices: int  # its options that are not special (what a multiple choice counts)
    condition: int | None  # the option of an earlier question that shows it
    gate: int | None  # that earlier question


@dataclass(frozen=True, slots=True)
class _Option:
    flag: engine.Flag
    value: float | None  # level / 4, None without a level
    is_practice: bool  # not special: counts as a ticked practice


class _Scoring:
    """A bank's questions and options as scoring reads them, prepared once from its models."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.by_id = {
            question.pk: _Question(
                pk=question.pk,
                code=question.code,
                dimension=section.dimension.code,
                weight=float(question.weight),
                is_scored=question.is_scored,
                is_multi=question.kind == Question.Kind.MULTI,
                practices=sum(1 for o in question.options.all() if not o.special),
                condition=question.condition_id,
                gate=(
                    None
                    if question.condition_id is None
                    else bank.options_by_id[question.condition_id].question_id
                ),
            )
            for section in bank.sections
            for question in section.questions
        }
        self.questions = tuple(q for q in self.by_id.values() if q.is_scored)
        self.options = {
            pk: _Option(
                flag=_FLAGS.get(option.special, engine.Flag.NONE),
                value=None if option.level is None else option.level / 4,
                is_practice=not option.special,
            )
            for pk, option in bank.options_by_id.items()
        }

    def paths(self, answers: Mapping[int, AnswerValue]) -> dict[int, GatePath]:
        # Conditions only point to earlier questions, so one pass in bank order sees every
        # gate before its follow-ups, and a follow-up of a follow-up inherits the gate's path.
        paths: dict[int, GatePath] = {}
        for question in self.by_id.values():
            if question.condition is None or question.gate is None:
                paths[question.pk] = GatePath.SHOWN
                continue
            above = paths.get(question.gate, GatePath.HIDDEN)
            if above is not GatePath.SHOWN:
                paths[question.pk] = above
                continue
            paths[question.pk] = self._path_below(question.condition, answers.get(question.gate))
        return paths

    def _path_below(self, condition: int, answer: AnswerValue | None) -> GatePath:
        if answer is None:
            return GatePath.HIDDEN
        if answer.chose(condition):
            return GatePath.SHOWN
        picked = [answer.option_id] if answer.option_id is not None else list(answer.choice_ids)
        chosen = [self.options[pk] for pk in picked if pk in self.options]
        if not chosen:
            return GatePath.HIDDEN
        flag = _flag(chosen)
        if flag is engine.Flag.DONT_KNOW:
            return GatePath.DONT_KNOW
        if flag is engine.Flag.NOT_APPLICABLE:
            return GatePath.HIDDEN
        return GatePath.NO

    def value(
        self, question: _Question, answer: AnswerValue | None
    ) -> tuple[float | None, engine.Flag]:
        if answer is None:
            return None, engine.Flag.NONE
        if question.is_multi:
            chosen = [self.options[pk] for pk in answer.choice_ids if pk in self.options]
            flag = _flag(chosen)
            if flag is not engine.Flag.NONE:
                return None, flag
            if not chosen:
                return None, engine.Flag.NONE
            ticked = sum(1 for o in chosen if o.is_practice)
            return ticked / question.practices, engine.Flag.NONE
        option = self.options.get(answer.option_id) if answer.option_id is not None else None
        if option is None:
            return None, engine.Flag.NONE
        if option.flag is not engine.Flag.NONE or option.value is None:
            return None, option.flag
        return option.value, engine.Flag.NONE


def _flag(options: list[_Option]) -> engine.Flag:
    flags = {option.flag for option in options}
    if engine.Flag.DONT_KNOW in flags:
        return engine.Flag.DONT_KNOW
    if engine.Flag.NOT_APPLICABLE in flags:
        return engine.Flag.NOT_APPLICABLE
    return engine.Flag.NONE


# The last bank prepared, kept while it is in use: a recompute or a results page asks for the
# values of thousands of answers to one bank. (Held by identity: a bank is not hashable.)
_last: _Scoring | None = None


def _scoring_for(bank: Bank) -> _Scoring:
    global _last
    scoring = _last
    if scoring is None or scoring.bank is not bank:
        scoring = _last = _Scoring(bank)
    return scoring
