"""The one bridge between ORM rows and the pure engine's inputs."""

from __future__ import annotations

from collections.abc import Mapping

from scoring import engine
from surveys.models import Option, Question
from surveys.structure import AnswerValue, Bank, visible_question_ids


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
            )
            for s in bank.sections
            for r in s.recommendations
        ),
    )


def engine_response(
    bank: Bank, department: str, answers: Mapping[int, AnswerValue]
) -> engine.ResponseInput:
    """Turn one response's answers into engine input; hidden questions are not applicable."""
    visible = visible_question_ids(bank, answers)
    inputs = []
    for section in bank.sections:
        for question in section.questions:
            if not question.is_scored:
                continue
            value, flag = answer_value(bank, question, answers.get(question.pk))
            inputs.append(
                engine.AnswerInput(
                    question=question.code,
                    dimension=section.dimension.code,
                    weight=float(question.weight),
                    value=value,
                    flag=flag,
                    applicable=question.pk in visible,
                )
            )
    return engine.ResponseInput(department=department, answers=tuple(inputs))


def answer_value(
    bank: Bank, question: Question, answer: AnswerValue | None
) -> tuple[float | None, engine.Flag]:
    """One answer as the engine sees it: a value 0..1 (level / 4, or share of practices) or a
    don't-know / not-applicable flag; (None, NONE) when unanswered."""
    if answer is None:
        return None, engine.Flag.NONE
    if question.kind == Question.Kind.MULTI:
        chosen = [bank.options_by_id[pk] for pk in answer.choice_ids if pk in bank.options_by_id]
        flag = _flag(chosen)
        if flag is not engine.Flag.NONE:
            return None, flag
        if not chosen:
            return None, engine.Flag.NONE
        practices = [o for o in question.options.all() if not o.special]
        ticked = sum(1 for o in chosen if not o.special)
        return ticked / len(practices), engine.Flag.NONE
    if answer.option_id is None or answer.option_id not in bank.options_by_id:
        return None, engine.Flag.NONE
    option = bank.options_by_id[answer.option_id]
    flag = _flag([option])
    if flag is not engine.Flag.NONE or option.level is None:
        return None, flag
    return option.level / 4, engine.Flag.NONE


def _flag(options: list[Option]) -> engine.Flag:
    specials = {option.special for option in options}
    if Option.Special.DONT_KNOW in specials:
        return engine.Flag.DONT_KNOW
    if Option.Special.NOT_APPLICABLE in specials:
        return engine.Flag.NOT_APPLICABLE
    return engine.Flag.NONE
