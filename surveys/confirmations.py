"""The e-mail an officer gets when their response is submitted: what they submitted, and where
their city's results are."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.urls import reverse

from surveys.answers import Answers
from surveys.emails import absolute_url, email_send, email_to
from surveys.models import Question, Response
from surveys.structure import AnswerValue, Bank, SectionView, visible_question_ids


@dataclass(frozen=True)
class SubmittedSection:
    section: SectionView
    rows: list[tuple[Question, AnswerValue | None]]


def confirmation_send(*, response: Response, answers: Answers, bank: Bank, to: User) -> bool:
    """Send ``to`` (the officer who submitted) their submitted answers, section by section, with
    the link to their city's results. Whether the mail server took it."""
    if not to.email:
        return False
    visible = visible_question_ids(bank, answers)
    sections = [
        SubmittedSection(
            section=section,
            rows=[(q, answers.get(q.pk)) for q in section.questions if q.pk in visible],
        )
        for section in bank.sections
    ]
    results_path = reverse(
        "scoring:city_results",
        kwargs={"round_id": response.round_id, "city_slug": response.city.slug},
    )
    context = {
        "response": response,
        "round": response.round,
        "city": response.city,
        "sections": sections,
        "results_url": absolute_url(results_path),
        "review_url": absolute_url(reverse("surveys:review", args=[response.round_id])),
    }
    return email_send(email_to(to, "confirmation", context))
