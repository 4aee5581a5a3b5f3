"""Read and write bank YAML files."""

from __future__ import annotations

from pathlib import Path

import yaml

from surveys.banks.reading import parse_bank
from surveys.banks.spec import BankError, BankInvalid, BankSpec
from surveys.banks.store import bank_to_data


def bank_load_file(path: Path) -> BankSpec:
    """Parse and validate one bank file; raise BankInvalid naming the file and items."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BankInvalid(
            [BankError("file", f"cannot be read: {error.strerror}")], str(path)
        ) from None
    except yaml.YAMLError as error:
        raise BankInvalid([BankError("file", f"is not valid YAML: {error}")], str(path)) from None
    return parse_bank(data, source=str(path))


def bank_dump(spec: BankSpec) -> str:
    """The YAML text of a bank, in the layout of the files in fixtures/."""
    return yaml.safe_dump(
        bank_to_data(spec), sort_keys=False, allow_unicode=True, width=100, indent=2
    )
