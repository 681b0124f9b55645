"""The advice page: try the engine on one application, or advise a CSV file (the web side
of the `advise` command). Thin: parse the form, call the service, show the result, and
say per active profile why it did or did not hit."""

import io
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import PermissionRequired
from accounts.roles import REQUEST_ADVICE
from problems import DomainError, problems_to_form
from profiles.characteristics import Characteristic
from profiles.selectors import catalogue_choices

from .csv_io import advice_csv
from .engine import ProfileExplanation
from .forms import AdviceFileForm, AdviceForm
from .selectors import advice_explain, advice_parse, advice_refused_profiles
from .services import advice_request

FILE_PROBLEMS_SHOWN = 50


def _explained(explanations: list[ProfileExplanation], labels: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Per profile, in words: hit, not in force on the day, or which criteria did not match."""
    names = dict(Characteristic.choices)
    rows = []
    for e in explanations:
        profile = e.profile
        criteria = [
            {
                "name": names[c.characteristic],
                "matched": c.matched,
                "value": labels[c.characteristic].get(c.value, c.value),
                "allowed": ", ".join(labels[c.characteristic].get(code, code) for code in c.allowed),
            }
            for c in e.criteria
        ]
        rows.append(
            {
                "code": profile.hit.code,
                "version": profile.hit.version,
                "kind": profile.hit.kind,
                "title": profile.title,
                "valid_from": profile.valid_from,
                "valid_until": profile.valid_until,
                "in_force": e.in_force,
                "hit": e.hit,
                "criteria": criteria,
                "unmatched": [c for c in criteria if not c["matched"]],
            }
        )
    return rows


class AdviceView(PermissionRequired, View):
    permission_required = REQUEST_ADVICE

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, AdviceForm(choices=catalogue_choices()), AdviceFileForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        choices = catalogue_choices()
        if "file" in request.FILES or request.POST.get("form") == "file":
            file_form = AdviceFileForm(request.POST, request.FILES)
            if file_form.is_valid():
                return self._advise_file(request, file_form)
            return self._page(request, AdviceForm(choices=choices), file_form, status=400)
        form = AdviceForm(request.POST, choices=choices)
        if not form.is_valid():
            return self._page(request, form, AdviceFileForm(), status=400)
        data = form.application()
        try:
            result = advice_request(actor=request.user, data=data, door="page")
        except DomainError as error:
            problems_to_form(form, error)
            return self._page(request, form, AdviceFileForm(), status=error.status)
        application = advice_parse(data=data)
        labels = {c: dict(options) for c, options in choices.items()}
        explained = _explained(advice_explain(application=application), labels) if application else []
        return self._page(request, form, AdviceFileForm(), result=cast(dict[str, Any], result), explained=explained)

    def _advise_file(self, request: HttpRequest, file_form: AdviceFileForm) -> HttpResponse:
        upload = file_form.cleaned_data["file"]
        target = io.StringIO()
        try:
            source = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
            count, _refused = advice_csv(actor=request.user, source=source, target=target, door="page")
        except DomainError as error:
            shown = error.problems[:FILE_PROBLEMS_SHOWN]
            for problem in shown:
                where = f"{problem.field}: " if problem.field else ""
                file_form.add_error("file", ValidationError(f"{where}{problem.message}", code=problem.code))
            if len(error.problems) > len(shown):
                file_form.add_error(
                    "file",
                    ValidationError(
                        _("%(more)s more problems are not shown; fix these first.")
                        % {"more": len(error.problems) - len(shown)},
                        code="more_problems",
                    ),
                )
            return self._page(request, AdviceForm(choices=catalogue_choices()), file_form, status=error.status)
        except UnicodeDecodeError:
            file_form.add_error("file", _("The file is not UTF-8 text."))
            return self._page(request, AdviceForm(choices=catalogue_choices()), file_form, status=400)
        response = HttpResponse(target.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="advice.csv"'
        response["X-Advised-Rows"] = str(count)
        return response

    def _page(
        self,
        request: HttpRequest,
        form: AdviceForm,
        file_form: AdviceFileForm,
        *,
        result: dict[str, Any] | None = None,
        explained: list[dict[str, Any]] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        return render(
            request,
            "advice/advice.html",
            {
                "form": form,
                "file_form": file_form,
                "result": result,
                "explained": explained,
                "summary": form.error_summary() + file_form.error_summary(),
                "refused_profiles": advice_refused_profiles(),
            },
            status=status,
        )
