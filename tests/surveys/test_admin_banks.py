"""Django admin for banks: published versions are read-only, drafts are copied, checked and published."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from surveys import structure
from surveys.banks.files import bank_load_file
from surveys.banks.store import bank_write, questionnaire_new_draft
from surveys.models import Dimension, Option, Question, Questionnaire, Recommendation, Stage
from surveys.structure import bank_for
from tests.conftest import BANK_DIR

pytestmark = pytest.mark.django_db

SAVE_BUTTON = 'name="_save"'


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories hash a password per user; the default hasher costs ~0.25 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client_(client, admin_user_):
    client.force_login(admin_user_)
    return client


@pytest.fixture
def draft(db):
    """A valid draft copy of the Session 1 bank under its own key."""
    spec = bank_load_file(BANK_DIR / "data-driven-government.yaml")
    return bank_write(spec=dataclasses.replace(spec, key="admin-test", version=1))


def _change_url(questionnaire: Questionnaire) -> str:
    return reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk])


def _run_action(client, action: str, questionnaire: Questionnaire) -> list[str]:
    response = client.post(
        reverse("admin:surveys_questionnaire_changelist"),
        {"action": action, "_selected_action": [questionnaire.pk]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def _sizes(questionnaire: Questionnaire) -> dict[str, int]:
    return {
        "dimensions": Dimension.objects.filter(questionnaire=questionnaire).count(),
        "questions": Question.objects.filter(dimension__questionnaire=questionnaire).count(),
        "options": Option.objects.filter(question__dimension__questionnaire=questionnaire).count(),
        "recommendations": Recommendation.objects.filter(
            dimension__questionnaire=questionnaire
        ).count(),
        "conditions": Question.objects.filter(
            dimension__questionnaire=questionnaire, condition__isnull=False
        ).count(),
    }


# --- Published versions are read-only -------------------------------------------------------


def test_published_questionnaire_change_page_has_no_save_button(admin_client_, ddg):
    response = admin_client_.get(_change_url(ddg))

    assert response.status_code == 200
    assert SAVE_BUTTON not in response.content.decode()
    assert response.context["has_change_permission"] is False


def test_post_to_a_published_questionnaire_does_not_change_it(admin_client_, ddg):
    response = admin_client_.post(
        _change_url(ddg), {"key": ddg.key, "version": ddg.version, "title": "Hijacked"}
    )

    assert response.status_code == 403
    ddg.refresh_from_db()
    assert ddg.title == "Data-Driven Government"


def test_published_dimension_change_page_has_no_save_button(admin_client_, ddg):
    dimension = ddg.dimensions.get(code="strategy")

    response = admin_client_.get(reverse("admin:surveys_dimension_change", args=[dimension.pk]))

    assert response.status_code == 200
    assert SAVE_BUTTON not in response.content.decode()


def test_draft_change_page_has_a_save_button(admin_client_, draft):
    response = admin_client_.get(_change_url(draft))

    assert response.status_code == 200
    assert SAVE_BUTTON in response.content.decode()


# --- Actions ----------------------------------------------------------------------------------


def test_create_new_draft_copies_a_published_bank_into_version_2(admin_client_, ddg):
    messages = _run_action(admin_client_, "create_new_draft", ddg)

    copy = Questionnaire.objects.get(key=ddg.key, version=2)
    assert messages == ["Created draft Data-Driven Government version 2."]
    assert copy.status == "draft"
    assert _sizes(copy) == _sizes(ddg)
    assert _sizes(copy) == {
        "dimensions": 7,
        "questions": 56,
        "options": 323,
        "recommendations": 84,
        "conditions": 3,
    }
    ddg.refresh_from_db()
    assert ddg.status == "published"


def test_new_draft_is_editable_in_the_admin(admin_client_, ddg):
    _run_action(admin_client_, "create_new_draft", ddg)
    copy = Questionnaire.objects.get(key=ddg.key, version=2)

    response = admin_client_.get(_change_url(copy))

    assert SAVE_BUTTON in response.content.decode()


def test_publish_refuses_a_draft_with_an_empty_dimension(admin_client_, draft):
    Question.objects.filter(dimension__questionnaire=draft, dimension__code="skills").delete()

    messages = _run_action(admin_client_, "publish", draft)

    assert messages == [
        "Data-Driven Government (v1, Draft) was not published — dimension skills: has no questions"
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == ("draft", None)


def test_publish_sets_a_valid_draft_published(admin_client_, draft):
    messages = _run_action(admin_client_, "publish", draft)

    assert messages == ["Published 1 questionnaire."]
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at is not None


def test_publish_refuses_an_already_published_questionnaire(admin_client_, ddg):
    messages = _run_action(admin_client_, "publish", ddg)

    assert messages == [
        "Data-Driven Government (v1, Published) was not published — "
        "questionnaire: is published, not a draft"
    ]


# --- Other changelists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "shows"),
    [
        ("admin:surveys_city_changelist", "Rotterdam"),
        ("admin:surveys_membership_changelist", "Mobility"),
        ("admin:surveys_round_changelist", "Session 1 test round"),
        ("admin:auth_user_changelist", "root-admin"),
    ],
)
def test_changelist_lists_its_rows(admin_client_, open_round, officer, url_name, shows):
    response = admin_client_.get(reverse(url_name))

    assert response.status_code == 200
    assert shows in response.content.decode()


# --- Bank items stay in their own draft version -------------------------------------------


def _question_form(rf, user, question):
    request = rf.get("/")
    request.user = user
    model_admin = admin.site._registry[Question]
    return model_admin.get_form(request, question, change=True)


def test_a_draft_questions_dimension_can_be_chosen_from_its_own_version_only(
    rf, admin_user_, draft, ddg
):
    question = Question.objects.filter(dimension__questionnaire=draft).order_by("pk")[0]
    published = Dimension.objects.filter(questionnaire=ddg).order_by("pk")[0]
    data = {**model_to_dict(question), "dimension": published.pk}

    form = _question_form(rf, admin_user_, question)(data, instance=question)

    assert set(form.base_fields["dimension"].queryset) == set(
        Dimension.objects.filter(questionnaire=draft)
    )
    assert form.is_valid() is False
    assert form.errors["dimension"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Question.objects.get(pk=question.pk).dimension_id == question.dimension_id


def test_a_draft_question_moved_into_a_published_bank_fails_validation(draft, ddg):
    question = Question.objects.filter(dimension__questionnaire=draft).order_by("pk")[0]
    question.dimension = Dimension.objects.filter(questionnaire=ddg).order_by("pk")[0]

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert refused.value.message_dict["dimension"] == [
        "Only a draft version of a questionnaire can change."
    ]


def test_a_draft_question_moved_into_another_draft_fails_validation(draft, ddg):
    other = questionnaire_new_draft(questionnaire=ddg)
    question = Question.objects.filter(dimension__questionnaire=draft).order_by("pk")[0]
    question.dimension = Dimension.objects.filter(questionnaire=other).order_by("pk")[0]

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert refused.value.message_dict["dimension"] == [
        "An item stays in its own version of the questionnaire."
    ]


def test_deleting_a_bank_item_in_the_admin_clears_the_cached_banks(admin_client_, draft, ddg):
    bank_for(ddg)  # a published bank, cached
    assert structure._cache != {}
    question = (
        Question.objects.filter(dimension__questionnaire=draft)
        .exclude(options__dependent_questions__isnull=False)
        .order_by("pk")[0]
    )

    reply = admin_client_.post(
        reverse("admin:surveys_question_delete", args=[question.pk]), {"post": "yes"}
    )

    assert reply.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert structure._cache == {}


# --- ... and the database itself holds the rule, for writers that skip validation --------------


def test_the_database_refuses_a_draft_question_moved_into_a_published_bank(draft, ddg):
    question = Question.objects.filter(dimension__questionnaire=draft).order_by("pk")[0]
    published = Dimension.objects.filter(questionnaire=ddg).order_by("pk")[0]

    with pytest.raises(IntegrityError, match="only a draft version"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(dimension=published)

    assert Question.objects.get(pk=question.pk).dimension_id == question.dimension_id


def test_the_database_refuses_a_draft_question_moved_into_another_draft(draft, ddg):
    other = questionnaire_new_draft(questionnaire=ddg)
    question = Question.objects.filter(dimension__questionnaire=draft).order_by("pk")[0]

    with pytest.raises(IntegrityError, match="stays in its own version"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(
            dimension=Dimension.objects.filter(questionnaire=other).order_by("pk")[0]
        )


@pytest.mark.parametrize("item", ["stage", "dimension", "question", "option", "recommendation"])
def test_the_database_refuses_a_new_item_in_a_published_bank(ddg, item):
    dimension = Dimension.objects.filter(questionnaire=ddg).order_by("pk")[0]
    question = Question.objects.filter(dimension=dimension).order_by("pk")[0]
    new = {
        "stage": lambda: Stage.objects.create(questionnaire=ddg, level=9, name_en="Ninth"),
        "dimension": lambda: Dimension.objects.create(questionnaire=ddg, code="late", title_en="L"),
        "question": lambda: Question.objects.create(dimension=dimension, code="late", text_en="?"),
        "option": lambda: Option.objects.create(question=question, code="late", label_en="L"),
        "recommendation": lambda: Recommendation.objects.create(
            dimension=dimension, stage_level=1, kind="skill", title_en="Late", body_en="Late"
        ),
    }[item]

    with pytest.raises(IntegrityError, match="only a draft version"), transaction.atomic():
        new()


def test_the_database_refuses_a_condition_from_another_version(draft, ddg):
    question = Question.objects.filter(dimension__questionnaire=draft).order_by("pk")[0]
    elsewhere = Option.objects.filter(question__dimension__questionnaire=ddg).order_by("pk")[0]

    with pytest.raises(IntegrityError, match="condition"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(condition=elsewhere)


def test_published_texts_can_still_be_corrected_in_place(ddg):
    # The triggers watch where an item belongs, not its wording.
    question = Question.objects.filter(dimension__questionnaire=ddg).order_by("pk")[0]
    question.text = "Corrected wording?"
    question.save()

    assert Question.objects.get(pk=question.pk).text == "Corrected wording?"
