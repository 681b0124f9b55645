"""Writes of profiles and catalogues: the only code that changes them.

Every door calls these functions. Each validates with `validation.py`, changes state
with a conditional update, and writes its audit event in the same transaction. Refused
attempts are audited after the rollback, so the refusal stays on record.
"""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pycountry
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.actors import (
    SystemActor,
    actor_has_right,
    actor_has_role,
    actor_is_user,
    actor_pk,
    actor_require,
    actor_require_role,
    actor_user,
)
from accounts.roles import AUTHOR_PROFILES, MANAGE_CATALOGUES, Role
from audit.refusals import audited_refusal
from audit.selectors import audit_actor_ids
from problems import DomainError, Problem, conflict, forbidden

from . import events
from .characteristics import (
    BUILTIN_CODES,
    CODE_FORMAT_HINTS,
    EXTENDABLE,
    ICAO_SPECIAL_NATIONALITIES,
    Characteristic,
    banned_term_in,
    code_format_ok,
    normalise_code,
)
from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    OWNED_STATUSES,
    CatalogueCode,
    Profile,
    ProfileComment,
    ProfileCriterion,
    ProfileKind,
    ProfileOrigin,
    ProfileStatus,
    ProfileTransition,
)
from .selectors import catalogue_index, catalogue_retired_index, profiles_using_code
from .validation import JUSTIFICATION_KEYS, Criterion, banned_problem, profile_rules_check
from .workflow import ACTION_LABELS, TRANSITIONS, actions_available

# The validity window moves approved versions to active and active ones to expired: no
# person clicked, and this actor holds no right and no role.
CLOCK = SystemActor("profile_validity_window")


def _refusal_of(action: str, actor: Any, target: Any = None, detail: dict[str, Any] | None = None):
    """The audited-refusal record of a profile service."""
    return lambda error: events.profile_refused(
        actor=actor, action=action, codes=error.codes, target=target, detail=detail
    )


# --- Catalogues ----------------------------------------------------------------------------


def _nationality_codes() -> list[tuple[str, str, str]]:
    import gettext

    translations: gettext.NullTranslations
    try:
        translations = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    except OSError:  # no Dutch names shipped: fall back to English rather than fail
        translations = gettext.NullTranslations()
    rows = [(c.alpha_3, translations.gettext(c.name), c.name) for c in pycountry.countries]
    rows.sort(key=lambda r: r[2])
    return rows + ICAO_SPECIAL_NATIONALITIES


def catalogue_sync() -> int:
    """Create the built-in codes that are missing (idempotent). Returns how many were added."""
    existing = set(CatalogueCode.objects.values_list("characteristic", "code"))
    builtin = dict(BUILTIN_CODES)
    builtin[Characteristic.NATIONALITY] = _nationality_codes()
    new = [
        CatalogueCode(characteristic=characteristic, code=code, label_nl=nl, label_en=en, sort_order=i, builtin=True)
        for characteristic, rows in builtin.items()
        for i, (code, nl, en) in enumerate(rows)
        if (characteristic, code) not in existing
    ]
    with transaction.atomic():
        CatalogueCode.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            events.catalogue_synced(created=len(new))
    return len(new)


def _catalogue_code_checked(*, actor, characteristic: str, code: str, label_nl: str, label_en: str) -> str:
    """Every check of a new code, in one place; returns the code as it will be stored."""
    actor_require(actor, MANAGE_CATALOGUES, _("Only an administrator may add catalogue codes."))
    problems: list[Problem] = []
    term = banned_term_in(characteristic)
    if term:
        raise DomainError([banned_problem(str(characteristic), "characteristic", term)])
    if not characteristic:
        raise DomainError.single("required", _("Choose the characteristic that the code belongs to."), "characteristic")
    if characteristic not in Characteristic.values:
        raise DomainError.single(
            "unknown_characteristic",
            _("There are exactly seven characteristics; “%(name)s” is not one of them and none can be added.")
            % {"name": characteristic},
            "characteristic",
        )
    if characteristic not in EXTENDABLE:
        raise DomainError.single(
            "catalogue_fixed",
            _("The catalogue of “%(name)s” is fixed by its standard and cannot be extended.")
            % {"name": characteristic},
            "characteristic",
        )
    normalised = normalise_code(characteristic, code or "")
    for field, text in (("code", normalised), ("label_nl", label_nl), ("label_en", label_en)):
        term = banned_term_in(text)
        if term:
            problems.append(banned_problem(text, field, term))
    if not normalised or len(normalised) > 32:
        problems.append(Problem("invalid_code", _("A code has 1 to 32 characters."), "code"))
    elif not code_format_ok(characteristic, normalised):
        problems.append(Problem("invalid_code", CODE_FORMAT_HINTS[Characteristic(characteristic)], "code"))
    if not (label_nl or "").strip() or not (label_en or "").strip():
        problems.append(Problem("label_required", _("Give a Dutch and an English label."), "label_nl"))
    if problems:
        raise DomainError(problems)
    if CatalogueCode.objects.filter(characteristic=characteristic, code=normalised).exists():
        raise DomainError.single("duplicate_code", _("This code is already in the catalogue."), "code")
    return normalised


