"""The columns of monitoring data and the check of one row (docs/monitoring-data.md).

Every door (file upload, command, API batch) sends its rows through `ChunkChecker`, whose checks of single
values are the ones every door shares (`profiles.application_input`). A
problem is kept as plain data (row, column, code, value, params) and worded only when
shown, so that one report reads in Dutch or English by whoever opens it.

The check runs a million times per large file, so it favours dictionary look-ups of
what was already seen (codes, dates) over repeated parsing.
"""

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from profiles.application_input import (
    CHARACTERISTICS,
    accepted_spellings,
    application_id_check,
    code_check,
    date_check,
    flag_check,
    header_check,
    input_message,
    officer_id_check,
)
from profiles.characteristics import banned_term_in

from .models import Advice, Decision

FLAGS = ("applicant_hit", "referent_hit", "employer_hit", "chain_hit")

# Canonical order: staging tables and clean rows use it.
COLUMNS: tuple[str, ...] = (
    "application_id",
    "lodged_on",
    "decided_on",
    *CHARACTERISTICS,
    "advice",
    "matched_profiles",
    *FLAGS,
    "decision",
    "officer_id",
    "refusal_ground",
)
OPTIONAL_COLUMNS = frozenset({"decided_on", "matched_profiles", "chain_hit", "officer_id", "refusal_ground"})
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
ALLOWED = frozenset(COLUMNS)
POSITION = {name: i for i, name in enumerate(COLUMNS)}

# A stored report keeps this many problems in full; all of them are counted.
REPORT_CAP = 1000
_VALUE_SHOWN = 80

_PROFILE_REF_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}(@[1-9][0-9]{0,5})?$")
_GROUNDS = {str(i): i for i in range(1, 12)}
_ADVICE = frozenset(Advice.values)
_DECISIONS = frozenset(Decision.values)


def column_guide() -> list[dict[str, Any]]:
    """What the upload page tells a person about each column: required or not, and its format."""
    code = _("a code of the catalogue (see Catalogues)")
    formats = {
        "application_id": _("text, 1 to 64 characters; the same id again updates that record"),
        "lodged_on": _("date, YYYY-MM-DD"),
        "decided_on": _("date, YYYY-MM-DD, not before lodged_on; empty while pending"),
        "advice": _("fast, regular or intensive"),
        "matched_profiles": _("profile codes as CODE or CODE@VERSION, separated by ;"),
        "applicant_hit": _("0 or 1"),
        "referent_hit": _("0 or 1"),
        "employer_hit": _("0 or 1"),
        "chain_hit": _("0 or 1; empty is 0"),
        "decision": _("granted, refused, withdrawn or pending"),
        "officer_id": _("text, at most 64 characters, not starting with = + - @; required unless pending"),
        "refusal_ground": _("whole number 1 to 11, only when refused"),
    }
    return [{"name": name, "required": name in REQUIRED_COLUMNS, "format": formats.get(name, code)} for name in COLUMNS]


