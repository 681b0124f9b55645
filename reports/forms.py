"""Forms of the report pages. They only carry input: the services validate it (one home
for every rule), and the views put the services' problems back on these fields."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .parameters import DEFAULTS


class ReportRequestForm(forms.Form):
    # Nothing is required here: the service answers every gap with its own coded message.
    period_from = forms.CharField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    period_to = forms.CharField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    min_cell = forms.CharField(
        required=False,
        label=_("Smallest group shown (min_cell)"),
        initial=DEFAULTS.min_cell,
        widget=forms.NumberInput(attrs={"min": 1, "step": 1}),
        help_text=_("Groups with fewer records are shown without figures."),
    )
    alpha = forms.CharField(
        required=False,
        label=_("Significance level (alpha)"),
        initial=DEFAULTS.alpha,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    ratio_low = forms.CharField(
        required=False,
        label=_("Flag ratios at or below (ratio_low)"),
        initial=DEFAULTS.ratio_low,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    ratio_high = forms.CharField(
        required=False,
        label=_("Flag ratios at or above (ratio_high)"),
        initial=DEFAULTS.ratio_high,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    follow_threshold = forms.CharField(
        required=False,
        label=_("Follow-rate threshold"),
        initial=DEFAULTS.follow_threshold,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    # One request per form shown: a double click or a resubmit returns the same report.
    request_key = forms.CharField(widget=forms.HiddenInput, required=False)

    FIELD_OF = {"from": "period_from", "to": "period_to"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_key", uuid.uuid4().hex)

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("min_cell", "alpha", "ratio_low", "ratio_high", "follow_threshold")}


class FindingDecisionForm(forms.Form):
    """The DPO's decision on one finding of the report, from the finding's own row. The
    fields are drawn by the row's template (ids carry the finding's anchor)."""

    finding_id = forms.CharField(required=False)
    decision = forms.CharField(required=False)
    note = forms.CharField(required=False)
    withdraw_profile = forms.BooleanField(required=False)
    withdraw_note = forms.CharField(required=False)
    other_action = forms.CharField(required=False)

    def field_of(self, field: str | None) -> str:
        """The row's field for a problem the service names (follow-ups by their position)."""
        data = getattr(self, "cleaned_data", {})
        follow_up_fields = (["withdraw_note"] if data.get("withdraw_profile") else []) + ["other_action"]
        if field and field.startswith("follow_ups["):
            index = int(field[len("follow_ups[") : -1]) if field[-1] == "]" else 0
            return follow_up_fields[min(index, len(follow_up_fields) - 1)]
        return {"subject": "", "subject_type": "", "finding_id": "", "follow_ups": "withdraw_note"}.get(
            field or "", field or ""
        )

    def service_input(self) -> dict:
        data = self.cleaned_data
        follow_ups = []
        if data.get("withdraw_profile"):
            follow_ups.append({"kind": "withdraw_profile", "note": data.get("withdraw_note", "")})
        if (data.get("other_action") or "").strip():
            follow_ups.append({"kind": "other", "note": data["other_action"]})
        return {
            "finding_id": data.get("finding_id", ""),
            "decision": data.get("decision", ""),
            "note": data.get("note", ""),
            "follow_ups": follow_ups,
        }
