"""The reference advice engine (characteristics.md, "The advice for one application").

- `intensive` if any known-party hit (applicant, referent, employer) or any active
  risk-profile hit;
- else `fast` if at least one active chance-profile hit;
- else `regular`;

with its reasons: which parties hit and which profile codes and versions hit. A profile
counts on a day when it is `active` and the day lies inside its validity window.

Matching never walks the profiles one by one. The active profiles are indexed once as
bitsets (Python integers, one bit per profile): for every characteristic and code, the
profiles that admit that code, a profile without a criterion on the characteristic
admitting every code. An application's hits are the AND of its seven bitsets and of the
bitset of profiles in force on its day: seven dictionary look-ups and eight ANDs, however
many profiles there are. The index is rebuilt only when the active profiles or the
catalogue change (a cheap stamp query tells), so one advice costs two small queries.
"""

import gc
import re
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from iob_portal.errors import DomainError, Problem

from .characteristics import Characteristic, banned_term_in, normalise_code
from .models import CatalogueCode, Profile, ProfileKind, ProfileStatus, Track
from .selectors import catalogue_index
from .validation import banned_problem

CHARACTERISTICS: tuple[str, ...] = tuple(Characteristic.values)
PARTIES: tuple[str, ...] = ("applicant", "referent", "employer")
PARTY_COLUMNS: tuple[str, ...] = tuple(f"{p}_hit" for p in PARTIES)
INPUT_FIELDS = frozenset({"application_id", "lodged_on", *CHARACTERISTICS, *PARTY_COLUMNS})
MAX_BATCH = 10_000

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# True and False are 1 and 0 as dictionary keys: JSON booleans are covered too.
_FLAGS = {"0": False, "1": True, 0: False, 1: True}


@dataclass(frozen=True)
class ProfileHit:
    code: str
    version: int
    kind: str
    ref: str = field(init=False, compare=False)  # CODE@VERSION, written once per index, read per advice

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.code}@{self.version}")


class Application(NamedTuple):
    values: tuple[str, ...]  # the seven codes, in CHARACTERISTICS order
    parties: tuple[bool, bool, bool]  # applicant, referent, employer
    lodged_on: date
    application_id: str = ""


class AdviceResult(NamedTuple):
    track: str
    known_party_hits: tuple[str, ...]
    profile_hits: tuple[ProfileHit, ...]

    @property
    def matched_profiles(self) -> str:
        """As monitoring records write it: CODE@VERSION separated by semicolons."""
        return ";".join(h.ref for h in self.profile_hits)

    def reasons(self, texts: dict[str, str] | None = None) -> list[str]:
        """In words, in the active language. `texts` (from `reason_texts`) saves looking
        the same wording up again for every application of a batch."""
        texts = texts or reason_texts()
        lines = [texts["party"] % {"party": texts[p]} for p in self.known_party_hits]
        for hit in self.profile_hits:
            lines.append(texts[hit.kind] % {"code": hit.code, "version": hit.version})
        return lines or [texts["none"]]

    def as_dict(self, texts: dict[str, str] | None = None) -> dict[str, Any]:
        return {
            "track": self.track,
            "known_party_hits": list(self.known_party_hits),
            "profile_hits": [{"code": h.code, "version": h.version, "kind": h.kind} for h in self.profile_hits],
            "matched_profiles": self.matched_profiles,
            "reasons": self.reasons(texts),
        }


def reason_texts() -> dict[str, str]:
    return {"party": _("Known-party hit: %(party)s"), ProfileKind.RISK: _("Risk profile %(code)s@%(version)s hit"),
            ProfileKind.CHANCE: _("Chance profile %(code)s@%(version)s hit"),
            "none": _("No known-party hit and no profile hit"),
            "applicant": _("applicant"), "referent": _("referent"), "employer": _("employer")}


@dataclass(frozen=True)
class _IndexedProfile:
    hit: ProfileHit
    valid_from: date
    valid_until: date
    criteria: dict[str, Sequence[str]]


