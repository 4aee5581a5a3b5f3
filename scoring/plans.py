"""A city's action plan in a questionnaire: adopting next steps as actions, changing them, and
reading the plan with each action's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from scoring.models import Action
from surveys.models import City, Questionnaire, Recommendation
from surveys.structure import Bank, bank_for

# What an officer fills in; the rest of an action comes from where it was adopted.
EDITABLE = ("dimension_code", "kind", "title", "department", "due_on")
# The fields whose changes the history lists, in this order.
TRACKED = ("title", "dimension_code", "kind", "department", "due_on", "status", "note")


def latest_bank(questionnaire_key: str) -> Bank | None:
    """The newest published version of the questionnaire: it names the plan's dimensions."""
    questionnaire = (
        Questionnaire.objects.filter(key=questionnaire_key, status=Questionnaire.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    return None if questionnaire is None else bank_for(questionnaire)


def plan_actions(city: City, questionnaire_key: str, today: date) -> QuerySet[Action]:
    """The city's actions in the questionnaire, each marked ``overdue`` or not, soonest due first."""
    return (
        Action.objects.filter(city=city, questionnaire_key=questionnaire_key)
        .with_overdue(today)
        .select_related("recommendation")
    )


@transaction.atomic
def action_create(
    *,
    city: City,
    questionnaire_key: str,
    recommendation: Recommendation | None,
    fields: dict[str, Any],
    by: User,
) -> Action:
    """A new planned action; one adopted from a recommendation keeps its dimension and kind."""
    action = Action(
        city=city,
        questionnaire_key=questionnaire_key,
        recommendation=recommendation,
        updated_by=by,
        **{name: fields[name] for name in EDITABLE},
    )
    if recommendation is not None:
        action.dimension_code = recommendation.dimension.code
        action.kind = recommendation.kind
    action._history_user = by  # type: ignore[attr-defined]  # outside requests too
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(*, action: Action, fields: dict[str, Any], by: User) -> Action:
    """Change what an action is, who owns it and when it is due; an adopted action's dimension
    and kind stay those of its recommendation."""
    names = [
        name
        for name in EDITABLE
        if action.recommendation_id is None or name not in ("dimension_code", "kind")
    ]
    if all(getattr(action, name) == fields[name] for name in names):
        return action  # nothing changed: no history entry
    for name in names:
        setattr(action, name, fields[name])
    return _save(action, by)


@transaction.atomic
def action_set_status(*, action: Action, status: str, note: str, by: User) -> Action:
    """Move the action to ``status`` with a short note saying why; done actions remember the
    day, which places them between two rounds."""
    if action.status == status and action.note == note:
        return action
    if status != action.status:
        action.done_on = timezone.localdate() if status == Action.Status.DONE else None
    action.status = status
    action.note = note
    return _save(action, by)


def _save(action: Action, by: User) -> Action:
    action.updated_by = by
    action.updated_at = timezone.now()
    action._history_user = by  # type: ignore[attr-defined]  # outside requests too
    action.full_clean()
    action.save()
    return action


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ActionEvent:
    """One entry of an action's history: who did what, and when."""

    at: datetime
    by: str
    created: bool
    changes: list[FieldChange]


def action_histories(actions: list[Action]) -> dict[int, list[ActionEvent]]:
    """Each action's history, newest first, by action id (one query)."""
    records = (
        Action.history.filter(id__in=[action.pk for action in actions])
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    events: dict[int, list[ActionEvent]] = {action.pk: [] for action in actions}
    previous: Any = None
    for record in records:
        if previous is None or previous.id != record.id:
            previous = None
        events[record.id].append(
            ActionEvent(
                at=record.history_date,
                by=_name(record.history_user),
                created=previous is None,
                changes=[] if previous is None else _changes(previous, record),
            )
        )
        previous = record
    return {action_id: items[::-1] for action_id, items in events.items()}


def _changes(before: Any, after: Any) -> list[FieldChange]:
    return [
        FieldChange(
            name,
            _label(name),
            _shown(before, name),
            _shown(after, name),
        )
        for name in TRACKED
        if getattr(before, name) != getattr(after, name)
    ]


def _label(name: str) -> str:
    field = cast("models.Field[Any, Any]", Action._meta.get_field(name))
    return str(field.verbose_name)


def _shown(record: Any, name: str) -> Any:
    if name in ("status", "kind"):
        return getattr(record, f"get_{name}_display")()
    return getattr(record, name)


def _name(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
