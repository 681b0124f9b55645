"""The one validator of profile rules (docs/characteristics.md, rules 1–7).

Every door (form, API, admin, import, generator, and the model's own `clean`) calls
`profile_rules_check`; the database repeats what it can express (constraints, and on
PostgreSQL triggers). Each failure is its own Problem with a code from docs/api.md.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from problems import Problem

from .characteristics import (
    APPLICATION_CHARACTERISTICS,
    PERSONAL_CHARACTERISTICS,
    Characteristic,
    banned_term_in,
    normalise_code,
)

JUSTIFICATION_PARTS = ("legitimate_aim", "suitability", "necessity", "proportionality")
JUSTIFICATION_KEYS = (*JUSTIFICATION_PARTS, "nationality_use")


@dataclass(frozen=True)
class Criterion:
    characteristic: str
    values: tuple[str, ...]


def banned_problem(name: str, field: str, term: str) -> Problem:
    return Problem(
        "banned_characteristic",
        _(
            "“%(name)s” names a special category of personal data (%(term)s). Such categories, "
            "ethnicity above all, are banned from IOB by law and policy; this is not merely an unknown "
            "characteristic."
        )
        % {"name": name, "term": term},
        field,
    )


def _characteristic_check(item: dict[str, Any], where: str, seen: set[str]) -> tuple[str | None, list[Problem]]:
    """Rules 1 and 5 for the characteristic a criterion names: one of the seven, not a
    banned category, not named twice. Returns the name, or None with the problem."""
    name = item.get("characteristic")
    name_text = name.strip() if isinstance(name, str) else ""
    term = banned_term_in(name_text)
    if term:
        return None, [banned_problem(name_text, f"{where}.characteristic", term)]
    if name_text not in Characteristic.values:
        return None, [
            Problem(
                "unknown_characteristic",
                _("“%(name)s” is not one of the seven characteristics (%(allowed)s).")
                % {"name": name_text or "—", "allowed": ", ".join(Characteristic.values)},
                f"{where}.characteristic",
            )
        ]
    if name_text in seen:
        return None, [
            Problem(
                "duplicate_characteristic",
                _("The characteristic “%(name)s” appears more than once; combine its values in one criterion.")
                % {"name": name_text},
                f"{where}.characteristic",
            )
        ]
    return name_text, []


def _values_check(name: str, raw_values: Any, where: str, known: set[str]) -> tuple[list[str], list[Problem]]:
    """Rule 4 for a criterion's values: catalogue codes, none banned, at least one, and not
    every code of the catalogue (a criterion that admits all constrains nothing)."""
    if isinstance(raw_values, str):
        raw_values = [raw_values]
    if not isinstance(raw_values, list | tuple) or not raw_values:
        return [], [
            Problem("empty_values", _("Choose at least one value for “%(name)s”.") % {"name": name}, f"{where}.values")
        ]
    values: list[str] = []
    problems: list[Problem] = []
    for value in raw_values:
        code = normalise_code(name, value)
        if not isinstance(code, str) or not code:
            problems.append(Problem("unknown_value", _("An empty or non-text value is not a code."), f"{where}.values"))
            continue
        term = banned_term_in(code)
        if term:
            problems.append(banned_problem(code, f"{where}.values", term))
            continue
        if code not in known:
            problems.append(
                Problem(
                    "unknown_value",
                    _("“%(value)s” is not a code of “%(name)s” in the catalogue.") % {"value": code, "name": name},
                    f"{where}.values",
                )
            )
            continue
        if code not in values:
            values.append(code)
    if problems:
        return [], problems
    if set(values) >= known:
        return [], [
            Problem(
                "criterion_admits_all_values",
                _(
                    "The criterion on “%(name)s” admits every code, so it constrains nothing; it would not "
                    "count towards the three characteristics."
                )
                % {"name": name},
                f"{where}.values",
            )
        ]
    return values, []


def _mix_check(named: set[str]) -> list[Problem]:
    """Rules 2 and 3: at least three characteristics, application and personal ones mixed.
    They count what was named, so that one bad value does not also produce a misleading
    "too few characteristics"."""
    problems: list[Problem] = []
    if len(named) < 3:
        problems.append(
            Problem(
                "too_few_characteristics",
                _("A profile uses at least 3 of the 7 characteristics; this one uses %(n)s.") % {"n": len(named)},
                "criteria",
            )
        )
    if not named & APPLICATION_CHARACTERISTICS:
        problems.append(
            Problem(
                "missing_application_characteristic",
                _(
                    "A profile needs at least one application characteristic (main purpose of the journey or "
                    "place of application)."
                ),
                "criteria",
            )
        )
    if not named & PERSONAL_CHARACTERISTICS:
        problems.append(
            Problem(
                "missing_personal_characteristic",
                _(
                    "A profile needs at least one personal characteristic (nationality, age group, gender, "
                    "marital status or occupation)."
                ),
                "criteria",
            )
        )
    return problems


def criteria_check(raw: Any, catalogue: dict[str, set[str]]) -> tuple[list[Criterion], list[Problem]]:
    """Rules 1, 2, 3, 4 and 5 for a list of criteria. Returns the normalised criteria."""
    if not isinstance(raw, list | tuple):
        return [], [Problem("invalid", _("Criteria must be a list."), "criteria")]
    problems: list[Problem] = []
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"criteria.{i}"
        if not isinstance(item, dict):
            problems.append(Problem("invalid", _("A criterion must name a characteristic and its values."), where))
            continue
        name, found = _characteristic_check(item, where, seen)
        problems += found
        if name is None:
            continue
        seen.add(name)
        values, found = _values_check(name, item.get("values"), where, catalogue.get(name, set()))
        problems += found
        if values:
            criteria.append(Criterion(name, tuple(sorted(values))))
    return criteria, problems + _mix_check(seen)


def validity_check(valid_from: Any, valid_until: Any) -> list[Problem]:
    """Rule 6: from before until, and at most IOB_MAX_VALIDITY_DAYS days (both days counted)."""
    if not isinstance(valid_from, date) or not isinstance(valid_until, date):
        return [Problem("invalid_validity_window", _("Give a start and an end date."), "valid_from")]
    if valid_from >= valid_until:
        return [Problem("invalid_validity_window", _("The start date must be before the end date."), "valid_until")]
    maximum = settings.IOB_MAX_VALIDITY_DAYS
    days = (valid_until - valid_from).days + 1
    if days > maximum:
        return [
            Problem(
                "validity_too_long",
                _("The validity window is %(days)s days; the maximum is %(max)s days.")
                % {"days": days, "max": maximum},
                "valid_until",
            )
        ]
    return []


def justification_check(kind: str, justification: Any, criteria: list[Criterion]) -> list[Problem]:
    """Rule 7: a risk profile explains aim, suitability, necessity, proportionality, and
    why nationality is used when it is."""
    if kind != "risk":
        return []
    justification = justification if isinstance(justification, dict) else {}
    labels = {
        "legitimate_aim": _("legitimate aim"),
        "suitability": _("suitability"),
        "necessity": _("necessity"),
        "proportionality": _("proportionality"),
        "nationality_use": _("reason for using nationality"),
    }
    required = list(JUSTIFICATION_PARTS)
    if any(c.characteristic == Characteristic.NATIONALITY for c in criteria):
        required.append("nationality_use")
    return [
        Problem(
            "justification_required",
            _("A risk profile must explain its %(part)s.") % {"part": labels[key]},
            f"justification.{key}",
        )
        for key in required
        if not (isinstance(justification.get(key), str) and justification[key].strip())
    ]


def kind_check(kind: Any) -> list[Problem]:
    if kind not in ("chance", "risk"):
        return [Problem("invalid_kind", _("The kind must be “chance” or “risk”."), "kind")]
    return []


def profile_rules_check(
    *, kind: Any, criteria: Any, valid_from: Any, valid_until: Any, justification: Any, catalogue: dict[str, set[str]]
) -> tuple[list[Criterion], list[Problem]]:
    """All seven rules at once: every problem is reported, not just the first."""
    normalised, problems = criteria_check(criteria, catalogue)
    problems += kind_check(kind)
    problems += validity_check(valid_from, valid_until)
    problems += justification_check(kind, justification, normalised)
    return normalised, problems
