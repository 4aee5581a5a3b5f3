"""Independent check of the whole chain: answering every question at level k gives stage k+1.

A fresh officer goes through Session 1 the way a browser without JavaScript does: read each
section page, fill in every question shown, save, read the page again (a gate answered "yes"
shows its follow-up only then), save and continue, and finally submit.
"""

from __future__ import annotations

import pytest

from scoring.models import DimensionScore, ResponseResult
from surveys.models import Answer, Option, Question, Response
from tests import factories
from tests.web import FAST_HASHERS, attr, bank_of, by_id, find_all, has_attr, html, text


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def _shown_cards(tree):
    return [
        card
        for card in find_all(tree, "section")
        if attr(card, "data-question") and not has_attr(card, "hidden")
    ]


def _pick(bank, q, inputs, level):
    """The posted value(s) for question ``q`` at ``level``, chosen among the page's inputs."""
    offered = [bank.options_by_id[int(attr(i, "value"))] for i in inputs]
    if q.kind == Question.Kind.YES_NO:
        return str(next(o.pk for o in offered if o.code == "yes"))
    if q.kind == Question.Kind.SCALE:
        return str(next(o.pk for o in offered if o.level == level and not o.special))
    practices = [o for o in offered if not o.special]
    assert len(practices) == 4, q.code
    if level == 0:
        return [str(next(o.pk for o in offered if o.special == Option.Special.NONE_OF_THESE))]
    return [str(o.pk) for o in practices[:level]]


def _form_data(bank, tree, level):
    data = {"version": attr(find_all(tree, "input", name="version")[0], "value")}
    for card in _shown_cards(tree):
        code = attr(card, "data-question")
        q = next(x for x in bank.questions() if x.code == code)
        field = f"{code}__answer"
        if q.kind in (Question.Kind.SCALE, Question.Kind.YES_NO, Question.Kind.MULTI):
            data[field] = _pick(bank, q, find_all(card, "input", name=field), level)
        elif q.kind == Question.Kind.EXCHANGES:
            continue  # not scored: left without rows
        elif q.kind == Question.Kind.NUMBER:
            assert find_all(card, "input", name=field), code
            low, high = q.min_value, q.max_value
            data[field] = str((low + high) / 2)
        else:
            assert find_all(card, "textarea", name=field), code
            data[field] = "Shared dashboards with the region."
    return data


def _answer_section(client, bank, url, level):
    """Save until no new question appears, then save and continue; return the next URL."""
    shown = None
    while True:
        tree = html(client.get(url))
        now = [attr(card, "data-question") for card in _shown_cards(tree)]
        data = _form_data(bank, tree, level)
        if now == shown:
            result = client.post(url, {**data, "action": "next"})
            assert result.status_code == 302, url
            return result["Location"]
        result = client.post(url, {**data, "action": "stay"})
        assert (result.status_code, result["Location"]) == (302, url)
        shown = now


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_every_answer_at_level_k_gives_stage_k_plus_one(client, open_round, city, level):
    bank = bank_of(open_round)
    officer = factories.MembershipFactory(city=city, department="Mobility").user
    client.force_login(officer)
    review = f"/rounds/{open_round.pk}/review/"

    url = client.get(f"/rounds/{open_round.pk}/")["Location"]
    visited = []
    while url != review:
        visited.append(url)
        url = _answer_section(client, bank, url, level)
    submitted = client.post(f"/rounds/{open_round.pk}/submit/")

    assert submitted["Location"] == review
    assert visited == [
        f"/rounds/{open_round.pk}/sections/{s.dimension.code}/" for s in bank.sections
    ]
    response = Response.objects.get(round=open_round, respondent=officer)
    assert response.status == "submitted"
    answerable = [q for q in bank.questions() if q.kind != Question.Kind.EXCHANGES]
    assert Answer.objects.filter(response=response).count() == len(answerable)
    result = ResponseResult.objects.get(response=response)
    assert result.overall_stage == level + 1
    assert result.overall_score == pytest.approx(25 * level)
    stages = dict(
        DimensionScore.objects.filter(result=result).values_list("dimension__code", "stage")
    )
    assert stages == {s.dimension.code: level + 1 for s in bank.sections}
    page = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/results/")
    assert text(by_id(html(page), "overall-stage")).startswith(f"Stage {level + 1} of 5: ")
