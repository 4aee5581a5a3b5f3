"""The bridge from stored data exchanges to the network: a round's exchange rows read once (per
city or for every city), turned into `scoring.network` reports, and the rows of the export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from scoring.network import Network, Party, Report, network_for
from scoring.network_chart import network_figure
from surveys.models import City, Exchange, Option, Question, Response, Round
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


def exchange_rows(round_: Round, city_ids: Iterable[int] | None = None) -> list[ExchangeRow]:
    """The exchanges of the round's submitted responses (of ``city_ids`` only, if given), by
    city, department and the order typed; one query, the options come from the cached bank."""
    bank = bank_for(round_.questionnaire)
    rows = Exchange.objects.filter(
        answer__response__round=round_, answer__response__status=Response.Status.SUBMITTED
    )
    if city_ids is not None:
        rows = rows.filter(answer__response__city_id__in=list(city_ids))
    options = bank.options_by_id
    return [
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
        for (
            city_id,
            city_name,
            department,
            direction,
            partner_department,
            partner_id,
            means_id,
            frequency_id,
        ) in rows.order_by(
            "answer__response__city__name",
            "answer__response__department",
            "answer__response_id",
            "position",
            "id",
        ).values_list(
            "answer__response__city_id",
            "answer__response__city__name",
            "answer__response__department",
            "direction",
            "partner_department",
            "partner_id",
            "means_id",
            "frequency_id",
        )
    ]


def round_networks(round_: Round, city_ids: Iterable[int] | None = None) -> dict[int, Network]:
    """Each city's network in the round (two queries whatever the number of cities); empty
    when the round's bank asks no data exchanges."""
    if not asks_exchanges(bank_for(round_.questionnaire)):
        return {}
    city_ids = None if city_ids is None else list(city_ids)
    participants: dict[int, set[str]] = defaultdict(set)
    responses = Response.objects.filter(round=round_, status=Response.Status.SUBMITTED)
    if city_ids is not None:
        responses = responses.filter(city_id__in=city_ids)
    for city_id, department in responses.values_list("city_id", "department").distinct():
        participants[city_id].add(department)
    reports: dict[int, list[Report]] = defaultdict(list)
    for row in exchange_rows(round_, city_ids):
        reports[row.city_id].append(row.report())
    return {
        city_id: network_for(reports[city_id], departments)
        for city_id, departments in participants.items()
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
    """The dashboard's data-sharing line of each of ``cities`` (two queries for all); None
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
