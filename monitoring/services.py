"""Writes of monitoring data: the one import service behind every door, and the job that
runs an uploaded file's import in the background.

An import reads its rows as they come, checks them a chunk at a time
(`columns.ChunkChecker`) and stages the good ones (`staging.StagedMerge`), so
memory stays flat whatever the size of the file. The records, the run and its audit
event are kept in one transaction, and only when every row is good. A bad file changes
no record; its run keeps the report of every problem (the first `REPORT_CAP` in full,
all of them counted).
"""

import gc
import hashlib
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.actors import SystemActor, actor_require, actor_user
from accounts.roles import IMPORT_MONITORING
from jobs.services import job_create, job_enqueue_on_commit, job_fail, job_progress, job_start, job_succeed
from problems import DomainError
from profiles.selectors import catalogue_index

from . import events
from .columns import REPORT_CAP, ChunkChecker, problem
from .models import ImportDoor, ImportFormat, ImportRun, ImportStatus
from .readers import HashingReader, csv_rows, format_for, jsonl_rows, record_rows, records_sha256, text_stream
from .staging import StagedMerge, chunked

IMPORT_PERMISSION = IMPORT_MONITORING
CHUNK_ROWS = 10_000
MAX_API_RECORDS = 10_000

Progress = Callable[[int, str], None]


@dataclass
class _Report:
    """Problems as they are found: all counted, the first REPORT_CAP kept."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    bad_rows: int = 0
    codes: Counter = field(default_factory=Counter)
    groups: dict[tuple[str, str], Counter] = field(default_factory=dict)
    examples: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _last_row: int | None = None

    def add(self, found: list[dict[str, Any]]) -> None:
        for entry in found:
            self.count += 1
            self.codes[entry["code"]] += 1
            self._group(entry)
            if len(self.problems) < REPORT_CAP:
                self.problems.append(entry)
            if entry["row"] != self._last_row:
                self.bad_rows += 1
                self._last_row = entry["row"]

    _GROUP_VALUES = 1000  # distinct values counted per group; more are counted under None

    def _group(self, entry: dict[str, Any]) -> None:
        key = (entry.get("column") or "", entry["code"])
        values = self.groups.get(key)
        if values is None:
            values = self.groups[key] = Counter()
            self.examples[key] = entry
        value = entry.get("value")
        values[value if value in values or len(values) < self._GROUP_VALUES else None] += 1

    def group_list(self, shown: int = 20) -> list[dict[str, Any]]:
        """Per column and code: how many problems, and the most frequent values with theirs."""
        out = []
        for (column, code), values in self.groups.items():
            named = [(v, n) for v, n in values.most_common() if v is not None]
            example = self.examples[(column, code)]
            out.append(
                {
                    "column": column,
                    "code": code,
                    "count": sum(values.values()),
                    "distinct": len(named),
                    "values": [[v, n] for v, n in named[:shown]],
                    "example": {k: example[k] for k in ("value", "params") if k in example},
                }
            )
        return sorted(out, key=lambda g: (-g["count"], g["column"], g["code"]))


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)  # 1.000.000 in Dutch, 1,000,000 in English


def importer(name: str) -> SystemActor:
    """The system actor of a command or the demo seeder, run by the operator: it holds the
    import right explicitly, and its name goes into the audit trail."""
    return SystemActor(name, frozenset({IMPORT_MONITORING}))


def _require_import_right(actor: Any) -> None:
    # Everyone is checked: a person through a role, a command or the seeder as a system
    # actor that was given the right (see `importer`).
    actor_require(actor, IMPORT_MONITORING, _("Only a policy officer or an administrator may import monitoring data."))


@contextmanager
def _no_cycle_collection():
    """The pass allocates millions of short-lived tuples and makes no reference cycles:
    the cyclic collector would only walk them (a third of the time) for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_and_pass(
    rows: Iterator, out: list[dict[str, Any]], report: _Report, merge: StagedMerge, tick: Callable[[int], None]
) -> int:
    """One pass over every row, a chunk at a time, the good ones handed to `merge`;
    returns the number of records read."""
    checker = ChunkChecker(catalogue_index())
    numbers: list[int] = []
    values: list[Any] = []
    count = 0

    def flush() -> None:
        # `out` already holds the reader's problems of this chunk's rows; the checker's follow.
        good = checker.check_chunk(numbers, values, out)
        out.sort(key=lambda p: p["row"])
        report.add(out)
        # Good rows go on even once the file is known to be bad: repeated ids are found there.
        merge.add(good)
        out.clear()
        numbers.clear()
        values.clear()
        tick(count)

    for row, row_values in rows:
        count += 1
        if row_values is not None:
            numbers.append(row)
            values.append(row_values)
            if len(numbers) >= CHUNK_ROWS:
                flush()
    flush()  # also reports the problems that ended the reading
    if count == 0 and report.count == 0:
        report.add([problem(1, None, "empty_file")])
    return count


