"""The Dutch catalogues: complete, no fuzzy entries, placeholders kept, compiled, and used.

Every `*/locale/nl/LC_MESSAGES/django.po` (and the project's `locale/nl/...`) is one case,
so an app whose catalogue is still being written fails only its own case.
A small .po reader is used instead of a dependency (polib): it reads what makemessages
writes (comments, flags, msgctxt, plurals, continued strings, obsolete `#~` entries).
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGE = "nl"


def catalogue_paths() -> list[Path]:
    found = [
        BASE_DIR / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po",
        *sorted(BASE_DIR.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/django.po")),
    ]
    # Hidden folders (.venv, .git, ...) hold no catalogues of ours.
    return [p for p in found if p.is_file() and not any(part.startswith(".") for part in p.relative_to(BASE_DIR).parts)]


CATALOGUES = catalogue_paths()


def rel(path: Path) -> str:
    return path.relative_to(BASE_DIR).as_posix()


# --- a small .po reader -------------------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def label(self, path: Path) -> str:
        return f"{rel(path)}:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete `#~` entries are skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    pending_flags: set[str] = set()
    key: tuple[str, int | None] | None = None
    seen_msgstr = False

    def finish():
        nonlocal entry, key, seen_msgstr
        if entry is not None:
            entries.append(entry)
        entry, key, seen_msgstr = None, None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if seen_msgstr:
                finish()
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue  # translator, extracted, reference, previous (#|) and obsolete (#~) lines
        if line.startswith('"'):
            if entry is None or key is None:
                raise ValueError(f"{rel(path)}:{number}: continued string outside an entry")
            name, index = key
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if not match:
            raise ValueError(f"{rel(path)}:{number}: cannot read {raw!r}")
        name, index, value = match.group(1), match.group(2), _unquote(match.group(3))
        if name in ("msgctxt", "msgid") and (entry is None or seen_msgstr or (name == "msgctxt" and entry.msgid)):
            finish()
        if entry is None:
            entry = Entry(line=number, flags=pending_flags)
            pending_flags = set()
        if name == "msgstr":
            seen_msgstr = True
            i = int(index) if index is not None else 0
            entry.msgstr[i] = value
            key = ("msgstr", i)
        else:
            setattr(entry, name, value)
            key = (name, None)
    finish()
    return entries


def nplurals(entries: list[Entry]) -> int:
    header = next((e for e in entries if e.is_header), None)
    found = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, "")) if header else None
    return int(found.group(1)) if found else 2


def messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if not e.is_header]


# --- placeholders -------------------------------------------------------------------------------------------------

_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conv>[diouxXeEfFgGcrsab%])"
)
_BRACE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def python_placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """(named, positional in order, invalid) %-placeholders of a python-format string."""
    named, positional, invalid = set(), [], []
    pos = 0
    while (start := text.find("%", pos)) != -1:
        match = _PERCENT.match(text, start)
        if match is None:
            invalid.append(text[start : start + 3])
            pos = start + 1
            continue
        pos = match.end()
        # Flags and width may differ ("% i" and "%-i" take the same argument); the name and type may not.
        conv = {"i": "d", "u": "d"}.get(match.group("conv"), match.group("conv"))
        if match.group("name") is not None:
            named.add(f"%({match.group('name')}){conv}")
        elif conv != "%":
            positional.append(f"%{conv}")
    return frozenset(named), tuple(positional), tuple(invalid)


def placeholder_problem(source: str, translated: str, flags: set[str]) -> str | None:
    if "python-brace-format" in flags:
        want, got = sorted(set(_BRACE.findall(source))), sorted(set(_BRACE.findall(translated)))
        return None if want == got else f"{{...}} placeholders {want} became {got}"
    python = "python-format" in flags or (
        "no-python-format" not in flags and _PERCENT.search(source) and re.search(r"%\(\w+\)", source)
    )
    if not python:
        return None
    want_named, want_positional, _ = python_placeholders(source)
    got_named, got_positional, invalid = python_placeholders(translated)
    if invalid:
        return f"stray % in the translation: {list(invalid)} (write %% for a percent sign)"
    if want_named != got_named:
        dropped, added = sorted(want_named - got_named), sorted(got_named - want_named)
        return f"placeholders dropped {dropped}, added {added}"
    if want_positional != got_positional:
        return f"positional placeholders {list(want_positional)} became {list(got_positional)}"
    return None


# --- the catalogues -----------------------------------------------------------------------------------------------


def test_the_catalogues_are_found():
    found = {rel(p) for p in CATALOGUES}
    assert {
        f"locale/{LANGUAGE}/LC_MESSAGES/django.po",
        f"profiles/locale/{LANGUAGE}/LC_MESSAGES/django.po",
        f"audit/locale/{LANGUAGE}/LC_MESSAGES/django.po",
    } <= found, found


@pytest.mark.parametrize("path", CATALOGUES, ids=rel)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    entries = parse_po(path)
    forms = nplurals(entries)
    problems = []
    for e in (e for e in entries if not e.is_header):
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.label(path)}")
        indices = range(forms) if e.msgid_plural is not None else [0]
        empty = [i for i in indices if not e.msgstr.get(i)]
        if empty:
            where = "" if e.msgid_plural is None else f" (msgstr{empty})"
            problems.append(f"untranslated{where}: {e.label(path)}")
    assert not problems, f"{len(problems)} problem(s) in {rel(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=rel)
def test_translations_keep_the_placeholders_of_their_msgid(path):
    problems = []
    for e in messages(path):
        for index, translated in sorted(e.msgstr.items()):
            if not translated:
                continue  # reported by the completeness test
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            problem = placeholder_problem(source, translated, e.flags)
            if problem:
                which = "msgstr" if e.msgid_plural is None else f"msgstr[{index}]"
                problems.append(f"{e.label(path)} {which}: {problem}")
    assert not problems, f"{len(problems)} problem(s) in {rel(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=rel)
def test_the_compiled_catalogue_is_up_to_date(path):
    mo = path.with_suffix(".mo")
    assert mo.is_file(), f"{rel(path)} is not compiled: run compilemessages"
    with mo.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)._catalog
    stale = []
    for e in messages(path):
        if "fuzzy" in e.flags or not all(e.msgstr.values()):
            continue  # not compiled; reported by the completeness test
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        for index, translated in e.msgstr.items():
            got = compiled.get((key, index) if e.msgid_plural is not None else key)
            if got != translated:
                stale.append(e.label(path))
                break
    assert not stale, f"{rel(mo)} is older than {rel(path)}; run compilemessages. Differs for:\n" + "\n".join(stale)


# --- the catalogues in use ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dutch"),
    [
        ("Sign in", "Inloggen"),  # locale/
        ("Register editor", "Registerredacteur"),  # locale/ (accounts)
        ("Chance profile", "Kansprofiel"),  # profiles/locale
        ("Risk profile", "Risicoprofiel"),
        ("Changes requested", "Wijzigingen gevraagd"),
        ("Verify the chain of hashes", "De hashketen controleren"),  # audit/locale
    ],
)
def test_the_compiled_catalogues_are_loaded(text, dutch):
    with translation.override("nl"):
        assert translation.gettext(text) == dutch
    with translation.override("en"):
        assert translation.gettext(text) == text


@pytest.mark.django_db
def test_the_sign_in_page_is_dutch_by_default_and_english_after_the_switch(client):
    dutch = client.get("/login/").content.decode()
    assert '<html lang="nl">' in dutch and "Inloggen" in dutch and "Gebruikersnaam" in dutch
    assert "Sign in" not in dutch

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert switched.status_code == 302 and switched["Location"] == "/login/"

    english = client.get("/login/").content.decode()
    assert '<html lang="en">' in english and "Sign in" in english and "Username" in english
    assert "Inloggen" not in english


def test_an_app_page_uses_its_app_catalogue(client, users):
    client.force_login(users["auditor"])
    dutch = client.get("/audit/").content.decode()
    assert "De hashketen controleren" in dutch  # audit/locale
    client.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    assert "Verify the chain of hashes" in client.get("/audit/").content.decode()
