"""Model instances from hand-written SQL rows (no database: only the models' metadata)."""

from __future__ import annotations

from polis_assess.sql_rows import columns, instance, optional_instance
from surveys.models import City, Membership


def test_columns_lists_every_concrete_column_in_field_order():
    assert columns(City, "c") == 'c."id", c."name", c."country", c."slug"'
    assert columns(Membership, "m") == 'm."id", m."user_id", m."city_id", m."department"'


def test_instances_are_read_off_a_row_in_turn_as_loaded_rows():
    row = (7, "Antwerp", "BE", "antwerp", 3, 11, 7, "Mobility", "left over")

    city, rest = instance(City, row)
    membership, rest = instance(Membership, rest)

    assert (city.pk, city.name, city.country, city.slug) == (7, "Antwerp", "BE", "antwerp")
    assert (membership.pk, membership.user_id, membership.city_id) == (3, 11, 7)
    assert membership.department == "Mobility"
    assert rest == ("left over",)
    assert city._state.adding is False
    assert city._state.db == "default"


def test_an_optional_instance_is_none_where_a_left_join_found_nothing():
    membership, rest = optional_instance(Membership, (None, None, None, None, "next"))

    assert membership is None
    assert rest == ("next",)
