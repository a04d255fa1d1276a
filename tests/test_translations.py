"""French everywhere: every string shown to people has a French translation, and the catalogue is clean.

The strings are extracted the way `makemessages` does it, from a copy of the sources in a temporary
directory (the project's own catalogue is never rewritten by a test), and compared with
`locale/fr_CA/LC_MESSAGES/django.po`. A failure lists each msgid without French and the files it comes
from, so that whoever merges can translate exactly those.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"
# What makemessages reads: the apps and the templates (tests, benchmarks and seeds show nothing to users).
SKIPPED_TOP = {".venv", "locale", "tests", "bench", "seeds", "staticfiles", "node_modules", "test-artifacts", ".git"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    sources: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    return bytes(text[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (header excluded): enough of the format for makemessages' output."""
    entries, entry, target = [], Entry(), None

    def flush():
        nonlocal entry, target
        if entry.msgid or entry.msgstrs:
            if entry.msgid and not entry.obsolete:
                entries.append(entry)
        entry, target = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
            continue
        if line.startswith("#:"):
            entry.sources.extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if target == "msgstr":
                entry.msgstrs[-1] += value
            elif target:
                setattr(entry, target, (getattr(entry, target) or "") + value)
            continue
        if keyword == "msgctxt":
            entry.msgctxt, target = _unquote(rest), "msgctxt"
        elif keyword == "msgid":
            entry.msgid, target = _unquote(rest), "msgid"
        elif keyword == "msgid_plural":
            entry.plural, target = _unquote(rest), "plural"
        elif keyword.startswith("msgstr"):
            entry.msgstrs.append(_unquote(rest))
            target = "msgstr"
    flush()
    return entries


def _copy_sources(destination: Path) -> None:
    for child in ROOT.iterdir():
        if child.name in SKIPPED_TOP or child.name.startswith("."):
            continue
        if child.is_dir():
            shutil.copytree(child, destination / child.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif child.suffix in (".py", ".html", ".txt"):
            shutil.copy2(child, destination / child.name)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[Entry]:
    """The msgids of today's sources, extracted by makemessages into a temporary copy."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (GNU gettext) is needed to extract the messages: apt-get install gettext")
    workdir = tmp_path_factory.mktemp("extract")
    _copy_sources(workdir)
    (workdir / "locale").mkdir()
    here = os.getcwd()
    os.chdir(workdir)
    try:
        with override_settings(LOCALE_PATHS=[str(workdir / "locale")]):
            call_command("makemessages", locale=["fr_CA"], ignore_patterns=["staticfiles"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(here)
    return parse_po((workdir / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue() -> dict[tuple, Entry]:
    return {entry.key: entry for entry in parse_po(CATALOGUE.read_text(encoding="utf-8"))}


def _where(entry: Entry) -> str:
    return ", ".join(entry.sources[:4]) + (" …" if len(entry.sources) > 4 else "")


def _show(entry: Entry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"  msgid {entry.msgid!r}{context}\n      from {_where(entry)}"


def test_every_message_shown_to_users_has_french(extracted, catalogue):
    missing = []
    for entry in extracted:
        known = catalogue.get(entry.key)
        if known is None or not known.msgstrs or not all(text.strip() for text in known.msgstrs) or known.fuzzy:
            missing.append(entry)
        elif entry.plural is not None and known.plural is None:
            missing.append(entry)
    assert not missing, (
        f"{len(missing)} message(s) have no French in {CATALOGUE.relative_to(ROOT)} (run makemessages, translate, "
        "then msgfmt):\n" + "\n".join(_show(entry) for entry in missing)
    )


def test_the_french_catalogue_has_no_fuzzy_or_empty_entry(catalogue):
    bad = [
        entry for entry in catalogue.values()
        if entry.fuzzy or not entry.msgstrs or not all(text.strip() for text in entry.msgstrs)
    ]
    assert not bad, "fuzzy or empty French entries:\n" + "\n".join(
        f"{'fuzzy' if entry.fuzzy else 'empty'}: {_show(entry)}" for entry in bad
    )


def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    """The .mo the site loads says what the .po says (someone forgot msgfmt otherwise)."""
    compiled = CATALOGUE.with_suffix(".mo")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(CATALOGUE)], check=True)
    import gettext

    with compiled.open("rb") as shipped, fresh.open("rb") as rebuilt:
        ours, theirs = gettext.GNUTranslations(shipped)._catalog, gettext.GNUTranslations(rebuilt)._catalog
    stale = sorted(str(key) for key in set(ours) ^ set(theirs) | {k for k in ours if k in theirs and ours[k] != theirs[k]})
    assert not stale, "django.mo is older than django.po; run msgfmt. Differing msgids:\n" + "\n".join(stale[:40])


def test_french_plural_rule_makes_zero_singular():
    """French says « 0 étudiant change de lettre »: 0 and 1 take the singular (Plural-Forms: n > 1)."""
    header = CATALOGUE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert re.search(r"Plural-Forms: nplurals=2; plural=\(n > 1\);", header)
    # Through variables, so that makemessages does not extract the test's own strings.
    singular = "Class average: %(before)s → %(after)s. %(counter)s student changes letter."
    plural = "Class average: %(before)s → %(after)s. %(counter)s students change letter."
    with translation.override("fr-ca"):
        words = {n: translation.ngettext(singular, plural, n) % {"before": 1, "after": 2, "counter": n} for n in (0, 1, 2)}
    assert words[0].endswith("0 étudiant change de lettre.")
    assert words[1].endswith("1 étudiant change de lettre.")
    assert words[2].endswith("2 étudiants changent de lettre.")


def test_short_months_are_written_the_french_way():
    """« 1 déc. », not « 1 Déc »: a short month is Django's `N` (« déc. », "Dec."), never `M` or `b`."""
    date_filter = re.compile(r"""\|date:\s*["']([^"']*)["']""")
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            for fmt in date_filter.findall(line):
                if re.search(r"(?<!\\)[Mb]", fmt):
                    offenders.append(f"{template.relative_to(ROOT)}:{number}: {fmt!r}")
    assert not offenders, "short months with M or b (use N):\n" + "\n".join(offenders)
    with translation.override("fr-ca"):
        import datetime

        from django.utils.formats import date_format

        assert date_format(datetime.date(2026, 12, 1), "j N") == "1 déc."