class AdviceIndex:
    """The active profiles as bitsets per characteristic and code (see the module docstring)."""

    def __init__(self, profiles: Sequence[_IndexedProfile]):
        self.profiles = list(profiles)
        self.hits_by_bit = [p.hit for p in self.profiles]
        self.free = {c: 0 for c in CHARACTERISTICS}  # profiles without a criterion on c
        admits: dict[str, dict[str, int]] = {c: {} for c in CHARACTERISTICS}
        self.risk = self.chance = 0
        for i, profile in enumerate(self.profiles):
            bit = 1 << i
            if profile.hit.kind == ProfileKind.RISK:
                self.risk |= bit
            else:
                self.chance |= bit
            for c in CHARACTERISTICS:
                codes = profile.criteria.get(c)
                if codes is None:
                    self.free[c] |= bit
                else:
                    table = admits[c]
                    for code in codes:
                        table[code] = table.get(code, 0) | bit
        for c in CHARACTERISTICS:
            for code in admits[c]:
                admits[c][code] |= self.free[c]
        self._admits = [(admits[c], self.free[c]) for c in CHARACTERISTICS]
        self._in_force: dict[date, int] = {}
        self._decided: dict[tuple[int, tuple[bool, ...]], AdviceResult] = {}

    def __len__(self) -> int:
        return len(self.profiles)

    def in_force(self, day: date) -> int:
        mask = self._in_force.get(day)
        if mask is None:
            mask = 0
            for i, p in enumerate(self.profiles):
                if p.valid_from <= day <= p.valid_until:
                    mask |= 1 << i
            if len(self._in_force) > 4096:
                self._in_force.clear()
            self._in_force[day] = mask
        return mask

    def hit_bits(self, values: Sequence[str], day: date) -> int:
        bits = self.in_force(day)
        for (table, free), code in zip(self._admits, values, strict=True):
            if not bits:
                break
            bits &= table.get(code, free)
        return bits

    def decide(self, values: Sequence[str], parties: Sequence[bool], day: date) -> AdviceResult:
        bits = self.hit_bits(values, day)
        key = (bits, tuple(parties))
        # Many applications share their hits (most often: none); the result is immutable.
        known = self._decided.get(key)
        if known is not None:
            return known
        hits: list[ProfileHit] = []
        rest = bits
        while rest:
            low = rest & -rest
            hits.append(self.hits_by_bit[low.bit_length() - 1])
            rest ^= low
        party_hits = tuple(name for name, hit in zip(PARTIES, parties, strict=True) if hit)
        if party_hits or bits & self.risk:
            track = Track.INTENSIVE
        elif bits & self.chance:
            track = Track.FAST
        else:
            track = Track.REGULAR
        hits.sort(key=lambda h: (h.kind != ProfileKind.RISK, h.code, h.version))
        result = AdviceResult(track=str(track), known_party_hits=party_hits, profile_hits=tuple(hits))
        if len(self._decided) > 50_000:
            self._decided.clear()
        self._decided[key] = result
        return result


# --- The index in force: built from the database, cached until the profiles change --------

_lock = threading.Lock()
_cached: dict[str, Any] = {"stamp": None, "index": None, "catalogue": None, "parser": None}


def _stamp() -> tuple[Any, ...]:
    """What changes when the active profiles or the catalogue change: one small query, as
    every advice asks it (a status change sets updated_at; codes are only ever added)."""
    profiles, codes = Profile._meta.db_table, CatalogueCode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at), MAX(id), (SELECT COUNT(*) FROM {codes}), "
                       f"(SELECT MAX(id) FROM {codes}) FROM {profiles} WHERE status = %s", [ProfileStatus.ACTIVE])
        return tuple(cursor.fetchone())


def advice_index_build() -> AdviceIndex:
    """Every active profile (whatever its window: the window is applied per day)."""
    rows = Profile.objects.filter(status=ProfileStatus.ACTIVE).prefetch_related("criteria").order_by("code", "version")
    return AdviceIndex([
        _IndexedProfile(hit=ProfileHit(p.code, p.version, p.kind), valid_from=p.valid_from,
                        valid_until=p.valid_until,
                        criteria={c.characteristic: tuple(c.values) for c in p.criteria.all()})
        for p in rows
    ])


def _current() -> dict[str, Any]:
    stamp = _stamp()
    with _lock:
        if _cached["stamp"] == stamp:
            return dict(_cached)
    catalogue = catalogue_index()
    fresh = {"stamp": stamp, "index": advice_index_build(), "catalogue": catalogue,
             "parser": ApplicationParser(catalogue)}
    with _lock:
        _cached.update(fresh)
    return fresh


def advice_index_current() -> tuple[AdviceIndex, dict[str, set[str]]]:
    """The index of the active profiles and the catalogue, rebuilt when either changed."""
    current = _current()
    return current["index"], current["catalogue"]


# --- Input -------------------------------------------------------------------------------------

def _problem(code: str, message: str, where: str) -> Problem:
    return Problem(code, message, where)