def monitoring_records_import(
    *,
    actor: Any,
    door: str,
    file_format: str,
    stream: BinaryIO | None = None,
    records: list[Any] | None = None,
    filename: str = "",
    run: ImportRun | None = None,
    on_progress: Progress | None = None,
) -> ImportRun:
    """Import a file (`stream`, CSV or JSON Lines) or a JSON batch (`records`) whole or not at all.

    Returns the run: `imported` with its counts, or `rejected` with the report. A record
    whose application_id exists is updated; one whose values are all the same is left
    alone (`unchanged`), so a second import of a file changes nothing.
    """
    _require_import_right(actor)
    if door not in ImportDoor.values or file_format not in ImportFormat.values:
        raise ValueError(f"unknown door or format: {door}, {file_format}")
    user = actor_user(actor)
    if run is None:
        run = ImportRun.objects.create(
            door=door, file_format=file_format, filename=filename[:255], status=ImportStatus.RUNNING, created_by=user
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, error="")
        run.status = ImportStatus.RUNNING

    out: list[dict[str, Any]] = []
    report = _Report()
    hashing: HashingReader | None = None
    if stream is not None:
        hashing = HashingReader(stream)
        try:
            total = os.fstat(stream.fileno()).st_size
        except (AttributeError, OSError, ValueError):
            total = 0
        text = text_stream(hashing)
        rows = csv_rows(text, out) if file_format == ImportFormat.CSV else jsonl_rows(text, out)
    else:
        records = records if isinstance(records, list) else []
        total = len(records)
        rows = record_rows(records, out)

    last = [0.0]

    def tick(count: int) -> None:
        if on_progress is None or time.monotonic() - last[0] < 0.5:
            return
        last[0] = time.monotonic()
        done = (hashing.bytes_read if hashing else count) / total if total else 0
        on_progress(min(90, int(90 * done)), _("Checked %(n)s rows") % {"n": _number(count)})

    def keep(inserted: int, updated: int) -> None:
        # Inside the transaction of the merge: the run and its audit event with the records.
        run.inserted_count, run.updated_count = inserted, updated
        run.unchanged_count = run.row_count - inserted - updated
        run.status = ImportStatus.IMPORTED
        run.save()
        events.records_imported(actor=actor, run=run)

    try:
        with StagedMerge(now=timezone.now()) as merge, _no_cycle_collection():
            run.row_count = _check_and_pass(rows, out, report, merge, tick)
            if hashing is not None:
                hashing.drain()
                run.sha256, run.size_bytes = hashing.sha256.hexdigest(), hashing.bytes_read
            else:
                run.sha256, run.size_bytes = records_sha256(records or []), 0
            run.finished_at = timezone.now()
            if not report.count and on_progress:
                on_progress(92, _("Writing %(n)s records") % {"n": _number(run.row_count)})
            for application_id, row, first in merge.finish(good=not report.count, commit=keep):
                report.add([problem(row, "application_id", "duplicate_in_file", application_id, other_row=first)])
        if run.status == ImportStatus.IMPORTED:
            return run
        run.bad_row_count, run.problem_count = report.bad_rows, report.count
        run.problem_codes = dict(report.codes)
        run.problem_groups = report.group_list()
        run.problems = sorted(report.problems, key=lambda p: p["row"])
        run.status = ImportStatus.REJECTED
        banned = sorted(
            {p.get("value") or p["column"] for p in report.problems if p["code"] == "banned_characteristic"}
        )
        with transaction.atomic():
            run.save()
            events.import_rejected(actor=actor, run=run, banned=banned)
        return run
    except Exception as error:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.FAILED, error=str(error)[:5000], finished_at=timezone.now()
            )
        raise


def monitoring_records_load_generated(
    *, actor: Any, rows: Iterator[tuple[Any, ...]], label: str, on_progress: Progress | None = None
) -> ImportRun:
    """Keep records the portal generated itself (the synthetic demo data), through the same
    staging, merge and audit as an import. `rows` are clean: (row number, *COLUMNS values)
    with codes from the catalogue; the database's constraints still check every row."""
    _require_import_right(actor)
    user = actor_user(actor)
    run = ImportRun.objects.create(
        door=ImportDoor.DEMO,
        file_format=ImportFormat.JSON,
        filename=label[:255],
        status=ImportStatus.RUNNING,
        created_by=user,
    )
    digest = hashlib.sha256()

    def keep(inserted: int, updated: int) -> None:
        run.inserted_count, run.updated_count = inserted, updated
        run.unchanged_count = run.row_count - inserted - updated
        run.status = ImportStatus.IMPORTED
        run.save()
        events.records_imported(actor=actor, run=run)

    try:
        with StagedMerge(now=timezone.now()) as merge, _no_cycle_collection():
            for chunk in chunked(rows, CHUNK_ROWS):
                digest.update(repr(chunk).encode())
                merge.add(chunk)
                run.row_count += len(chunk)
                if on_progress:
                    on_progress(run.row_count, "")
            run.sha256, run.finished_at = digest.hexdigest(), timezone.now()
            repeated = merge.finish(good=True, commit=keep)
        if repeated:  # the generator's ids are unique: this would be a bug
            raise ValueError(f"generated records repeat application ids, e.g. {repeated[0][0]}")
        return run
    except Exception as error:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.FAILED, error=str(error)[:5000], finished_at=timezone.now()
            )
        raise


