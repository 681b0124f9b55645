"""CSV cells that a spreadsheet cannot run: the one helper of every CSV the portal writes.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (OWASP, "CSV injection"): an imported
value such as `=HYPERLINK(...)` would run when an officer opens the import's error
report or the bias report's CSV. Such a cell is written with a leading apostrophe, which
spreadsheets show as text and do not evaluate. Numbers (Python numbers, and text that is
exactly a decimal number such as `-0.25`) are left as they are: they cannot be formulas,
and the figures must stay figures.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def csv_cell(value: Any) -> Any:
    """`value` as safe to write into a CSV cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_safe_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in row]


class SafeWriter:
    """`csv.writer` whose every cell goes through `csv_cell`."""

    def __init__(self, target: Any, **kwargs: Any):
        self._writer = csv.writer(target, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every cell goes through `csv_cell`."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({k: csv_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Any]) -> None:
        for row in rowdicts:
            self.writerow(row)
