"""Admin: read-only views of parameter sets and runs. Every change goes through the
services (the pages, the API, the command), so the admin offers no add, change or delete."""

from django.contrib import admin

from .models import GenerationRun, ParameterSet, RunCandidate


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParameterSet)
class ParameterSetAdmin(ReadOnly):
    list_display = ("name", "version", "status", "min_group_size", "min_depth", "approved_by", "created_at")
    list_filter = ("status",)


@admin.register(GenerationRun)
class GenerationRunAdmin(ReadOnly):
    list_display = ("valid_from", "status", "parameter_set", "n_records", "started_by_name", "created_at")
    list_filter = ("status", "origin")
    exclude = ("outline",)


@admin.register(RunCandidate)
class RunCandidateAdmin(ReadOnly):
    list_display = ("run", "outcome", "kind", "change", "path_key", "n")
    list_filter = ("outcome", "kind", "change")