def _application_parse_full(raw: Any, catalogue: dict[str, set[str]], *, where: str = "",
                            today: date | None = None) -> tuple[Application | None, list[Problem]]:
    """One application, checked field by field: every problem is reported."""
    prefix = f"{where}." if where else ""
    if not isinstance(raw, dict):
        return None, [_problem("invalid", _("An application is an object with the seven characteristics and "
                                             "the three known-party hits."), where or None)]
    problems: list[Problem] = []
    for key in raw:
        name = str(key)
        if name in INPUT_FIELDS:
            continue
        term = banned_term_in(name)
        if term:
            problems.append(banned_problem(name, prefix + name, term))
        else:
            problems.append(_problem("unknown_characteristic",
                                     _("“%(name)s” is not a field of an application (%(allowed)s).")
                                     % {"name": name, "allowed": ", ".join(sorted(INPUT_FIELDS))}, prefix + name))
    values: list[str] = []
    for c in CHARACTERISTICS:
        value = raw.get(c)
        code = normalise_code(c, value)
        if value is None or code == "":
            problems.append(_problem("required", _("“%(column)s” is required.") % {"column": c}, prefix + c))
        elif not isinstance(code, str) or code not in catalogue.get(c, ()):
            term = banned_term_in(code)
            if term:
                problems.append(banned_problem(str(code), prefix + c, term))
            else:
                problems.append(_problem("unknown_value", _("“%(value)s” is not a code of “%(name)s” in the catalogue.")
                                         % {"value": code, "name": c}, prefix + c))
        else:
            values.append(code)
    parties: list[bool] = []
    for column in PARTY_COLUMNS:
        value = raw.get(column)
        if isinstance(value, str):
            value = value.strip()
        flag = _FLAGS.get(value) if isinstance(value, str | int | bool) else None
        if value is None or value == "":
            problems.append(_problem("required", _("“%(column)s” is required.") % {"column": column},
                                     prefix + column))
        elif flag is None:
            problems.append(_problem("invalid_flag", _("“%(value)s” is not 0 or 1.") % {"value": value},
                                     prefix + column))
        else:
            parties.append(flag)
    lodged = raw.get("lodged_on")
    day = today or timezone.localdate()
    if isinstance(lodged, str) and lodged.strip():
        text = lodged.strip()
        try:
            if not _DATE_RE.match(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            problems.append(_problem("invalid_date", _("“%(value)s” is not a date written as YYYY-MM-DD.")
                                     % {"value": text}, prefix + "lodged_on"))
    elif lodged not in (None, ""):
        problems.append(_problem("invalid_date", _("“%(value)s” is not a date written as YYYY-MM-DD.")
                                 % {"value": lodged}, prefix + "lodged_on"))
    application_id = raw.get("application_id")
    application_id = "" if application_id is None else str(application_id).strip()
    if len(application_id) > 64:
        problems.append(_problem("invalid_application_id", _("An application id has 1 to 64 characters."),
                                 prefix + "application_id"))
    if problems:
        return None, problems
    return Application(values=tuple(values), parties=(parties[0], parties[1], parties[2]), lodged_on=day,
                       application_id=application_id), []


class ApplicationParser:
    """Parses applications against one catalogue. Well-formed input (known keys, codes as
    the catalogue or its standard spells them, 0/1 flags, ISO dates) takes a fast path of
    dictionary look-ups; anything else goes through `_application_parse_full`, which
    names every problem."""

    def __init__(self, catalogue: dict[str, set[str]]):
        self.catalogue = catalogue
        self._accepts = []
        for c in CHARACTERISTICS:
            accept: dict[str, str] = {}
            for code in catalogue.get(c, ()):
                for spelling in (code, code.upper(), code.lower()):
                    if normalise_code(c, spelling) == code:
                        accept[spelling] = code
            self._accepts.append(accept)
        self._dates: dict[str, date] = {}

    def _day(self, text: str) -> date | None:
        day = self._dates.get(text)
        if day is None and _DATE_RE.match(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                return None
            if len(self._dates) < 100_000:
                self._dates[text] = day
        return day

    def parse(self, raw: Any, *, where: str = "", today: date | None = None
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
                flags = (_FLAGS.get(a) if type(a) in (str, int, bool) else None,
                         _FLAGS.get(r) if type(r) in (str, int, bool) else None,
                         _FLAGS.get(e) if type(e) in (str, int, bool) else None)
                lodged = get("lodged_on")
                day = (today or timezone.localdate()) if lodged in (None, "") else (
                    self._day(lodged) if type(lodged) is str else None)
                ident = get("application_id")
                ident = "" if ident is None else ident
                if None not in flags and day is not None and type(ident) is str and len(ident) <= 64 \
                        and ident == ident.strip():
                    return Application(tuple(values), flags, day, ident), []
        return _application_parse_full(raw, self.catalogue, where=where, today=today)


def application_parse(raw: Any, catalogue: dict[str, set[str]], *, where: str = "",
                      today: date | None = None) -> tuple[Application | None, list[Problem]]:
    """One application as the API and the command send it; every problem is reported."""
    return _application_parse_full(raw, catalogue, where=where, today=today)


# --- The doors' entry points -----------------------------------------------------------------------

def advice_for_applications(*, applications: Iterable[Application], on: date | None = None,
                            index: AdviceIndex | None = None) -> list[AdviceResult]:
    """Advice for parsed applications, each against the profiles in force on its own
    lodging day (or on `on` for all of them)."""
    index = index or advice_index_current()[0]
    return [index.decide(a.values, a.parties, on or a.lodged_on) for a in applications]


@contextmanager
def _cycle_collection_paused():
    """A batch builds tens of thousands of small dicts and lists and no reference cycles;
    the cyclic collector would walk them again and again (a third of the time) for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def advice_request(*, data: Any) -> dict[str, Any] | list[dict[str, Any]]:
    """The API's door: one application object or a list of them, in; the advice per
    application (echoing its id and day), out. Raises DomainError listing every problem."""
    with _cycle_collection_paused():
        return _advice_request(data)


def _advice_request(data: Any) -> dict[str, Any] | list[dict[str, Any]]:
    current = _current()
    index, parser = current["index"], current["parser"]
    single = isinstance(data, dict)
    items = [data] if single else data
    if not isinstance(items, list) or not items:
        raise DomainError.single("invalid", _("Send one application object or a non-empty list of them."))
    if len(items) > MAX_BATCH:
        raise DomainError.single("too_many_records", _("A batch holds at most %(max)s records; send larger sets as "
                                                       "a file.") % {"max": MAX_BATCH})
    today = timezone.localdate()
    parsed: list[Application] = []
    problems: list[Problem] = []
    for i, raw in enumerate(items):
        application, found = parser.parse(raw, where="" if single else str(i), today=today)
        if found:
            problems.extend(found)
        elif application is not None:
            parsed.append(application)
    if problems:
        raise DomainError(problems)
    texts = reason_texts()
    shown: dict[AdviceResult, dict[str, Any]] = {}  # the same advice is worded once per request
    out = []
    for application, result in zip(parsed, advice_for_applications(applications=parsed, index=index), strict=True):
        words = shown.get(result)
        if words is None:
            words = shown[result] = result.as_dict(texts)
        out.append({"application_id": application.application_id or None,
                    "lodged_on": application.lodged_on.isoformat(), **words})
    return out[0] if single else out


# --- CSV in, CSV out (the `advise` command and the advice page) ------------------------------------

CSV_OUT_COLUMNS = ("track", "known_party_hits", "matched_profiles", "reasons")
_CSV_CHUNK = 10_000
_CSV_PROBLEMS_SHOWN = 1000


def advice_csv(*, source: Any, target: Any) -> int:
    """Advise every row of a CSV text stream and write the rows with their advice to
    `target`, a chunk at a time. Returns the number of rows. A bad header or row raises
    DomainError listing every problem (`attr` = "row N.column"); call it with a target you
    can throw away, as rows before the first bad one may already be written."""
    import csv

    current = _current()
    index, parser = current["index"], current["parser"]
    texts = reason_texts()
    today = timezone.localdate()
    reader = csv.reader(source)
    header = [h.strip() for h in next(reader, [])]
    problems: list[Problem] = []
    for name in header:
        term = banned_term_in(name)
        if term:
            problems.append(banned_problem(name, f"row 1.{name}", term))
        elif name not in INPUT_FIELDS:
            text = _("“%(column)s” is not a column of an application (%(allowed)s).")
            problems.append(_problem("unknown_column", text % {"column": name,
                                                               "allowed": ", ".join(sorted(INPUT_FIELDS))},
                                     f"row 1.{name}"))
    for name in (*CHARACTERISTICS, *PARTY_COLUMNS):
        if name not in header:
            problems.append(_problem("missing_column", _("The required column “%(column)s” is missing.")
                                     % {"column": name}, f"row 1.{name}"))
    if problems:
        raise DomainError(problems)
    writer = csv.writer(target)
    writer.writerow([*header, *CSV_OUT_COLUMNS])
    pending: list[tuple[list[str], Application]] = []

    def flush() -> None:
        results = advice_for_applications(applications=[a for _row, a in pending], index=index)
        for (row, _application), result in zip(pending, results, strict=True):
            writer.writerow([*row, result.track, ";".join(result.known_party_hits), result.matched_profiles,
                             " | ".join(result.reasons(texts))])
        pending.clear()

    count = 0
    for number, row in enumerate(reader, start=2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        count += 1
        if len(row) != len(header):
            problems.append(_problem("wrong_field_count", _("This row has %(found)s fields where the header has "
                                                            "%(expected)s.") % {"found": len(row),
                                                                                "expected": len(header)},
                                     f"row {number}"))
            continue
        application, found = parser.parse(dict(zip(header, row, strict=True)), where=f"row {number}", today=today)
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
