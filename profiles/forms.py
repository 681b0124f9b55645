"""Web forms of the profile pages.

The forms only turn posted text into Python values (dates, numbers, lists of codes).
Every rule of docs/characteristics.md is left to the one validator behind the services, so
that the page shows exactly the problems the API and the importer would report; the
fields are therefore optional here and `problems_to_form` puts the service's problems
back onto the fields they concern.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from problems import Problem

from .characteristics import EXTENDABLE, KIND_OF, LABEL_SORTED, Characteristic, CharacteristicKind
from .models import Profile, ProfileKind, ProfileOrigin, ProfileStatus
from .services import EVIDENCE_FIELDS
from .validation import JUSTIFICATION_KEYS

# Long catalogues (nationalities, posts, occupations, or any longer than this) get the
# search-and-chips picker instead of columns of checkboxes.
CHECKBOX_LIMIT = 40

ISO_DATE = "%Y-%m-%d"
CRITERION_PREFIX = "criterion_"


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE))


class CodesField(forms.MultipleChoiceField):
    """A list of codes, not checked against its choices: the validator judges the codes
    (unknown, banned, all of them) and words each problem the same way in every door."""

    def validate(self, value: Any) -> None:
        return None


JUSTIFICATION_LABELS = {
    "legitimate_aim": _("Legitimate aim"),
    "suitability": _("Suitability"),
    "necessity": _("Necessity"),
    "proportionality": _("Proportionality"),
    "nationality_use": _("Why nationality is used"),
}

EVIDENCE_LABELS = {
    "evidence_group_size": _("Group size (applications)"),
    "evidence_chain_hit_rate": _("Later chain-partner hit rate (fraction 0–1)"),
    "evidence_refusal_rate": _("Refusal rate (fraction 0–1)"),
    "evidence_period_from": _("Reference period from"),
    "evidence_period_until": _("Reference period until"),
}


# The words of the live indicator; "%s" is the number of characteristics used.
INDICATOR = {
    "count": _("%s of 7 characteristics"),
    "application": _("application"),
    "personal": _("personal"),
    "none": _("none chosen yet"),
    "ok": _("meets the rule"),
    "missing": _("at least 3 are needed, with application and personal ones"),
}


class ProfileForm(forms.Form):
    kind = forms.CharField(
        label=_("Kind of profile"), required=False, widget=forms.RadioSelect(choices=ProfileKind.choices)
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    valid_from = _date_field(_("Valid from"))
    valid_until = _date_field(_("Valid until"))
    evidence_group_size = forms.IntegerField(label=EVIDENCE_LABELS["evidence_group_size"], required=False)
    evidence_chain_hit_rate = forms.FloatField(
        label=EVIDENCE_LABELS["evidence_chain_hit_rate"],
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    evidence_refusal_rate = forms.FloatField(
        label=EVIDENCE_LABELS["evidence_refusal_rate"], required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    evidence_period_from = _date_field(EVIDENCE_LABELS["evidence_period_from"])
    evidence_period_until = _date_field(EVIDENCE_LABELS["evidence_period_until"])

    def __init__(self, *args: Any, catalogue: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in JUSTIFICATION_KEYS:
            self.fields[f"justification_{key}"] = forms.CharField(
                label=JUSTIFICATION_LABELS[key], required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        for characteristic in Characteristic:
            self.fields[CRITERION_PREFIX + characteristic.value] = CodesField(
                label=characteristic.label, required=False, choices=catalogue[characteristic.value]
            )
        # Problems on the criteria as a whole (too few, no mix) belong to no single field.
        self.criteria_errors: list[Problem] = []

    @classmethod
    def initial_from(cls, profile: Profile) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "kind": profile.kind,
            "title": profile.title,
            "valid_from": profile.valid_from,
            "valid_until": profile.valid_until,
            **{f"justification_{k}": v for k, v in profile.justification.items()},
            **{k: getattr(profile, k) for k in EVIDENCE_FIELDS},
        }
        for criterion in profile.criteria.all():
            initial[CRITERION_PREFIX + criterion.characteristic] = list(criterion.values)
        return initial

    # --- what the services take ------------------------------------------------------------

    def criteria(self) -> list[dict[str, Any]]:
        """Every posted `criterion_<name>` key becomes a criterion, the seven first.

        A characteristic with nothing chosen is not posted at all and so not used. Any
        other name (a crafted `criterion_etniciteit`) is passed on as it is, so that the
        validator refuses it as unknown or banned and the attempt is audited. A key
        posted with only empty values is a criterion without values (`empty_values`).
        """
        posted = [k[len(CRITERION_PREFIX) :] for k in self.data if k.startswith(CRITERION_PREFIX)]
        names = [c for c in Characteristic.values if c in posted] + [
            n for n in posted if n not in Characteristic.values
        ]
        return [
            {"characteristic": name, "values": [v for v in self.data.getlist(CRITERION_PREFIX + name) if v.strip()]}
            for name in names
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "title": data.get("title") or "",
            "criteria": self.criteria(),
            "valid_from": data.get("valid_from"),
            "valid_until": data.get("valid_until"),
            "justification": {k: data.get(f"justification_{k}") or "" for k in JUSTIFICATION_KEYS},
            "evidence": {k: data.get(k) for k in EVIDENCE_FIELDS},
        }

    def add_problems(self, problems: list[Problem]) -> None:
        """Attach the validator's problems to the fields they name."""
        criteria = self.criteria()
        for problem in problems:
            name = _field_for(problem.field, criteria)
            if name in self.fields:
                self.add_error(name, forms.ValidationError(problem.message, code=problem.code))
            elif name is not None and name.startswith(("criteria", CRITERION_PREFIX)):
                # The criteria as a whole (too few, no mix), or a name that has no field here.
                self.criteria_errors.append(problem)
            else:
                self.add_error(None, forms.ValidationError(problem.message, code=problem.code))

    # --- what the template shows -------------------------------------------------------------

    def criterion_groups(self) -> list[dict[str, Any]]:
        """The seven characteristics, application ones first, as the template lays them out."""
        groups = []
        for kind, heading in (
            (CharacteristicKind.APPLICATION, _("Application characteristics")),
            (CharacteristicKind.PERSONAL, _("Personal characteristics")),
        ):
            groups.append(
                {
                    "kind": kind,
                    "heading": heading,
                    "fields": [self._criterion_field(c) for c in Characteristic.values if KIND_OF[c] == kind],
                }
            )
        return groups

    def _criterion_field(self, characteristic: str) -> dict[str, Any]:
        name = CRITERION_PREFIX + characteristic
        choices = list(self.fields[name].choices)
        selected = set(self._selected(name))
        # A value no longer offered (retired) that this draft still has stays visible and
        # chosen, so that saving does not drop it silently; the validator then says why.
        known = {code for code, _label in choices}
        choices += [(code, _("%(code)s (no longer offered)") % {"code": code}) for code in sorted(selected - known)]
        return {
            "bound": self[name],
            "characteristic": characteristic,
            "kind": KIND_OF[characteristic],
            "choices": choices,
            "selected": selected,
            "as_picker": characteristic in LABEL_SORTED or len(choices) > CHECKBOX_LIMIT,
        }

    def criteria_indicator(self) -> dict[str, Any]:
        """What the live indicator says when the page loads: "3 of 7 characteristics,
        application + personal"."""
        used = [c for c in Characteristic.values if self._selected(CRITERION_PREFIX + c)]
        kinds = {KIND_OF[c] for c in used}
        ok = len(used) >= 3 and kinds == {CharacteristicKind.APPLICATION, CharacteristicKind.PERSONAL}
        parts = [
            str(label)
            for kind, label in (
                (CharacteristicKind.APPLICATION, INDICATOR["application"]),
                (CharacteristicKind.PERSONAL, INDICATOR["personal"]),
            )
            if kind in kinds
        ]
        count = str(INDICATOR["count"]).replace("%s", str(len(used)))
        text = f"{count}, {' + '.join(parts) or INDICATOR['none']} — {INDICATOR['ok'] if ok else INDICATOR['missing']}"
        return {"text": text, "ok": ok, "strings": INDICATOR}

    def _selected(self, name: str) -> list[str]:
        value = self[name].value()
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def error_summary(self) -> list[dict[str, Any]]:
        """Every problem once, with the id of the input to jump to."""
        rows = []
        for name, errors in self.errors.as_data().items():
            anchor = "profile-form" if name == "__all__" else self._anchor(name)
            rows += [{"anchor": anchor, "code": e.code or "invalid", "message": " ".join(e.messages)} for e in errors]
        rows += [{"anchor": "criteria", "code": p.code, "message": p.message} for p in self.criteria_errors]
        return rows

    def _anchor(self, name: str) -> str:
        if name.startswith(CRITERION_PREFIX):
            return f"fieldset-{name}"
        if name == "kind":
            return "fieldset-kind"
        return self[name].auto_id


