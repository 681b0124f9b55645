"""Serializers of the profile API: input shapes (types only) and the output representation.

The input serializers check types and nothing else. Every rule of docs/characteristics.md is
the validator's (`validation.py`), reached through the services, so the criteria travel
to the service exactly as they were sent: an unknown or banned characteristic must
reach the validator to be refused (and, when banned, audited) there.
"""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from problems import DomainError, Problem
from problems.openapi import ErrorResponseSerializer  # noqa: F401 - the API's one error shape, for the views

from .characteristics import Characteristic
from .models import Profile, ProfileKind, ProfileOrigin, ProfileStatus, ProfileTransition, Track
from .validation import JUSTIFICATION_KEYS

# Columns are PositiveIntegerField: larger numbers would be a database error, not a 400.
MAX_GROUP_SIZE = 2**31 - 1


class CriterionSerializer(serializers.Serializer):
    """One criterion: the application hits it when its value is one of `values`."""

    characteristic = serializers.ChoiceField(choices=Characteristic.choices)
    values = serializers.ListField(child=serializers.CharField(), min_length=1)


class JustificationSerializer(serializers.Serializer):
    legitimate_aim = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    suitability = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    necessity = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    proportionality = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    nationality_use = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class EvidenceSerializer(serializers.Serializer):
    """The group behind the profile and its outcomes; ranges are checked by the service."""

    group_size = serializers.IntegerField(
        required=False, allow_null=True, max_value=MAX_GROUP_SIZE, min_value=-MAX_GROUP_SIZE
    )
    chain_hit_rate = serializers.FloatField(required=False, allow_null=True)
    refusal_rate = serializers.FloatField(required=False, allow_null=True)
    period_from = serializers.DateField(required=False, allow_null=True)
    period_until = serializers.DateField(required=False, allow_null=True)


@extend_schema_field(CriterionSerializer(many=True))
class CriteriaField(serializers.JSONField):
    """Any JSON: the validator judges the shape, so a bad criterion gets its own code."""


