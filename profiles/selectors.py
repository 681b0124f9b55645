"""Reads of profiles and catalogues."""

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from .characteristics import LABEL_SORTED, Characteristic, collation_key
from .models import CatalogueCode, Profile, ProfileComment, ProfileCriterion, ProfileStatus, ProfileTransition


def catalogue_index() -> dict[str, set[str]]:
    """Every catalogue code, by characteristic: what the validator checks values against."""
    index: dict[str, set[str]] = {c: set() for c in Characteristic.values}
    for characteristic, code in CatalogueCode.objects.values_list("characteristic", "code"):
        index[characteristic].add(code)
    return index


def catalogue_choices(*, language: str | None = None, offered_only: bool = False) -> dict[str, list[tuple[str, str]]]:
    """(code, label) per characteristic, labels in the current language. Long catalogues
    (nationalities, occupations, posts) are sorted by label as readers of that language
    expect; the others keep their natural order (age bands, F/M/X).

    `offered_only` leaves out retired codes: what a new criterion may choose from. Labels
    for what exists (old profiles, monitoring records) need them all.
    """
    lang = (language or get_language() or "nl")[:2]
    out: dict[str, list[tuple[str, str]]] = {c: [] for c in Characteristic.values}
    rows = CatalogueCode.objects.order_by("characteristic", "sort_order", "code")
    if offered_only:
        rows = rows.filter(retired_at__isnull=True)
    for row in rows.values_list("characteristic", "code", "label_nl", "label_en"):
        characteristic, code, nl, en = row
        out[characteristic].append((code, en if lang == "en" else nl))
    for characteristic in LABEL_SORTED:
        out[characteristic].sort(key=lambda pair: collation_key(pair[1]))
    return out


def catalogue_code_get(*, characteristic: str, code: str) -> CatalogueCode | None:
    return CatalogueCode.objects.select_related("retired_by").filter(characteristic=characteristic, code=code).first()


def catalogue_retired_index() -> dict[str, set[str]]:
    """Retired codes by characteristic: kept for history, refused in new criteria."""
    index: dict[str, set[str]] = {c: set() for c in Characteristic.values}
    for characteristic, code in CatalogueCode.objects.filter(retired_at__isnull=False).values_list(
        "characteristic", "code"
    ):
        index[characteristic].add(code)
    return index


def catalogue_entries(*, language: str | None = None) -> dict[str, list[CatalogueCode]]:
    """Every code with its retirement, per characteristic, in the order of `catalogue_choices`."""
    lang = (language or get_language() or "nl")[:2]
    out: dict[str, list[CatalogueCode]] = {c: [] for c in Characteristic.values}
    for entry in CatalogueCode.objects.select_related("retired_by").order_by("characteristic", "sort_order", "code"):
        out[entry.characteristic].append(entry)
    for characteristic in LABEL_SORTED:
        out[characteristic].sort(key=lambda e: collation_key(e.label(lang)))
    return out


def profiles_using_code(*, characteristic: str, code: str, statuses: tuple[str, ...]) -> list[Profile]:
    """Profiles in the given statuses with a criterion that admits `code`."""
    candidates = ProfileCriterion.objects.filter(
        characteristic=characteristic, profile__status__in=statuses
    ).select_related("profile")
    return sorted({c.profile for c in candidates if code in (c.values or [])}, key=lambda p: (p.code, p.version))


