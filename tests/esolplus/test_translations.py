"""Every learner-facing message is translated into every site language, and the catalogues are current."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LOCALE = settings.BASE_DIR / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")


def catalogue(code: str):
    with (LOCALE / code / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=code)


def messages(catalog):
    return [message for message in catalog if message.id]


def test_makefile_extracts_every_site_language():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    listed = re.search(r"^MESSAGE_LANGUAGES := (.+)$", makefile, re.MULTILINE)[1].split()
    assert sorted(listed) == sorted(TRANSLATED)


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_is_complete(code):
    catalog = catalogue(code)
    assert len(messages(catalog)) > 50
    untranslated = [m.id for m in messages(catalog) if not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m.id for m in messages(catalog) if m.fuzzy]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders(code):
    for message in messages(catalogue(code)):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == expected or len(ids) > 1, (code, message.id, string)


@pytest.mark.parametrize("code", ["ar", "pl", "ti"])
def test_compiled_catalogues_are_used(code):
    with translation.override(code):
        assert translation.gettext("Find an English class near you") != "Find an English class near you"


def test_catalogues_match_the_source(tmp_path):
    """Re-extract the messages from a copy of the code: nothing new may be missing from the catalogues."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have GNU gettext (xgettext); .ci/run installs it")
        pytest.skip("needs GNU gettext (xgettext), which .ci/run installs")
    for name in [
        "esolplus",
        "finder",
        "evaluation",
        "devtools",
        "templates",
        "locale",
        "manage.py",
        "Makefile",
        "requirements.txt",
    ]:
        source = settings.BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    result = subprocess.run(
        [shutil.which("make"), "-o", "install", "messages", f"PY={sys.executable}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for code in TRANSLATED:
        fresh = {m.id for m in messages(read_po((tmp_path / "locale" / code / "LC_MESSAGES" / "django.po").open("rb")))}
        committed = {m.id for m in messages(catalogue(code))}
        assert fresh == committed, (
            f"{code}: run `make messages` and translate: {sorted(map(str, fresh ^ committed))[:5]}"
        )
