"""The English catalogue is complete: ``makemessages -l en``, run on a copy of the sources (the
repository's catalogue is never rewritten here), leaves no untranslated and no fuzzy entry.
German is the source language of every text; English the second (config/settings.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.pofile import read_po
from tests.realservices import require

# Not sources of translatable text: tests, benchmarks, docs, vendored static files, local data.
NOT_COPIED = shutil.ignore_patterns(
    ".*", "__pycache__", "var", "media", "staticfiles", "static", "tests", "bench", "docs"
)


def _catalogue_paths() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return [Path(p).relative_to(base) for p in settings.LOCALE_PATHS]


def test_makemessages_leaves_no_untranslated_or_fuzzy_english_entry(tmp_path: Path) -> None:
    require(
        all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")),
        "GNU gettext is not installed (apt-get install gettext)",
    )
    copy = tmp_path / "src"
    shutil.copytree(settings.BASE_DIR, copy, ignore=NOT_COPIED)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(STIMME_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--verbosity", "0"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    problems = []
    for locale_path in _catalogue_paths():
        catalogue = copy / locale_path / "en" / "LC_MESSAGES" / "django.po"
        for entry in read_po(catalogue):
            if entry.obsolete:
                continue
            if entry.fuzzy:
                problems.append(
                    f"fuzzy:        {entry.msgid!r} -> {entry.msgstr!r} ({entry.where})"
                )
            elif not entry.translated:
                problems.append(f"untranslated: {entry.msgid!r} ({entry.where})")
    assert not problems, (
        f"{len(problems)} entries of the English catalogue need a translation "
        "(run `manage.py makemessages -l en`, translate, then `compilemessages`):\n"
        + "\n".join(problems)
    )
