"""Forms of the monitoring pages: upload, the preview's period, and the advice try-out."""

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.advice import CHARACTERISTICS, PARTIES
from profiles.characteristics import Characteristic

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # 1 GiB: a few million records


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8, with a header row) or JSON Lines, the columns "
                                                        "of the monitoring data specification."))
    file_format = forms.ChoiceField(
        label=_("Format"), required=False,
        choices=[("", _("By the file name (.jsonl is JSON Lines, else CSV)")), ("csv", "CSV"),
                 ("jsonl", "JSON Lines")])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 GiB; split it."), code="file_too_large")
        return upload


class PeriodForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, as the API takes them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=widget)
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=widget)

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise forms.ValidationError(_("The period must start on or before its last day."), code="invalid_period")
        return data


class AdviceForm(forms.Form):
    """One application; the choices are the catalogue's, the check is the engine's."""

    lodged_on = forms.DateField(label=_("Lodged on"), required=False, help_text=_("Default: today."),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, choices: dict[str, list[tuple[str, str]]], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Characteristic.choices)
        for name in CHARACTERISTICS:
            self.fields[name] = forms.ChoiceField(label=labels[name], choices=[("", "—"), *choices.get(name, [])])
        party_labels = {"applicant": _("Known-party hit on the applicant"),
                        "referent": _("Known-party hit on the referent"),
                        "employer": _("Known-party hit on the employer")}
        for party in PARTIES:
            self.fields[f"{party}_hit"] = forms.BooleanField(label=party_labels[party], required=False)

    def application(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "lodged_on" in data:
            data["lodged_on"] = data["lodged_on"].isoformat()
        for party in PARTIES:
            data[f"{party}_hit"] = 1 if self.cleaned_data.get(f"{party}_hit") else 0
        return data


class AdviceFileForm(forms.Form):
    file = forms.FileField(label=_("CSV file of applications"),
                           help_text=_("Columns: the seven characteristics, applicant_hit, referent_hit, employer_hit; "
                                       "optionally lodged_on and application_id. Up to 50 MB here; larger files "
                                       "with manage.py advise."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB; use manage.py advise."),
                                        code="file_too_large")
        return upload
