"""Demo data: cities, rounds, accounts and deterministic, plausible invented answers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from scoring import engine
from scoring.change import previous_round
from scoring.consensus import (
    Agreed,
    consensus_accept_unanimous,
    consensus_get_or_create,
    consensus_items,
    consensus_publish,
    consensus_save,
)
from scoring.models import Action, Consensus
from scoring.results import PeerFigures, city_report
from scoring.services import round_recompute
from surveys.models import (
    Answer,
    AnswerChange,
    City,
    Exchange,
    Membership,
    Question,
    Questionnaire,
    Response,
    Round,
)
from surveys.services import answer_row, exchange_rows
from surveys.structure import AnswerValue, Bank, ExchangeValue, bank_for, visible_question_ids

FACILITATORS_GROUP = "POLIS facilitators"
SYNTHETIC_DEPARTMENTS = ("Mobility", "IT and data", "Urban planning", "Environment", "Finance")
SYNTHETIC_COUNTRIES = ("NL", "FR", "BE", "GB", "DE", "ES", "IT", "SE", "PL", "PT")
# Invented maturity per city (0-4 scale) so the demo shows cities at different stages.
CITY_BASE_LEVEL = {
    "rotterdam": 2.7,
    "antwerp": 2.3,
    "norfolk": 1.9,
    "mechelen": 1.6,
    "valenciennes": 1.2,
}
# Where a city's mobility answers reach past its data capacity (levels added, 0-4 scale): the
# demo's commitment beyond capacity, so the consistency rules have a finding to show.
DEMO_AMBITION = {("mechelen", "shared-data-access"): 2.0}
BULK_BATCH = 5000


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    city: str
    department: str


def facilitators_group() -> Group:
    group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="facilitate_round"))
    return group


def _user(username: str, password: str, **fields: Any) -> AbstractUser:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def seed_people(cities_file: Path, password: str) -> list[DemoAccount]:
    """Cities from the fixture file and one demo officer per city department, plus staff."""
    data = yaml.safe_load(cities_file.read_text(encoding="utf-8"))
    accounts = [
        DemoAccount("admin", "admin", "", ""),
        DemoAccount("facilitator", "facilitator", "", ""),
    ]
    _user(
        "admin",
        password,
        is_staff=True,
        is_superuser=True,
        email="admin@example.org",
        first_name="Ada",
        last_name="Admin",
    )
    facilitator = _user(
        "facilitator",
        password,
        email="facilitator@example.org",
        first_name="Fran",
        last_name="Facilitator",
    )
    facilitator.groups.add(facilitators_group())
    for entry in data["cities"]:
        city, _ = City.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "country": entry["country"],
                "language": entry["language"],
            },
        )
        for department in entry["departments"]:
            username = f"{city.slug}-{slugify(department)}"
            user = _user(username, password, email=f"{username}@example.org")
            Membership.objects.get_or_create(
                user=user, defaults={"city": city, "department": department}
            )
            accounts.append(DemoAccount(username, "officer", city.name, department))
    return accounts


def seed_rounds(cities_file: Path) -> list[tuple[Round, str]]:
    """The fixture file's rounds (created open, for seeding) with the status each should end in."""
    data = yaml.safe_load(cities_file.read_text(encoding="utf-8"))
    rounds = []
    for entry in data["rounds"]:
        questionnaire = (
            Questionnaire.objects.filter(
                key=entry["questionnaire"], status=Questionnaire.Status.PUBLISHED
            )
            .order_by("-version")
            .first()
        )
        if questionnaire is None:
            raise ValueError(
                f"questionnaire {entry['questionnaire']!r} is not loaded and published"
            )
        round_, _created = Round.objects.get_or_create(
            title=entry["title"],
            defaults={
                "questionnaire": questionnaire,
                "opens_on": _date(entry["opens_on"]),
                "closes_on": _date(entry["closes_on"]),
                "deadline": _date(entry["deadline"]) if entry.get("deadline") else None,
                "status": Round.Status.OPEN,
                "is_demo": True,
            },
        )
        round_.cities.add(*City.objects.filter(slug__in=[c["slug"] for c in data["cities"]]))
        if entry.get("capacity_round") and round_.capacity_round_id is None:
            # The Session 1 round a facilitator linked this one to (listed before it).
            round_.capacity_round = Round.objects.get(title=entry["capacity_round"])
            round_.save(update_fields=["capacity_round"])
        rounds.append((round_, entry.get("status", Round.Status.OPEN)))
    return rounds


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def seed_synthetic(count: int, officers: int, password: str, rounds: list[Round]) -> None:
    """Many invented cities for load and benchmark work, each with its own officers."""
    user_model = get_user_model()
    existing = set(
        City.objects.filter(slug__startswith="demo-city-").values_list("slug", flat=True)
    )
    new_cities = City.objects.bulk_create(
        City(
            name=f"Demo city {n:03d}",
            country=SYNTHETIC_COUNTRIES[n % len(SYNTHETIC_COUNTRIES)],
            slug=slug,
        )
        for n in range(1, count + 1)
        if (slug := f"demo-city-{n:03d}") not in existing
    )
    hashed = user_model(username="x")
    hashed.set_password(password)
    users = user_model.objects.bulk_create(
        user_model(username=f"{city.slug}-officer-{k}", password=hashed.password)
        for city in new_cities
        for k in range(1, officers + 1)
    )
    users_iter = iter(users)
    Membership.objects.bulk_create(
        Membership(
            user=next(users_iter),
            city=city,
            department=SYNTHETIC_DEPARTMENTS[k % len(SYNTHETIC_DEPARTMENTS)],
        )
        for city in new_cities
        for k in range(officers)
    )
    for round_ in rounds:
        round_.cities.add(*new_cities)


