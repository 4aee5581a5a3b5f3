"""A bank file survives load → `export_bank` → parse unchanged, so exports can be edited and reloaded."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from surveys.banks.files import bank_dump, bank_load_file
from surveys.banks.reading import parse_bank
from surveys.banks.store import bank_read
from surveys.models import Questionnaire
from tests.conftest import BANK_FILES

pytestmark = pytest.mark.django_db

BANKS = pytest.mark.parametrize("path", BANK_FILES, ids=[path.stem for path in BANK_FILES])


def _export(key: str, *args: str) -> str:
    out = StringIO()
    call_command("export_bank", key, *args, stdout=out)
    return out.getvalue()


def test_both_real_banks_are_checked():
    assert [path.name for path in BANK_FILES] == [
        "data-driven-government.yaml",
        "insight-driven-mobility.yaml",
    ]


@BANKS
def test_export_parses_to_the_same_spec_as_the_file(banks, path):
    original = bank_load_file(path)

    exported = parse_bank(yaml.safe_load(_export(original.key)))

    assert exported == original


@BANKS
def test_stored_bank_reads_back_as_the_file_spec(banks, path):
    original = bank_load_file(path)

    assert bank_read(banks[original.key]) == original


@BANKS
def test_export_loaded_under_a_new_version_differs_only_in_version(banks, path, tmp_path):
    original = bank_load_file(path)
    data = yaml.safe_load(_export(original.key))
    data["version"] = 2
    copy_path = tmp_path / path.name
    copy_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    call_command("load_bank", str(copy_path), stdout=StringIO())

    reloaded = Questionnaire.objects.get(key=original.key, version=2)
    assert reloaded.status == "draft"
    assert bank_read(reloaded) == dataclasses.replace(original, version=2)


@BANKS
def test_export_of_an_export_is_byte_identical(banks, path):
    original = bank_load_file(path)
    exported = _export(original.key)

    assert bank_dump(parse_bank(yaml.safe_load(exported))) == exported


def test_export_to_a_file_with_output_option(ddg, tmp_path):
    target = tmp_path / "ddg.yaml"

    message = _export(ddg.key, "--version", "1", "--output", str(target))

    assert message == f"Wrote data-driven-government v1 to {target}\n"
    assert bank_load_file(target) == bank_read(ddg)
    assert target.read_text(encoding="utf-8") == bank_dump(bank_read(ddg))


def test_export_of_an_unknown_version_names_key_and_version(ddg):
    with pytest.raises(CommandError) as error:
        _export(ddg.key, "--version", "99")

    assert str(error.value) == "No questionnaire with key 'data-driven-government' and version 99"
