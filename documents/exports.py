"""Stored document exports, shared by every app that exports a document.

An app registers a *kind* (`register`, `dpia`, `iama`, …) once, in its `AppConfig.ready()`:

    export_kind_register(ExportKind(name="register", label=_("Algorithm Register entry"),
                                    permission=VIEW_REGISTER, render=render_register))

`render(*, fmt, params, progress)` returns an `ExportFile` (bytes, file name, content
type, what was exported); it may raise `DomainError` (nothing to export). Everything
else is done here, the same for every kind: the right is checked (`permission`, from
the role table), the export is a Celery job with progress, the file is stored with its
SHA-256 and the audit trail records the request and the stored file's hash.
`manage.py export_document KIND` dispatches on the registered kinds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.actors import SystemActor, actor_has_right, actor_name, actor_require, actor_user
from audit.refusals import audited_refusal
from jobs.services import job_create, job_enqueue_on_commit, job_fail, job_progress, job_start, job_succeed
from problems import DomainError, Problem, conflict

from . import events
from .models import DocumentExport, ExportFormat, ExportStatus

JOB_KIND = "document_export"
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    subject: str = ""


class Renderer(Protocol):
    def __call__(self, *, fmt: str, params: dict[str, Any], progress: Progress) -> ExportFile: ...


@dataclass(frozen=True)
class ExportKind:
    """A document kind an app can export. `check_params` (optional) validates and
    normalises the request's parameters before anything is queued, raising DomainError."""

    name: str
    label: Any
    permission: str
    render: Renderer
    formats: tuple[str, ...] = (ExportFormat.PDF, ExportFormat.JSON)
    check_params: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None)


_KINDS: dict[str, ExportKind] = {}


def export_kind_register(kind: ExportKind) -> None:
    """Register (or, on a reload, replace) a kind. Called from an AppConfig.ready()."""
    unknown = set(kind.formats) - set(ExportFormat.values)
    if unknown:
        raise ValueError(f"export kind {kind.name}: unknown formats {sorted(unknown)}")
    _KINDS[kind.name] = kind


def export_kinds() -> dict[str, ExportKind]:
    return dict(sorted(_KINDS.items()))


def export_kind_get(name: str) -> ExportKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise DomainError.single(
            "unknown_export_kind",
            _("There is no document kind “%(kind)s” to export. Known: %(known)s.")
            % {"kind": name, "known": ", ".join(sorted(_KINDS)) or "–"},
            "kind",
        ) from None


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _check(kind_name: str, fmt: str, params: dict[str, Any] | None) -> tuple[ExportKind, dict[str, Any]]:
    kind = export_kind_get(kind_name)
    problems: list[Problem] = []
    if fmt not in kind.formats:
        problems.append(
            Problem(
                "unknown_export_format",
                _("Format “%(format)s” is not available for %(kind)s; choose %(formats)s.")
                % {"format": fmt, "kind": kind.name, "formats": " / ".join(kind.formats)},
                "format",
            )
        )
    if params is not None and not isinstance(params, dict):
        problems.append(Problem("invalid_export_params", _("Parameters must be an object."), "params"))
    if problems:
        raise DomainError(problems)
    clean = dict(params or {})
    if kind.check_params is not None:
        clean = kind.check_params(clean)
    return kind, clean


def export_request(
    *, actor: Any, kind: str, fmt: str, params: dict[str, Any] | None = None, enqueue: bool = True
) -> DocumentExport:
    """Queue an export of `kind` in `fmt`. The actor needs the kind's right (roles.py)."""
    with audited_refusal(
        lambda error: events.export_refused(actor=actor, kind=str(kind), fmt=str(fmt), codes=error.codes)
    ):
        registered, clean = _check(kind, fmt, params)
        actor_require(actor, registered.permission)
        job = job_create(kind=JOB_KIND, params={"kind": registered.name, "format": fmt}, created_by=actor_user(actor))
        export = DocumentExport.objects.create(
            kind=registered.name,
            format=fmt,
            params=clean,
            job=job,
            created_by=actor_user(actor),
            created_by_name=actor_name(actor),
        )
        job.params = {**job.params, "export": str(export.public_id)}
        job.save(update_fields=["params"])
        events.export_requested(actor=actor, export=export)
        if enqueue:
            from .tasks import generate_export

            job_enqueue_on_commit(task=generate_export, job=job, export_id=export.pk)
    return export


