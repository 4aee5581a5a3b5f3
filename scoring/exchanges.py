"""The bridge from stored data exchanges to the network: a round's exchange rows read once (per
city or for every city), turned into `scoring.network` reports, and the rows of the export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from scoring.network import Network, Party, Report, network_for
from scoring.network_chart import network_figure
from surveys.models import City, Option, Question, Response, Round
from surveys.structure import Bank, bank_for


@dataclass(frozen=True)
class ExchangeRow:
    """One stored exchange with its city, department and the options it points at."""

    city_id: int
    city_name: str
    department: str
    direction: str
    partner_department: str
    partner: Option | None
    means: Option
    frequency: Option

    @property
    def partner_party(self) -> Party:
        if self.partner is None:
            return Party(
                is_department=True, key=self.partner_department, label=self.partner_department
            )
        return Party(is_department=False, key=self.partner.code, label=str(self.partner.label))

    def report(self) -> Report:
        return Report(
            department=self.department,
            direction=self.direction,
            partner=self.partner_party,
            means=str(self.means.label),
            automated=self.means.automated,
            frequency=self.frequency.level or 0,
            frequency_name=str(self.frequency.label),
        )


def asks_exchanges(bank: Bank) -> bool:
    """Whether the round's bank has a data-exchanges question (else it has no network)."""
    return any(q.kind == Question.Kind.EXCHANGES for q in bank.questions())


@dataclass(frozen=True)
class RoundExchanges:
    """A round's submitted exchanges, and the departments of each city that submitted."""

    rows: list[ExchangeRow]
    participants: dict[int, set[str]]


def round_exchanges(round_: Round, city_ids: Iterable[int] | None = None) -> RoundExchanges:
    """The exchanges of the round's submitted responses (of ``city_ids`` only, if given), by
    city, department and the order typed, with every submitting department: one query (each
    submitted response joined to the rows of its data-exchanges answer, if any); the options
    come from the cached bank."""
    bank = bank_for(round_.questionnaire)
    asking = [q.pk for q in bank.questions() if q.kind == Question.Kind.EXCHANGES]
    responses = Response.objects.filter(round=round_, status=Response.Status.SUBMITTED)
    if city_ids is not None:
        responses = responses.filter(city_id__in=list(city_ids))
    joined = (
        responses.annotate(
            exchange_answer=FilteredRelation(
                "answers", condition=Q(answers__question_id__in=asking)
            )
        )
        .order_by(
            "city__name",
            "department",
            "pk",
            "exchange_answer__exchanges__position",
            "exchange_answer__exchanges__id",
        )
        .values_list(
            "city_id",
            "city__name",
            "department",
            "exchange_answer__exchanges__direction",
            "exchange_answer__exchanges__partner_department",
            "exchange_answer__exchanges__partner_id",
            "exchange_answer__exchanges__means_id",
            "exchange_answer__exchanges__frequency_id",
        )
    )
    options = bank.options_by_id
    rows = []
    participants: dict[int, set[str]] = defaultdict(set)
    for (
        city_id,
        city_name,
        department,
        direction,
        partner_department,
        partner_id,
        means_id,
        frequency_id,
    ) in joined:
        participants[city_id].add(department)
        if direction is None:
            continue  # a response without exchanges
        rows.append(
            ExchangeRow(
                city_id=city_id,
                city_name=city_name,
                department=department,
                direction=direction,
                partner_department=partner_department,
                partner=options[partner_id] if partner_id is not None else None,
                means=options[means_id],
                frequency=options[frequency_id],
            )
        )
    return RoundExchanges(rows=rows, participants=participants)


def round_networks(round_: Round, city_ids: Iterable[int] | None = None) -> dict[int, Network]:
    """Each city's network in the round (one query whatever the number of cities); empty
    when the round's bank asks no data exchanges."""
    if not asks_exchanges(bank_for(round_.questionnaire)):
        return {}
    exchanges = round_exchanges(round_, city_ids)
    reports: dict[int, list[Report]] = defaultdict(list)
    for row in exchanges.rows:
        reports[row.city_id].append(row.report())
    return {
        city_id: network_for(reports[city_id], departments)
        for city_id, departments in exchanges.participants.items()
    }


def city_network(round_: Round, city_id: int) -> Network | None:
    """The city's network in the round; None when the round's bank asks no data exchanges."""
    if not asks_exchanges(bank_for(round_.questionnaire)):
        return None
    return round_networks(round_, [city_id]).get(city_id) or network_for([], ())


@dataclass(frozen=True)
class CityNetworkRow:
    """A city's line of the dashboard's data-sharing table (``network`` None: no submission)."""

    city: City
    network: Network | None


def dashboard_networks(round_: Round, cities: Iterable[City]) -> list[CityNetworkRow] | None:
    """The dashboard's data-sharing line of each of ``cities`` (one query for all); None
    when the round's bank asks no data exchanges."""
    if not asks_exchanges(bank_for(round_.questionnaire)):
        return None
    cities = list(cities)
    networks = round_networks(round_, [city.pk for city in cities])
    return [CityNetworkRow(city=city, network=networks.get(city.pk)) for city in cities]


def network_context(round_: Round, city_id: int) -> dict[str, object]:
    """What templates/scoring/includes/network.html needs: the network and its picture;
    nothing where the round's bank asks no data exchanges."""
    network = city_network(round_, city_id)
    if network is None:
        return {}
    return {"network": network, "network_figure": network_figure(network)}
