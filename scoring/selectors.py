"""Access-checked reads for results: officers see only their own city, facilitators all."""

from __future__ import annotations

from django.http import Http404

from surveys.models import City, Round
from surveys.selectors import AnyUser, is_facilitator, membership_for


def round_and_city_for(user: AnyUser, round_id: int, city_slug: str) -> tuple[Round, City]:
    """A round and a city taking part in it that the user may see; 404 otherwise."""
    round_ = Round.objects.select_related("questionnaire").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    membership = membership_for(user)
    if membership is not None and membership.city.slug == city_slug:
        city = round_.cities.filter(pk=membership.city_id).first()
    elif is_facilitator(user):
        city = round_.cities.filter(slug=city_slug).first()
    else:
        raise Http404
    if city is None:
        raise Http404
    return round_, city


def round_for_results(user: AnyUser, round_id: int) -> tuple[Round, list[City]]:
    """A round and the cities whose results the user may see in it; 404 if none."""
    round_ = Round.objects.select_related("questionnaire").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    if is_facilitator(user):
        return round_, list(round_.cities.order_by("name"))
    membership = membership_for(user)
    if membership is None:
        raise Http404
    cities = list(round_.cities.filter(pk=membership.city_id))
    if not cities:
        raise Http404
    return round_, cities


def round_for_facilitator(user: AnyUser, round_id: int) -> Round:
    """Any round, for facilitators only; 404 for everyone else."""
    if not is_facilitator(user):
        raise Http404
    round_ = Round.objects.select_related("questionnaire").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    return round_
