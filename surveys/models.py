"""Question banks, cities and memberships, assessment rounds, and the officers' responses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from translated_fields.utils import TranslatedFieldWithFallback as Translated

# Bank texts are stored once per language of settings.LANGUAGES (title_en, title_nl, title_fr;
# English required, the others blank in a draft). Reading `title` gives the active language's
# text, or the English one where that is blank. Codes are never translated.

# --- Question banks -------------------------------------------------------------------------


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    key = models.SlugField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = Translated(models.CharField(_("title"), max_length=200))
    description = Translated(models.TextField(_("description"), blank=True))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="questionnaire_key_version"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="questionnaire_status_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="questionnaire_version_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Stage(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="stages"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    name = Translated(models.CharField(_("name"), max_length=100))
    description = Translated(models.TextField(_("description"), blank=True))
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "level"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "level"], name="stage_level_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="stage_level_range"
            ),
            models.CheckConstraint(
                condition=Q(min_score__gte=0, min_score__lte=100), name="stage_min_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"

    def clean(self) -> None:
        bank_item_clean(self, "questionnaire", self.questionnaire_id, "questionnaire")


class Dimension(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="dimensions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=80)
    title = Translated(models.CharField(_("title"), max_length=200))
    description = Translated(models.TextField(_("description"), blank=True))
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="dimension_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="dimension_weight_positive"),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def clean(self) -> None:
        bank_item_clean(self, "questionnaire", self.questionnaire_id, "questionnaire")


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Maturity scale")
        YES_NO = "yes_no", _("Yes / no")
        MULTI = "multi", _("Practices in place (several)")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")
        EXCHANGES = "exchanges", _("Data exchanges")

    CHOICE_KINDS = frozenset({Kind.SCALE, Kind.YES_NO})
    SCORABLE_KINDS = frozenset({Kind.SCALE, Kind.YES_NO, Kind.MULTI})

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=80)
    text = Translated(models.TextField(_("text")))
    help_text = Translated(models.TextField(_("help text"), blank=True))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    required = models.BooleanField(_("required"), default=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = Translated(models.CharField(_("unit"), max_length=30, blank=True))
    condition = models.ForeignKey(
        "Option",
        verbose_name=_("shown only when this option is chosen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependent_questions",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="question_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["scale", "yes_no", "multi", "number", "text", "exchanges"]),
                name="question_kind_valid",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="question_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_lte_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def clean(self) -> None:
        questionnaire_id = self.dimension.questionnaire_id if self.dimension_id else None
        bank_item_clean(self, "dimension", questionnaire_id, "dimension__questionnaire")
        condition = self.condition
        if (
            condition is not None
            and condition.question.dimension.questionnaire_id != questionnaire_id
        ):
            raise ValidationError({"condition": _("Choose an option of this questionnaire.")})

    @property
    def is_scored(self) -> bool:
        return self.kind in self.SCORABLE_KINDS and self.weight > 0


class Option(models.Model):
    class Special(models.TextChoices):
        NONE = "", _("Regular option")
        DONT_KNOW = "dont_know", _("Don't know")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")
        NONE_OF_THESE = "none", _("None of these")

    class Group(models.TextChoices):
        """The list an option of a data-exchanges question belongs to (blank for other kinds)."""

        NONE = "", _("Answer option")
        PARTNER = "partner", _("External partner")
        MEANS = "means", _("Means of exchange")
        FREQUENCY = "frequency", _("Frequency")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=80)
    label = Translated(models.TextField(_("label")))
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    special = models.CharField(
        _("special meaning"), max_length=20, choices=Special.choices, default="", blank=True
    )
    group = models.CharField(
        _("list"), max_length=10, choices=Group.choices, default="", blank=True
    )
    # A means of exchange that moves data without people copying it (an API, a platform).
    automated = models.BooleanField(_("automated"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=0, level__lte=4),
                name="option_level_range",
            ),
            models.CheckConstraint(
                condition=Q(special__in=["", "dont_know", "not_applicable", "none"]),
                name="option_special_valid",
            ),
            # A flagged option (don't know, not applicable, none) never carries a level.
            models.CheckConstraint(
                condition=Q(special="") | Q(level__isnull=True),
                name="option_special_has_no_level",
            ),
            models.CheckConstraint(
                condition=Q(group__in=["", "partner", "means", "frequency"]),
                name="option_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)[:80]

    def clean(self) -> None:
        questionnaire_id = self.question.dimension.questionnaire_id if self.question_id else None
        bank_item_clean(self, "question", questionnaire_id, "question__dimension__questionnaire")


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill")
        TOOL = "tool", _("Tool")
        PRACTICE = "practice", _("Practice")

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="recommendations"
    )
    stage_level = models.PositiveSmallIntegerField(
        _("target stage"), validators=[MinValueValidator(2), MaxValueValidator(5)]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = Translated(models.CharField(_("title"), max_length=200))
    body = Translated(models.TextField(_("body"), blank=True))

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension", "stage_level", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage_level__gte=2, stage_level__lte=5),
                name="recommendation_stage_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["skill", "tool", "practice"]),
                name="recommendation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self) -> None:
        questionnaire_id = self.dimension.questionnaire_id if self.dimension_id else None
        bank_item_clean(self, "dimension", questionnaire_id, "dimension__questionnaire")


class ConsistencyRule(models.Model):
    """A commitment beyond capacity, declared in a Session 2 bank: it fires for a city when the
    city's level or stage in this questionnaire (the demand) and in the capacity bank's
    (Session 1) both lie in the rule's ranges."""

    class Severity(models.TextChoices):
        WARNING = "warning", _("Warning")
        NOTABLE = "notable", _("Notable")

    class Subject(models.TextChoices):
        QUESTION = "question", _("Question level (0-4)")
        DIMENSION = "dimension", _("Dimension stage (1-5)")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="consistency_rules"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=80)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    capacity_key = models.SlugField(_("capacity questionnaire key"), max_length=80)
    demand_subject = models.CharField(_("demand reads"), max_length=10, choices=Subject.choices)
    demand_code = models.SlugField(_("demand code"), max_length=80)
    demand_min = models.PositiveSmallIntegerField(_("demand from"), null=True, blank=True)
    demand_max = models.PositiveSmallIntegerField(_("demand up to"), null=True, blank=True)
    capacity_subject = models.CharField(_("capacity reads"), max_length=10, choices=Subject.choices)
    capacity_code = models.SlugField(_("capacity code"), max_length=80)
    capacity_max = models.PositiveSmallIntegerField(_("capacity up to"))
    title = Translated(models.CharField(_("title"), max_length=200))
    explanation = Translated(models.TextField(_("explanation")))
    recommendation = Translated(models.TextField(_("recommendation")))

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="consistency_rule_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["warning", "notable"]),
                name="consistency_rule_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(demand_min__isnull=False) | Q(demand_max__isnull=False),
                name="consistency_rule_demand_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        bank_item_clean(self, "questionnaire", self.questionnaire_id, "questionnaire")


