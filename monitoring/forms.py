"""Forms of the monitoring pages: upload and the preview's period."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # 1 GiB: a few million records


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, with a header row) or JSON Lines, the columns of the monitoring data specification."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("By the file name (.jsonl is JSON Lines, else CSV)")), ("csv", "CSV"), ("jsonl", "JSON Lines")],
    )

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