def _catalogue_refusal(actor, characteristic: Any, code: Any):
    """The audited-refusal scope of every catalogue change."""
    return audited_refusal(
        lambda error: events.catalogue_code_refused(
            actor=actor, characteristic=str(characteristic), code=str(code), codes=error.codes
        )
    )


def catalogue_code_check(*, actor, characteristic: str, code: str, label_nl: str, label_en: str) -> str:
    """The checks of `catalogue_code_add` without adding: the page's confirmation step
    shows the code as it will be stored. A refusal is audited like a refused add."""
    with _catalogue_refusal(actor, characteristic, code):
        return _catalogue_code_checked(
            actor=actor, characteristic=characteristic, code=code, label_nl=label_nl, label_en=label_en
        )


def catalogue_code_add(*, actor, characteristic: str, code: str, label_nl: str, label_en: str) -> CatalogueCode:
    """An administrator adds a code to an extendable catalogue (age bands, occupations, posts)."""

    with _catalogue_refusal(actor, characteristic, code):
        normalised = _catalogue_code_checked(
            actor=actor, characteristic=characteristic, code=code, label_nl=label_nl, label_en=label_en
        )
        last = CatalogueCode.objects.filter(characteristic=characteristic).order_by("-sort_order").first()
        entry = CatalogueCode.objects.create(
            characteristic=characteristic,
            code=normalised,
            label_nl=label_nl.strip(),
            label_en=label_en.strip(),
            sort_order=(last.sort_order + 1) if last else 0,
            created_by=actor_user(actor),
        )
        events.catalogue_code_added(actor=actor, code=entry)
    return entry


# Profiles that may still be (or become) in force: a code they use cannot be retired.
LIVE_STATUSES = (ProfileStatus.IN_REVIEW, ProfileStatus.APPROVED, ProfileStatus.ACTIVE)


def catalogue_code_retire(*, actor, characteristic: str, code: str, reason: str) -> CatalogueCode:
    """Retire a code of an extendable catalogue: kept for history (old profiles, monitoring
    records, labels), no longer offered for new criteria. Refused while a profile in review,
    approved or active uses it; the database repeats that rule."""
    reason = (reason or "").strip()

    with _catalogue_refusal(actor, characteristic, code):
        actor_require(actor, MANAGE_CATALOGUES, _("Only an administrator may retire catalogue codes."))
        entry = CatalogueCode.objects.select_for_update().filter(characteristic=characteristic, code=code).first()
        if entry is None:
            raise DomainError.single("not_found", _("This code is not in the catalogue."), "code", status=404)
        if characteristic not in EXTENDABLE:
            raise conflict(
                "catalogue_fixed",
                _("The catalogue of “%(name)s” is fixed by its standard; its codes cannot be retired.")
                % {"name": Characteristic(characteristic).label},
            )
        if entry.retired_at is not None:
            raise conflict("already_retired", _("This code has already been retired."))
        if not reason:
            raise DomainError.single("comment_required", _("Give a reason in the comment."), "reason")
        users = profiles_using_code(characteristic=characteristic, code=entry.code, statuses=LIVE_STATUSES)
        if users:
            shown = ", ".join(f"{p.code} v{p.version}" for p in users[:10])
            raise conflict(
                "code_in_use",
                ngettext(
                    "%(count)d profile in review, approved or active uses this code (%(profiles)s); "
                    "withdraw or replace it first.",
                    "%(count)d profiles in review, approved or active use this code (%(profiles)s); "
                    "withdraw or replace them first.",
                    len(users),
                )
                % {"count": len(users), "profiles": shown},
            )
        entry.retired_at, entry.retired_by = timezone.now(), actor_user(actor)
        entry.save(update_fields=["retired_at", "retired_by"])
        events.catalogue_code_retired(actor=actor, code=entry, reason=reason)
    return entry


