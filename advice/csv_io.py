"""CSV in, CSV out: the `advise` command and the advice page's file form.

In: the seven characteristics and the three known-party hit columns, optionally
`lodged_on` (default today) and `application_id`. Out: the same rows followed by
`track`, `known_party_hits`, `matched_profiles` (CODE@VERSION;…) and `reasons`. Every
cell is written through `documents.spreadsheet` so that nothing in it runs as a formula.
"""

import csv
from typing import Any

from django.utils import timezone

from accounts.actors import actor_require
from accounts.roles import REQUEST_ADVICE
from documents.spreadsheet import SafeWriter
from problems import DomainError, Problem
from profiles.application_input import CHARACTERISTICS, PARTY_COLUMNS, header_check, input_problem
from profiles.characteristics import banned_term_in
from profiles.validation import banned_problem

from .cache import RefusedProfile, advice_state
from .engine import Application, reason_texts
from .parsers import ALLOWED_TEXT, INPUT_FIELDS
from .selectors import advice_for_applications
from .services import banned_refusals_recorded

CSV_OUT_COLUMNS = ("track", "known_party_hits", "matched_profiles", "reasons")
_CSV_CHUNK = 10_000
_CSV_PROBLEMS_SHOWN = 1000


def header_problems(header: list[str]) -> list[Problem]:
    problems = []
    for column, code in header_check(header, allowed=INPUT_FIELDS, required=(*CHARACTERISTICS, *PARTY_COLUMNS)):
        where = f"row 1.{column}"
        if code == "banned_characteristic":
            problems.append(banned_problem(column, where, banned_term_in(column) or ""))
        else:
            problems.append(input_problem(code, where, column=column, allowed=ALLOWED_TEXT))
    return problems


def advice_csv(
    *, actor: Any, source: Any, target: Any, door: str = "command"
) -> tuple[int, tuple[RefusedProfile, ...]]:
    """Advise every row of a CSV text stream and write the rows with their advice to
    `target`, a chunk at a time. Returns the number of rows and the active profiles the
    engine refused to use. A bad header or row raises DomainError listing every problem
    (`field` = "row N.column"); call it with a target you can throw away, as rows before
    the first bad one may already be written."""
    actor_require(actor, REQUEST_ADVICE)
    with banned_refusals_recorded(actor=actor, door=door):
        state = advice_state()
        return _advice_csv(state, source, target), state.refused


def _advice_csv(state: Any, source: Any, target: Any) -> int:
    """A file the csv module or the decoder cannot read (a NUL byte, a field over the
    size limit, a quote left open, UTF-16 or Latin-1) is refused with the problems found
    so far and the one that stopped the reading, never an unhandled error."""
    problems: list[Problem] = []
    reader = csv.reader(source)
    try:
        return _advise_rows(state, reader, target, problems)
    except csv.Error as error:
        stop = input_problem("malformed_row", f"row {reader.line_num}", detail=str(error))
    except UnicodeDecodeError:
        stop = input_problem("invalid_encoding", f"row {reader.line_num + 1}")
    raise DomainError([*problems[: _CSV_PROBLEMS_SHOWN - 1], stop])


def _advise_rows(state: Any, reader: Any, target: Any, problems: list[Problem]) -> int:
    texts = reason_texts()
    today = timezone.localdate()
    header = [h.strip() for h in next(reader, [])]
    problems.extend(header_problems(header))
    if problems:
        raise DomainError(problems)
    writer = SafeWriter(target)
    writer.writerow([*header, *CSV_OUT_COLUMNS])
    pending: list[tuple[list[str], Application]] = []

    def flush() -> None:
        results = advice_for_applications(applications=[a for _row, a in pending], index=state.index)
        for (row, _application), result in zip(pending, results, strict=True):
            writer.writerow(
                [
                    *row,
                    result.track,
                    ";".join(result.known_party_hits),
                    result.matched_profiles,
                    " | ".join(result.reasons(texts)),
                ]
            )
        pending.clear()

    count = 0
    for number, row in enumerate(reader, start=2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        count += 1
        if len(row) != len(header):
            problems.append(input_problem("wrong_field_count", f"row {number}", found=len(row), expected=len(header)))
            continue
        application, found = state.parser.parse(dict(zip(header, row, strict=True)), where=f"row {number}", today=today)
        problems.extend(found)
        if len(problems) >= _CSV_PROBLEMS_SHOWN:
            break
        if application is not None and not problems:
            pending.append((row, application))
            if len(pending) >= _CSV_CHUNK:
                flush()
    if problems:
        raise DomainError(problems[:_CSV_PROBLEMS_SHOWN])
    flush()
    return count