def profile_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Profile]:
    """Profiles for lists: criteria prefetched so a page costs a fixed number of queries."""
    filters = filters or {}
    qs = Profile.objects.select_related("created_by").prefetch_related(
        Prefetch("criteria", queryset=ProfileCriterion.objects.order_by("position"))
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("origin"):
        qs = qs.filter(origin=filters["origin"])
    if filters.get("run"):
        qs = qs.filter(generation_run_id=filters["run"])
    if filters.get("characteristic"):
        qs = qs.filter(criteria__characteristic=filters["characteristic"])
    if filters.get("q"):
        text = filters["q"].strip()
        qs = qs.filter(Q(code__icontains=text) | Q(title__icontains=text))
    if filters.get("latest_only"):
        qs = qs.filter(next_version__isnull=True)
    return qs.order_by("-created_at", "-id")


def profile_get(*, public_id) -> Profile:
    return (
        Profile.objects.select_related(
            "created_by",
            "submitted_by",
            "approved_by",
            "dpo_signed_off_by",
            "previous_version",
            "owner",
            "previous_owner",
        )
        .prefetch_related("criteria")
        .get(public_id=public_id)
    )


def profile_versions(*, code: str) -> QuerySet[Profile]:
    return Profile.objects.filter(code=code).order_by("version")


def profile_transitions(*, profile: Profile) -> QuerySet[ProfileTransition]:
    return profile.transitions.select_related("actor").order_by("created_at", "id")


def profile_comments(*, profile: Profile) -> QuerySet[ProfileComment]:
    return profile.comments.select_related("author").order_by("created_at", "id")


def review_queue() -> QuerySet[Profile]:
    return profile_list(filters={"status": ProfileStatus.IN_REVIEW}).order_by("submitted_at", "id")


def sign_off_queue() -> QuerySet[Profile]:
    return (
        profile_list()
        .filter(
            kind="risk", status__in=[ProfileStatus.IN_REVIEW, ProfileStatus.APPROVED], dpo_signed_off_by__isnull=True
        )
        .order_by("submitted_at", "id")
    )


def my_drafts(*, user) -> QuerySet[Profile]:
    return profile_list().filter(created_by=user, status__in=[ProfileStatus.DRAFT, ProfileStatus.CHANGES_REQUESTED])


def active_profiles_on(*, day: date) -> QuerySet[Profile]:
    """Profiles whose advice counts on `day`: active, inside their window."""
    return Profile.objects.filter(status=ProfileStatus.ACTIVE, valid_from__lte=day, valid_until__gte=day)


def active_profiles_with_criteria() -> QuerySet[Profile]:
    """Every active profile (whatever its window) with its criteria: what the advice engine loads."""
    return Profile.objects.filter(status=ProfileStatus.ACTIVE).prefetch_related("criteria").order_by("code", "version")


def active_profiles_stamp() -> tuple[Any, ...]:
    """What changes when the active profiles, the criteria or the catalogue change, in one
    small query (the advice engine asks it per request to know whether its index is stale).
    A status change sets `updated_at`; a criterion added, removed or moved to another
    profile changes the criteria's count or the sum of their profile ids. Whole-table
    aggregates without a join keep it cheap; a criterion rewritten in place by SQL is left
    to the engine's periodic rebuild (`advice.cache.MAX_AGE`)."""
    profiles, codes = Profile._meta.db_table, CatalogueCode._meta.db_table
    criteria = ProfileCriterion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(updated_at), MAX(id), (SELECT COUNT(*) FROM {codes}), "
            f"(SELECT MAX(id) FROM {codes}), (SELECT COUNT(*) FROM {criteria}), "
            f"(SELECT SUM(profile_id) FROM {criteria}) FROM {profiles} WHERE status = %s",
            [ProfileStatus.ACTIVE],
        )
        return tuple(cursor.fetchone())


def profile_as_dict(profile: Profile) -> dict[str, Any]:
    return {
        "code": profile.code,
        "version": profile.version,
        "kind": profile.kind,
        "title": profile.title,
        "status": profile.status,
        "valid_from": profile.valid_from,
        "valid_until": profile.valid_until,
        "criteria": {c.characteristic: list(c.values) for c in profile.criteria.all()},
        "justification": profile.justification,
        "evidence_group_size": profile.evidence_group_size,
        "evidence_chain_hit_rate": profile.evidence_chain_hit_rate,
        "evidence_refusal_rate": profile.evidence_refusal_rate,
        "evidence_period_from": profile.evidence_period_from,
        "evidence_period_until": profile.evidence_period_until,
    }


def profile_version_diff(*, left: Profile, right: Profile) -> list[dict[str, Any]]:
    """Field-by-field comparison of two versions, for the side-by-side view."""
    a, b = profile_as_dict(left), profile_as_dict(right)
    rows = []
    for key in ("kind", "title", "valid_from", "valid_until"):
        rows.append({"field": key, "left": a[key], "right": b[key], "changed": a[key] != b[key]})
    for characteristic in Characteristic.values:
        la, lb = a["criteria"].get(characteristic), b["criteria"].get(characteristic)
        if la is None and lb is None:
            continue
        rows.append({"field": f"criteria.{characteristic}", "left": la, "right": lb, "changed": la != lb})
    for key, value in a["justification"].items():
        rows.append(
            {
                "field": f"justification.{key}",
                "left": value,
                "right": b["justification"][key],
                "changed": value != b["justification"][key],
            }
        )
    for key in (
        "evidence_group_size",
        "evidence_chain_hit_rate",
        "evidence_refusal_rate",
        "evidence_period_from",
        "evidence_period_until",
    ):
        rows.append({"field": key, "left": a[key], "right": b[key], "changed": a[key] != b[key]})
    return rows