def _retired_problems(criteria: Any, retired: dict[str, set[str]] | None = None) -> list[Problem]:
    """A retired code is no longer offered: a new or changed criterion may not use it.
    A caller that checks many profiles passes the index once (`retired`)."""
    if not isinstance(criteria, list):
        return []
    retired = catalogue_retired_index() if retired is None else retired
    problems = []
    for i, criterion in enumerate(criteria):
        if not isinstance(criterion, dict):
            continue
        name = criterion.get("characteristic")
        values = criterion.get("values")
        if not isinstance(name, str) or name not in retired or not isinstance(values, list):
            continue
        for code in values:
            if isinstance(code, str) and normalise_code(name, code) in retired[name]:
                problems.append(
                    Problem(
                        "retired_code",
                        _("“%(value)s” has been retired from the catalogue of “%(name)s” and can no longer be chosen.")
                        % {"value": code, "name": Characteristic(name).label},
                        f"criteria.{i}.values",
                    )
                )
    return problems


# --- Profiles: content ------------------------------------------------------------------------


def _validated(
    *, kind, criteria, valid_from, valid_until, justification, more: list[Problem] | None = None
) -> list[Criterion]:
    """Rules 1–7 plus the caller's own checks (`more`), raised together so that every
    problem is reported at once."""
    normalised, problems = profile_rules_check(
        kind=kind,
        criteria=criteria,
        valid_from=valid_from,
        valid_until=valid_until,
        justification=justification,
        catalogue=catalogue_index(),
    )
    problems = problems + _retired_problems(criteria) + (more or [])
    if problems:
        raise DomainError(problems)
    return normalised


def _next_code(today: date) -> str:
    prefix = f"P-{today:%Y-%m}-"
    last = Profile.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _justification_fields(justification: Any) -> dict[str, str]:
    justification = justification if isinstance(justification, dict) else {}
    return {f"justification_{k}": str(justification.get(k) or "").strip() for k in JUSTIFICATION_KEYS}


def _write_criteria(profile: Profile, criteria: list[Criterion]) -> None:
    profile.criteria.all().delete()
    ProfileCriterion.objects.bulk_create(
        [
            ProfileCriterion(profile=profile, characteristic=c.characteristic, values=list(c.values), position=i)
            for i, c in enumerate(criteria)
        ]
    )


EVIDENCE_FIELDS = (
    "evidence_group_size",
    "evidence_chain_hit_rate",
    "evidence_refusal_rate",
    "evidence_period_from",
    "evidence_period_until",
)


def _title_check(title: Any) -> list[Problem]:
    if not isinstance(title, str) or not title.strip():
        return [Problem("required", _("Give the profile a title."), "title")]
    if len(title.strip()) > 200:
        return [Problem("too_long", _("A title has at most 200 characters."), "title")]
    return []


def _evidence_check(evidence: dict[str, Any]) -> list[Problem]:
    problems = []
    for key in ("evidence_chain_hit_rate", "evidence_refusal_rate"):
        value = evidence.get(key)
        if value is not None and not (isinstance(value, int | float) and 0 <= value <= 1):
            problems.append(Problem("invalid_rate", _("A rate is a fraction between 0 and 1."), key))
    size = evidence.get("evidence_group_size")
    if size is not None and not (isinstance(size, int) and size >= 0):
        problems.append(Problem("invalid", _("The group size is a whole number."), "evidence_group_size"))
    start, end = evidence.get("evidence_period_from"), evidence.get("evidence_period_until")
    if start and end and start > end:
        problems.append(
            Problem(
                "invalid_evidence_period", _("The reference period ends before it starts."), "evidence_period_until"
            )
        )
    return problems


