"""The one domain error type that services raise and every door turns into a message.

A problem has a stable machine `code` (listed in docs/api.md), a human message
(translated lazily, so it renders in the language of the request that shows it) and
the field it concerns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    code: str
    message: Any  # str or lazy translation
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": str(self.message), "attr": self.field}


@dataclass
class DomainError(Exception):
    """Bad input or a refused action. `status` is the HTTP status the API answers with."""

    problems: list[Problem]
    status: int = 400
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def single(cls, code: str, message: Any, field: str | None = None, status: int = 400) -> "DomainError":
        return cls([Problem(code, message, field)], status=status)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def __str__(self) -> str:
        return "; ".join(f"{p.code}: {p.message}" for p in self.problems)


def forbidden(code: str, message: Any) -> DomainError:
    return DomainError.single(code, message, status=403)


def conflict(code: str, message: Any) -> DomainError:
    return DomainError.single(code, message, status=409)


def problems_to_form(form: Any, error: DomainError, field_of: Callable[[str | None], str | None] = lambda f: f) -> None:
    """Show a domain error on a Django form: each problem beside the field it names (after
    `field_of` maps the service's name to the form's), or above the form."""
    from django.forms import ValidationError

    for problem in error.problems:
        name = field_of(problem.field)
        form.add_error(name if name in form.fields else None, ValidationError(problem.message, code=problem.code))
