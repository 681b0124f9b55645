"""Applications as the doors send them (a JSON object, a CSV row as a dict), parsed into
`engine.Application`. Every value is judged by the checks every door shares
(`profiles.application_input`); this module only adds the fast path for well-formed
input and names each problem's field (`3.gender`, `row 7.nationality`).
"""

from datetime import date
from typing import Any

from django.utils import timezone

from problems import Problem
from profiles.application_input import (
    CHARACTERISTICS,
    DATE_RE,
    FLAG_VALUES,
    MAX_ID_LENGTH,
    PARTY_COLUMNS,
    accepted_spellings,
    application_id_check,
    code_check,
    date_check,
    flag_check,
    header_check,
    input_problem,
    issue_problem,
)
from profiles.characteristics import banned_term_in
from profiles.validation import banned_problem

from .engine import Application

INPUT_FIELDS = frozenset({"application_id", "lodged_on", *CHARACTERISTICS, *PARTY_COLUMNS})
ALLOWED_TEXT = ", ".join(sorted(INPUT_FIELDS))


def application_parse_full(
    raw: Any, accepts: list[dict[str, str]], *, where: str = "", today: date | None = None
) -> tuple[Application | None, list[Problem]]:
    """One application, checked field by field: every problem is reported."""
    prefix = f"{where}." if where else ""
    if not isinstance(raw, dict):
        return None, [input_problem("invalid", where or None)]
    problems: list[Problem] = []
    for column, code in header_check(
        [str(k) for k in raw], allowed=INPUT_FIELDS, required=(), unknown_code="unknown_characteristic"
    ):
        if code == "banned_characteristic":
            problems.append(banned_problem(column, prefix + column, banned_term_in(column) or ""))
        else:
            problems.append(input_problem(code, prefix + column, column=column, allowed=ALLOWED_TEXT))
    values: list[str] = []
    for c, accept in zip(CHARACTERISTICS, accepts, strict=True):
        code, issue = code_check(c, raw.get(c), accept)
        if issue:
            problems.append(issue_problem(issue, prefix + c, c))
        else:
            values.append(code)
    parties: list[bool] = []
    for column in PARTY_COLUMNS:
        flag, issue = flag_check(raw.get(column))
        if issue:
            problems.append(issue_problem(issue, prefix + column, column))
        else:
            parties.append(flag)
    day, issue = date_check(raw.get("lodged_on"), required=False)
    if issue:
        problems.append(issue_problem(issue, prefix + "lodged_on", "lodged_on"))
    application_id, issue = application_id_check(raw.get("application_id"), required=False)
    if issue:
        problems.append(issue_problem(issue, prefix + "application_id", "application_id"))
    if problems:
        return None, problems
    return Application(
        values=tuple(values),
        parties=(parties[0], parties[1], parties[2]),
        lodged_on=day or today or timezone.localdate(),
        application_id=application_id,
    ), []


class ApplicationParser:
    """Parses applications against one catalogue. Well-formed input (known keys, codes as
    the catalogue or its standard spells them, 0/1 flags, ISO dates) takes a fast path of
    dictionary look-ups in the same tables the checks use; anything else goes through
    `application_parse_full`, which names every problem."""

    def __init__(self, catalogue: dict[str, set[str]]):
        self.catalogue = catalogue
        self._accepts = [accepted_spellings(c, catalogue.get(c, ())) for c in CHARACTERISTICS]
        self._dates: dict[str, date] = {}

    def _day(self, text: str) -> date | None:
        day = self._dates.get(text)
        if day is None and DATE_RE.match(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                return None
            if len(self._dates) < 100_000:
                self._dates[text] = day
        return day

    def parse(
        self, raw: Any, *, where: str = "", today: date | None = None
    ) -> tuple[Application | None, list[Problem]]:
        if type(raw) is dict and INPUT_FIELDS.issuperset(raw.keys()):
            get = raw.get
            values = []
            for c, accept in zip(CHARACTERISTICS, self._accepts, strict=True):
                value = get(c)
                code = accept.get(value) if type(value) is str else None
                if code is None:
                    break
                values.append(code)
            else:
                a, r, e = get("applicant_hit"), get("referent_hit"), get("employer_hit")
                flags = (
                    FLAG_VALUES.get(a) if type(a) in (str, int, bool) else None,
                    FLAG_VALUES.get(r) if type(r) in (str, int, bool) else None,
                    FLAG_VALUES.get(e) if type(e) in (str, int, bool) else None,
                )
                lodged = get("lodged_on")
                day = (
                    (today or timezone.localdate())
                    if lodged in (None, "")
                    else (self._day(lodged) if type(lodged) is str else None)
                )
                ident = get("application_id")
                ident = "" if ident is None else ident
                if (
                    None not in flags
                    and day is not None
                    and type(ident) is str
                    and len(ident) <= MAX_ID_LENGTH
                    and ident == ident.strip()
                ):
                    return Application(tuple(values), flags, day, ident), []  # type: ignore[arg-type]
        return application_parse_full(raw, self._accepts, where=where, today=today)


def application_parse(
    raw: Any, catalogue: dict[str, set[str]], *, where: str = "", today: date | None = None
) -> tuple[Application | None, list[Problem]]:
    """One application as the API and the command send it; every problem is reported."""
    accepts = [accepted_spellings(c, catalogue.get(c, ())) for c in CHARACTERISTICS]
    return application_parse_full(raw, accepts, where=where, today=today)