def profile_create(
    *,
    actor,
    kind: str,
    title: str,
    criteria: Any,
    valid_from: Any,
    valid_until: Any,
    justification: Any = None,
    evidence: dict[str, Any] | None = None,
    origin: str = ProfileOrigin.MANUAL,
    generation_run_id: UUID | None = None,
) -> Profile:
    """Create version 1 of a new profile, as a draft of `actor`."""

    def work() -> Profile:
        actor_require(actor, AUTHOR_PROFILES, _("Only a policy officer may write profiles."))
        ev = {k: (evidence or {}).get(k) for k in EVIDENCE_FIELDS}
        problems = _evidence_check(ev)
        problems += _title_check(title)
        if origin not in ProfileOrigin.values or (origin == ProfileOrigin.GENERATED) != (generation_run_id is not None):
            problems.append(
                Problem(
                    "invalid_origin", _("A generated profile names its run; a hand-written one does not."), "origin"
                )
            )
        normalised = _validated(
            kind=kind,
            criteria=criteria,
            valid_from=valid_from,
            valid_until=valid_until,
            justification=justification,
            more=problems,
        )
        today = timezone.localdate()
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    profile = Profile.objects.create(
                        code=_next_code(today),
                        version=1,
                        kind=kind,
                        title=str(title).strip(),
                        origin=origin,
                        generation_run_id=generation_run_id,
                        valid_from=valid_from,
                        valid_until=valid_until,
                        created_by=actor_user(actor),
                        owner=actor_user(actor),
                        **_justification_fields(justification),
                        **ev,
                    )
                break
            except IntegrityError:  # two authors took the same number at once: take the next
                continue
        else:
            raise conflict("code_unavailable", _("No profile code could be reserved; try again."))
        _write_criteria(profile, normalised)
        events.profile_created(actor=actor, profile=profile)
        return profile

    with audited_refusal(_refusal_of("create", actor, detail={"title": str(title)[:200]})):
        return work()


def _locked(profile_id: int) -> Profile:
    return Profile.objects.select_for_update().get(pk=profile_id)


