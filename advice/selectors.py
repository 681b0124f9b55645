"""Reads of the advice engine: the advice and its explanation for parsed applications."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from .cache import RefusedProfile, advice_state
from .engine import AdviceIndex, AdviceResult, Application, ProfileExplanation


def advice_for_applications(
    *, applications: Iterable[Application], on: date | None = None, index: AdviceIndex | None = None
) -> list[AdviceResult]:
    """Advice for parsed applications, each against the profiles in force on its own
    lodging day (or on `on` for all of them)."""
    index = index or advice_state().index
    return [index.decide(a.values, a.parties, on or a.lodged_on) for a in applications]


def advice_explain(*, application: Application, index: AdviceIndex | None = None) -> list[ProfileExplanation]:
    """Per active profile, why it did or did not hit `application` (the advice page)."""
    index = index or advice_state().index
    return index.explain(application.values, application.lodged_on)


def advice_refused_profiles() -> tuple[RefusedProfile, ...]:
    """Active profiles the engine re-checked and does not use (see `cache`)."""
    return advice_state().refused


def advice_parse(*, data: Any) -> Application | None:
    """One application as the engine reads it (None when it has problems: the service names them)."""
    application, _problems = advice_state().parser.parse(data)
    return application
