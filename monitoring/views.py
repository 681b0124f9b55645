"""Web pages of monitoring: the upload page and an import's report, and the impact preview
of a profile (a page, or the fragment the profile page shows). The advice page is the
`advice` app's.

Thin doors: each page parses the request, calls one service or selector and shows the result.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from accounts.actors import actor_has_right
from accounts.permissions import PermissionRequired
from accounts.roles import IMPORT_MONITORING, MANAGE_CATALOGUES, VIEW_MONITORING, VIEW_PROFILES
from documents.spreadsheet import SafeWriter
from problems import DomainError, problems_to_form
from profiles.characteristics import EXTENDABLE, Characteristic
from profiles.models import Profile
from profiles.selectors import catalogue_choices, profile_get

from . import previews, selectors, services
from .columns import COLUMNS, EXAMPLE_ROWS, REQUIRED_COLUMNS, column_guide, problem_message
from .forms import PeriodForm, UploadForm
from .impact import DIMENSIONS, TRACKS
from .models import ImpactPreview, ImportRun, ImportStatus

PROBLEMS_SHOWN = 200


class UploadView(PermissionRequired, View):
    permission_required = IMPORT_MONITORING

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, UploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = services.monitoring_upload_start(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    file_format=form.cleaned_data["file_format"] or None,
                )
            except DomainError as error:
                # Upload problems concern the file as a whole: shown above the form.
                problems_to_form(form, error, lambda f: None)
            else:
                return redirect("monitoring:import_detail", public_id=run.public_id)
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "monitoring/upload.html",
            {
                "form": form,
                "runs": selectors.import_run_list(),
                "columns": COLUMNS,
                "required_columns": REQUIRED_COLUMNS,
                "guide": column_guide(),
            },
            status=status,
        )


class ImportExampleCsvView(PermissionRequired, View):
    """A small file that imports cleanly: the columns, their order and formats by example."""

    permission_required = IMPORT_MONITORING

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="monitoring-example.csv"'
        writer = SafeWriter(response, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in EXAMPLE_ROWS:
            writer.writerow([row[name] for name in COLUMNS])
        return response


def _may_read_imports(user) -> bool:
    return actor_has_right(user, IMPORT_MONITORING) or actor_has_right(user, VIEW_MONITORING)


def _run(request: HttpRequest, public_id) -> ImportRun:
    if not _may_read_imports(request.user):
        raise PermissionDenied
    try:
        return selectors.import_run_get(public_id=public_id)
    except ImportRun.DoesNotExist:
        raise Http404 from None


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)


def _summary_line(run: ImportRun) -> str:
    """ "3 problems in 2 of 10 rows", with the plurals of each number right in both languages."""
    problems = ngettext("%(n)s problem", "%(n)s problems", run.problem_count) % {"n": _number(run.problem_count)}
    if not run.row_count:
        return _("%(problems)s; no record could be read. Fix the file and upload it again.") % {"problems": problems}
    bad = min(run.bad_row_count, run.row_count)
    rows = ngettext("in %(bad)s of %(rows)s row", "in %(bad)s of %(rows)s rows", run.row_count) % {
        "bad": _number(bad),
        "rows": _number(run.row_count),
    }
    return _("%(problems)s %(rows)s. Fix them all and upload the file again.") % {"problems": problems, "rows": rows}


def _problem_groups(run: ImportRun, *, may_add_codes: bool) -> list[dict[str, Any]]:
    """The problems by column and code, in words: "2 codes of “Place of application” are not
    in the catalogue: UAIEV (948 rows), IRTHR (612 rows)", rather than every row."""
    names = dict(Characteristic.choices)
    out = []
    for group in run.problem_groups or []:
        column, code, count = group["column"], group["code"], group["count"]
        values = [
            {"value": v, "rows": ngettext("%(n)s row", "%(n)s rows", n) % {"n": _number(n)}} for v, n in group["values"]
        ]
        add_url = None
        if code == "unknown_value" and column in names:
            heading = ngettext(
                "%(n)s code of “%(name)s” is not in the catalogue",
                "%(n)s codes of “%(name)s” are not in the catalogue",
                group["distinct"],
            ) % {"n": _number(group["distinct"]), "name": names[column]}
            if may_add_codes and column in EXTENDABLE:
                add_url = f"{reverse('profiles:catalogues')}?characteristic={column}"
        else:
            example = {"row": 0, "column": column, "code": code, **group.get("example", {})}
            heading = problem_message(example)
        rows = ngettext("%(n)s row", "%(n)s rows", count) % {"n": _number(count)}
        out.append(
            {
                "column": column,
                "code": code,
                "heading": heading,
                "rows": rows,
                "values": values,
                "more_values": max(0, group["distinct"] - len(values)),
                "add_url": add_url,
                "show_values": code == "unknown_value" or group["distinct"] > 1,
            }
        )
    return out


