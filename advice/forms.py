"""Forms of the advice page: one application, or a CSV file of them. The choices are the
catalogue's; the checks are the engine's (`profiles.application_input`), so the forms
only carry the input and offer an error summary with links to the fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.application_input import CHARACTERISTICS, PARTIES
from profiles.characteristics import Characteristic

MAX_FILE_BYTES = 50 * 1024 * 1024


class SummaryMixin:
    """Every error once, with the id of the input to jump to (the portal's error summary)."""

    summary_anchor = ""

    def error_summary(self) -> list[dict[str, Any]]:
        rows = []
        for name, errors in self.errors.as_data().items():  # type: ignore[attr-defined]
            anchor = self.summary_anchor if name == "__all__" else self[name].auto_id  # type: ignore[index]
            label = "" if name == "__all__" else self.fields[name].label  # type: ignore[attr-defined]
            rows += [
                {"anchor": anchor, "label": label, "code": e.code or "invalid", "message": " ".join(e.messages)}
                for e in errors
            ]
        return rows


class AdviceForm(SummaryMixin, forms.Form):
    """One application."""

    summary_anchor = "advice-form"
    use_required_attribute = False  # checked by the server: the portal's error summary, no browser pop-ups
    lodged_on = forms.DateField(
        label=_("Lodged on"),
        required=False,
        help_text=_("Default: today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = dict(Characteristic.choices)
        for name in CHARACTERISTICS:
            self.fields[name] = forms.ChoiceField(
                label=labels[name],
                choices=[("", "—"), *choices.get(name, [])],
                error_messages={"required": _("Choose a value.")},
            )
        party_labels = {
            "applicant": _("Known-party hit on the applicant"),
            "referent": _("Known-party hit on the referent"),
            "employer": _("Known-party hit on the employer"),
        }
        for party in PARTIES:
            self.fields[f"{party}_hit"] = forms.BooleanField(label=party_labels[party], required=False)

    def application(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "lodged_on" in data:
            data["lodged_on"] = data["lodged_on"].isoformat()
        for party in PARTIES:
            data[f"{party}_hit"] = 1 if self.cleaned_data.get(f"{party}_hit") else 0
        return data


class AdviceFileForm(SummaryMixin, forms.Form):
    summary_anchor = "advice-file-form"
    use_required_attribute = False
    file = forms.FileField(
        label=_("CSV file of applications"),
        help_text=_(
            "UTF-8 with a header row. Columns: the seven characteristics, applicant_hit, "
            "referent_hit, employer_hit (0 or 1); optionally lodged_on (YYYY-MM-DD) and "
            "application_id. Up to 50 MB."
        ),
        error_messages={"required": _("Choose a CSV file."), "empty": _("The chosen file is empty.")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB; split it into smaller files."), code="file_too_large"
            )
        return upload
