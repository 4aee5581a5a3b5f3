"""Django admin for question banks (read-only once published), cities, people and rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from translated_fields.admin import TranslatedFieldAdmin

from surveys.banks.spec import BankInvalid
from surveys.banks.store import questionnaire_new_draft, questionnaire_publish
from surveys.models import (
    Answer,
    AnswerChange,
    City,
    ConsistencyRule,
    Dimension,
    Membership,
    Option,
    Profile,
    Question,
    Questionnaire,
    Recommendation,
    Response,
    Round,
    Stage,
)
from surveys.structure import clear_cache


def _each_language(model: type[Any], *names: str) -> list[str]:
    """A translated text's columns, one per language (``title_en``, ``title_nl``, ...), so
    admins edit every translation side by side, each labelled with its language code."""
    return [column for name in names for column in getattr(model, name).fields]


def _questionnaire_of(obj: Any) -> Questionnaire | None:
    """The questionnaire a bank item belongs to, whatever its depth."""
    if isinstance(obj, Questionnaire):
        return obj
    if isinstance(obj, Dimension | Stage):
        return obj.questionnaire
    if isinstance(obj, Question | Recommendation):
        return obj.dimension.questionnaire
    if isinstance(obj, Option):
        return obj.question.dimension.questionnaire
    return None


class DraftOnlyMixin:
    """Bank items may be changed only while their questionnaire is a draft (the models' clean()
    says so too); every change clears the cached banks."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        clear_cache()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        clear_cache()

    def _is_locked(self, obj: Any) -> bool:
        questionnaire = _questionnaire_of(obj)
        return questionnaire is not None and not questionnaire.is_editable

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_locked(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class DraftOnlyInlineMixin(DraftOnlyMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_locked(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]


class StageInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["level", *_each_language(Stage, "name"), "min_score"]


class DimensionInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["position", "code", *_each_language(Dimension, "title"), "weight", "edit_link"]
    readonly_fields = ["edit_link"]
    ordering = ["position"]
    show_change_link = True

    @admin.display(description=_("questions"))
    def edit_link(self, obj: Dimension) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:surveys_dimension_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit questions and recommendations"))


class ConsistencyRuleInline(admin.StackedInline):
    """A bank's consistency rules, shown with it and never edited here: they are written in the
    bank file, whose loader checks their codes against both banks."""

    model = ConsistencyRule
    extra = 0
    readonly_fields = [
        "code",
        "severity",
        "demand_subject",
        "demand_code",
        "demand_min",
        "demand_max",
        "capacity_key",
        "capacity_subject",
        "capacity_code",
        "capacity_max",
        *_each_language(ConsistencyRule, "title", "explanation", "recommendation"),
    ]
    fields = list(readonly_fields)
    ordering = ["position"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(DraftOnlyMixin, TranslatedFieldAdmin, SimpleHistoryAdmin):
    list_display = ["title", "key", "version", "status", "published_at"]
    list_filter = ["status", "key"]
    search_fields = [*_each_language(Questionnaire, "title"), "key"]
    inlines = [StageInline, DimensionInline, ConsistencyRuleInline]
    actions = ["create_new_draft", "publish"]
    readonly_fields = ["status", "published_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published banks are referenced by rounds and answers; retire them instead.
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Create new draft version (deep copy)"))
    def create_new_draft(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        for questionnaire in queryset:
            draft = questionnaire_new_draft(questionnaire=questionnaire)
            self.message_user(
                request,
                _("Created draft %(title)s version %(version)s.")
                % {"title": draft.title, "version": draft.version},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish (after validation)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        published = 0
        for questionnaire in queryset:
            try:
                questionnaire_publish(questionnaire=questionnaire)
            except BankInvalid as error:
                for problem in error.errors:
                    self.message_user(
                        request,
                        _("%(questionnaire)s was not published — %(problem)s")
                        % {"questionnaire": questionnaire, "problem": problem},
                        messages.ERROR,
                    )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "Published %(count)d questionnaire.",
                    "Published %(count)d questionnaires.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )


class QuestionInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "code", "kind", *_each_language(Question, "text"), "required", "weight"]
    ordering = ["position"]
    show_change_link = True


class RecommendationInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = [("stage_level", "kind", "position"), *_each_language(Recommendation, "title", "body")]


@admin.register(Dimension)
class DimensionAdmin(DraftOnlyMixin, TranslatedFieldAdmin, SimpleHistoryAdmin):
    list_display = ["title", "code", "questionnaire", "position", "weight"]
    list_filter = ["questionnaire"]
    search_fields = [*_each_language(Dimension, "title"), "code"]
    inlines = [QuestionInline, RecommendationInline]
    list_select_related = ["questionnaire"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added as an inline of a draft questionnaire


class OptionInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Option
    extra = 0
    fields = [
        "position",
        "code",
        *_each_language(Option, "label"),
        "level",
        "special",
        "group",
        "automated",
    ]
    ordering = ["position"]


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, TranslatedFieldAdmin, SimpleHistoryAdmin):
    list_display = ["code", "text", "kind", "dimension", "required", "weight"]
    list_filter = ["kind", "dimension__questionnaire"]
    search_fields = ["code", *_each_language(Question, "text")]
    inlines = [OptionInline]
    list_select_related = ["dimension__questionnaire"]
    raw_id_fields = ["condition"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "dimension" in form.base_fields:
            # Only the dimensions of its own version: every version has the same titles.
            form.base_fields["dimension"].queryset = Dimension.objects.filter(
                questionnaire=obj.dimension.questionnaire_id
            )
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added as an inline of a draft dimension


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "language", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "department"]
    list_filter = ["city"]
    search_fields = ["user__username", "user__email", "department"]
    list_select_related = ["user", "city"]
    autocomplete_fields = ["user"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "questionnaire", "opens_on", "deadline", "closes_on", "status"]
    list_filter = ["status", "questionnaire"]
    filter_horizontal = ["cities"]
    list_select_related = ["questionnaire"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "questionnaire":
            kwargs["queryset"] = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("question", "option", "number", "text", "comment", "evidence_url", "updated_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerChangeInline(admin.TabularInline):
    model = AnswerChange
    extra = 0
    fields = ("question", "changed_by", "changed_at", "old_value", "new_value")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("answer history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["round", "city", "department", "respondent", "status", "updated_at"]
    list_filter = ["status", "round", "city"]
    list_select_related = ["round", "city", "respondent"]
    readonly_fields = [
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "reopened_at",
        "reopened_by",
    ]
    inlines = [AnswerInline, AnswerChangeInline]