class ImportDetailView(View):
    """An import: its progress while the job runs, then its counts or its report."""

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        run = _run(request, public_id)
        problems = [{**p, "message": problem_message(p)} for p in run.problems[:PROBLEMS_SHOWN]]
        return render(
            request,
            "monitoring/import_detail.html",
            {
                "run": run,
                "problems": problems,
                "shown": len(problems),
                "stored": len(run.problems),
                "summary_line": _summary_line(run) if run.problem_count else "",
                "groups": _problem_groups(run, may_add_codes=actor_has_right(request.user, MANAGE_CATALOGUES)),
                "finished": run.is_finished,
                "imported": run.status == ImportStatus.IMPORTED,
            },
        )


class ImportReportCsvView(View):
    """The stored report of a rejected file, to work through in a spreadsheet."""

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        run = _run(request, public_id)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{run.public_id}-report.csv"'
        # Values come from the rejected file: a cell such as =HYPERLINK(...) must not run.
        writer = SafeWriter(response)
        writer.writerow(["row", "column", "code", "value", "message"])
        for entry in run.problems:
            writer.writerow(
                [entry["row"], entry.get("column") or "", entry["code"], entry.get("value", ""), problem_message(entry)]
            )
        return response


def _labelled(result: dict[str, Any]) -> dict[str, Any]:
    """Catalogue labels and percentages for the template."""
    labels = {c: dict(choices) for c, choices in catalogue_choices().items()}
    names = dict(Characteristic.choices)
    groups = []
    for dimension in DIMENSIONS:
        rows = [
            {**row, "label": labels.get(dimension, {}).get(row["code"], row["code"])}
            for row in result["groups"][dimension]
        ]
        groups.append(
            {"dimension": dimension, "name": names[dimension], "rows": rows, "hit_rows": [r for r in rows if r["hits"]]}
        )
    tracks = result["tracks"]
    track_rows = [
        {
            "track": t,
            "without": tracks["without"][t],
            "with": tracks["with"][t],
            "change": tracks["change"][t],
            "without_share": tracks["without_share"][t],
            "with_share": tracks["with_share"][t],
        }
        for t in TRACKS
    ]
    computed_at = parse_datetime(result.get("computed_at") or "")
    return {**result, "group_tables": groups, "track_rows": track_rows, "computed_at": computed_at}


class ProfileImpactView(PermissionRequired, View):
    """The impact preview of one profile version: a page, or with `X-Requested-With:
    fetch` (or ?fragment=1) only the fragment that the profile page shows in its section."""

    permission_required = VIEW_PROFILES

    def get(self, request: HttpRequest, public_id) -> HttpResponse:
        try:
            profile = profile_get(public_id=public_id)
        except Profile.DoesNotExist:
            raise Http404 from None
        fragment = request.headers.get("X-Requested-With") == "fetch" or request.GET.get("fragment") == "1"
        form = PeriodForm(request.GET)
        context: dict[str, Any] = {"profile": profile, "form": form, "fragment": fragment}
        status = 200
        if form.is_valid():
            try:
                outcome = previews.impact_preview_for(
                    actor=request.user,
                    profile=profile,
                    period_from=form.cleaned_data.get("from"),
                    period_until=form.cleaned_data.get("to"),
                )
            except DomainError as error:
                context["problems"], status = error.problems, error.status
            else:
                context["outcome"] = outcome
                if outcome.ready:
                    context["preview"] = _labelled(outcome.result)
        else:
            status = 400
        template = "monitoring/_impact.html" if fragment else "monitoring/profile_impact.html"
        return render(request, template, context, status=status)


class ImpactProgressView(PermissionRequired, View):
    """Polled by the progress bar of a large preview (see static/js/portal.js)."""

    permission_required = VIEW_PROFILES

    def get(self, request: HttpRequest, public_id) -> JsonResponse:
        try:
            return JsonResponse(selectors.impact_preview_progress(public_id=public_id))
        except ImpactPreview.DoesNotExist:
            raise Http404 from None


def upload_redirect(request: HttpRequest) -> HttpResponse:
    return redirect("monitoring:upload")
