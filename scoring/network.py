"""A city's data-sharing network, drawn from the exchanges its departments report, and its flags
(one-sided links, isolated departments, manual-only channels): plain Python, no Django."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

RECEIVES = "receives"
GIVES = "gives"


@dataclass(frozen=True, order=True)
class Party:
    """A node of the network: one of the city's departments (by name) or an external partner
    (by its option code)."""

    is_department: bool
    key: str
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.key


@dataclass(frozen=True)
class Report:
    """One exchange as an officer of ``department`` reported it: data it ``direction``
    (receives from / gives to) ``partner``, by a means (its name, and whether it is
    automated), so often (the frequency's level, 0 for ad hoc to 4 for real time, and name)."""

    department: str
    direction: str
    partner: Party
    means: str
    automated: bool
    frequency: int
    frequency_name: str = ""

    @property
    def flow(self) -> tuple[Party, Party]:
        """Who gives the data to whom."""
        own = Party(is_department=True, key=self.department, label=self.department)
        return (own, self.partner) if self.direction == GIVES else (self.partner, own)


@dataclass(frozen=True)
class Edge:
    """Data flowing from ``source`` to ``target``, by every report of it: the means used,
    whether any of them is automated, its weight (the highest frequency level reported, plus
    one, so that ad hoc still counts) and that frequency's name, and the departments that
    reported it."""

    source: Party
    target: Party
    means: tuple[str, ...]
    automated: bool
    weight: int
    reported_by: tuple[str, ...]
    frequency_name: str = ""

    @property
    def between_departments(self) -> bool:
        return self.source.is_department and self.target.is_department


@dataclass(frozen=True)
class OneSidedLink:
    """A flow between two departments that only one of them reports, although the other took
    part: ``reporter`` says it gives to (or receives from) ``silent``, who reports nothing of
    the kind."""

    edge: Edge
    reporter: str
    silent: str

    @property
    def reporter_gives(self) -> bool:
        return self.edge.source.key == self.reporter


@dataclass(frozen=True)
class Channel:
    """The flows between two departments (in either direction) that both took part, when none
    of them is automated."""

    first: str
    second: str
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Network:
    nodes: tuple[Party, ...]
    edges: tuple[Edge, ...]
    one_sided: tuple[OneSidedLink, ...]
    isolated: tuple[str, ...]
    manual_only: tuple[Channel, ...]

    @property
    def is_empty(self) -> bool:
        return not self.edges

    @property
    def exchange_count(self) -> int:
        return len(self.edges)

    @property
    def automated_share(self) -> float | None:
        """The share of flows with an automated means, 0-1 (None without flows)."""
        if not self.edges:
            return None
        return sum(edge.automated for edge in self.edges) / len(self.edges)

    def edges_of(self, party: Party) -> list[Edge]:
        return [edge for edge in self.edges if party in (edge.source, edge.target)]


def network_for(reports: Iterable[Report], participants: Collection[str]) -> Network:
    """The network of a city's ``reports``; ``participants`` are the departments that took
    part (submitted a response that asks the question), whose silence therefore counts."""
    reports = list(reports)
    edges = _edges(reports)
    nodes = sorted(
        {party for edge in edges for party in (edge.source, edge.target)}
        | {Party(is_department=True, key=name, label=name) for name in participants}
    )
    return Network(
        nodes=tuple(nodes),
        edges=edges,
        one_sided=_one_sided(edges, participants),
        isolated=_isolated(edges, participants),
        manual_only=_manual_only(edges, participants),
    )


def _edges(reports: list[Report]) -> tuple[Edge, ...]:
    by_flow: dict[tuple[Party, Party], list[Report]] = defaultdict(list)
    for report in reports:
        source, target = report.flow
        if source.key == target.key and source.is_department == target.is_department:
            continue  # a department's exchanges with itself are no link
        by_flow[_keyed(source), _keyed(target)].append(report)
    edges = []
    for (source, target), flow_reports in sorted(by_flow.items()):
        labelled = {_keyed(p): p for r in flow_reports for p in r.flow}
        most_often = max(flow_reports, key=lambda r: r.frequency)
        edges.append(
            Edge(
                source=labelled[source],
                target=labelled[target],
                means=tuple(sorted({r.means for r in flow_reports})),
                automated=any(r.automated for r in flow_reports),
                weight=most_often.frequency + 1,
                reported_by=tuple(sorted({r.department for r in flow_reports})),
                frequency_name=most_often.frequency_name,
            )
        )
    return tuple(edges)


def _keyed(party: Party) -> Party:
    # Parties are the same node whatever label a report carried.
    return Party(is_department=party.is_department, key=party.key)


def _one_sided(edges: tuple[Edge, ...], participants: Collection[str]) -> tuple[OneSidedLink, ...]:
    links = []
    for edge in edges:
        if not edge.between_departments:
            continue
        sides = {edge.source.key, edge.target.key}
        reporters = sides & set(edge.reported_by)
        if len(reporters) != 1:
            continue
        (reporter,) = reporters
        (silent,) = sides - reporters
        if silent in participants:
            links.append(OneSidedLink(edge=edge, reporter=reporter, silent=silent))
    return tuple(links)


def _isolated(edges: tuple[Edge, ...], participants: Collection[str]) -> tuple[str, ...]:
    """Departments that took part and exchange data with no other department (either side's
    report counts; exchanges with external partners only leave a department isolated)."""
    linked = {
        party.key
        for edge in edges
        if edge.between_departments
        for party in (edge.source, edge.target)
    }
    return tuple(sorted(set(participants) - linked))


def _manual_only(edges: tuple[Edge, ...], participants: Collection[str]) -> tuple[Channel, ...]:
    pairs: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in edges:
        if edge.between_departments and {edge.source.key, edge.target.key} <= set(participants):
            first, second = sorted((edge.source.key, edge.target.key))
            pairs[first, second].append(edge)
    return tuple(
        Channel(first=first, second=second, edges=tuple(pair_edges))
        for (first, second), pair_edges in sorted(pairs.items())
        if not any(edge.automated for edge in pair_edges)
    )
