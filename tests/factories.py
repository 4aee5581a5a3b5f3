"""factory-boy factories for the rows tests need besides the real question banks."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from surveys.models import City, Membership, Response, Round

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class FacilitatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"facilitator{n}")

    @factory.post_generation
    def permission(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(Permission.objects.get(codename="facilitate_round"))


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "BE"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)
    department = "Mobility"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    title = factory.Sequence(lambda n: f"Round {n}")
    opens_on = datetime.date(2021, 6, 1)
    closes_on = datetime.date(2021, 9, 30)
    status = Round.Status.OPEN


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    department = "Mobility"