@extend_schema_field({"type": "string", "enum": ProfileKind.values})
class KindField(serializers.CharField):
    """Text: the validator answers a wrong kind with `invalid_kind`, beside every other problem."""


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class WindowDateField(serializers.Field):
    """A date of the validity window. A malformed date becomes None (which the validator
    refuses as `invalid_validity_window`) and is remembered, so that the answer can say what
    was wrong with it while still listing every other problem of the profile."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> date | None:
        if isinstance(data, str) and data.strip():
            try:
                parsed = parse_date(data.strip())
            except ValueError:  # well-formed but impossible, e.g. 2026-02-30
                parsed = None
            if parsed is not None:
                return parsed
        if data not in (None, ""):
            self.parent.malformed_dates[self.field_name] = data
        return None

    def to_representation(self, value: date) -> str:
        return value.isoformat()


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class ProfileInputSerializer(serializers.Serializer):
    """The body of POST /api/profiles/ and PATCH /api/profiles/{id}/ (docs/api.md).

    Every field is optional at this level so that a create with gaps gets one answer
    listing every problem (the validator's codes), not a first round of "required"."""

    kind = KindField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    criteria = CriteriaField(required=False)
    valid_from = WindowDateField(required=False)
    valid_until = WindowDateField(required=False)
    justification = JustificationSerializer(required=False)
    evidence = EvidenceSerializer(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.malformed_dates: dict[str, Any] = {}

    def explain_dates(self, error: DomainError, *, creating: bool) -> DomainError:
        """Say which date was malformed instead of the validator's "give a start and an end
        date", which is all it can say about the None it was given in its place."""
        if not self.malformed_dates or error.status != 400:
            return error
        data = self.validated_data

        def missing(name: str) -> bool:
            # None reached the validator with no malformed value behind it: left out or null.
            if name in self.malformed_dates:
                return False
            return data[name] is None if name in data else creating

        unexplained = [name for name in ("valid_from", "valid_until") if missing(name)]
        problems = [p for p in error.problems if p.code != "invalid_validity_window" or unexplained]
        problems += [
            Problem(
                "invalid_validity_window",
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": str(raw)[:40]},
                name,
            )
            for name, raw in self.malformed_dates.items()
        ]
        return DomainError(problems, status=error.status, extra=error.extra)

    def service_arguments(self) -> dict[str, Any]:
        """What was sent, in the services' terms (evidence keys as the model names them)."""
        data = dict(self.validated_data)
        if "justification" in data:
            data["justification"] = {k: data["justification"].get(k) or "" for k in JUSTIFICATION_KEYS}
        if "evidence" in data:
            data["evidence"] = {f"evidence_{k}": v for k, v in data["evidence"].items()}
        return data


class ProfileFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProfileStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=ProfileKind.choices, required=False)
    origin = serializers.ChoiceField(choices=ProfileOrigin.choices, required=False)
    characteristic = serializers.ChoiceField(choices=Characteristic.choices, required=False)
    run = serializers.UUIDField(required=False, help_text=_("Id of the generation run the profile came from."))
    q = serializers.CharField(required=False, max_length=200, help_text=_("Text in the code or title."))
    latest_only = serializers.BooleanField(
        required=False, default=False, help_text=_("Only the latest version of each profile.")
    )


class ActionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    to = serializers.CharField(source="to_status")
    actor = serializers.SerializerMethodField()
    comment = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")

    def get_fields(self):
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields = super().get_fields()
        ordered = {"action": fields.pop("action"), "from": serializers.CharField(source="from_status")}
        ordered.update(fields)
        return ordered

    def get_actor(self, transition: ProfileTransition) -> str | None:
        # None: the system moved it (activation or expiry by the validity window).
        return _username(transition.actor)


class _CriterionOutputSerializer(serializers.Serializer):
    characteristic = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class _EvidenceOutputSerializer(serializers.Serializer):
    group_size = serializers.IntegerField(source="evidence_group_size", allow_null=True)
    chain_hit_rate = serializers.FloatField(source="evidence_chain_hit_rate", allow_null=True)
    refusal_rate = serializers.FloatField(source="evidence_refusal_rate", allow_null=True)
    period_from = serializers.DateField(source="evidence_period_from", allow_null=True)
    period_until = serializers.DateField(source="evidence_period_until", allow_null=True)


class ProfileOutputSerializer(serializers.ModelSerializer):
    """A profile version as the API shows it: the input plus its facts and its history."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    track = serializers.ChoiceField(choices=Track.choices, read_only=True)
    generation_run = serializers.UUIDField(source="generation_run_id", allow_null=True, read_only=True)
    previous_version = serializers.SerializerMethodField()
    criteria = _CriterionOutputSerializer(many=True, read_only=True)
    justification = JustificationSerializer(read_only=True)
    evidence = _EvidenceOutputSerializer(source="*", read_only=True)
    created_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    dpo_signed_off_by = serializers.SerializerMethodField()
    history = TransitionOutputSerializer(source="transitions", many=True, read_only=True)
    owner = serializers.SerializerMethodField()
    previous_owner = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "id",
            "code",
            "version",
            "previous_version",
            "kind",
            "track",
            "title",
            "status",
            "origin",
            "generation_run",
            "criteria",
            "valid_from",
            "valid_until",
            "justification",
            "evidence",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "dpo_signed_off_by",
            "dpo_signed_off_at",
            "history",
            "owner",
            "previous_owner",
            "taken_over_at",
        ]
        read_only_fields = fields

    def get_previous_version(self, profile: Profile) -> int | None:
        # The number, not the row: the row id is internal and the code is shared by all versions.
        return profile.version - 1 if profile.previous_version_id else None

    def get_created_by(self, profile: Profile) -> str | None:
        return _username(profile.created_by)

    def get_submitted_by(self, profile: Profile) -> str | None:
        return _username(profile.submitted_by)

    def get_approved_by(self, profile: Profile) -> str | None:
        return _username(profile.approved_by)

    def get_dpo_signed_off_by(self, profile: Profile) -> str | None:
        return _username(profile.dpo_signed_off_by)

    def get_owner(self, profile: Profile) -> str | None:
        return _username(profile.owner)

    def get_previous_owner(self, profile: Profile) -> str | None:
        return _username(profile.previous_owner)

    def to_representation(self, profile: Profile) -> dict[str, Any]:
        """The fields above, written out by hand: DRF's generic walk over ~60 nested fields
        costs a third of a millisecond per profile, too much for a page of 200. The fields
        stay declared for the schema; a test holds the two representations equal.

        Reads the plain lists that the API's queries prefetch (`criteria_in_order`,
        `history`) where they exist, the relations otherwise."""
        tz = timezone.get_current_timezone()
        criteria = getattr(profile, "criteria_in_order", None)
        history = getattr(profile, "history", None)

        def at(value) -> str | None:
            return _datetime(value, tz)

        return {
            "id": str(profile.public_id),
            "code": profile.code,
            "version": profile.version,
            "previous_version": self.get_previous_version(profile),
            "kind": profile.kind,
            "track": profile.track,
            "title": profile.title,
            "status": profile.status,
            "origin": profile.origin,
            "generation_run": str(profile.generation_run_id) if profile.generation_run_id else None,
            "criteria": [
                {"characteristic": c.characteristic, "values": [str(v) for v in c.values]}
                for c in (criteria if criteria is not None else profile.criteria.all())
            ],
            "valid_from": _date(profile.valid_from),
            "valid_until": _date(profile.valid_until),
            "justification": profile.justification,
            "evidence": {
                "group_size": profile.evidence_group_size,
                "chain_hit_rate": _float(profile.evidence_chain_hit_rate),
                "refusal_rate": _float(profile.evidence_refusal_rate),
                "period_from": _date(profile.evidence_period_from),
                "period_until": _date(profile.evidence_period_until),
            },
            "created_by": _username(profile.created_by),
            "created_at": at(profile.created_at),
            "updated_at": at(profile.updated_at),
            "submitted_by": _username(profile.submitted_by),
            "submitted_at": at(profile.submitted_at),
            "approved_by": _username(profile.approved_by),
            "approved_at": at(profile.approved_at),
            "dpo_signed_off_by": _username(profile.dpo_signed_off_by),
            "dpo_signed_off_at": at(profile.dpo_signed_off_at),
            "history": [
                {
                    "action": t.action,
                    "from": t.from_status,
                    "to": t.to_status,
                    "actor": _username(t.actor),
                    "comment": t.comment,
                    "at": at(t.created_at),
                }
                for t in (history if history is not None else profile.transitions.all())
            ],
            "owner": _username(profile.owner),
            "previous_owner": _username(profile.previous_owner),
            "taken_over_at": at(profile.taken_over_at),
        }


# Formatting exactly as DRF's fields do: ISO 8601, datetimes in the current time zone,
# UTC written as Z.
def _datetime(value, tz) -> str | None:
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value) -> str | None:
    return value.isoformat() if value is not None else None


def _float(value) -> float | None:
    return float(value) if value is not None else None


# --- Drafts: comments and take-over ---------------------------------------------------------------


class DraftCommentInputSerializer(serializers.Serializer):
    # Length and emptiness are the service's to judge (one message for every door).
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class DraftCommentOutputSerializer(serializers.Serializer):
    author = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, comment) -> dict[str, Any]:
        return {
            "author": _username(comment.author),
            "text": comment.text,
            "created_at": _datetime(comment.created_at, timezone.get_current_timezone()),
        }


class TakeOverInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)