# Three records that import cleanly: what the example file on the upload page holds.
EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "application_id": "EXAMPLE-1",
        "lodged_on": "2026-01-05",
        "decided_on": "2026-01-19",
        "nationality": "NGA",
        "age_group": "25-34",
        "gender": "M",
        "marital_status": "single",
        "occupation": "craft_trades",
        "travel_purpose": "family_friends",
        "application_location": "NGLOS",
        "advice": "regular",
        "matched_profiles": "",
        "applicant_hit": "0",
        "referent_hit": "0",
        "employer_hit": "0",
        "chain_hit": "0",
        "decision": "granted",
        "officer_id": "OFFICER-17",
        "refusal_ground": "",
    },
    {
        "application_id": "EXAMPLE-2",
        "lodged_on": "2026-01-06",
        "decided_on": "2026-01-27",
        "nationality": "SUR",
        "age_group": "45-54",
        "gender": "F",
        "marital_status": "married",
        "occupation": "professionals",
        "travel_purpose": "business",
        "application_location": "SRPBM",
        "advice": "intensive",
        "matched_profiles": "",
        "applicant_hit": "1",
        "referent_hit": "0",
        "employer_hit": "0",
        "chain_hit": "0",
        "decision": "refused",
        "officer_id": "OFFICER-4",
        "refusal_ground": "2",
    },
    {
        "application_id": "EXAMPLE-3",
        "lodged_on": "2026-01-07",
        "decided_on": "",
        "nationality": "CHN",
        "age_group": "18-24",
        "gender": "X",
        "marital_status": "single",
        "occupation": "student",
        "travel_purpose": "study",
        "application_location": "CNBJS",
        "advice": "fast",
        "matched_profiles": "",
        "applicant_hit": "0",
        "referent_hit": "0",
        "employer_hit": "0",
        "chain_hit": "",
        "decision": "pending",
        "officer_id": "",
        "refusal_ground": "",
    },
)


def problem(row: int, column: str | None, code: str, value: Any = None, **params: Any) -> dict[str, Any]:
    # A NUL (a JSON key or value may hold one as \u0000) cannot be stored in PostgreSQL's
    # jsonb: the report shows U+FFFD in its place.
    if column is not None and "\x00" in column:
        column = column.replace("\x00", "\ufffd")
    entry: dict[str, Any] = {"row": row, "column": column, "code": code}
    if value is not None:
        text = str(value).replace("\x00", "\ufffd")
        entry["value"] = text if len(text) <= _VALUE_SHOWN else text[:_VALUE_SHOWN] + "…"
    if params:
        entry["params"] = params
    return entry


def problem_message(entry: dict[str, Any]) -> str:
    """The human wording of a stored problem, in the active language (the one table of
    `profiles.application_input`)."""
    params = {"allowed": ", ".join(COLUMNS), **(entry.get("params") or {})}
    return input_message(entry["code"], column=entry.get("column") or "", value=entry.get("value", ""), params=params)


def header_problems(names: list[str], *, row: int = 1, fold_case: bool = False) -> list[dict[str, Any]]:
    """Banned, unknown, repeated and missing columns of a CSV header (matched without
    regard to case) or of one JSON record's keys. Problems name the column as written."""
    problems = []
    for column, code in header_check(names, allowed=ALLOWED, required=REQUIRED_COLUMNS, fold_case=fold_case):
        if code == "banned_characteristic":
            problems.append(problem(row, column, code, column, term=banned_term_in(column) or ""))
        else:
            problems.append(problem(row, column, code))
    return problems


