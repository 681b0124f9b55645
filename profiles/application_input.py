"""The checks of one application's values, and their wording: the one set every door uses.

The advice API, `manage.py advise`, the advice page, the monitoring import (file, command,
API batch) and its upload page all read the same fields of an application: the seven
characteristic codes, the known-party flags, dates, the application id and, in monitoring
data, the officer id. Each value is judged here, once, by a function that returns either
its clean value or an issue `(code, shown value, params)`; the issue is worded only when
shown (`input_message`), so that a stored report reads in the language of whoever opens it.

The checks run millions of times per large file, so they are plain functions over text,
and the doors remember what a value was judged (codes, dates and flags repeat).
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from problems import Problem

from .characteristics import Characteristic, banned_term_in, normalise_code
from .validation import banned_problem

CHARACTERISTICS: tuple[str, ...] = tuple(Characteristic.values)
PARTIES: tuple[str, ...] = ("applicant", "referent", "employer")
PARTY_COLUMNS: tuple[str, ...] = tuple(f"{p}_hit" for p in PARTIES)
MAX_ID_LENGTH = 64

# (code, shown value, params): what is wrong with one value, not yet worded.
Issue = tuple[str, str | None, dict[str, Any] | None]
Checked = tuple[Any, Issue | None]

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# JSON's true and false are 1 and 0 as dictionary keys, so they are covered too.
FLAG_VALUES: dict[Any, bool] = {"0": False, "1": True, 0: False, 1: True}
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def accepted_spellings(characteristic: str, codes: Iterable[str]) -> dict[str, str]:
    """The one table of accepted spellings: each spelling that normalises to a catalogue
    code (as written, upper or lower case), mapped to that code. One look-up per value."""
    accept: dict[str, str] = {}
    for code in codes:
        for spelling in (code, code.upper(), code.lower()):
            if normalise_code(characteristic, spelling) == code:
                accept[spelling] = code
    return accept


def code_check(characteristic: str, raw: Any, accept: dict[str, str]) -> Checked:
    """A characteristic's code: in the catalogue (any accepted spelling), else banned,
    missing or unknown."""
    if isinstance(raw, str):
        code = accept.get(raw)
        if code is None:
            code = accept.get(raw.strip())
        if code is not None:
            return code, None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ("required", None, None)
    text = raw.strip() if isinstance(raw, str) else str(raw)
    term = banned_term_in(text)
    if term:
        return None, ("banned_characteristic", text, {"term": term})
    return None, ("unknown_value", str(normalise_code(characteristic, text)), None)


def flag_check(raw: Any, *, default: bool | None = None) -> Checked:
    """0 or 1 (JSON's true and false too). Empty is `default`, or required when there is none."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        return (default, None) if default is not None else (None, ("required", None, None))
    flag = FLAG_VALUES.get(raw) if isinstance(raw, str | int | bool) else None
    if flag is None:
        return None, ("invalid_flag", str(raw), None)
    return flag, None


def date_check(raw: Any, *, required: bool) -> Checked:
    """A day written as YYYY-MM-DD. Empty is None, or required."""
    text = raw.strip() if isinstance(raw, str) else raw
    if text is None or text == "":
        return None, (("required", None, None) if required else None)
    if isinstance(text, str) and DATE_RE.match(text):
        try:
            return date.fromisoformat(text), None
        except ValueError:
            pass
    return None, ("invalid_date", str(text), None)


def application_id_check(raw: Any, *, required: bool) -> Checked:
    """A pseudonymous application id: 1 to 64 characters (optional where only echoed)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ("", ("required", None, None)) if required else ("", None)
    if len(text) > MAX_ID_LENGTH:
        return None, ("invalid_application_id", text, None)
    return text, None


def officer_id_check(raw: Any) -> Checked:
    """A pseudonymous officer id: at most 64 characters, and never the shape of a
    spreadsheet formula (it is written into the bias report's CSV)."""
    text = "" if raw is None else str(raw).strip()
    if len(text) > MAX_ID_LENGTH:
        return None, ("invalid_officer_id", text, None)
    if looks_like_formula(text):
        return None, ("formula_like_value", text, None)
    return text, None


def header_check(
    names: Iterable[str],
    *,
    allowed: Iterable[str],
    required: Iterable[str],
    fold_case: bool = False,
    unknown_code: str = "unknown_column",
) -> list[tuple[str, str]]:
    """Banned, unknown, repeated and missing columns (of a CSV header or of one JSON
    object's keys), as (column as written, code). A banned name is refused as banned,
    not merely as unknown."""
    allowed = frozenset(allowed)
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for written in names:
        name = written.lower() if fold_case else written
        if banned_term_in(written):
            found.append((written, "banned_characteristic"))
        elif name not in allowed:
            found.append((written, unknown_code))
        elif name in seen:
            found.append((written, "duplicate_column"))
        seen.add(name)
    found += [(name, "missing_column") for name in required if name not in seen]
    return found


def _messages() -> dict[str, str]:
    return {
        "missing_column": _("The required column “%(column)s” is missing."),
        "unknown_column": _(
            "“%(column)s” is not a column of this file. Unknown columns are refused, not dropped; "
            "the columns are: %(allowed)s."
        ),
        "unknown_characteristic": _("“%(name)s” is not a field of an application (%(allowed)s)."),
        "duplicate_column": _("The column “%(column)s” appears more than once."),
        "empty_file": _("The file holds no records."),
        "invalid_encoding": _("The file is not UTF-8 text."),
        "nul_character": _("This row holds a NUL character, which no text value may hold (a UTF-16 or binary file?)."),
        "malformed_row": _("This row could not be read: %(detail)s"),
        "wrong_field_count": _("This row has %(found)s fields where the header has %(expected)s."),
        "invalid_json": _("This line is not a JSON object."),
        "invalid": _("An application is an object with the seven characteristics and the three known-party hits."),
        "required": _("“%(column)s” is required."),
        "invalid_application_id": _("An application id has 1 to 64 characters."),
        "invalid_date": _("“%(value)s” is not a date written as YYYY-MM-DD."),
        "decided_before_lodged": _("The decision date %(value)s is before the day the application was lodged."),
        "decided_while_pending": _("A pending application has no decision date yet."),
        "unknown_value": _("“%(value)s” is not a code of “%(name)s” in the catalogue."),
        "invalid_choice": _("“%(value)s” is not one of: %(allowed)s."),
        "invalid_flag": _("“%(value)s” is not 0 or 1."),
        "invalid_refusal_ground": _("“%(value)s” is not a refusal ground (a whole number from 1 to 11)."),
        "refusal_ground_only_when_refused": _("Only a refused application has a refusal ground."),
        "officer_required": _("A decided or withdrawn application names its decision officer."),
        "invalid_officer_id": _("An officer id has at most 64 characters."),
        "formula_like_value": _(
            "“%(value)s” begins with =, +, -, @, a tab or a line break, which a spreadsheet "
            "would run as a formula; an id may not begin that way."
        ),
        "invalid_profile_reference": _("“%(value)s” is not a profile written as CODE or CODE@VERSION."),
        "duplicate_in_file": _(
            "The application id “%(value)s” also appears on row %(other_row)s; each application appears once in a file."
        ),
        "too_many_records": _("A batch holds at most %(max)s records; send larger sets as a file."),
    }


def input_message(code: str, *, column: str = "", value: Any = "", params: dict[str, Any] | None = None) -> str:
    """The wording of an issue, in the active language. `allowed` (in params) lists what
    would have been accepted."""
    params = params or {}
    if code == "banned_characteristic":
        return str(banned_problem(str(value or column), column, params.get("term", "")).message)
    template = _messages().get(code, code)
    context = {"column": column, "name": column, "value": value if value is not None else "", "allowed": "", **params}
    try:
        return template % context
    except (KeyError, TypeError, ValueError):
        return template


def input_problem(code: str, field: str | None, *, column: str = "", value: Any = None, **params: Any) -> Problem:
    """An issue as the domain error's Problem (the API's and the advice page's form)."""
    return Problem(code, input_message(code, column=column, value=value, params=params), field)


def issue_problem(issue: Issue, field: str | None, column: str, **params: Any) -> Problem:
    code, shown, found = issue
    return input_problem(code, field, column=column, value=shown, **(found or {}), **params)
