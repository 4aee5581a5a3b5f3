"""Persisted outputs of the scoring engine, so dashboards read stored numbers."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from surveys.models import (
    City,
    Dimension,
    Option,
    Question,
    Recommendation,
    Response,
    Round,
)


class ResponseResult(models.Model):
    """One submitted response's overall score and stage."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="result")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    department = models.CharField(_("department"), max_length=120)
    overall_score = models.FloatField(_("overall score"), null=True)
    overall_stage = models.PositiveSmallIntegerField(_("overall stage"), null=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["round", "city"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True)
                | Q(overall_score__gte=0, overall_score__lte=100),
                name="response_result_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} → {self.overall_score}"


class DimensionScore(models.Model):
    """One submitted response's score in one dimension."""

    result = models.ForeignKey(
        ResponseResult, on_delete=models.CASCADE, related_name="dimension_scores"
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"), null=True)
    stage = models.PositiveSmallIntegerField(_("stage"), null=True)
    coverage = models.FloatField(_("coverage"))
    dont_know_share = models.FloatField(_("don't-know share"))
    answered = models.PositiveIntegerField(_("answered"))
    applicable = models.PositiveIntegerField(_("applicable"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "dimension"], name="dimension_score_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="dimension_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_id}: {self.score}"


class CityResult(models.Model):
    """A city's combined result in a round (mean of its submitted responses)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="city_results")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="results")
    overall_score = models.FloatField(_("overall score"), null=True)
    overall_stage = models.PositiveSmallIntegerField(_("overall stage"), null=True)
    responses = models.PositiveIntegerField(_("submitted responses"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["round", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "city"], name="city_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.city} in {self.round}"


class CityDimensionResult(models.Model):
    """A city's combined score in one dimension, with its departments' spread."""

    city_result = models.ForeignKey(CityResult, on_delete=models.CASCADE, related_name="dimensions")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"), null=True)
    median = models.FloatField(_("median"), null=True)
    stage = models.PositiveSmallIntegerField(_("stage"), null=True)
    spread = models.FloatField(_("spread"), null=True)
    silo = models.BooleanField(_("possible silo"), default=False)
    coverage = models.FloatField(_("coverage"))
    dont_know_share = models.FloatField(_("don't-know share"))
    # Derived, read-only display data: [{"department", "score", "stage"}], rebuilt on recompute.
    departments = models.JSONField(_("departments"), default=list)

    class Meta:
        constraints = [
            # Covering: the dashboard reads score, stage and silo of every city from the index
            # alone (scoring/dashboard.py), not from the table's rows, wide with departments.
            models.UniqueConstraint(
                fields=["city_result", "dimension"],
                include=["score", "stage", "silo"],
                name="city_dimension_result_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city_result}: {self.dimension_id}"


class Consensus(models.Model):
    """What one city's departments agree on in a round, recorded by a facilitator after talking
    it through: an agreed answer per question, scored like a response once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="consensuses")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="consensuses")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Claimed by every save, as a response's version is: a save from an older page is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The agreed result's overall score and stage when published, for the dashboard's column.
    overall_score = models.FloatField(_("agreed overall score"), null=True, blank=True)
    overall_stage = models.PositiveSmallIntegerField(
        _("agreed overall stage"), null=True, blank=True
    )

    class Meta:
        verbose_name_plural = _("consensuses")
        constraints = [
            models.UniqueConstraint(fields=["round", "city"], name="consensus_one_per_city"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="consensus_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} in {self.round}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class AgreedAnswer(models.Model):
    """The answer a city agreed on for one question, and why; its history keeps who and when."""

    consensus = models.ForeignKey(Consensus, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choices = models.ManyToManyField(Option, blank=True, related_name="+")
    rationale = models.TextField(_("rationale"), max_length=1000, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)

    history = HistoricalRecords(m2m_fields=[choices])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consensus", "question"], name="agreed_answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consensus}: {self.question_id}"


class ActionQuerySet(models.QuerySet["Action"]):
    def counted(self) -> ActionQuerySet:
        """The actions a plan's completion counts: all but the dropped ones."""
        return self.exclude(status=Action.Status.DROPPED)

    def overdue(self, today: date) -> ActionQuerySet:
        return self.filter(Action.overdue_condition(today))

    def with_overdue(self, today: date) -> ActionQuerySet:
        """Each action with ``overdue``: whether it is late on ``today``."""
        return self.annotate(
            overdue=ExpressionWrapper(Action.overdue_condition(today), output_field=BooleanField())
        )


class Action(models.Model):
    """One step a city plans towards the next stage of a dimension: adopted from a recommendation
    or written by the city. It belongs to the city and the questionnaire's key, so the plan
    carries from one round (and bank version) of the questionnaire to the next."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="actions")
    questionnaire_key = models.SlugField(_("questionnaire"), max_length=80)
    # By code, not by row: dimensions are rows of one bank version, the plan outlives versions.
    dimension_code = models.SlugField(_("dimension"), max_length=80)
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Recommendation.Kind.choices)
    title = models.CharField(_("action"), max_length=200)
    department = models.CharField(_("owning department"), max_length=120)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["questionnaire_key", "city"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "done", "dropped"]),
                name="action_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["skill", "tool", "practice"]), name="action_kind_valid"
            ),
            # The day it was done is known exactly when it is done.
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="action_done_on_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city}: {self.title}"

    @staticmethod
    def overdue_condition(today: date) -> Q:
        """Still to do (planned or in progress) and due before ``today``: the one rule of late."""
        return Q(status__in=Action.OPEN_STATUSES, due_on__lt=today)
