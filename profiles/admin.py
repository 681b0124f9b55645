"""The admin door onto catalogues and profiles.

The admin writes nothing itself: adding a catalogue code goes through
`catalogue_code_add`, creating or changing a profile through `profile_create` and
`profile_update`, discarding a draft through `profile_delete_draft`. Their refusals come
back as form errors (never a 500) and nothing is saved. Only a draft can be changed, and
only by its owner (`profile_may_edit`, the rule `profile_update` applies);
every other version is shown read-only, because an approved version is never edited in
place.
"""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.actors import actor_has_right
from accounts.roles import AUTHOR_PROFILES, MANAGE_CATALOGUES, VIEW_PROFILES
from problems import DomainError, problems_to_form

from .characteristics import EXTENDABLE, Characteristic
from .models import CatalogueCode, Profile
from .services import (
    EVIDENCE_FIELDS,
    catalogue_code_add,
    profile_create,
    profile_delete_draft,
    profile_may_discard,
    profile_may_edit,
    profile_update,
)
from .validation import JUSTIFICATION_KEYS


class _ServiceForm(forms.ModelForm):
    """A model form whose saving is a service call made while the form is validated, so a
    refusal becomes form errors. The model's own checks are skipped: the service holds
    them (and more), and the database repeats them."""

    actor: Any = None  # the signed-in user, set by the admin

    def _post_clean(self) -> None:
        if self.errors:  # the service needs well-typed input; the type errors come first
            return
        try:
            self.instance = self.call_service()
        except DomainError as error:
            problems_to_form(self, error, self.field_of)

    def call_service(self):
        raise NotImplementedError

    def field_of(self, attr: str | None) -> str | None:
        return attr


# --- Catalogues ------------------------------------------------------------------------------


class _AnyCharacteristicField(forms.ChoiceField):
    """Offers the seven, but lets any posted name through to the service, so that a banned
    one is refused as banned (and audited) and an eighth as unknown, not as a bad choice."""

    def valid_value(self, value: str) -> bool:
        return True


class CatalogueCodeAddForm(_ServiceForm):
    characteristic = _AnyCharacteristicField(
        choices=[(c.value, c.label) for c in Characteristic if c.value in EXTENDABLE],
        help_text=_("Only age groups, occupations and posts can be extended; the others follow a standard."),
    )

    class Meta:
        model = CatalogueCode
        fields = ["characteristic", "code", "label_nl", "label_en"]

    def call_service(self) -> CatalogueCode:
        data = self.cleaned_data
        return catalogue_code_add(
            actor=self.actor,
            characteristic=data["characteristic"],
            code=data["code"],
            label_nl=data["label_nl"],
            label_en=data["label_en"],
        )


@admin.register(CatalogueCode)
class CatalogueCodeAdmin(admin.ModelAdmin):
    form = CatalogueCodeAddForm
    list_display = [
        "characteristic",
        "code",
        "label_nl",
        "label_en",
        "builtin",
        "created_by",
        "created_at",
        "retired_at",
    ]
    list_filter = ["characteristic", "builtin", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "label_nl", "label_en"]
    list_select_related = ["created_by"]
    readonly_fields = ["sort_order", "builtin", "created_by", "created_at", "retired_at", "retired_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_add_permission(self, request) -> bool:
        return actor_has_right(request.user, MANAGE_CATALOGUES)

    def has_view_permission(self, request, obj=None) -> bool:
        return actor_has_right(request.user, MANAGE_CATALOGUES)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    # Codes are referenced by profiles and monitoring records: never changed or removed.
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved by catalogue_code_add while the form was validated


# --- Profiles --------------------------------------------------------------------------------


class ProfileAdminForm(_ServiceForm):
    criteria_json = forms.JSONField(
        label=_("Criteria"),
        required=False,
        initial=list,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_(
            'A list of criteria, e.g. [{"characteristic": "nationality", "values": ["NGA"]}, '
            '{"characteristic": "travel_purpose", "values": ["tourism"]}, '
            '{"characteristic": "gender", "values": ["M"]}].'
        ),
    )

    class Meta:
        model = Profile
        fields = [
            "kind",
            "title",
            "valid_from",
            "valid_until",
            *(f"justification_{k}" for k in JUSTIFICATION_KEYS),
            *EVIDENCE_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "criteria_json" in self.fields:
            self.initial["criteria_json"] = [
                {"characteristic": c.characteristic, "values": list(c.values)} for c in self.instance.criteria.all()
            ]

    def field_of(self, attr: str | None) -> str | None:
        if attr is None:
            return None
        if attr == "criteria" or attr.startswith("criteria."):
            return "criteria_json"
        if attr.startswith("justification."):
            return "justification_" + attr.split(".", 1)[1]
        return attr

    def call_service(self) -> Profile:
        data = self.cleaned_data
        content = {
            "kind": data["kind"],
            "title": data["title"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            # As given, whatever it holds: the validator judges it (an unknown or banned name included).
            "criteria": data["criteria_json"] if data["criteria_json"] is not None else [],
            "justification": {k: data[f"justification_{k}"] for k in JUSTIFICATION_KEYS},
            "evidence": {k: data[k] for k in EVIDENCE_FIELDS},
        }
        if self.instance.pk:
            return profile_update(actor=self.actor, profile=self.instance, **content)
        return profile_create(actor=self.actor, **content)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileAdminForm
    list_display = ["code", "version", "kind", "status", "title", "valid_from", "valid_until", "owner"]
    list_filter = ["status", "kind", "origin"]
    search_fields = ["code", "title"]
    list_select_related = ["owner"]
    ordering = ["-created_at", "-id"]
    readonly_fields = [
        "code",
        "version",
        "status",
        "origin",
        "generation_run_id",
        "previous_version",
        "created_by",
        "created_at",
        "owner",
        "previous_owner",
        "taken_over_at",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "dpo_signed_off_by",
        "dpo_signed_off_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", "version", "status", "origin", "generation_run_id", "kind", "title"]}),
        (_("Criteria"), {"fields": ["criteria_json"]}),
        (_("Validity window"), {"fields": ["valid_from", "valid_until"]}),
        (_("Justification"), {"fields": [f"justification_{k}" for k in JUSTIFICATION_KEYS]}),
        (_("Evidence"), {"fields": list(EVIDENCE_FIELDS)}),
        (
            _("Workflow"),
            {
                "fields": [
                    "previous_version",
                    "created_by",
                    "created_at",
                    "owner",
                    "previous_owner",
                    "taken_over_at",
                    "submitted_by",
                    "submitted_at",
                    "approved_by",
                    "approved_at",
                    "dpo_signed_off_by",
                    "dpo_signed_off_at",
                ]
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    @admin.display(description=_("Criteria"))
    def criteria_json(self, obj: Profile) -> str:
        # Shown when the version is read-only.
        return json.dumps(
            [{"characteristic": c.characteristic, "values": list(c.values)} for c in obj.criteria.all()],
            ensure_ascii=False,
        )

    # Each button asks the rule the service applies (roles only: a superuser is no exception).
    def has_add_permission(self, request) -> bool:
        return actor_has_right(request.user, AUTHOR_PROFILES)

    def has_view_permission(self, request, obj=None) -> bool:
        return actor_has_right(request.user, VIEW_PROFILES)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return actor_has_right(request.user, AUTHOR_PROFILES)
        return profile_may_edit(actor=request.user, profile=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and profile_may_discard(actor=request.user, profile=obj)

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved by profile_create / profile_update while the form was validated

    def delete_model(self, request, obj) -> None:
        profile_delete_draft(actor=request.user, profile=obj)
