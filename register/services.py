"""The only writers of register entries, versions and translations.

Every door (pages, API, commands, seed_demo) calls these. Each validates with the one
validator (`standard.entry_validate`), checks the actor's role (`accounts.actors`),
changes state with a conditional update along `workflow.TRANSITIONS`, and writes the
audit trail in the same transaction; a refused attempt is audited after the rollback
(`audit.refusals.audited_refusal`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.actors import actor_is_user, actor_name, actor_pk, actor_require, actor_require_role, actor_user
from accounts.roles import EDIT_REGISTER, Role
from audit.refusals import audited_refusal
from problems import DomainError, Problem, conflict, forbidden

from . import events, proposals, system
from .models import EntryField, EntryTransition, EntryVersion, FieldTranslation, RegisterEntry, VersionStatus
from .standard import EDITABLE, FIELD, TRANSLATABLE, blank_fields, entry_validate
from .workflow import TRANSITIONS


def content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise DomainError(problems)


def _lock(version: EntryVersion) -> EntryVersion:
    return EntryVersion.objects.select_for_update().select_related("entry").get(pk=version.pk)


def entry_get_or_create(*, system_code: str = "IOB") -> RegisterEntry:
    entry, _created = RegisterEntry.objects.get_or_create(
        system=system_code, defaults={"organisation_code": system.system_record().get("organisation_code", "")}
    )
    return entry


# --- Prefill provenance (the shared prefill app) ------------------------------------------------------


def _anchor(version: EntryVersion, key: str) -> EntryField:
    return EntryField.objects.get_or_create(version=version, key=key)[0]


def _accept(actor: Any, version: EntryVersion, proposal: proposals.FieldProposal) -> dict[str, Any]:
    from prefill.services import prefill_accept

    prefill_accept(actor=actor, target=_anchor(version, proposal.key), proposal=proposal.shared(), edited=False)
    return {**proposal.snapshot(), "text": proposal.shared().text}


def _mark_edited(actor: Any, version: EntryVersion, key: str) -> None:
    from prefill.services import prefill_accept

    stored = version.provenance.get(key)
    if not stored or stored.get("edited"):
        return
    version.provenance[key] = {**stored, "edited": True}
    prefill_accept(
        actor=actor,
        target=_anchor(version, key),
        edited=True,
        proposal={
            "codes": stored.get("codes", []),
            "text": stored.get("text", ""),
            "sources": stored.get("sources", []),
            "computed_at": stored.get("prefilled_at"),
            "value": None,
        },
    )


def _carry_provenance(base: EntryVersion, version: EntryVersion) -> None:
    from prefill.services import prefill_copy

    for row in base.field_rows.all():
        prefill_copy(source=row, target=_anchor(version, row.key))


# --- Drafts ---------------------------------------------------------------------------------------------


def version_create_draft(
    *, actor: Any, entry: RegisterEntry | None = None, use_prefill: bool = True, fields: dict[str, Any] | None = None
) -> EntryVersion:
    """Open a new draft: a copy of the newest version (or blank), with the portal's prefill
    proposals for every field that has no text yet (all fields on a first draft), then
    `fields` on top. Only one version per entry is open (draft, in review or approved)."""
    entry = entry or entry_get_or_create()

    def refused(error: DomainError) -> None:
        events.version_refused(actor=actor, action="create", codes=error.codes)

    with audited_refusal(refused):
        actor_require(actor, EDIT_REGISTER)
        RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.versions.filter(
            status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED]
        ).exists():
            raise conflict(
                "open_version_exists", _("This entry already has an open version; edit, approve or archive it first.")
            )
        base = entry.versions.exclude(status=VersionStatus.ARCHIVED).order_by("-number").first()
        data = blank_fields()
        provenance: dict[str, Any] = {}
        if base is not None:
            data.update({k: v for k, v in base.fields.items() if k in data})
            provenance = dict(base.provenance)
        chosen: list[proposals.FieldProposal] = []
        if use_prefill:
            for key, proposal in proposals.proposals().items():
                if key in data and (data[key] in ("", [], None)):
                    data[key] = proposal.value
                    chosen.append(proposal)
        data["source_id"] = data.get("source_id") or str(entry.public_id)
        data["lang"], data["standard_version"] = "nld", "1.0"
        data.update(fields or {})
        checked = entry_validate(data)
        _raise(checked.problems)
        number = (entry.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = EntryVersion.objects.create(
            entry=entry,
            number=number,
            fields=checked.fields,
            provenance=provenance,
            created_by=actor_user(actor),
            editor_ids=[actor_pk(actor)] if actor_is_user(actor) else [],
        )
        if base is not None:
            _carry_provenance(base, version)
        for proposal in chosen:
            version.provenance[proposal.key] = _accept(actor, version, proposal)
        for key in fields or {}:
            _mark_edited(actor, version, key)
        filled = [p.key for p in chosen]
        version.save(update_fields=["provenance"])
        events.version_created(actor=actor, version=version, based_on=base.number if base else None, prefilled=filled)
    return version


def _require_draft(version: EntryVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise conflict(
            "version_not_editable",
            _("Only a draft can be changed; this version is %(status)s. Start a new draft instead.")
            % {"status": version.get_status_display()},
        )


def _note_editor(version: EntryVersion, actor: Any) -> None:
    pk = actor_pk(actor)
    if pk is not None and pk not in version.editor_ids:
        version.editor_ids = [*version.editor_ids, pk]


def version_update(*, actor: Any, version: EntryVersion, fields: dict[str, Any]) -> EntryVersion:
    """Change fields of a draft. Every field is checked (all problems at once); a prefilled
    field that is changed keeps its provenance, marked edited."""

    def refused(error: DomainError) -> None:
        events.version_refused(actor=actor, action="update", codes=error.codes, version=version)

    with audited_refusal(refused):
        actor_require(actor, EDIT_REGISTER)
        locked = _lock(version)
        _require_draft(locked)
        if not isinstance(fields, dict):
            raise DomainError.single("invalid_type", _("The entry must be an object of fields."))
        checked = entry_validate({**{k: v for k, v in locked.fields.items() if k in EDITABLE}, **fields})
        _raise(checked.problems)
        changed = {
            k: {"from": locked.fields.get(k), "to": checked.fields.get(k)}
            for k in fields
            if k in FIELD and locked.fields.get(k) != checked.fields.get(k)
        }
        if changed:
            for key in changed:
                _mark_edited(actor, locked, key)
            locked.fields = checked.fields
            _note_editor(locked, actor)
            locked.save(update_fields=["fields", "provenance", "editor_ids", "updated_at"])
            events.version_updated(actor=actor, version=locked, changed=changed)
    return locked


def version_prefill(*, actor: Any, version: EntryVersion, keys: list[str] | None = None) -> EntryVersion:
    """Take the portal's current proposals for `keys` (default: every field with a
    proposal) into a draft, with their provenance. An explicit step: the diff to the
    previous version shows what changed."""

    def refused(error: DomainError) -> None:
        events.version_refused(actor=actor, action="prefill", codes=error.codes, version=version)

    with audited_refusal(refused):
        actor_require(actor, EDIT_REGISTER)
        locked = _lock(version)
        _require_draft(locked)
        current = proposals.proposals()
        unknown = [k for k in keys or [] if k not in current]
        if unknown:
            raise DomainError.single(
                "no_prefill", _("The portal has no proposal for: %(keys)s.") % {"keys": ", ".join(unknown)}, "keys"
            )
        chosen = {k: current[k] for k in (keys or list(current))}
        checked = entry_validate({**locked.fields, **{k: p.value for k, p in chosen.items()}})
        _raise(checked.problems)
        locked.fields = checked.fields
        for key, proposal in chosen.items():
            locked.provenance[key] = _accept(actor, locked, proposal)
        _note_editor(locked, actor)
        locked.save(update_fields=["fields", "provenance", "editor_ids", "updated_at"])
        events.version_prefilled(
            actor=actor,
            version=locked,
            keys=sorted(chosen),
            sources={k: locked.provenance[k]["sources"] for k in sorted(chosen)},
        )
    return locked


# --- The workflow ---------------------------------------------------------------------------------------


def _four_eyes(version: EntryVersion, actor: Any) -> None:
    pk = actor_pk(actor)
    writers = {version.created_by_id, version.submitted_by_id, *version.editor_ids} - {None}
    if pk in writers:
        raise forbidden(
            "four_eyes",
            _("You wrote or submitted this version; a second person must approve, send back or publish it."),
        )


def version_transition(*, actor: Any, version: EntryVersion, action: str, comment: str = "") -> EntryVersion:
    """Move a version along the workflow (`workflow.TRANSITIONS`)."""
    transition = TRANSITIONS.get(action)

    def refused(error: DomainError) -> None:
        events.version_refused(actor=actor, action=action, codes=error.codes, version=version)

    with audited_refusal(refused):
        if transition is None or transition.role is None:
            raise DomainError.single("unknown_action", _("Unknown action: %(action)s.") % {"action": action})
        actor_require_role(actor, transition.role)
        locked = _lock(version)
        if locked.status not in transition.sources:
            raise conflict(
                "invalid_transition",
                _("A version that is %(status)s cannot be %(action)s.")
                % {"status": locked.get_status_display(), "action": action},
            )
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            raise DomainError.single("comment_required", _("Please give a reason."), "comment")
        if transition.four_eyes:
            _four_eyes(locked, actor)
        now = timezone.now()
        changes: dict[str, Any] = {"status": transition.target, "last_comment": comment}
        if action == "submit":
            checked = entry_validate(locked.fields, for_release=True)
            _raise(checked.problems)
            changes.update(submitted_by=actor_user(actor), submitted_at=now, content_hash=content_hash(locked.fields))
            _note_editor(locked, actor)
            changes["editor_ids"] = locked.editor_ids
        elif action == "send_back":
            changes.update(content_hash="")
        elif action == "approve":
            changes.update(approved_by=actor_user(actor), approved_at=now)
        elif action == "publish":
            previous = locked.entry.versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=locked.pk)
            for old in previous.select_for_update():
                EntryVersion.objects.filter(pk=old.pk, status=VersionStatus.PUBLISHED).update(
                    status=VersionStatus.SUPERSEDED
                )
                old.status = VersionStatus.SUPERSEDED
                EntryTransition.objects.create(
                    version=old,
                    action="supersede",
                    from_status=VersionStatus.PUBLISHED,
                    to_status=VersionStatus.SUPERSEDED,
                    actor=actor_user(actor),
                    actor_name=actor_name(actor),
                    comment=f"v{locked.number}",
                )
                events.version_transitioned(
                    actor=actor,
                    version=old,
                    action="supersede",
                    from_status=VersionStatus.PUBLISHED,
                    comment=f"v{locked.number}",
                )
            changes.update(published_by=actor_user(actor), published_at=now)
        elif action == "retract":
            changes.update(retracted_at=now)
        moved = EntryVersion.objects.filter(pk=locked.pk, status=locked.status).update(**changes)
        if not moved:
            raise conflict("invalid_transition", _("The version changed meanwhile; reload and try again."))
        from_status = locked.status
        locked.refresh_from_db()
        EntryTransition.objects.create(
            version=locked,
            action=action,
            from_status=from_status,
            to_status=locked.status,
            actor=actor_user(actor),
            actor_name=actor_name(actor),
            comment=comment,
        )
        events.version_transitioned(
            actor=actor, version=locked, action=action, from_status=from_status, comment=comment
        )
    return locked


# --- Translations ---------------------------------------------------------------------------------------


def translation_approve(*, actor: Any, version: EntryVersion, field: str, language: str, text: str) -> FieldTranslation:
    """Store an approved translation of one field's Dutch text in `version`. Written by a
    person (the register editor); the portal never translates by machine."""
    from .models import TranslationLanguage
    from .standard import sanitise_rich, to_plain

    def refused(error: DomainError) -> None:
        events.version_refused(actor=actor, action="translate", codes=error.codes, version=version)

    with audited_refusal(refused):
        actor_require(actor, EDIT_REGISTER)
        problems = []
        if field not in TRANSLATABLE:
            problems.append(
                Problem("not_translatable", _("“%(field)s” is not a text applicants read.") % {"field": field}, "field")
            )
        if language not in TranslationLanguage.values:
            problems.append(
                Problem("unknown_language", _("Translations are kept in English, French and Spanish."), "language")
            )
        source = version.fields.get(field) or ""
        if field in TRANSLATABLE and not source:
            problems.append(Problem("nothing_to_translate", _("The Dutch text of this field is empty."), "field"))
        cleaned = sanitise_rich(text) if FIELD.get(field) and FIELD[field].kind == "rich" else to_plain(text or "")
        if not cleaned:
            problems.append(Problem("translation_empty", _("The translation is empty."), "text"))
        _raise(problems)
        translation, _created = FieldTranslation.objects.update_or_create(
            entry=version.entry,
            field=field,
            language=language,
            source_sha256=text_sha256(source),
            defaults={"text": cleaned, "approved_by": actor_user(actor)},
        )
        events.translation_approved(actor=actor, translation=translation)
    return translation


# --- Delivery --------------------------------------------------------------------------------------------


def version_record_delivery(
    *, actor: Any, version: EntryVersion, operation: str, answer: dict[str, Any]
) -> EntryVersion:
    """Store what the register answered (its `lars`, `publication_dt`, state). The fields of
    the version stay as approved; the answer is kept beside them."""
    with transaction.atomic():
        locked = _lock(version)
        lars = str(answer.get("lars") or answer.get("lars_code") or "")
        if lars and not locked.entry.lars:
            RegisterEntry.objects.filter(pk=locked.entry_id, lars="").update(lars=lars[:8])
        now = timezone.now()
        EntryVersion.objects.filter(pk=locked.pk).update(
            register_answer={**locked.register_answer, operation: answer}, synced_at=now
        )
        RegisterEntry.objects.filter(pk=locked.entry_id).update(last_synced_at=now)
        locked.refresh_from_db()
        events.version_delivered(actor=actor, version=locked, operation=operation, answer=answer)
    return locked


def version_deliver(
    *, actor: Any, version: EntryVersion, operation: str = "publish", client: Any = None
) -> EntryVersion:
    """Send a published version to the register (create or update, release, publish), or
    retract a retracted one there. An approver's act; the register's answer is stored and
    audited. `client` defaults to a `delivery.RegisterClient` configured from the environment."""
    from .delivery import RegisterApiConfig, RegisterApiError, RegisterClient, RegisterNotConfigured
    from .exports import register_body

    def refused(error: DomainError) -> None:
        events.version_refused(actor=actor, action=f"deliver_{operation}", codes=error.codes, version=version)

    with audited_refusal(refused):
        actor_require_role(actor, Role.REVIEWER)
        wanted = {"publish": VersionStatus.PUBLISHED, "retract": VersionStatus.RETRACTED}.get(operation)
        if wanted is None:
            raise DomainError.single("unknown_action", _("Unknown action: %(action)s.") % {"action": operation})
        if version.status != wanted:
            raise conflict(
                "invalid_transition", _("Only a %(status)s version can be sent for this.") % {"status": wanted.label}
            )
        try:
            client = client or RegisterClient(RegisterApiConfig.from_env())
        except RegisterNotConfigured as error:
            raise conflict(
                "register_not_configured", _("The register's API is not configured: %(why)s.") % {"why": error}
            ) from error
    try:
        if operation == "publish":
            answer = client.deliver(register_body(version))
        else:
            lars = version.entry.lars
            if not lars:
                raise DomainError.single("no_lars", _("The register has not assigned this entry an id yet."))
            answer = client.retract(lars)
    except RegisterApiError as error:
        problem = DomainError.single(
            "register_api_error",
            _("The register refused: %(status)s %(detail)s") % {"status": error.status, "detail": error.detail},
            status=502,
        )
        with audited_refusal(refused):
            raise problem from error
    return version_record_delivery(actor=actor, version=version, operation=operation, answer=answer)


def register_demo_draft(*, actor: Any) -> str:
    """seed_demo: a prefilled draft of the entry, once (so exports work on a fresh install)."""
    entry = entry_get_or_create()
    existing = entry.versions.order_by("-number").first()
    if existing is not None:
        return f"version {existing.number} ({existing.status}) exists"
    version = version_create_draft(actor=actor, entry=entry)
    return f"draft version {version.number} created, prefilled"
