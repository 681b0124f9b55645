"""A report's parameters and period, validated in one place for every door (form, API,
command, schedule). Bad input becomes one DomainError listing every problem."""

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from problems import DomainError, Problem

# A DPO may raise min_cell but not take small-cell protection away.
MIN_CELL_FLOOR = getattr(settings, "IOB_REPORT_MIN_CELL_FLOOR", 5)
MAX_PERIOD_DAYS = getattr(settings, "IOB_REPORT_MAX_PERIOD_DAYS", 3700)


@dataclass(frozen=True)
class ReportParameters:
    min_cell: int = 10
    alpha: float = 0.05
    ratio_low: float = 0.8
    ratio_high: float = 1.25
    follow_threshold: float = 0.95

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


PARAMETER_NAMES = tuple(ReportParameters.__dataclass_fields__)
DEFAULTS = ReportParameters()


def _number(value: Any, name: str, *, integer: bool) -> tuple[float | int | None, Problem | None]:
    bad = Problem("invalid_parameter", _("“%(name)s” must be a number.") % {"name": name}, name)
    if isinstance(value, bool) or value is None or value == "":
        return None, bad
    try:
        number = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return None, bad
    if number != number or number in (float("inf"), float("-inf")):
        return None, bad
    if integer:
        if int(number) != number:
            return None, Problem("invalid_parameter", _("“%(name)s” must be a whole number.") % {"name": name}, name)
        return int(number), None
    return float(number), None


def parameters_parse(data: dict[str, Any] | None) -> ReportParameters:
    """Parameters from user input (missing ones take their defaults)."""
    data = dict(data or {})
    problems: list[Problem] = []
    for name in sorted(set(data) - set(PARAMETER_NAMES)):
        problems.append(
            Problem(
                "unknown_parameter",
                _("“%(name)s” is not a report parameter; known are: %(known)s.")
                % {"name": name, "known": ", ".join(PARAMETER_NAMES)},
                name,
            )
        )
    values: dict[str, Any] = {}
    for name in PARAMETER_NAMES:
        if name not in data or data[name] is None or data[name] == "":
            values[name] = getattr(DEFAULTS, name)
            continue
        number, problem = _number(data[name], name, integer=(name == "min_cell"))
        if problem:
            problems.append(problem)
        else:
            values[name] = number
    checks = {
        "min_cell": (
            lambda v: MIN_CELL_FLOOR <= v <= 100_000,
            _("min_cell must be at least %(floor)d: smaller groups would not be protected.")
            % {"floor": MIN_CELL_FLOOR},
        ),
        "alpha": (lambda v: 0 < v <= 0.5, _("alpha must be above 0 and at most 0.5.")),
        "ratio_low": (lambda v: 0 < v < 1, _("ratio_low must be between 0 and 1.")),
        "ratio_high": (lambda v: 1 < v <= 100, _("ratio_high must be above 1.")),
        "follow_threshold": (lambda v: 0 < v <= 1, _("follow_threshold must be above 0 and at most 1.")),
    }
    for name, (ok, message) in checks.items():
        if name in values and not ok(values[name]):
            problems.append(Problem("invalid_parameter", message, name))
    if problems:
        raise DomainError(problems)
    return ReportParameters(**values)


def _date(value: Any, name: str) -> tuple[date | None, Problem | None]:
    if isinstance(value, date):
        return value, None
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        return None, Problem("invalid_date", _("Give the date as YYYY-MM-DD (a real calendar date)."), name)
    return parsed, None


def period_parse(period_from: Any, period_to: Any) -> tuple[date, date]:
    """The report period [from, to], both inclusive."""
    start, p1 = _date(period_from, "from")
    end, p2 = _date(period_to, "to")
    problems = [p for p in (p1, p2) if p]
    if start and end:
        if start > end:
            problems.append(Problem("invalid_period", _("The period must start on or before its last day."), "to"))
        elif (end - start).days > MAX_PERIOD_DAYS:
            problems.append(
                Problem(
                    "period_too_long", _("A report covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}, "to"
                )
            )
    if problems:
        raise DomainError(problems)
    return start, end
