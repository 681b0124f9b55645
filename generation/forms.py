from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.characteristics import Characteristic

from .models import DEFAULT_FEATURES_ORDERED


class ParameterSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    features_ordered = forms.CharField(
        label=_("Split order"),
        initial=", ".join(DEFAULT_FEATURES_ORDERED),
        help_text=_("The seven characteristics, separated by commas, in the order the tree splits them."),
    )
    min_group_size = forms.IntegerField(label=_("Minimum group size"), min_value=1, initial=100)
    chance_max_hit_rate = forms.FloatField(label=_("Chance: highest hit rate"), initial=0.01)
    chance_max_refusal_rate = forms.FloatField(label=_("Chance: highest refusal rate"), initial=0.05)
    risk_min_hit_rate = forms.FloatField(label=_("Risk: lowest hit rate"), initial=0.05)
    min_depth = forms.IntegerField(label=_("Minimum depth"), min_value=3, max_value=7, initial=3)
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["features_ordered"] = [f.strip() for f in data["features_ordered"].split(",") if f.strip()]
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CandidateFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("all")), ("chance", _("Chance profile")), ("risk", _("Risk profile"))],
    )
    change = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[
            ("", _("all")),
            ("new", _("New")),
            ("unchanged", _("Unchanged")),
            ("changed_type", _("Changed type")),
            ("gone", _("Gone")),
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("all")), ("proposed", _("Proposed")), ("dropped", _("Dropped")), ("gone", _("Gone"))],
    )
    characteristic = forms.ChoiceField(
        label=_("Characteristic"), required=False, choices=[("", _("all")), *Characteristic.choices]
    )
    value = forms.CharField(label=_("Value"), required=False, max_length=32)