class ChunkChecker:
    """Checks rows (text values in COLUMNS order) against the catalogue, a chunk at a time.

    Column by column: every distinct value of a column is judged once (and remembered
    across chunks where the values repeat: codes, dates, officers), then the column is
    mapped to its clean values at C speed. The rules between columns (dates in order,
    officer unless pending, refusal ground only when refused) run over the clean columns.
    The values themselves are judged by the checks every door shares
    (`profiles.application_input`).
    """

    _REMEMBER = 100_000  # distinct values kept per column; beyond that the memo starts afresh

    def __init__(self, catalogue: dict[str, set[str]]):
        self._judges: list[Any] = [None] * len(COLUMNS)
        self._judges[POSITION["lodged_on"]] = self._lodged
        self._judges[POSITION["decided_on"]] = self._date
        for name in CHARACTERISTICS:
            self._judges[POSITION[name]] = self._code_judge(name, accepted_spellings(name, catalogue.get(name, ())))
        self._judges[POSITION["advice"]] = self._choice_judge("advice", _ADVICE)
        self._judges[POSITION["matched_profiles"]] = self._matched
        for name in FLAGS:
            self._judges[POSITION[name]] = self._flag_judge(name)
        self._judges[POSITION["decision"]] = self._choice_judge("decision", _DECISIONS)
        self._judges[POSITION["officer_id"]] = officer_id_check
        self._judges[POSITION["refusal_ground"]] = self._ground
        # Per column: value -> clean value, and value -> (code, shown value, params) when bad.
        self._clean: list[dict[str, Any]] = [{} for _ in COLUMNS]
        self._bad: list[dict[str, tuple]] = [{} for _ in COLUMNS]

    # --- judges: one raw value -> (clean, None) or (None, (code, shown, params)) ---------

    @staticmethod
    def _date(raw: str) -> tuple[Any, tuple | None]:
        day, issue = date_check(raw, required=False)
        return (day.isoformat() if day is not None else None), issue  # ISO text orders as dates do

    @staticmethod
    def _lodged(raw: str) -> tuple[Any, tuple | None]:
        day, issue = date_check(raw, required=True)
        return (day.isoformat() if day is not None else None), issue

    @staticmethod
    def _code_judge(name: str, accept: dict[str, str]):
        def judge(raw: str) -> tuple[Any, tuple | None]:
            return code_check(name, raw, accept)

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
        # chain_hit may be left out (default 0); the other three are required.
        default = False if name == "chain_hit" else None

        def judge(raw: str) -> tuple[Any, tuple | None]:
            return flag_check(raw, default=default)

        return judge

    @staticmethod
    def _matched(raw: str) -> tuple[Any, tuple | None]:
        refs = [r.strip().upper() for r in raw.split(";") if r.strip()]
        for ref in refs:
            if not _PROFILE_REF_RE.match(ref):
                return None, ("invalid_profile_reference", ref, None)
        return ";".join(refs), None

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
        ids: list[Any] = [v.strip() for v in column]
        for i, value in enumerate(ids):
            if not value or len(value) > 64:  # the rare bad id gets the shared check's wording
                _clean, (code, shown, _params) = application_id_check(value, required=True)
                found.append((i, 0, problem(numbers[i], "application_id", code, shown)))
                ids[i] = None
        return ids

    def check_chunk(
        self, numbers: list[int], rows: list[tuple[str, ...]], out: list[dict[str, Any]]
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
        lodged, decided = clean[POSITION["lodged_on"]], clean[POSITION["decided_on"]]
        decision, officer, ground = (
            clean[POSITION["decision"]],
            clean[POSITION["officer_id"]],
            clean[POSITION["refusal_ground"]],
        )
        # The rules between columns look only at the few rows they can concern.
        at_decided, at_officer, at_ground = POSITION["decided_on"], POSITION["officer_id"], POSITION["refusal_ground"]
        for i in [
            i
            for i, (day, done) in enumerate(zip(lodged, decided, strict=True))
            if done is not None and day is not None and done < day
        ]:  # ISO dates order as text
            found.append((i, at_decided, problem(numbers[i], "decided_on", "decided_before_lodged", decided[i])))
        for i in [i for i, what in enumerate(decision) if what == Decision.PENDING]:
            if decided[i] is not None:
                found.append((i, at_decided, problem(numbers[i], "decided_on", "decided_while_pending", decided[i])))
        for i in [i for i, who in enumerate(officer) if who == ""]:
            if decision[i] is not None and decision[i] != Decision.PENDING:
                found.append((i, at_officer, problem(numbers[i], "officer_id", "officer_required")))
        for i in [i for i, number in enumerate(ground) if number is not None]:
            if decision[i] is not None and decision[i] != Decision.REFUSED:
                found.append(
                    (i, at_ground, problem(numbers[i], "refusal_ground", "refusal_ground_only_when_refused", ground[i]))
                )
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
    values = [json_text(record.get(name)) for name in COLUMNS]
    if any("\x00" in value for value in values):  # written as \u0000 in the JSON
        found = [name for name, value in zip(COLUMNS, values, strict=True) if "\x00" in value]
        out.extend(problem(row, name, "nul_character") for name in found)
        return None
    return values
