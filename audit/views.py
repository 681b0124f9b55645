"""The audit trail's pages, for auditors, the DPO and administrators: read-only.

The permission check is Django's own mixin rather than accounts' helper: audit imports
nothing of ours (docs/architecture.md). It asks the backend's role-only answer
(`get_all_permissions`), not `has_perm`, which says yes to any superuser.
"""

from typing import Any

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import selectors
from .labels import code_label, fact_label, value_label

VIEW_AUDIT = "audit.view_auditevent"
PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    event_type = forms.CharField(
        label=_("Event type"),
        required=False,
        max_length=64,
        help_text=_("Exactly, e.g. profile.approve or profile.banned_characteristic_refused."),
    )
    actor = forms.CharField(label=_("By (username)"), required=False, max_length=150)
    target = forms.CharField(
        label=_("Target contains"),
        required=False,
        max_length=200,
        help_text=_("Part of the target's name, e.g. a profile code."),
    )
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64, widget=forms.HiddenInput)

    def filters(self) -> dict[str, str]:
        if not (self.is_bound and self.is_valid()):
            return {}
        data = self.cleaned_data
        return {
            "event_type": data["event_type"].strip(),
            "actor": data["actor"].strip(),
            "text": data["target"].strip(),
            "target_id": data["target_id"].strip(),
        }


def _shown(value: Any) -> str:
    """One value of an event's data as a line of text: criteria and dicts spelled out."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, dict) and "characteristic" in v for v in value):
            return "; ".join(f"{v['characteristic']}: {', '.join(map(str, v.get('values') or []))}" for v in value)
        return ", ".join(_shown(v) for v in value)
    return str(value_label(value))


def readable(data: Any) -> dict[str, list]:
    """An event's data for people: what changed (before → after) and the other facts."""
    data = data if isinstance(data, dict) else {"value": data}
    after = data.get("after")
    changes = []
    if isinstance(after, dict):
        before = data.get("before") if isinstance(data.get("before"), dict) else None
        changes = [
            {
                "field": fact_label(key),
                "before": _shown(before.get(key)) if before is not None else None,
                "after": _shown(value),
            }
            for key, value in after.items()
            if before is None or before.get(key) != value
        ]
    facts = [
        (
            fact_label(key),
            ", ".join(code_label(c) for c in value) if key == "codes" and isinstance(value, list) else _shown(value),
        )
        for key, value in data.items()
        if key not in ("before", "after")
    ]
    return {"changes": changes, "facts": facts, "has_before": isinstance(data.get("before"), dict)}


class _RolePermissionRequired(PermissionRequiredMixin):
    raise_exception = True

    def has_permission(self) -> bool:
        return set(self.get_permission_required()) <= self.request.user.get_all_permissions()


class AuditEventListView(_RolePermissionRequired, View):
    permission_required = VIEW_AUDIT
    raise_exception = True

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditFilterForm(request.GET or None)
        page = Paginator(selectors.audit_event_list(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
        events = [(event, readable(event.data)) for event in page.object_list]
        return render(request, "audit/list.html", {"form": form, "page": page, "events": events})


class AuditChainVerifyView(_RolePermissionRequired, View):
    """Recomputes every hash: on demand, since it reads the whole trail."""

    permission_required = VIEW_AUDIT
    raise_exception = True

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "audit/verify.html", {"verdict": selectors.audit_chain_verify()})
