"""Users and roles in the admin.

Roles are the groups of `accounts/roles.py`: their rights are code (`ROLE_PERMISSIONS`,
applied by `roles_sync` at every start), so the admin shows them but does not edit them,
and users get rights only through roles, never one by one. Saving a user writes an
audit event, as every other change does.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import events
from .models import ApiToken
from .roles import WORKFLOW_ROLES, Role
from .tokens import token_revoke

User = get_user_model()


class RoleAdmin(GroupAdmin):
    readonly_fields = ["name", "permissions"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PortalUserChangeForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        names = {g.name for g in groups or []}
        if Role.ADMINISTRATOR in names and names & WORKFLOW_ROLES:
            raise forms.ValidationError(
                _("An administrator takes part in no workflow: give the workflow roles to another account.")
            )
        return groups


class PortalUserAdmin(UserAdmin):
    form = PortalUserChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roles"), {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "email", "is_active", "is_staff", "is_superuser", "roles"]
    # Superuser status is not handed out here: it would add nothing in the portal (rights
    # come from roles only) and would open every corner of this admin site.
    readonly_fields = ["last_login", "date_joined", "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, user) -> str:
        return ", ".join(sorted(g.name for g in user.groups.all()))

    def user_change_password(self, request, id, form_url=""):
        # The password form saves inside this transaction; a successful change answers
        # with a redirect, and its audit event is written beside it (never the password).
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                events.user_password_changed(actor=request.user, user=self.get_object(request, id))
        return response

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # After the roles are saved, so that the event records the roles the user now has.
        user = form.instance
        events.user_saved(
            actor=request.user, user=user, created=not change, roles=sorted(user.groups.values_list("name", flat=True))
        )


admin.site.unregister(Group)
admin.site.register(Group, RoleAdmin)
admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens without their secret (only a digest is stored); revoking is the one change."""

    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason"]
    search_fields = ["user__username", "prefix"]
    list_select_related = ["user"]
    fields = ["public_id", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            token_revoke(actor=request.user, token=token)
