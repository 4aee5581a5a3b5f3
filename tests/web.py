"""Helpers for view tests: section form data, answer sets saved or submitted, and HTML lookups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from django.test.html import Element, parse_html

from surveys.models import Option, Question, Response, Round
from surveys.services import answers_save, response_get_or_create, response_submit
from surveys.structure import AnswerValue, Bank, ExchangeValue, SectionView, bank_for

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The question bank, by code ---------------------------------------------------------------


def bank_of(round_: Round) -> Bank:
    return bank_for(round_.questionnaire)


def question(bank: Bank, code: str) -> Question:
    return next(q for q in bank.questions() if q.code == code)


def option(bank: Bank, question_code: str, option_code: str) -> Option:
    return next(o for o in question(bank, question_code).options.all() if o.code == option_code)


def section_of(bank: Bank, question_code: str) -> SectionView:
    return next(s for s in bank.sections if any(q.code == question_code for q in s.questions))


# --- Form data --------------------------------------------------------------------------------


def section_data(
    section: SectionView,
    values: Mapping[int, AnswerValue],
    *,
    version: int,
    action: str = "stay",
) -> dict[str, str | list[str]]:
    """What the browser posts for a section whose inputs hold the given answers."""
    data: dict[str, str | list[str]] = {"version": str(version), "action": action}
    for q in section.questions:
        value = values.get(q.pk)
        if value is None:
            continue
        name = f"{q.code}__answer"
        if q.kind in Question.CHOICE_KINDS and value.option_id is not None:
            data[name] = str(value.option_id)
        elif q.kind == Question.Kind.MULTI and value.choice_ids:
            data[name] = [str(pk) for pk in value.choice_ids]
        elif q.kind == Question.Kind.NUMBER and value.number is not None:
            data[name] = str(value.number)
        elif q.kind == Question.Kind.EXCHANGES and value.exchanges:
            data.update(exchange_rows_data(name, value.exchanges))
        elif value.text:
            data[name] = value.text
        if value.comment:
            data[f"{q.code}__comment"] = value.comment
        if value.evidence_url:
            data[f"{q.code}__evidence"] = value.evidence_url
    return data


def exchange_rows_data(name: str, exchanges: Sequence[ExchangeValue]) -> dict[str, str]:
    """The rows of a data-exchanges answer as its formset posts them (no blank rows)."""
    data = {
        f"{name}-TOTAL_FORMS": str(len(exchanges)),
        f"{name}-INITIAL_FORMS": "0",
        f"{name}-MIN_NUM_FORMS": "0",
        f"{name}-MAX_NUM_FORMS": "60",
    }
    for index, exchange in enumerate(exchanges):
        partner = (
            f"partner:{exchange.partner_id}"
            if exchange.partner_id is not None
            else f"department:{exchange.partner_department}"
        )
        data |= {
            f"{name}-{index}-direction": exchange.direction,
            f"{name}-{index}-partner": partner,
            f"{name}-{index}-means": str(exchange.means_id),
            f"{name}-{index}-frequency": str(exchange.frequency_id),
        }
    return data


# --- Answers written through the services (setup, not the thing under test) -------------------


def save_answers(round_: Round, user, values: Mapping[int, AnswerValue]) -> Response:
    response = response_get_or_create(round=round_, membership=user.membership)
    return answers_save(
        response=response, values=values, expected_version=response.version, by=user
    ).response


def submit_answers(round_: Round, user, values: Mapping[int, AnswerValue]) -> Response:
    response = save_answers(round_, user, values)
    return response_submit(response=response, by=user)


# --- HTML -------------------------------------------------------------------------------------


def html(response) -> Element:
    return parse_html(response.content.decode())


def walk(node: Element) -> Iterator[Element]:
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from walk(child)


def find_all(node: Element, tag: str | None = None, **attrs: str) -> list[Element]:
    """Descendants with the tag and exact attribute values (``class_`` → class, ``data_x`` → data-x)."""
    wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return [
        element
        for element in walk(node)
        if (tag is None or element.name == tag)
        and all(attr(element, key) == value for key, value in wanted.items())
    ]


def by_id(node: Element, element_id: str) -> Element:
    (found,) = find_all(node, id=element_id)
    return found


def attr(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)


def has_attr(element: Element, name: str) -> bool:
    return any(key == name for key, _ in element.attributes)


def text(node: Element | str) -> str:
    if isinstance(node, str):
        return node
    return " ".join(part for part in (text(child) for child in node.children) if part)
