"""The interface in Dutch and French: every message translated, none fuzzy, none missing.

`make messages` collects the messages of templates and Python into locale/*/django.po; a
developer then translates the new ones. These tests fail when that was forgotten.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
# Where interface messages are written: what `make messages` reads.
SOURCES = ("templates", "static", "polis_assess", "surveys", "scoring", "operations")
PLURAL_FORMS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}


def _entries(path: Path) -> list[tuple[str, list[str], str]]:
    """(msgid, msgstrs, flags) of every entry but the header, as GNU gettext writes a .po."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) "(.*)"$', line)
            if match:
                current = match[1]
                fields[current] = match[2]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strings = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append((fields["msgid"], strings, flags))
    return entries


def test_there_is_a_catalogue_per_language_but_english():
    assert [path.parent.parent.name for path in CATALOGUES] == ["fr", "nl"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    entries = _entries(path)

    assert len(entries) > 300
    assert [msgid for msgid, strings, _flags in entries if not all(strings)] == []
    assert [msgid for msgid, _strings, flags in entries if "fuzzy" in flags] == []
    assert "fuzzy" not in path.read_text(encoding="utf-8").split("\n\n", 1)[0]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_the_catalogue_compiles_with_its_languages_plural_rule(path):
    language = path.parent.parent.name
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]

    assert f'"Plural-Forms: {PLURAL_FORMS[language]}\\n"' in header
    assert f'"Language: {language}\\n"' in header
    # --check: every placeholder of a msgid is in its translation, the plural rule is valid.
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "untranslated" not in checked.stderr
    assert "fuzzy" not in checked.stderr


def test_the_catalogues_hold_every_message_of_the_code(tmp_path, monkeypatch):
    # Collect the messages again, into a copy: nothing may be new. makemessages writes to the
    # locale folder nearest each source file, so it runs in a folder of links to the sources.
    for source in SOURCES:
        (tmp_path / source).symlink_to(Path(settings.BASE_DIR) / source)
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[copy]):
        call_command(
            "makemessages", locale=["nl", "fr"], symlinks=True, no_obsolete=True, verbosity=0
        )

    for path in CATALOGUES:
        fresh = copy / path.relative_to(LOCALE)
        known = {msgid for msgid, _strings, _flags in _entries(path)}
        new = [msgid for msgid, _strings, _flags in _entries(fresh) if msgid not in known]
        assert new == [], f"{path}: run `make messages` and translate these"