def _creator(export: DocumentExport) -> Any:
    return export.created_by or SystemActor(export.created_by_name.removeprefix("system:") or "export")


def export_generate(*, export_id: int, job_id: int | None = None) -> DocumentExport:
    """Render and store a pending export. Safe to run twice: only a pending export is
    rendered and only one run stores its file (conditional update)."""
    if job_id is not None and not job_start(job_id=job_id):
        return DocumentExport.objects.get(pk=export_id)
    export = DocumentExport.objects.get(pk=export_id)
    if export.status != ExportStatus.PENDING:
        if job_id is not None:
            job_succeed(job_id=job_id, result={"export": str(export.public_id)}, message=gettext("Already made"))
        return export

    def progress(pct: int, message: str) -> None:
        if job_id is not None:
            job_progress(job_id=job_id, progress=pct, message=message)

    progress(5, gettext("Collecting the content"))
    kind = export_kind_get(export.kind)
    file = kind.render(fmt=export.format, params=export.params, progress=progress)
    progress(95, gettext("Storing the file"))
    with transaction.atomic():
        moved = DocumentExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
            status=ExportStatus.READY,
            content=file.content,
            sha256=sha256_hex(file.content),
            size=len(file.content),
            filename=file.filename[:200],
            content_type=file.content_type[:100],
            subject=file.subject[:300],
            finished_at=timezone.now(),
        )
        export.refresh_from_db()
        if moved:
            events.export_stored(actor=_creator(export), export=export)
    if job_id is not None:
        job_succeed(
            job_id=job_id,
            result={"export": str(export.public_id), "sha256": export.sha256},
            message=gettext("Export ready"),
        )
    return export


def export_fail(*, export_id: int, job_id: int | None, error: str) -> None:
    """The job gave up: the export is marked failed with the reason (once)."""
    with transaction.atomic():
        moved = DocumentExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
            status=ExportStatus.FAILED, failure=error[:5000], finished_at=timezone.now()
        )
        if moved:
            export = DocumentExport.objects.get(pk=export_id)
            events.export_failed(actor=_creator(export), export=export, error=error)
    if job_id is not None:
        job_fail(job_id=job_id, error=error)


def export_run_now(*, actor: Any, kind: str, fmt: str, params: dict[str, Any] | None = None) -> DocumentExport:
    """Request and render in this process (the `export_document` command); the export is
    stored and audited like any other."""
    export = export_request(actor=actor, kind=kind, fmt=fmt, params=params, enqueue=False)
    try:
        return export_generate(export_id=export.pk, job_id=export.job_id)
    except DomainError as error:
        export_fail(export_id=export.pk, job_id=export.job_id, error=str(error))
        raise
    except Exception as error:
        export_fail(export_id=export.pk, job_id=export.job_id, error=f"{type(error).__name__}: {error}")
        raise


def export_get_for(*, actor: Any, public_id: Any) -> DocumentExport:
    """An export the actor may see: the kind's right is needed (404 otherwise, so ids of
    other documents are not confirmed)."""
    export = DocumentExport.objects.select_related("job", "created_by").filter(public_id=public_id).first()
    kind = _KINDS.get(export.kind) if export else None
    if export is None or kind is None or not actor_has_right(actor, kind.permission):
        raise DomainError.single("export_not_found", _("No such export."), status=404)
    return export


def export_file_for(*, actor: Any, public_id: Any) -> DocumentExport:
    export = export_get_for(actor=actor, public_id=public_id)
    if not export.is_ready:
        raise conflict(
            "export_not_ready",
            _("The export is not ready yet.")
            if export.status == ExportStatus.PENDING
            else _("The export failed: %(reason)s") % {"reason": export.failure},
        )
    return export
