"""Reading records one at a time from CSV, JSON Lines or a list of JSON objects.

Each reader yields (row, values) with values as text in COLUMNS order, or None for a
row that could not be read at all (its problem is already in `out`). Problems that end
the reading (a bad header, a file that is not UTF-8) are appended to `out` and stop the
iteration. Rows are numbered as a person finds them: in a CSV file the header is row 1
(as in a spreadsheet); in JSON Lines, the line number; in a JSON list, position + 1.
"""

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from operator import itemgetter
from typing import Any, BinaryIO

from .columns import COLUMNS, header_problems, problem, record_values

Rows = Iterator[tuple[int, list[str] | tuple[str, ...] | None]]


class HashingReader(io.RawIOBase):
    """Passes a binary stream through, counting its bytes and hashing them (SHA-256)."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        self.bytes_read += n
        return n

    def drain(self) -> None:
        """Hash what was not read, so the checksum is the whole file's even when reading stopped early."""
        while chunk := self.raw.read(1 << 20):
            self.sha256.update(chunk)
            self.bytes_read += len(chunk)


def text_stream(hashing: HashingReader) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheets often write a byte-order mark before the header.
    return io.TextIOWrapper(io.BufferedReader(hashing, 1 << 16), encoding="utf-8-sig", newline="")


class NulCharacter(Exception):
    """A NUL in the text: no value may hold one (PostgreSQL's text and jsonb refuse it)."""


def _without_nul(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if "\x00" in line:
            raise NulCharacter
        yield line


def csv_rows(text: io.TextIOBase, out: list[dict[str, Any]]) -> Rows:
    csv.field_size_limit(1 << 20)
    # A NUL ends the reading, like a byte that is not UTF-8: the file is UTF-16 or binary,
    # or damaged, and the rows after it cannot be trusted.
    reader = csv.reader(_without_nul(iter(text)))
    row = 1
    try:
        header = next(reader, None)
        if header is None:
            out.append(problem(1, None, "empty_file"))
            return
        fatal = header_problems([h.strip() for h in header], fold_case=True)
        names = [h.strip().lower() for h in header]
        if fatal:
            out.extend(fatal)
            return
        width = len(names)
        # A missing optional column reads as the empty cell appended at position `width`.
        pick = itemgetter(*[names.index(c) if c in names else width for c in COLUMNS])
        for fields in reader:
            row += 1
            if len(fields) != width:
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    row -= 1  # a blank line is not a record
                    continue
                out.append(problem(row, None, "wrong_field_count", found=len(fields), expected=width))
                yield row, None
                continue
            fields.append("")
            yield row, pick(fields)
    except UnicodeDecodeError:
        out.append(problem(row + 1, None, "invalid_encoding"))
    except NulCharacter:
        out.append(problem(row + 1, None, "nul_character"))
    except csv.Error as error:
        out.append(problem(row + 1, None, "malformed_row", detail=str(error)))


def jsonl_rows(text: io.TextIOBase, out: list[dict[str, Any]]) -> Rows:
    line = 0
    try:
        for line, content in enumerate(text, 1):
            if not content.strip():
                continue
            if "\x00" in content:
                out.append(problem(line, None, "nul_character"))
                yield line, None
                continue
            try:
                record = json.loads(content)
            except (ValueError, RecursionError):
                # RecursionError: a line nested a thousand levels deep (the decoder recurses
                # once per level); it is as unreadable as any other bad line.
                record = None
            if not isinstance(record, dict):
                out.append(problem(line, None, "invalid_json"))
                yield line, None
                continue
            yield line, record_values(record, line, out)
    except UnicodeDecodeError:
        out.append(problem(line + 1, None, "invalid_encoding"))


def record_rows(records: list[Any], out: list[dict[str, Any]]) -> Rows:
    for i, record in enumerate(records, 1):
        if not isinstance(record, dict):
            out.append(problem(i, None, "invalid_json"))
            yield i, None
            continue
        yield i, record_values(record, i, out)


def records_sha256(records: list[Any]) -> str:
    """A checksum of a JSON batch that does not depend on key order or spacing."""
    digest = hashlib.sha256()
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    for record in records:
        digest.update(encoder.encode(record).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def format_for(filename: str) -> str:
    lower = filename.lower()
    return "jsonl" if lower.endswith((".jsonl", ".ndjson", ".jsonlines")) else "csv"


# Make sure the codec exists at import time rather than failing mid-file.
codecs.lookup("utf-8-sig")
