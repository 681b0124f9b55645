"""The bias report's figures (docs/bias-report.md): load, aggregate once, compute vectorised.

`bias_figures_compute` is the one entry point; the JSON, CSV, page and PDF are all views
of what it returns.
"""

import tempfile
from collections.abc import Callable
from datetime import date

import duckdb

from ..parameters import ReportParameters
from .aggregation import aggregate
from .assemble import BiasFigures, figures_assemble
from .loading import records_load

__all__ = ["BiasFigures", "bias_figures_compute", "duckdb_connect"]


def duckdb_connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never reaches the network for extensions and spills to
    the temporary directory rather than failing when memory runs short."""
    return duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": "1GB",
            "temp_directory": tempfile.gettempdir(),
        }
    )


def bias_figures_compute(
    *,
    period_from: date,
    period_to: date,
    parameters: ReportParameters,
    progress: Callable[[int, str], None] | None = None,
) -> BiasFigures:
    con = duckdb_connect()
    try:
        records_load(con=con, period_from=period_from, period_to=period_to, progress=progress)
        if progress:
            progress(40, "aggregating")
        agg = aggregate(con)
    finally:
        con.close()
    if progress:
        progress(50, "statistics")
    return figures_assemble(agg=agg, period_from=period_from, period_to=period_to, parameters=parameters)