def seed_answers(round_: Round, *, skip: set[str], partial: set[str], final_status: str) -> int:
    """Invented answers for every member of the round's cities; returns responses submitted.

    Officers in ``skip`` get no response (so a demo user can try the questionnaire);
    those in ``partial`` get a half-finished draft (so the tracker shows one in progress).
    The rows are what one answers_save per officer would write (response at version 2, one
    history row per answer), written in bulk: hundreds of cities seed in seconds.
    """
    if Response.objects.filter(round=round_).exists():
        return 0
    bank = bank_for(round_.questionnaire)
    # A follow-up of an earlier round shows progress: answers lean half a level higher.
    uplift = 0.5 if previous_round(round_) is not None else 0.0
    memberships = Membership.objects.filter(city__in=round_.cities.all()).select_related(
        "city", "user"
    )
    now = timezone.now()
    planned: list[tuple[Membership, dict[int, AnswerValue], bool]] = []
    for membership in memberships:
        username = membership.user.get_username()
        if username in skip:
            continue
        # Salted by title, not pk, so re-seeding gives the same answers on any database.
        values = demo_values(
            bank, membership.city.slug, membership.department, round_.title, uplift
        )
        if username in partial:
            values = dict(list(values.items())[: len(values) // 2])
        planned.append((membership, values, username not in partial))
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            Response(
                round=round_,
                city=membership.city,
                respondent=membership.user,
                department=membership.department,
                status=Response.Status.SUBMITTED if submitted else Response.Status.DRAFT,
                version=2,
                created_at=now,
                updated_at=now,
                submitted_at=now if submitted else None,
            )
            for membership, _, submitted in planned
        )
        _bulk_answers(responses, planned, now)
        round_recompute(round=round_)
        Round.objects.filter(pk=round_.pk).update(status=final_status)
    return sum(1 for _, _, submitted in planned if submitted)


def _bulk_answers(
    responses: list[Response],
    planned: list[tuple[Membership, dict[int, AnswerValue], bool]],
    now: datetime,
) -> None:
    """The answers, their multiple choices and their history rows of freshly created responses."""
    kept = [
        (response, membership, question_id, value)
        for response, (membership, values, _) in zip(responses, planned, strict=True)
        for question_id, value in values.items()
        if not value.is_empty
    ]
    answers = Answer.objects.bulk_create(
        (answer_row(response, question_id, value, now) for response, _, question_id, value in kept),
        batch_size=BULK_BATCH,
    )
    Exchange.objects.bulk_create(
        (
            row
            for answer, (_, _, _, value) in zip(answers, kept, strict=True)
            for row in exchange_rows(answer.pk, value.exchanges)
        ),
        batch_size=BULK_BATCH,
    )
    through = Answer.choices.through
    through.objects.bulk_create(
        (
            through(answer_id=answer.pk, option_id=option_id)
            for answer, (_, _, _, value) in zip(answers, kept, strict=True)
            for option_id in value.choice_ids
        ),
        batch_size=BULK_BATCH,
    )
    AnswerChange.objects.bulk_create(
        (
            AnswerChange(
                response=response,
                question_id=question_id,
                changed_by=membership.user,
                changed_at=now,
                old_value=None,
                new_value=value.snapshot(),
            )
            for response, membership, question_id, value in kept
        ),
        batch_size=BULK_BATCH,
    )


def demo_values(
    bank: Bank, city_slug: str, department: str, salt: str | int, uplift: float = 0.0
) -> dict[int, AnswerValue]:
    """Plausible answers for one officer: the city's level, a department lean, some noise."""
    rng = random.Random(f"{city_slug}|{department}|{salt}")  # noqa: S311  seeded on purpose, no secret
    # The city-level draws do not depend on the round, so a follow-up round differs by uplift.
    city_rng = random.Random(f"{city_slug}|{bank.questionnaire.key}")  # noqa: S311  seeded on purpose
    unknown_city_level = 0.5 + 3 * random.Random(city_slug).random()  # noqa: S311  seeded on purpose
    base = uplift + CITY_BASE_LEVEL.get(city_slug, unknown_city_level)
    # One dimension per city where departments see things very differently: the silo the
    # study is about, so the results always have a disagreement to show.
    silo_section = city_rng.randrange(len(bank.sections))
    lean = {"IT and data": 1.0, "Mobility": -0.6}.get(department, 0.0)
    values: dict[int, AnswerValue] = {}
    for index, section in enumerate(bank.sections):
        level = base + city_rng.uniform(-0.8, 0.8) + rng.uniform(-0.4, 0.4)
        if index == silo_section:
            level += 1.4 * lean
        level += DEMO_AMBITION.get((city_slug, section.dimension.code), 0.0)
        for question in section.questions:
            if question.condition_id is not None and question.pk not in visible_question_ids(
                bank, values
            ):
                continue
            if question.kind == Question.Kind.EXCHANGES:
                value = _demo_exchanges(question, city_slug, department)
            else:
                value = _demo_answer(question, level + rng.uniform(-0.7, 0.7), rng)
            if value is not None:
                values[question.pk] = value
    return values


def _demo_answer(question: Question, level: float, rng: random.Random) -> AnswerValue | None:
    options = list(question.options.all())
    specials = {o.special: o for o in options if o.special}
    target = max(0, min(4, round(level)))
    if question.kind in Question.CHOICE_KINDS:
        if "dont_know" in specials and rng.random() < 0.06:
            return AnswerValue(option_id=specials["dont_know"].pk)
        levelled = [o for o in options if o.level is not None]
        chosen = min(levelled, key=lambda o: (abs(o.level - target), o.level))  # type: ignore[operator]
        comment = "Demo comment: see the department's annual report." if rng.random() < 0.1 else ""
        return AnswerValue(option_id=chosen.pk, comment=comment)
    if question.kind == Question.Kind.MULTI:
        practices = [o for o in options if not o.special]
        ticked = practices[: min(len(practices), target)]
        if not ticked:
            return AnswerValue(choice_ids=(specials["none"].pk,)) if "none" in specials else None
        return AnswerValue(choice_ids=tuple(o.pk for o in ticked))
    if question.kind == Question.Kind.NUMBER:
        low = question.min_value or Decimal(0)
        high = question.max_value or Decimal(100)
        share = Decimal(str(round(min(1.0, max(0.0, level / 4)), 2)))
        return AnswerValue(
            number=(low + (high - low) * share * Decimal("0.5")).quantize(Decimal(1))
        )
    return None


# Who says they exchange what with whom, as (department, direction, partner, means, frequency);
# a partner is another department's name or an external partner's code. Urban planning says it
# receives from Mobility, which Mobility does not report: a one-sided link in every city with
# both; Mobility and IT and data describe their one flow alike, by hand in some cities.
DEMO_EXCHANGES = (
    ("Mobility", "gives", "IT and data", "shared-drive", "weekly"),
    ("Mobility", "receives", "operators", "api-feed", "daily"),
    ("Mobility", "gives", "residents-open-data", "data-platform", "monthly"),
    ("IT and data", "receives", "Mobility", "shared-drive", "weekly"),
    ("IT and data", "gives", "national", "api-feed", "monthly"),
    ("Urban planning", "receives", "Mobility", "email-files", "ad-hoc"),
    ("Urban planning", "receives", "region", "email-files", "monthly"),
)


def _demo_exchanges(question: Question, city_slug: str, department: str) -> AnswerValue | None:
    """The department's exchanges of DEMO_EXCHANGES; in about half the cities Mobility and IT
    and data share through database access instead of a shared drive."""
    options = {option.code: option for option in question.options.all()}
    # A draw of its own, so that the other answers stay what they were before exchanges.
    automated = random.Random(f"{city_slug}|exchanges").random() < 0.5  # noqa: S311  seeded on purpose
    rows = []
    for own, direction, partner, means, frequency in DEMO_EXCHANGES:
        if own != department:
            continue
        if automated and means == "shared-drive":
            means = "database-access"
        external = options.get(partner)
        rows.append(
            ExchangeValue(
                direction=direction,
                means_id=options[means].pk,
                frequency_id=options[frequency].pk,
                partner_department="" if external else partner,
                partner_id=external.pk if external else None,
            )
        )
    return AnswerValue(exchanges=tuple(rows)) if rows else None


DEMO_CONSENSUS_CITY = "antwerp"


def seed_consensus(round_: Round, city_slug: str = DEMO_CONSENSUS_CITY) -> bool:
    """A published consensus for one city (Antwerp), so the demo shows an agreed result: the
    questions all departments answered alike are accepted, each other one settles on the middle
    department's answer. Returns whether one was made (not when it exists already)."""
    city = round_.cities.filter(slug=city_slug).first()
    if city is None or Consensus.objects.filter(round=round_, city=city).exists():
        return False
    facilitator = get_user_model().objects.get(username="facilitator")
    consensus = consensus_get_or_create(round=round_, city=city)
    items = consensus_items(round_, city, consensus)
    if not items:
        return False
    consensus_accept_unanimous(
        consensus=consensus, items=items, expected_version=consensus.version, by=facilitator
    )
    consensus.refresh_from_db()
    middle = {}
    for item in consensus_items(round_, city, consensus):
        if item.agreed is not None:
            continue
        answered = sorted(
            (a for a in item.answers if a.value is not None),
            key=lambda a: (a.level is None, a.level or 0),
        )
        chosen = answered[(len(answered) - 1) // 2].value or AnswerValue()
        middle[item.question.pk] = Agreed(
            AnswerValue(option_id=chosen.option_id, choice_ids=chosen.choice_ids),
            "Agreed in the consensus session after comparing the departments' evidence.",
        )
    consensus = consensus_save(
        consensus=consensus, agreed=middle, expected_version=consensus.version, by=facilitator
    )
    consensus_publish(
        consensus=consensus,
        items=consensus_items(round_, city, consensus),
        expected_version=consensus.version,
        by=facilitator,
    )
    return True


DEMO_PLAN_CITIES = ("antwerp", "rotterdam")


@dataclass(frozen=True)
class DemoAction:
    """How one demo action went: its final status, and its note."""

    status: str
    note: str = ""


# Per next step of the first round (weakest dimension first), how its adopted recommendations
# went before the follow-up: most done, one dropped, the open ones overdue by now.
DEMO_OUTCOMES = (
    (
        DemoAction("done", "Delivered and in use."),
        DemoAction("done", "Delivered."),
        DemoAction("done", "Done with the neighbouring city."),
    ),
    (DemoAction("done", "Delivered."), DemoAction("dropped", "Replaced by a regional project.")),
    (DemoAction("planned"),),
)
# And one the city wrote itself for its weakest dimension, still in progress: (kind, title).
DEMO_OWN_ACTION = ("practice", "Review the quality of our open data every quarter")
DEMO_OWN_OUTCOME = DemoAction("in_progress", "Waiting for the budget decision.")


def seed_plans(follow_up: Round) -> list[str]:
    """Action plans for Antwerp and Rotterdam in the follow-up's questionnaire: the first round's
    next steps adopted after it closed, most done before the follow-up opened, some overdue.
    Returns the names of the cities given a plan (none that have one already)."""
    previous = previous_round(follow_up)
    if previous is None:
        return []
    key = follow_up.questionnaire.key
    seeded = []
    for city in previous.cities.filter(slug__in=DEMO_PLAN_CITIES).order_by("name"):
        if Action.objects.filter(city=city, questionnaire_key=key).exists():
            continue
        report = city_report(previous, city, PeerFigures({}))
        officers = list(Membership.objects.filter(city=city).select_related("user"))
        if not report.next_steps or not officers:
            continue
        _seed_city_plan(previous, follow_up, report.next_steps, officers)
        seeded.append(city.name)
    return seeded


def _seed_city_plan(
    previous: Round,
    follow_up: Round,
    steps: tuple[engine.NextStep, ...],
    officers: list[Membership],
) -> None:
    adopted_on = previous.closes_on + timedelta(days=21)
    between = (follow_up.opens_on - adopted_on).days
    for index, (step, outcomes) in enumerate(zip(steps, DEMO_OUTCOMES, strict=False)):
        recommendations = [*step.skills, *step.tools, *step.practices]
        # (recommendation id or None, kind, title, outcome)
        adopted: list[tuple[int | None, str, str, DemoAction]] = [
            (r.ref, r.kind, r.title, outcome)
            for r, outcome in zip(recommendations, outcomes, strict=False)
        ]
        if index == 0:
            adopted.append((None, *DEMO_OWN_ACTION, DEMO_OWN_OUTCOME))
        for number, (ref, kind, title, outcome) in enumerate(adopted):
            owner = officers[number % len(officers)]
            done = outcome.status == Action.Status.DONE
            due = adopted_on + timedelta(days=between * (number + 2) // 6)
            action = Action(
                city=owner.city,
                questionnaire_key=follow_up.questionnaire.key,
                dimension_code=step.dimension,
                recommendation_id=ref,
                kind=kind,
                title=title,
                department=owner.department,
                due_on=due,
                created_at=_at(adopted_on),
                updated_at=_at(adopted_on),
                updated_by=owner.user,
            )
            action._history_user = owner.user  # type: ignore[attr-defined]
            action._history_date = action.created_at  # type: ignore[attr-defined]
            action.save()
            if outcome.status == Action.Status.PLANNED:
                continue
            changed = due - timedelta(days=10) if done else adopted_on + timedelta(days=60)
            action.status = outcome.status
            action.note = outcome.note
            action.done_on = changed if done else None
            action.updated_at = _at(changed)
            action._history_date = action.updated_at  # type: ignore[attr-defined]
            action.save()


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))
