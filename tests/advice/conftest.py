"""Helpers for advice tests: the monitoring tests' `activate` (a draft taken to active
through the services) is shared, not copied."""

from tests.monitoring.conftest import activate  # noqa: F401
