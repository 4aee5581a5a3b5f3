"""The account backend loads the signed-in user with their membership and city in one query."""

from __future__ import annotations

from polis_assess.auth import AccountBackend
from tests.factories import MembershipFactory, UserFactory


def test_an_officer_comes_with_membership_and_city_in_one_query(db, django_assert_max_num_queries):
    membership = MembershipFactory(department="Mobility", city__name="Mechelen")

    with django_assert_max_num_queries(1):
        user = AccountBackend().get_user(membership.user_id)
        assert user is not None
        assert user.username == membership.user.username
        assert user.membership.department == "Mobility"
        assert user.membership.city.name == "Mechelen"
        assert user.membership.user is user
    assert user._state.adding is False


def test_a_user_without_a_city_is_known_to_have_no_membership(db, django_assert_max_num_queries):
    person = UserFactory()

    with django_assert_max_num_queries(1):
        user = AccountBackend().get_user(person.pk)
        assert user is not None
        assert not hasattr(user, "membership")


def test_an_inactive_or_missing_user_is_nobody(db):
    inactive = UserFactory(is_active=False)

    assert AccountBackend().get_user(inactive.pk) is None
    assert AccountBackend().get_user(inactive.pk + 1000) is None
