"""Consistency rules in bank files: loaded, checked against both banks (errors name the rule),
stored with the bank version and exported back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import IntegrityError, transaction

from surveys.banks.spec import BankInvalid
from surveys.banks.store import (
    bank_read,
    bank_to_data,
    questionnaire_new_draft,
    questionnaire_publish,
)
from surveys.models import ConsistencyRule, Questionnaire
from tests.surveys.test_bank_loader import _load, _write, bank_data

pytestmark = pytest.mark.django_db


def _rule(code: str = "r1", **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "severity": "warning",
        "demand": {"question": "q1", "min": 3},
        "capacity": {"dimension": "alpha", "max": 2},
        "title": "Demand past capacity",
        "explanation": "Why it matters.",
        "recommendation": "What closes the gap.",
        **fields,
    }


def _files(tmp_path: Path, *rules: dict[str, Any]) -> tuple[Path, Path]:
    """A capacity bank and a demand bank whose rules read it."""
    supply = _write(tmp_path, bank_data(key="capacity-bank"), "capacity.yaml")
    demand = _write(
        tmp_path,
        bank_data(
            key="demand-bank",
            consistency_rules={"capacity_bank": "capacity-bank", "rules": list(rules)},
        ),
        "demand.yaml",
    )
    return supply, demand


def _refused(*paths: Path) -> str:
    with pytest.raises(CommandError) as error:
        _load(*paths)
    assert not Questionnaire.objects.filter(key__in=["capacity-bank", "demand-bank"]).exists()
    return str(error.value)


def test_rules_load_with_the_bank_and_keep_their_conditions(tmp_path):
    supply, demand = _files(
        tmp_path,
        _rule(),
        _rule(
            "r2",
            severity="notable",
            demand={"dimension": "beta", "min": 2, "max": 4},
            capacity={"question": "q2", "max": 0},
        ),
    )

    _load(supply, demand)

    rows = ConsistencyRule.objects.filter(questionnaire__key="demand-bank").order_by("position")
    assert [
        (
            r.code,
            r.severity,
            r.capacity_key,
            r.demand_subject,
            r.demand_code,
            r.demand_min,
            r.demand_max,
            r.capacity_subject,
            r.capacity_code,
            r.capacity_max,
            r.title,
        )
        for r in rows
    ] == [
        (
            "r1",
            "warning",
            "capacity-bank",
            "question",
            "q1",
            3,
            None,
            "dimension",
            "alpha",
            2,
            "Demand past capacity",
        ),
        (
            "r2",
            "notable",
            "capacity-bank",
            "dimension",
            "beta",
            2,
            4,
            "question",
            "q2",
            0,
            "Demand past capacity",
        ),
    ]


def test_an_unknown_demand_question_is_refused_naming_the_rule(tmp_path):
    supply, demand = _files(tmp_path, _rule("ghost", demand={"question": "q404", "min": 1}))

    assert _refused(supply, demand) == (
        f"Nothing was loaded.\n{demand}: rule ghost demand: question 'q404' is not in demand-bank"
    )


def test_an_unknown_capacity_dimension_is_refused_against_the_capacity_file(tmp_path):
    supply, demand = _files(tmp_path, _rule("gap", capacity={"dimension": "gamma", "max": 2}))

    assert _refused(supply, demand) == (
        f"Nothing was loaded.\n{demand}: rule gap capacity: dimension 'gamma' is not in "
        "capacity-bank"
    )


def test_the_capacity_side_is_checked_against_the_stored_bank_when_loaded_alone(tmp_path):
    supply, demand = _files(tmp_path, _rule("gap", capacity={"question": "q3000", "max": 1}))
    _load(supply)

    with pytest.raises(CommandError) as error:
        _load(demand)

    assert str(error.value) == (
        f"Nothing was loaded.\n{demand}: rule gap capacity: question 'q3000' is not in "
        "capacity-bank"
    )


def test_a_capacity_bank_that_is_neither_loaded_nor_stored_is_refused(tmp_path):
    _supply, demand = _files(tmp_path, _rule())

    assert _refused(demand) == (
        f"Nothing was loaded.\n{demand}: consistency_rules: capacity_bank 'capacity-bank' is "
        "neither loaded with it nor stored"
    )


def test_a_capacity_condition_with_a_lower_bound_is_refused(tmp_path):
    supply, demand = _files(
        tmp_path, _rule("floor", capacity={"dimension": "alpha", "min": 1, "max": 3})
    )

    assert _refused(supply, demand) == (
        f"Nothing was loaded.\n{demand}: rule floor capacity: needs a 'max' and no 'min' "
        "(a capacity gap)"
    )


def test_bad_severity_bounds_and_duplicate_codes_are_each_named(tmp_path):
    supply, demand = _files(
        tmp_path,
        _rule("r1", severity="urgent", demand={"question": "q1", "min": 5}),
        _rule("r1", demand={"dimension": "beta", "min": 4, "max": 2}),
        _rule("r3", demand={"question": "q1", "dimension": "beta", "min": 1}),
    )

    assert _refused(supply, demand).splitlines()[1:] == [
        f"{demand}: rule r3 demand: needs either a 'question' or a 'dimension', not both",
        f"{demand}: rule r1: severity 'urgent' is not warning or notable",
        f"{demand}: rule r1 demand: level 5 is outside 0-4",
        f"{demand}: rule r1: duplicate rule code",
        f"{demand}: rule r1 demand: 'min' must not exceed 'max'",
    ]


def test_the_real_session_2_bank_stores_ten_rules_reading_session_1(idm, ddg):
    rules = ConsistencyRule.objects.filter(questionnaire=idm)

    assert rules.count() == 10
    assert set(rules.values_list("capacity_key", flat=True)) == {ddg.key}
    assert rules.get(code="mds-without-infrastructure").title_fr == (
        "Les autorisations exigent des données de trajets MDS, mais l'infrastructure de données "
        "n'est pas prête"
    )


def test_rules_export_as_the_file_declares_them(idm):
    data = bank_to_data(bank_read(idm))

    rules = data["consistency_rules"]
    assert rules["capacity_bank"] == "data-driven-government"
    assert rules["rules"][0] | {"title": None, "explanation": None, "recommendation": None} == {
        "code": "mds-without-infrastructure",
        "severity": "warning",
        "demand": {"question": "access-standard", "min": 3},
        "capacity": {"dimension": "infrastructure", "max": 2},
        "title": None,
        "explanation": None,
        "recommendation": None,
    }


def test_a_rule_cannot_be_added_to_a_published_version(idm):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsistencyRule.objects.create(
            questionnaire=idm,
            code="late",
            severity="warning",
            capacity_key="data-driven-government",
            demand_subject="question",
            demand_code="access-standard",
            demand_min=3,
            capacity_subject="dimension",
            capacity_code="infrastructure",
            capacity_max=2,
            title_en="Too late",
            explanation_en="A published version is what rounds were answered against.",
            recommendation_en="Make a new draft.",
        )


def test_the_bank_admin_shows_the_rules_read_only(client, admin_user_, idm):
    client.force_login(admin_user_)

    page = client.get(f"/admin/surveys/questionnaire/{idm.pk}/change/").content.decode()

    assert "mds-without-infrastructure" in page
    assert "Permits require MDS trip data, but the data infrastructure is not ready for it" in page
    assert 'name="consistency_rules-0-code"' not in page


def test_a_new_draft_version_copies_the_rules(idm):
    copy = questionnaire_new_draft(questionnaire=idm)

    assert list(copy.consistency_rules.values_list("code", "capacity_key")) == list(
        idm.consistency_rules.values_list("code", "capacity_key")
    )
    assert copy.consistency_rules.count() == 10


def test_publishing_checks_the_capacity_codes_again(idm):
    copy = questionnaire_new_draft(questionnaire=idm)
    copy.consistency_rules.filter(code="mds-without-infrastructure").update(
        capacity_code="no-such-dimension"
    )

    with pytest.raises(BankInvalid) as error:
        questionnaire_publish(questionnaire=copy)

    assert [str(e) for e in error.value.errors] == [
        "rule mds-without-infrastructure capacity: dimension 'no-such-dimension' is not in "
        "data-driven-government"
    ]
