"""Persisted outputs of the scoring engine, so dashboards read stored numbers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import City, Dimension, Response, Round


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
