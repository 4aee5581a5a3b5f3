"""Model instances from hand-written SQL, for the few reads that every signed-in request makes.

Compiling a QuerySet costs more than running a query that returns one row by key; these
helpers let such a read be written once as SQL and still give model instances that the rest of
the code cannot tell from the ORM's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def columns(model: type[M], alias: str) -> str:
    """The model's columns in field order, for a SELECT list: `alias."column", ...`."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def instance(model: type[M], row: Sequence[Any]) -> tuple[M, Sequence[Any]]:
    """An instance of ``model`` from the start of a row of `columns`, loaded as the ORM loads
    one (`Model.from_db`: it exists in the database), and the rest of the row."""
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, row[: len(names)]), row[len(names) :]


def optional_instance(model: type[M], row: Sequence[Any]) -> tuple[M | None, Sequence[Any]]:
    """As `instance`, but None where a LEFT JOIN found no row (its primary key is NULL)."""
    fields = model._meta.concrete_fields
    if row[fields.index(model._meta.pk)] is None:
        return None, row[len(fields) :]
    return instance(model, row)