def _field_for(field: str | None, criteria: list[dict[str, Any]]) -> str | None:
    """`criteria.1.values` → the field of the second criterion sent; `justification.x` → `justification_x`."""
    if not field:
        return None
    parts = field.split(".")
    if parts[0] == "criteria":
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(criteria):
            return CRITERION_PREFIX + str(criteria[int(parts[1])]["characteristic"])
        return "criteria"
    if parts[0] == "justification" and len(parts) > 1:
        return f"justification_{parts[1]}"
    return field


class ProfileFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Code or title contains"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ProfileStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ProfileKind.choices])
    origin = forms.ChoiceField(
        label=_("Origin"), required=False, choices=[("", _("All origins")), *ProfileOrigin.choices]
    )
    characteristic = forms.ChoiceField(
        label=_("Uses characteristic"), required=False, choices=[("", _("Any characteristic")), *Characteristic.choices]
    )
    run = forms.UUIDField(label=_("Generation run"), required=False)
    latest_only = forms.BooleanField(label=_("Latest version of each profile only"), required=False)

    def filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v} if self.is_bound and self.is_valid() else {}


class CommentForm(forms.Form):
    """The comment that goes with a workflow action: the service decides whether it is required."""

    action = forms.CharField(max_length=32)
    comment = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DraftCommentForm(forms.Form):
    """A comment on a draft; the service checks who may comment and that it is not empty."""

    text = forms.CharField(
        label=_("Your comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TakeOverForm(forms.Form):
    MAX_LENGTH = 2000
    reason = forms.CharField(
        label=_("Why do you take this draft over?"),
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason is recorded in the audit trail with both owners."),
    )


class CatalogueCodeForm(forms.Form):
    # Free text under a list of choices: a tampered name must reach the service, which
    # refuses a banned category by name and writes the attempt to the audit trail.
    # Nothing is chosen beforehand: a post typed under a preselected "age group" would
    # otherwise become an age group.
    characteristic = forms.CharField(
        label=_("Characteristic"),
        max_length=64,
        required=False,
        widget=forms.Select(
            choices=[
                ("", _("— choose a catalogue —")),
                *[(c.value, c.label) for c in Characteristic if c.value in EXTENDABLE],
            ]
        ),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        required=False,
        help_text=_(
            "Age groups as 25-34 or 65+; occupations in lower case with underscores, "
            "e.g. craft_trades; posts as UN/LOCODEs: a country code and three letters, "
            "e.g. SRPBM for Paramaribo."
        ),
    )
    label_nl = forms.CharField(label=_("Dutch label"), max_length=200, required=False)
    label_en = forms.CharField(label=_("English label"), max_length=200, required=False)
