"""The columns of monitoring data and the check of one row (monitoring-data.md).

Every door (file upload, command, API batch) sends its rows through `RowChecker`. A
problem is kept as plain data (row, column, code, value, params) and worded only when
shown, so that one report reads in Dutch or English by whoever opens it.

The check runs a million times per large file, so it favours dictionary look-ups of
what was already seen (codes, dates) over repeated parsing.
"""

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from profiles.characteristics import Characteristic, banned_term_in, normalise_code
from profiles.validation import banned_problem

from .models import Advice, Decision

CHARACTERISTICS: tuple[str, ...] = tuple(Characteristic.values)
FLAGS = ("applicant_hit", "referent_hit", "employer_hit", "chain_hit")

# Canonical order: staging tables and clean rows use it.
COLUMNS: tuple[str, ...] = (
    "application_id", "lodged_on", "decided_on", *CHARACTERISTICS, "advice", "matched_profiles",
    *FLAGS, "decision", "officer_id", "refusal_ground",
)
OPTIONAL_COLUMNS = frozenset({"decided_on", "matched_profiles", "chain_hit", "officer_id", "refusal_ground"})
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
ALLOWED = frozenset(COLUMNS)
POSITION = {name: i for i, name in enumerate(COLUMNS)}

# A stored report keeps this many problems in full; all of them are counted.
REPORT_CAP = 1000
_VALUE_SHOWN = 80

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PROFILE_REF_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}(@[1-9][0-9]{0,5})?$")
_FLAG = {"0": False, "1": True}
_GROUNDS = {str(i): i for i in range(1, 12)}
_ADVICE = frozenset(Advice.values)
_DECISIONS = frozenset(Decision.values)


def problem(row: int, column: str | None, code: str, value: Any = None, **params: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"row": row, "column": column, "code": code}
    if value is not None:
        text = str(value)
        entry["value"] = text if len(text) <= _VALUE_SHOWN else text[:_VALUE_SHOWN] + "…"
    if params:
        entry["params"] = params
    return entry


def problem_message(entry: dict[str, Any]) -> str:
    """The human wording of a stored problem, in the active language."""
    code, column = entry["code"], entry.get("column") or ""
    value, params = entry.get("value", ""), entry.get("params") or {}
    if code == "banned_characteristic":
        return str(banned_problem(value or column, column, params.get("term", "")).message)
    texts = {
        "missing_column": _("The required column “%(column)s” is missing."),
        "unknown_column": _("“%(column)s” is not a column of monitoring data. Unknown columns are refused, not "
                            "dropped; the columns are: %(allowed)s."),
        "duplicate_column": _("The column “%(column)s” appears more than once."),
        "empty_file": _("The file holds no records."),
        "invalid_encoding": _("The file is not UTF-8 text."),
        "malformed_row": _("This row could not be read: %(detail)s"),
        "wrong_field_count": _("This row has %(found)s fields where the header has %(expected)s."),
        "invalid_json": _("This line is not a JSON object."),
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
        "invalid_profile_reference": _("“%(value)s” is not a profile written as CODE or CODE@VERSION."),
        "duplicate_in_file": _("The application id “%(value)s” also appears on row %(other_row)s; each "
                               "application appears once in a file."),
        "too_many_records": _("A batch holds at most %(max)s records; send larger sets as a file."),
    }
    template = texts.get(code, code)
    context = {"column": column, "name": column, "value": value, "allowed": ", ".join(COLUMNS), **params}
    try:
        return template % context
    except (KeyError, TypeError, ValueError):
        return template


def header_problems(names: list[str], *, row: int = 1, fold_case: bool = False) -> list[dict[str, Any]]:
    """Banned, unknown, repeated and missing columns of a CSV header (matched without
    regard to case) or of one JSON record's keys. Problems name the column as written."""
    problems = []
    seen: set[str] = set()
    for written in names:
        name = written.lower() if fold_case else written
        term = banned_term_in(written)
        if term:
            problems.append(problem(row, written, "banned_characteristic", written, term=term))
        elif name not in ALLOWED:
            problems.append(problem(row, written, "unknown_column"))
        elif name in seen:
            problems.append(problem(row, written, "duplicate_column"))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(problem(row, name, "missing_column"))
    return problems