def monitoring_records_import_path(
    *,
    actor: Any,
    path: str | Path,
    file_format: str | None = None,
    door: str = ImportDoor.COMMAND,
    on_progress: Progress | None = None,
) -> ImportRun:
    """Import a file on disk (the command's door)."""
    path = Path(path)
    with path.open("rb") as stream:
        return monitoring_records_import(
            actor=actor,
            door=door,
            file_format=file_format or format_for(path.name),
            stream=stream,
            filename=path.name,
            on_progress=on_progress,
        )


def monitoring_records_import_batch(*, actor: Any, records: Any) -> ImportRun:
    """The API's door: a JSON list of records (or {"records": [...]}) of at most MAX_API_RECORDS."""
    if isinstance(records, dict) and set(records) == {"records"}:
        records = records["records"]
    if not isinstance(records, list) or not records:
        raise DomainError.single("invalid", _("Send a non-empty JSON list of records."))
    if len(records) > MAX_API_RECORDS:
        raise DomainError.single(
            "too_many_records",
            _("A batch holds at most %(max)s records; send larger sets as a file.") % {"max": MAX_API_RECORDS},
        )
    return monitoring_records_import(actor=actor, door=ImportDoor.API, file_format=ImportFormat.JSON, records=records)


# --- Uploads through the web page: a background job ---------------------------------------------


def _upload_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "monitoring-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def monitoring_upload_start(*, actor: Any, upload: Any, file_format: str | None = None) -> ImportRun:
    """Keep an uploaded file on disk and queue its import; the page follows the job."""
    from .tasks import import_upload

    _require_import_right(actor)
    name = os.path.basename(getattr(upload, "name", "") or "upload.csv")[:255]
    file_format = file_format or format_for(name)
    if file_format not in (ImportFormat.CSV, ImportFormat.JSONL):
        raise DomainError.single("invalid_format", _("Choose CSV or JSON Lines."), "file_format")
    path = _upload_dir() / f"{uuid.uuid4().hex}.{file_format}"
    with path.open("wb") as target:
        for piece in upload.chunks():
            target.write(piece)
    with transaction.atomic():
        run = ImportRun.objects.create(
            door=ImportDoor.UPLOAD,
            file_format=file_format,
            filename=name,
            size_bytes=path.stat().st_size,
            upload_path=str(path),
            created_by=actor_user(actor),
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        job = job_create(
            kind="monitoring.import",
            created_by=actor_user(actor),
            params={"import": str(run.public_id), "language": language},
        )
        run.job_id = job.public_id
        run.save(update_fields=["job_id"])
        job_enqueue_on_commit(task=import_upload, job=job, import_run_id=run.pk, language=language)
    return run


def _job_result(run: ImportRun) -> dict[str, Any]:
    return {
        "import": str(run.public_id),
        "status": run.status,
        "row_count": run.row_count,
        "inserted": run.inserted_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "problems": run.problem_count,
    }


def _discard_upload(run: ImportRun) -> None:
    if run.upload_path:
        Path(run.upload_path).unlink(missing_ok=True)
        ImportRun.objects.filter(pk=run.pk).update(upload_path="")


def monitoring_import_job_run(*, job_id: int, import_run_id: int, language: str = "nl") -> None:
    """The worker's side of an upload. Safe to run again: a finished run is only reported."""
    run = ImportRun.objects.select_related("created_by").get(pk=import_run_id)
    if not job_start(job_id=job_id):
        return
    if run.status in (ImportStatus.IMPORTED, ImportStatus.REJECTED):
        job_succeed(job_id=job_id, result=_job_result(run))
        _discard_upload(run)
        return
    if not run.upload_path or not Path(run.upload_path).exists():
        monitoring_import_job_fail(
            job_id=job_id, import_run_id=import_run_id, error="the uploaded file is no longer there; upload it again"
        )
        return

    def progress(percent: int, message: str) -> None:
        job_progress(job_id=job_id, progress=percent, message=message)

    with translation.override(language):
        with open(run.upload_path, "rb") as stream:
            run = monitoring_records_import(
                actor=run.created_by,
                door=ImportDoor.UPLOAD,
                file_format=run.file_format,
                stream=stream,
                filename=run.filename,
                run=run,
                on_progress=progress,
            )
        message = (
            _("%(n)s records imported") % {"n": _number(run.row_count)}
            if run.status == ImportStatus.IMPORTED
            else _("File rejected: %(n)s problems") % {"n": _number(run.problem_count)}
        )
    job_succeed(job_id=job_id, result=_job_result(run), message=message)
    _discard_upload(run)


def monitoring_import_job_fail(*, job_id: int, import_run_id: int, error: str) -> None:
    """The job gave up (retries exhausted, or nothing left to import): say so on both records."""
    with transaction.atomic():
        ImportRun.objects.filter(pk=import_run_id).exclude(
            status__in=[ImportStatus.IMPORTED, ImportStatus.REJECTED]
        ).update(status=ImportStatus.FAILED, error=error[:5000], finished_at=timezone.now())
        job_fail(job_id=job_id, error=error)
