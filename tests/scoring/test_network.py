"""The data-sharing network of a city (scoring/network.py): flows, one-sided links, isolated
departments and manual-only channels, from reports alone (no database)."""

from __future__ import annotations

from scoring.network import GIVES, RECEIVES, Party, Report, network_for


def _department(name):
    return Party(is_department=True, key=name, label=name)


OPERATORS = Party(is_department=False, key="operators", label="Shared-mobility operators")


def _report(department, direction, partner, *, automated=False, frequency=2, means="E-mail"):
    return Report(
        department=department,
        direction=direction,
        partner=partner if isinstance(partner, Party) else _department(partner),
        means=means,
        automated=automated,
        frequency=frequency,
        frequency_name=f"level {frequency}",
    )


def test_a_department_giving_to_another_that_reports_nothing_is_a_one_sided_link():
    network = network_for(
        [_report("Mobility", GIVES, "IT and data")], participants={"Mobility", "IT and data"}
    )

    (link,) = network.one_sided
    assert (link.reporter, link.silent, link.reporter_gives) == ("Mobility", "IT and data", True)
    assert (link.edge.source.key, link.edge.target.key) == ("Mobility", "IT and data")


def test_a_department_receiving_from_one_that_reports_giving_nothing_is_a_one_sided_link():
    network = network_for(
        [
            _report("Mobility", RECEIVES, "IT and data"),
            # IT and data reports a flow the other way only: not the one Mobility names.
            _report("IT and data", RECEIVES, "Mobility"),
        ],
        participants={"Mobility", "IT and data"},
    )

    assert sorted(
        (link.reporter, link.silent, link.reporter_gives) for link in network.one_sided
    ) == [
        ("IT and data", "Mobility", False),
        ("Mobility", "IT and data", False),
    ]


def test_a_flow_both_departments_report_is_one_confirmed_edge():
    network = network_for(
        [
            _report("Mobility", GIVES, "IT and data", frequency=1),
            _report("IT and data", RECEIVES, "Mobility", frequency=3, means="API", automated=True),
        ],
        participants={"Mobility", "IT and data"},
    )

    (edge,) = network.edges
    assert (edge.source.key, edge.target.key) == ("Mobility", "IT and data")
    assert edge.reported_by == ("IT and data", "Mobility")
    assert (edge.means, edge.automated, edge.weight, edge.frequency_name) == (
        ("API", "E-mail"),
        True,
        4,
        "level 3",
    )
    assert network.one_sided == ()


def test_silence_of_a_department_that_did_not_take_part_is_no_one_sided_link():
    network = network_for([_report("Mobility", GIVES, "Parking")], participants={"Mobility"})

    assert network.one_sided == ()
    assert [node.key for node in network.nodes] == ["Mobility", "Parking"]


def test_a_department_with_only_external_partners_is_isolated():
    network = network_for(
        [
            _report("Mobility", RECEIVES, OPERATORS, automated=True),
            _report("IT and data", GIVES, "Parking"),
        ],
        participants={"Mobility", "IT and data", "Parking"},
    )

    assert network.isolated == ("Mobility",)


def test_a_department_named_only_by_others_is_not_isolated():
    network = network_for(
        [_report("IT and data", GIVES, "Parking")], participants={"IT and data", "Parking"}
    )

    assert network.isolated == ()


def test_departments_exchanging_only_by_manual_means_form_a_manual_only_channel():
    network = network_for(
        [
            _report("Mobility", GIVES, "IT and data"),
            _report("IT and data", GIVES, "Mobility", means="Shared drive"),
            _report("Mobility", GIVES, "Parking"),
            _report("Parking", GIVES, "Mobility", means="API", automated=True),
        ],
        participants={"Mobility", "IT and data", "Parking"},
    )

    (channel,) = network.manual_only
    assert (channel.first, channel.second, len(channel.edges)) == ("IT and data", "Mobility", 2)


def test_a_manual_channel_with_a_department_that_did_not_answer_is_not_flagged():
    network = network_for([_report("Mobility", GIVES, "Parking")], participants={"Mobility"})

    assert network.manual_only == ()


def test_exchanges_with_external_partners_are_edges_but_never_flags():
    network = network_for(
        [_report("Mobility", RECEIVES, OPERATORS, frequency=4, means="API", automated=True)],
        participants={"Mobility"},
    )

    (edge,) = network.edges
    assert (edge.source, edge.target.key, edge.weight) == (OPERATORS, "Mobility", 5)
    assert (network.one_sided, network.manual_only) == ((), ())
    assert network.isolated == ("Mobility",)


def test_counts_and_automated_share_are_per_flow():
    network = network_for(
        [
            _report("Mobility", RECEIVES, OPERATORS, automated=True),
            _report("Mobility", RECEIVES, OPERATORS, means="E-mail"),
            _report("Mobility", GIVES, "IT and data"),
            _report("IT and data", RECEIVES, "Mobility"),
        ],
        participants={"Mobility", "IT and data"},
    )

    assert network.exchange_count == 2
    assert network.automated_share == 0.5


def test_an_empty_network_has_no_share_and_every_participant_isolated():
    network = network_for([], participants={"Mobility"})

    assert (network.is_empty, network.automated_share, network.isolated) == (
        True,
        None,
        ("Mobility",),
    )


def test_a_department_naming_itself_makes_no_edge():
    network = network_for([_report("Mobility", GIVES, "Mobility")], participants={"Mobility"})

    assert network.edges == ()


def test_the_worked_example_of_docs_scoring_md():
    network = network_for(
        [
            _report("Mobility", GIVES, "IT and data", means="Shared drive", frequency=2),
            _report("Mobility", RECEIVES, OPERATORS, means="API", automated=True, frequency=4),
            _report("IT and data", RECEIVES, "Mobility", means="Shared drive", frequency=2),
            _report("Urban planning", RECEIVES, "Mobility", means="E-mail", frequency=0),
        ],
        participants={"Mobility", "IT and data", "Urban planning"},
    )

    assert [(e.source.key, e.target.key, e.automated, e.weight) for e in network.edges] == [
        ("operators", "Mobility", True, 5),
        ("Mobility", "IT and data", False, 3),
        ("Mobility", "Urban planning", False, 1),
    ]
    assert round(network.automated_share, 2) == 0.33
    (link,) = network.one_sided
    assert (link.reporter, link.silent, link.reporter_gives) == (
        "Urban planning",
        "Mobility",
        False,
    )
    assert network.isolated == ()
    assert [(c.first, c.second) for c in network.manual_only] == [
        ("IT and data", "Mobility"),
        ("Mobility", "Urban planning"),
    ]
