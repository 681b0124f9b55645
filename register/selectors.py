"""Reads of the register entry: versions, the published one, diffs, staleness, and the
public view of a version with approved translations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import proposals
from .models import EntryVersion, FieldTranslation, RegisterEntry, VersionStatus
from .standard import FIELD, FIELDS, TABS, TRANSLATABLE


def entry_current() -> RegisterEntry | None:
    return RegisterEntry.objects.order_by("pk").first()


def version_list(*, entry: RegisterEntry | None = None) -> QuerySet[EntryVersion]:
    qs = EntryVersion.objects.select_related("entry", "created_by", "submitted_by", "approved_by", "published_by")
    return qs.filter(entry=entry) if entry is not None else qs


def version_get(*, public_id: Any) -> EntryVersion:
    return version_list().get(public_id=public_id)


def version_current(*, entry: RegisterEntry) -> EntryVersion | None:
    """The version an export shows: the open one if any, else the newest published, else the newest."""
    versions = version_list(entry=entry)
    return (
        versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED]).first()
        or versions.filter(status=VersionStatus.PUBLISHED).first()
        or versions.first()
    )


def version_published(*, entry: RegisterEntry | None = None) -> EntryVersion | None:
    entry = entry or entry_current()
    if entry is None:
        return None
    return version_list(entry=entry).filter(status=VersionStatus.PUBLISHED).first()


def version_diff(*, left: EntryVersion, right: EntryVersion) -> list[dict[str, Any]]:
    """Every field of the standard with both values and whether it changed."""
    out = []
    for f in FIELDS:
        if f.kind == "readonly":
            continue
        a, b = left.fields.get(f.key), right.fields.get(f.key)
        out.append({"key": f.key, "label": f.label_nl, "left": a, "right": b, "changed": (a or "") != (b or "")})
    return out


def version_staleness(*, version: EntryVersion) -> dict[str, dict[str, Any]]:
    """Prefilled fields whose sources changed since they were taken: marked stale by the
    shared prefill app (after a watched event), or with another fingerprint now. Each
    with the refreshed proposal and its sources, for the editor to take or leave."""
    from prefill.selectors import provenance_for_many

    from .models import EntryField

    if not version.provenance:
        return {}
    rows = {r.pk: r.key for r in EntryField.objects.filter(version=version)}
    marked = {rows[int(pk)] for pk, p in provenance_for_many(model=EntryField, ids=rows).items() if p.is_stale}
    current = proposals.proposals()
    out = {}
    for key, stored in version.provenance.items():
        now = current.get(key)
        if now is None:
            continue
        if key in marked or stored.get("fingerprint") != now.fingerprint:
            out[key] = {
                "value": now.value,
                "sources": [s.as_dict() for s in now.sources],
                "since": stored.get("prefilled_at"),
            }
    return out


def translations_for(*, version: EntryVersion, language: str) -> dict[str, str]:
    """Approved translations that match the version's Dutch text exactly."""
    from .services import text_sha256

    wanted = {text_sha256(version.fields.get(k) or ""): k for k in TRANSLATABLE if version.fields.get(k)}
    rows = FieldTranslation.objects.filter(entry=version.entry, language=language, source_sha256__in=list(wanted))
    return {row.field: row.text for row in rows if wanted.get(row.source_sha256) == row.field}


def public_view(*, version: EntryVersion, language: str) -> dict[str, Any]:
    """The public page's content in `language`: per tab, the fields to show (required and
    "show" fields always, others when filled), each with its text and whether that text is
    an approved translation or the Dutch original (marked, with lang="nl")."""
    translated = translations_for(version=version, language=language) if language != "nl" else {}
    tabs = []
    for tab, (label_nl, label_en) in TABS.items():
        if tab == "metadata":
            continue
        items = []
        for f in FIELDS:
            if f.tab != tab:
                continue
            value = version.fields.get(f.key)
            if not value and not f.show:
                continue
            is_text = f.key in TRANSLATABLE
            text = translated.get(f.key) if is_text and f.key in translated else value
            items.append(
                {
                    "key": f.key,
                    "label": f.label_nl if language == "nl" else f.label_en,
                    "kind": f.kind,
                    "value": text,
                    "rich": f.kind == "rich",
                    "untranslated": bool(language != "nl" and is_text and value and f.key not in translated),
                }
            )
        tabs.append({"key": tab, "label": label_nl if language == "nl" else label_en, "fields": items})
    return {
        "tabs": tabs,
        "name": translated.get("name") or version.fields.get("name"),
        "name_untranslated": language != "nl" and "name" not in translated,
        "description": translated.get("description_short") or version.fields.get("description_short"),
        "description_untranslated": language != "nl" and "description_short" not in translated,
    }


def field_label(key: str) -> str:
    return FIELD[key].label_nl if key in FIELD else key
