"""Keep stored scores in step with submits and reopens (receivers of surveys' signals)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from scoring.services import response_scores_discard, response_scores_store
from surveys.answers import Answers
from surveys.models import Response
from surveys.signals import response_reopened, response_submitted
from surveys.structure import Bank


@receiver(response_submitted, dispatch_uid="scoring.score_submitted")
def score_submitted(
    sender: type[Response], *, response: Response, answers: Answers, bank: Bank, **kwargs: Any
) -> None:
    response_scores_store(bank=bank, response=response, answers=answers)


@receiver(response_reopened, dispatch_uid="scoring.discard_reopened")
def discard_reopened(sender: type[Response], *, response: Response, **kwargs: Any) -> None:
    response_scores_discard(response=response)