def _accepting(characteristic: str, codes: set[str]) -> dict[str, str]:
    """Spellings that normalise to a catalogue code, mapped to it: one look-up per value."""
    accept: dict[str, str] = {}
    for code in codes:
        for spelling in (code, code.upper(), code.lower()):
            if normalise_code(characteristic, spelling) == code:
                accept[spelling] = code
    return accept


class ChunkChecker:
    """Checks rows (text values in COLUMNS order) against the catalogue, a chunk at a time.

    Column by column: every distinct value of a column is judged once (and remembered
    across chunks where the values repeat: codes, dates, officers), then the column is
    mapped to its clean values at C speed. The rules between columns (dates in order,
    officer unless pending, refusal ground only when refused) run over the clean columns.
    """

    _REMEMBER = 100_000  # distinct values kept per column; beyond that the memo starts afresh

    def __init__(self, catalogue: dict[str, set[str]]):
        self._judges: list[Any] = [None] * len(COLUMNS)
        self._judges[1] = self._lodged
        self._judges[2] = self._date
        for name in CHARACTERISTICS:
            self._judges[POSITION[name]] = self._code_judge(name, _accepting(name, catalogue.get(name, set())))
        self._judges[10] = self._choice_judge("advice", _ADVICE)
        self._judges[11] = self._matched
        for name in FLAGS:
            self._judges[POSITION[name]] = self._flag_judge(name)
        self._judges[16] = self._choice_judge("decision", _DECISIONS)
        self._judges[17] = self._officer
        self._judges[18] = self._ground
        # Per column: value -> clean value, and value -> (code, shown value, params) when bad.
        self._clean: list[dict[str, Any]] = [{} for _ in COLUMNS]
        self._bad: list[dict[str, tuple]] = [{} for _ in COLUMNS]

    # --- judges: one raw value -> (clean, None) or (None, (code, shown, params)) ---------

    @staticmethod
    def _date(raw: str) -> tuple[Any, tuple | None]:
        text = raw.strip()
        if not text:
            return None, None
        if _DATE_RE.match(text):
            try:
                date.fromisoformat(text)
                return text, None
            except ValueError:
                pass
        return None, ("invalid_date", text, None)

    @classmethod
    def _lodged(cls, raw: str) -> tuple[Any, tuple | None]:
        if not raw.strip():
            return None, ("required", None, None)
        return cls._date(raw)

    @staticmethod
    def _code_judge(name: str, accept: dict[str, str]):
        def judge(raw: str) -> tuple[Any, tuple | None]:
            code = accept.get(raw)
            if code is None:
                code = accept.get(raw.strip())
            if code is not None:
                return code, None
            text = raw.strip()
            if not text:
                return None, ("required", None, None)
            term = banned_term_in(text)
            if term:
                return None, ("banned_characteristic", text, {"term": term})
            return None, ("unknown_value", normalise_code(name, text), None)
        return judge

    @staticmethod
    def _choice_judge(name: str, allowed: frozenset[str]):
        def judge(raw: str) -> tuple[Any, tuple | None]:
            text = raw.strip()
            if text.lower() in allowed:
                return text.lower(), None
            if not text:
                return None, ("required", None, None)
            return None, ("invalid_choice", text, {"allowed": ", ".join(sorted(allowed))})
        return judge

    @staticmethod
    def _flag_judge(name: str):
        def judge(raw: str) -> tuple[Any, tuple | None]:
            text = raw.strip()
            flag = _FLAG.get(text)
            if flag is not None:
                return flag, None
            if not text:
                # chain_hit may be left out (default 0); the other three are required.
                return (False, None) if name == "chain_hit" else (None, ("required", None, None))
            return None, ("invalid_flag", text, None)
        return judge

    @staticmethod
    def _matched(raw: str) -> tuple[Any, tuple | None]:
        refs = [r.strip().upper() for r in raw.split(";") if r.strip()]
        for ref in refs:
            if not _PROFILE_REF_RE.match(ref):
                return None, ("invalid_profile_reference", ref, None)
        return ";".join(refs), None

    @staticmethod
    def _officer(raw: str) -> tuple[Any, tuple | None]:
        text = raw.strip()
        if len(text) > 64:
            return None, ("invalid_officer_id", text, None)
        return text, None

    @staticmethod
    def _ground(raw: str) -> tuple[Any, tuple | None]:
        text = raw.strip()
        if not text:
            return None, None
        number = _GROUNDS.get(text)
        if number is None:
            return None, ("invalid_refusal_ground", text, None)
        return number, None

    # --- the chunk ----------------------------------------------------------------------

    def _map_column(self, pos: int, column: list[str], numbers: list[int], found: list) -> list[Any]:
        clean, bad, judge = self._clean[pos], self._bad[pos], self._judges[pos]
        new = set(column).difference(clean, bad)
        if new:
            if len(clean) + len(bad) + len(new) > self._REMEMBER:
                clean.clear()
                bad.clear()
            for value in new:
                result, trouble = judge(value)
                if trouble is None:
                    clean[value] = result
                else:
                    bad[value] = trouble
        if bad and not bad.keys().isdisjoint(column):
            name = COLUMNS[pos]
            out = []
            for i, value in enumerate(column):
                trouble = bad.get(value)
                if trouble is None:
                    out.append(clean[value])
                else:
                    code, shown, params = trouble
                    found.append((i, pos, problem(numbers[i], name, code, shown, **(params or {}))))
                    out.append(None)
            return out
        return list(map(clean.__getitem__, column))

    def _ids(self, column: list[str], numbers: list[int], found: list) -> list[Any]:
        ids = [v.strip() for v in column]
        for i, value in enumerate(ids):
            if not value or len(value) > 64:
                found.append((i, 0, problem(numbers[i], "application_id", "required") if not value
                              else problem(numbers[i], "application_id", "invalid_application_id", value)))
                ids[i] = None
        return ids

    def check_chunk(self, numbers: list[int], rows: list[tuple[str, ...]], out: list[dict[str, Any]]
                    ) -> list[tuple[Any, ...]]:
        """The good rows as (row number, *clean values); problems of the others, in row
        and column order, are appended to `out`."""
        if not rows:
            return []
        width = len(rows[0])
        columns = [[row[pos] for row in rows] for pos in range(width)]
        found: list[tuple[int, int, dict[str, Any]]] = []
        clean = [self._ids(columns[0], numbers, found)]
        clean += [self._map_column(pos, columns[pos], numbers, found) for pos in range(1, len(COLUMNS))]
        lodged, decided, decision, officer, ground = clean[1], clean[2], clean[16], clean[17], clean[18]
        # The rules between columns look only at the few rows they can concern.
        for i in [i for i, (day, done) in enumerate(zip(lodged, decided, strict=True))
                  if done is not None and day is not None and done < day]:  # ISO dates order as text
            found.append((i, 2, problem(numbers[i], "decided_on", "decided_before_lodged", decided[i])))
        for i in [i for i, what in enumerate(decision) if what == Decision.PENDING]:
            if decided[i] is not None:
                found.append((i, 2, problem(numbers[i], "decided_on", "decided_while_pending", decided[i])))
        for i in [i for i, who in enumerate(officer) if who == ""]:
            if decision[i] is not None and decision[i] != Decision.PENDING:
                found.append((i, 17, problem(numbers[i], "officer_id", "officer_required")))
        for i in [i for i, number in enumerate(ground) if number is not None]:
            if decision[i] is not None and decision[i] != Decision.REFUSED:
                found.append((i, 18, problem(numbers[i], "refusal_ground", "refusal_ground_only_when_refused",
                                             ground[i])))
        good = list(zip(numbers, *clean, strict=True))
        if found:
            found.sort(key=lambda f: (f[0], f[1]))
            out.extend(entry for _i, _pos, entry in found)
            bad_rows = {i for i, _pos, _entry in found}
            good = [row for i, row in enumerate(good) if i not in bad_rows]
        return good


def json_text(value: Any) -> str:
    """A JSON value as the text a CSV cell would hold: null is empty, true is 1."""
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return ";".join(value)  # matched_profiles may come as a list
    return repr(value)


def record_values(record: dict[str, Any], row: int, out: list[dict[str, Any]]) -> list[str] | None:
    """One JSON record as text values in COLUMNS order; None (with problems) if its keys are wrong."""
    keys = record.keys()
    if not ALLOWED.issuperset(keys) or not all(k in record for k in REQUIRED_COLUMNS):
        problems = header_problems(list(keys), row=row)
        if problems:
            out.extend(problems)
            return None
    return [json_text(record.get(name)) for name in COLUMNS]