def bank_item_clean(
    item: models.Model, field: str, questionnaire_id: int | None, path: str
) -> None:
    """The rule every bank item keeps: it is added, changed and moved within one draft version
    of its questionnaire only (``path`` leads from the item to that questionnaire). Published
    versions are what rounds were answered and scored against."""
    if questionnaire_id is None:
        return
    status = Questionnaire.objects.filter(pk=questionnaire_id).values_list("status", flat=True)
    if status.get() != Questionnaire.Status.DRAFT:
        raise ValidationError({field: _("Only a draft version of a questionnaire can change.")})
    if item.pk is not None:
        before = type(item)._default_manager.filter(pk=item.pk).values_list(path, flat=True)
        if before.exists() and before.get() != questionnaire_id:
            raise ValidationError(
                {field: _("An item stays in its own version of the questionnaire.")}
            )


# --- Cities and people ----------------------------------------------------------------------


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language its officers read the app in, unless they choose another."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("cities")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="city_country_iso2"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An officer's place: one city and one department per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="memberships")
    department = models.CharField(_("department"), max_length=120)

    class Meta:
        ordering = ["city", "department"]

    def __str__(self) -> str:
        return f"{self.user} — {self.city} ({self.department})"


class Profile(models.Model):
    """What a person chose for themselves, whatever their city: today, their language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Blank: the language of the person's city, or of their browser."),
    )

    def __str__(self) -> str:
        return str(self.user)


# --- Rounds and responses -------------------------------------------------------------------


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # The day officers are asked to submit by (reminders count down to it); the round stays
    # open after it until a facilitator closes it.
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("Officers are asked to submit by the end of this day, and reminded before it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    cities = models.ManyToManyField(City, related_name="rounds", blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Answers in this round were invented for demonstration, not given by cities."),
    )
    # Who last closed or opened the round again, and when (a facilitator's action).
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A Session 2 round's consistency rules read this round's results as the cities' capacity;
    # without it, each city's latest submitted result in the capacity questionnaire.
    capacity_round = models.ForeignKey(
        "self",
        verbose_name=_("capacity round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The Session 1 round whose results the consistency rules compare with."),
    )

    class Meta:
        ordering = ["-opens_on", "title"]
        permissions = [
            ("facilitate_round", "Can run rounds and see every city's results (POLIS facilitator)")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("closes_on")), name="round_opens_before_closes"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(deadline__gte=models.F("opens_on"), deadline__lte=models.F("closes_on")),
                name="round_deadline_within_dates",
                violation_error_message=_(
                    "The deadline must fall between the day the round opens and the day it closes."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def days_to_deadline(self) -> int | None:
        """Whole days from today (in the site's time zone) to the deadline: 0 on the day itself,
        negative once it has passed; None without a deadline."""
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days


class ResponseQuerySet(models.QuerySet["Response"]):
    def editable(self) -> ResponseQuerySet:
        """Responses that can still change: drafts in an open round.

        The one definition of "editable": every write to a response filters through it, and
        `Response.is_editable` asks the same of a response already in hand.
        """
        # The round's status through a subquery, not a join: an UPDATE of a joined QuerySet
        # becomes `id IN (SELECT ...)`, which PostgreSQL does not re-check against a row that
        # a concurrent save changed, and an optimistic claim of one version would then pass
        # twice.
        open_rounds = Round.objects.filter(status=Round.Status.OPEN).values("pk")
        return self.filter(status=Response.Status.DRAFT, round__in=open_rounds)


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="responses")
    # SET_NULL: erasing an officer keeps the city's answers, pseudonymised.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    department = models.CharField(_("department"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["round", "city", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "respondent"], name="response_one_per_round_and_respondent"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]), name="response_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.city} ({self.department})"

    def get_absolute_url(self) -> str:
        return reverse("surveys:resume", args=[self.round_id])

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_editable(self) -> bool:
        """`ResponseQuerySet.editable`'s rule, for a response (with its round) in hand."""
        return self.status == self.Status.DRAFT and self.round.is_open

    def belongs_to(self, membership: Membership | None) -> bool:
        """Whether this is the response of ``membership``'s officer in the city they belong to
        now: an officer moved to another city keeps sight of the old city's response, but it
        stays with that city, read-only to them."""
        return (
            membership is not None
            and self.respondent_id == membership.user_id
            and self.city_id == membership.city_id
        )

    def is_editable_by(self, membership: Membership | None) -> bool:
        """Whether ``membership``'s officer may still change it: editable, and theirs."""
        return self.is_editable and self.belongs_to(membership)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choices = models.ManyToManyField(Option, blank=True, related_name="+")
    number = models.DecimalField(_("number"), max_digits=14, decimal_places=2, null=True)
    text = models.TextField(_("text"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # The interface language of the page the answer was given on, so that a facilitator knows
    # in which language a comment or free text is written (they stay as typed).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        ordering = ["response", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class Exchange(models.Model):
    """One data exchange an officer reports for their department in a data-exchanges answer:
    data it receives from, or gives to, one partner (another department of the city, or an
    external party of the bank's list), by some means, so often."""

    class Direction(models.TextChoices):
        RECEIVES = "receives", _("Receives from")
        GIVES = "gives", _("Gives to")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="exchanges")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    # The partner is either one of the city's departments (by name, as memberships spell it)
    # or an external party (an option of the question's partner list): exactly one is set.
    partner_department = models.CharField(_("partner department"), max_length=120, blank=True)
    partner = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    means = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    frequency = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["answer", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["receives", "gives"]), name="exchange_direction_valid"
            ),
            models.CheckConstraint(
                condition=(Q(partner__isnull=True) & ~Q(partner_department=""))
                | (Q(partner__isnull=False) & Q(partner_department="")),
                name="exchange_one_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.direction} {self.partner_department or self.partner_id}"


class AnswerChange(models.Model):
    """One change to one answer: who, when, and the value before and after (audit history)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="changes")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # Snapshots of the typed value ({"option", "choices", "number", "text", "comment",
    # "evidence_url"}); a snapshot, not the answer's storage, so JSON is the honest shape.
    old_value = models.JSONField(_("before"), null=True)
    new_value = models.JSONField(_("after"), null=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["response", "question"])]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id} at {self.changed_at:%Y-%m-%d %H:%M}"


# --- Invitations and reminders --------------------------------------------------------------


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Invitations whose person has not set a password yet (so cannot sign in)."""
        return self.filter(accepted_at__isnull=True)


class Invitation(models.Model):
    """A facilitator's invitation of one person to a round: the account it made an officer of one
    of the round's cities (created for it, or one that existed), and whether they have joined."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    # CASCADE: erasing a person erases their invitations too.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    # Whether the invitation made the account: only then does revoking it delete the account.
    created_account = models.BooleanField(_("account created"), default=False)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    # When the person set their password with the invitation's link; at once for an account
    # that could already sign in.
    accepted_at = models.DateTimeField(_("joined at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"], name="invitation_one_per_round_and_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.round}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None


class Reminder(models.Model):
    """One reminder e-mail to one officer about one round: sent by `send_reminders` at a step
    (``days_before`` the deadline, 0 on the day), or by a facilitator (no step)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the deadline"), null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            # A step is sent once per officer and round: a run claims the row before sending, so
            # a second run, or one at the same time, finds it taken. A facilitator's reminders
            # have no step (NULL), and PostgreSQL never finds two NULLs equal: they repeat.
            models.UniqueConstraint(
                fields=["round", "officer", "days_before"], name="reminder_once_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} — {self.round} ({self.days_before})"