def profile_update(*, actor, profile: Profile, **changes: Any) -> Profile:
    """Change a draft. Any of kind, title, criteria, valid_from, valid_until, justification, evidence."""
    allowed = {"kind", "title", "criteria", "valid_from", "valid_until", "justification", "evidence"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")

    def work() -> Profile:
        actor_require(actor, AUTHOR_PROFILES, _("Only a policy officer may write profiles."))
        current = _locked(profile.pk)
        if current.status not in EDITABLE_STATUSES:
            raise conflict(
                "not_editable",
                _("Only a draft can be changed; an approved version is never edited. Make a new version instead."),
            )
        refusal = profile_owner_refusal(actor=actor, profile=current)
        if refusal is not None:
            raise refusal
        before = events._snapshot(current)
        merged = {
            "kind": changes.get("kind", current.kind),
            "criteria": changes.get(
                "criteria", [{"characteristic": c.characteristic, "values": c.values} for c in current.criteria.all()]
            ),
            "valid_from": changes.get("valid_from", current.valid_from),
            "valid_until": changes.get("valid_until", current.valid_until),
            "justification": changes.get("justification", current.justification),
        }
        title = changes.get("title", current.title)
        ev = {k: getattr(current, k) for k in EVIDENCE_FIELDS}
        ev.update({k: v for k, v in (changes.get("evidence") or {}).items() if k in EVIDENCE_FIELDS})
        problems = _evidence_check(ev)
        problems += _title_check(title)
        normalised = _validated(**merged, more=problems)
        current.kind, current.title = merged["kind"], title.strip()
        current.valid_from, current.valid_until = merged["valid_from"], merged["valid_until"]
        for key, value in _justification_fields(merged["justification"]).items():
            setattr(current, key, value)
        for key, value in ev.items():
            setattr(current, key, value)
        current.save()
        _write_criteria(current, normalised)
        events.profile_updated(actor=actor, profile=current, before=before)
        return current

    with audited_refusal(_refusal_of("update", actor, target=profile)):
        return work()


def profile_new_version(*, actor, profile: Profile, comment: str = "") -> Profile:
    """Start a new draft version from a version that is no longer open (approved, active, …).
    The comment (why a new version) is kept in the audit event."""

    def work() -> Profile:
        actor_require(actor, AUTHOR_PROFILES, _("Only a policy officer may write profiles."))
        source = _locked(profile.pk)
        if source.status in OPEN_STATUSES:
            raise conflict("version_open", _("This version is still open; change it instead of copying it."))
        if Profile.objects.filter(code=source.code, status__in=OPEN_STATUSES).exists():
            raise conflict("version_open", _("Another version of this profile is already being written."))
        if (
            Profile.objects.filter(previous_version=source).exists()
            or Profile.objects.filter(code=source.code, version__gt=source.version).exists()
        ):
            raise conflict("not_latest", _("A newer version of this profile exists; start from the latest."))
        copy = Profile.objects.create(
            code=source.code,
            version=source.version + 1,
            previous_version=source,
            kind=source.kind,
            title=source.title,
            origin=ProfileOrigin.MANUAL,
            valid_from=source.valid_from,
            valid_until=source.valid_until,
            created_by=actor_user(actor),
            owner=actor_user(actor),
            **{f"justification_{k}": v for k, v in source.justification.items()},
            **{k: getattr(source, k) for k in EVIDENCE_FIELDS},
        )
        ProfileCriterion.objects.bulk_create(
            [
                ProfileCriterion(profile=copy, characteristic=c.characteristic, values=c.values, position=c.position)
                for c in source.criteria.all()
            ]
        )
        events.profile_version_created(actor=actor, profile=copy, previous=source, comment=(comment or "").strip())
        return copy

    with audited_refusal(_refusal_of("new_version", actor, target=profile)):
        return work()


# --- Profiles: drafts belong to their owner ----------------------------------------------------


def profile_owner_refusal(*, actor: Any, profile: Profile) -> DomainError | None:
    """The owner rule, asked by every door that edits, submits, reopens or discards: while
    a version is being written (OWNED_STATUSES) only its owner may do so. Anyone else
    (another policy officer, a superuser, an administrator, a system actor) is refused;
    a policy officer may comment on it or take it over explicitly instead."""
    if profile.status not in OWNED_STATUSES:
        return None  # the state rules of each service answer for other statuses
    if not actor_is_user(actor) or profile.owner_id != actor_pk(actor):
        return forbidden(
            "not_draft_owner",
            _(
                "This draft belongs to another policy officer: only its owner may change, submit or discard it. "
                "You may comment on it, or take it over."
            ),
        )
    return None


def profile_discard_refusal(*, actor: Any, profile: Profile) -> DomainError | None:
    """Why `actor` may not discard `profile`, or None when they may: the one answer the
    service, the profile page and the admin's delete button all use. A draft that was
    never submitted may be discarded by its owner, while they hold the author's right."""
    if not actor_has_right(actor, AUTHOR_PROFILES):
        return forbidden("role_required", _("Only a policy officer may write profiles."))
    refusal = profile_owner_refusal(actor=actor, profile=profile)
    if refusal is not None:
        return refusal
    if profile.status != ProfileStatus.DRAFT or profile.transitions.exists():
        return conflict("not_discardable", _("Only a draft that was never submitted can be discarded."))
    return None


def profile_may_discard(*, actor: Any, profile: Profile) -> bool:
    return profile_discard_refusal(actor=actor, profile=profile) is None


def profile_may_edit(*, actor: Any, profile: Profile) -> bool:
    """Whether the page and the admin offer editing (the service decides, with the same rule)."""
    return (
        actor_has_right(actor, AUTHOR_PROFILES)
        and profile.status in EDITABLE_STATUSES
        and profile_owner_refusal(actor=actor, profile=profile) is None
    )


def profile_take_over_refusal(*, actor: Any, profile: Profile) -> DomainError | None:
    """Why `actor` may not take `profile` over, or None: the page's button and the service
    ask this. A policy officer takes over a version being written by someone else."""
    if not actor_has_role(actor, Role.POLICY_OFFICER) or not actor_has_right(actor, AUTHOR_PROFILES):
        return forbidden("role_required", _("Only a policy officer may take over a draft."))
    if profile.status not in OWNED_STATUSES:
        return conflict("not_a_draft", _("Only a draft, or a version returned for changes, can be taken over."))
    if profile.owner_id == actor_pk(actor):
        return conflict("already_owner", _("This draft is already yours."))
    return None


def profile_may_take_over(*, actor: Any, profile: Profile) -> bool:
    return profile_take_over_refusal(actor=actor, profile=profile) is None


def profile_draft_take_over(*, actor, profile: Profile, reason: str) -> Profile:
    """Move a draft (or a version returned for changes) to `actor`, with a reason. The
    previous owner loses the right to change it, and is shown on the page; the audit
    trail records both owners and the reason."""
    reason = (reason or "").strip()

    def work() -> Profile:
        current = _locked(profile.pk)
        refusal = profile_take_over_refusal(actor=actor, profile=current)
        if refusal is not None:
            raise refusal
        if not reason:
            raise DomainError.single("comment_required", _("Say why you take this draft over."), "reason")
        old_owner_id, now = current.owner_id, timezone.now()
        # Conditional update: two colleagues taking over at once cannot both succeed.
        moved = Profile.objects.filter(pk=current.pk, owner_id=old_owner_id, status=current.status).update(
            owner=actor_user(actor), previous_owner_id=old_owner_id, taken_over_at=now, updated_at=now
        )
        if not moved:
            raise conflict("invalid_state", _("The profile changed meanwhile; reload and try again."))
        current.refresh_from_db()
        events.profile_taken_over(actor=actor, profile=current, previous_owner=current.previous_owner, reason=reason)
        return current

    with audited_refusal(_refusal_of("take_over", actor, target=profile)):
        return work()


COMMENT_MAX_LENGTH = 5000


def profile_comment_refusal(*, actor: Any, profile: Profile) -> DomainError | None:
    """Who may comment on a version being written: its owner and other policy officers."""
    if not actor_has_right(actor, AUTHOR_PROFILES) or not actor_is_user(actor):
        return forbidden("role_required", _("Only a policy officer may comment on a draft."))
    if profile.status not in OWNED_STATUSES:
        return conflict("not_a_draft", _("Only a draft, or a version returned for changes, takes comments."))
    return None


def profile_may_comment(*, actor: Any, profile: Profile) -> bool:
    return profile_comment_refusal(actor=actor, profile=profile) is None


def profile_comment_add(*, actor, profile: Profile, text: str) -> ProfileComment:
    """A policy officer comments on a draft (theirs or another's); audited with the text."""
    text = (text or "").strip()

    def work() -> ProfileComment:
        current = _locked(profile.pk)
        refusal = profile_comment_refusal(actor=actor, profile=current)
        if refusal is not None:
            raise refusal
        if not text:
            raise DomainError.single("required", _("Write a comment."), "text")
        if len(text) > COMMENT_MAX_LENGTH:
            raise DomainError.single(
                "too_long", _("A comment has at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}, "text"
            )
        comment = ProfileComment.objects.create(profile=current, author=actor_user(actor), text=text)
        events.profile_commented(actor=actor, profile=current, comment=comment)
        return comment

    with audited_refusal(_refusal_of("comment", actor, target=profile)):
        return work()


def profile_delete_draft(*, actor, profile: Profile) -> None:
    """A draft that was never submitted may be discarded by its author."""

    def work() -> None:
        current = _locked(profile.pk)
        refusal = profile_discard_refusal(actor=actor, profile=current)
        if refusal is not None:
            raise refusal
        events.profile_transitioned(
            actor=actor,
            profile=current,
            action="discarded",
            from_status=current.status,
            to_status=current.status,
            comment="",
        )
        current.criteria.all().delete()
        current.delete()

    with audited_refusal(_refusal_of("discard", actor, target=profile)):
        work()


# --- Profiles: workflow ------------------------------------------------------------------------

# The author's own steps: only the owner of the version takes them.
OWNER_ACTIONS = frozenset({"submit", "reopen"})


def _contributor_ids(profile: Profile) -> set[int | None]:
    """Everyone who wrote or submitted this version (four eyes counts all of them)."""
    ids: set[int | None] = {profile.created_by_id, profile.owner_id}
    if profile.submitted_by_id:
        ids.add(profile.submitted_by_id)
    ids |= audit_actor_ids(
        target_type="profiles.profile",
        target_id=str(profile.public_id),
        event_types=[
            "profile.created",
            "profile.updated",
            "profile.version_created",
            "profile.submit",
            # Whoever took the draft over held the pen, edited or not.
            "profile.taken_over",
        ],
    )
    return ids


def _apply(*, current: Profile, action: str, actor, comment: str, now) -> Profile:
    transition = TRANSITIONS[action]
    target = transition.target or current.status
    user = actor_user(actor)
    updates: dict[str, Any] = {"status": target, "updated_at": now}
    if action == "submit":
        updates.update(submitted_by=user, submitted_at=now)
    elif action == "approve":
        updates.update(approved_by=user, approved_at=now)
    elif action == "dpo_sign_off":
        updates.update(dpo_signed_off_by=user, dpo_signed_off_at=now)
    elif action == "reopen":
        # The draft will change: a DPO sign-off given while it was in review no longer
        # covers it (the database insists: a draft carries no approval or sign-off).
        updates.update(submitted_by=None, submitted_at=None, dpo_signed_off_by=None, dpo_signed_off_at=None)
    elif action == "dpo_return":
        # A returned version must be approved again: the earlier approval no longer holds
        # (the history and the audit trail keep it).
        updates.update(approved_by=None, approved_at=None)
    # Conditional update: only from the status we checked, so two reviewers acting at
    # once cannot both succeed.
    moved = Profile.objects.filter(pk=current.pk, status=current.status).update(**updates)
    if not moved:
        raise conflict("invalid_state", _("The profile changed meanwhile; reload and try again."))
    ProfileTransition.objects.create(
        profile=current, action=action, from_status=current.status, to_status=target, actor=user, comment=comment
    )
    events.profile_transitioned(
        actor=actor, profile=current, action=action, from_status=current.status, to_status=target, comment=comment
    )
    current.refresh_from_db()
    return current


def _transition_refusal(
    *, actor: Any, profile: Profile, action: str, contributors: Callable[[], set[int | None]]
) -> DomainError | None:
    """Why `actor` may not take `action` on `profile` now, or None. Separation of duties:
    only members of the action's role act (a superuser or an administrator is no
    exception); no one reviews or signs off a version they wrote, edited or submitted; the
    approver and the DPO who signs off are two different people."""
    transition = TRANSITIONS[action]
    if transition.role is None:
        return forbidden("role_required", _("Your role does not allow this action."))
    if not actor_has_role(actor, transition.role):
        return forbidden("role_required", _("Your role does not allow this action."))
    if profile.status not in transition.sources:
        return conflict(
            "invalid_state",
            _("A profile that is “%(status)s” does not allow the action “%(action)s”.")
            % {"status": ProfileStatus(profile.status).label, "action": ACTION_LABELS[action]},
        )
    if action in OWNER_ACTIONS:
        refusal = profile_owner_refusal(actor=actor, profile=profile)
        if refusal is not None:
            return refusal
    if transition.risk_only:
        if profile.kind != ProfileKind.RISK:
            return conflict("not_a_risk_profile", _("Only risk profiles need a DPO sign-off."))
        if profile.dpo_signed_off_by_id:
            return conflict("already_signed_off", _("This profile has already been signed off."))
    if transition.four_eyes and actor_pk(actor) in contributors():
        return forbidden(
            "four_eyes", _("You wrote or submitted this version; someone else must review it (four eyes).")
        )
    if action == "approve" and profile.dpo_signed_off_by_id == actor_pk(actor):
        return forbidden(
            "separation_of_duties", _("You signed this version off as DPO; another person must approve it.")
        )
    if action == "dpo_sign_off" and profile.approved_by_id == actor_pk(actor):
        return forbidden(
            "separation_of_duties", _("You approved this version; another person must sign it off as DPO.")
        )
    return None


def profile_actions_allowed(*, actor: Any, profile: Profile) -> list[str]:
    """The workflow actions `actor` may take on `profile` now: what every door shows.
    Asks the same rule as `profile_transition` (the comment is the only thing left to check)."""
    ids: list[set[int | None]] = []

    def contributors() -> set[int | None]:
        if not ids:
            ids.append(_contributor_ids(profile))
        return ids[0]

    possible = actions_available(
        status=profile.status, kind=profile.kind, signed_off=profile.dpo_signed_off_by_id is not None
    )
    return [
        action
        for action in possible
        if _transition_refusal(actor=actor, profile=profile, action=action, contributors=contributors) is None
    ]


def profile_transition(*, actor, profile: Profile, action: str, comment: str = "") -> Profile:
    """Perform a human workflow action (submit, approve, request_changes, reject, withdraw,
    dpo_sign_off, dpo_return, reopen). Raises DomainError with 403 for role or four eyes, 409 for state."""
    transition = TRANSITIONS.get(action)
    if transition is None or transition.permission is None:
        raise DomainError.single("unknown_action", _("Unknown action."), "action", status=400)
    comment = (comment or "").strip()

    def work() -> Profile:
        actor_require_role(actor, transition.role or "")  # before the lock: a stranger waits for nothing
        current = _locked(profile.pk)
        refusal = _transition_refusal(
            actor=actor, profile=current, action=action, contributors=lambda: _contributor_ids(current)
        )
        if refusal is not None:
            raise refusal
        if transition.comment_required and not comment:
            raise DomainError.single("comment_required", _("Give a reason in the comment."), "comment")
        if (
            action == "dpo_return"
            and Profile.objects.filter(code=current.code, status__in=OPEN_STATUSES).exclude(pk=current.pk).exists()
        ):
            raise conflict("version_open", _("Another version of this profile is already being written."))
        if action == "submit":
            # Submitting re-checks every rule: a catalogue or setting may have changed since.
            _validated(
                kind=current.kind,
                criteria=[{"characteristic": c.characteristic, "values": c.values} for c in current.criteria.all()],
                valid_from=current.valid_from,
                valid_until=current.valid_until,
                justification=current.justification,
            )
        now = timezone.now()
        current = _apply(current=current, action=action, actor=actor, comment=comment, now=now)
        if action in ("approve", "dpo_sign_off"):
            current = _activate_if_due(current, today=timezone.localdate(), now=now)
        return current

    with audited_refusal(_refusal_of(action, actor, target=profile)):
        return work()


def _activate_if_due(profile: Profile, *, today: date, now) -> Profile:
    if profile.status != ProfileStatus.APPROVED:
        return profile
    if profile.valid_until < today:
        return _apply(current=profile, action="expire", actor=CLOCK, comment="validity window has passed", now=now)
    if profile.valid_from > today:
        return profile
    if profile.kind == ProfileKind.RISK and not profile.dpo_signed_off_by_id:
        return profile
    # A newer version replaces the one in force: the old one ends when the new one starts.
    for older in Profile.objects.select_for_update().filter(
        code=profile.code, status=ProfileStatus.ACTIVE, version__lt=profile.version
    ):
        _apply(current=older, action="expire", actor=CLOCK, comment=f"superseded by version {profile.version}", now=now)
    return _apply(current=profile, action="activate", actor=CLOCK, comment="validity window has started", now=now)


def profile_statuses_refresh(*, today: date | None = None) -> dict[str, int]:
    """Let `active` and `expired` follow the validity windows. Run daily by Celery beat
    and safe to run any number of times."""
    today = today or timezone.localdate()
    counts = {"activated": 0, "expired": 0}
    from django.db.models import Q

    due_ids = list(
        Profile.objects.filter(
            Q(status=ProfileStatus.ACTIVE, valid_until__lt=today)
            | Q(status=ProfileStatus.APPROVED, valid_from__lte=today)
        ).values_list("pk", flat=True)
    )
    for pk in due_ids:
        with transaction.atomic():
            profile = _locked(pk)
            now = timezone.now()
            if profile.status == ProfileStatus.ACTIVE and profile.valid_until < today:
                _apply(current=profile, action="expire", actor=CLOCK, comment="validity window has passed", now=now)
                counts["expired"] += 1
            elif profile.status == ProfileStatus.APPROVED:
                after = _activate_if_due(profile, today=today, now=now)
                if after.status == ProfileStatus.ACTIVE:
                    counts["activated"] += 1
                elif after.status == ProfileStatus.EXPIRED:
                    counts["expired"] += 1
    return counts


# --- Generated profiles ---------------------------------------------------------------------------


def profiles_generated_submit(
    *, actor, author, generation_run_id: UUID, candidates: list[dict[str, Any]]
) -> list[Profile]:
    """Create a generation run's candidates and submit them for review, all or none.

    The door of the decision-tree generator: each candidate (kind, title, criteria,
    valid_from, valid_until, justification, evidence) passes the one validator like any
    hand-written profile, gets origin "generated" and the run's id, and is written to the
    audit trail (created, then submitted). `actor` needs the right to author profiles (a
    policy officer, or the generator's system actor); `author` is the user recorded as the
    writer, so four eyes keeps them from approving what they generated."""
    with audited_refusal(_refusal_of("generate", actor, detail={"generation_run_id": str(generation_run_id)})):
        actor_require(actor, AUTHOR_PROFILES, _("Only a policy officer or the generator may propose profiles."))
        catalogue = catalogue_index()
        retired = catalogue_retired_index()  # once for the whole run, not per candidate
        today = timezone.localdate()
        prefix = f"P-{today:%Y-%m}-"
        last = _next_code(today)
        number = int(last.rsplit("-", 1)[1])
        created: list[Profile] = []
        now = timezone.now()
        for candidate in candidates:
            normalised, problems = profile_rules_check(
                kind=candidate["kind"],
                criteria=candidate["criteria"],
                valid_from=candidate["valid_from"],
                valid_until=candidate["valid_until"],
                justification=candidate.get("justification"),
                catalogue=catalogue,
            )
            ev = {k: (candidate.get("evidence") or {}).get(k) for k in EVIDENCE_FIELDS}
            problems += _evidence_check(ev) + _title_check(candidate.get("title"))
            problems += _retired_problems(candidate["criteria"], retired)
            if problems:
                raise DomainError(problems)
            profile = Profile.objects.create(
                code=f"{prefix}{number:04d}",
                version=1,
                kind=candidate["kind"],
                title=candidate["title"].strip(),
                origin=ProfileOrigin.GENERATED,
                generation_run_id=generation_run_id,
                valid_from=candidate["valid_from"],
                valid_until=candidate["valid_until"],
                created_by=author,
                owner=author,
                **_justification_fields(candidate.get("justification")),
                **ev,
            )
            number += 1
            _write_criteria(profile, normalised)
            events.profile_created(actor=actor, profile=profile)
            created.append(_apply(current=profile, action="submit", actor=author, comment="generated", now=now))
    return created
