"""POST /api/advice/: the track and its reasons for one application or a list of them.

A thin door onto `advice.services.advice_request`, which validates and raises the one
domain error type; the API error handler turns it into a 400 listing every problem.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse401Serializer,
    ErrorResponse403Serializer,
    ValidationErrorResponseSerializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import api_permission
from accounts.roles import REQUEST_ADVICE
from profiles.application_input import CHARACTERISTICS, PARTY_COLUMNS
from profiles.models import ProfileKind, Track

from .services import advice_request

_APPLICATION = inline_serializer(
    "AdviceApplicationInput",
    {
        "application_id": serializers.CharField(required=False, max_length=64, help_text="Echoed back; optional."),
        "lodged_on": serializers.DateField(
            required=False, help_text="Default: today. The profiles in force on this day are used."
        ),
        **{c: serializers.CharField(help_text="A catalogue code.") for c in CHARACTERISTICS},
        **{
            c: serializers.IntegerField(min_value=0, max_value=1, help_text="0 or 1 (true/false accepted).")
            for c in PARTY_COLUMNS
        },
    },
)

_ADVICE = inline_serializer(
    "AdviceOutput",
    {
        "application_id": serializers.CharField(allow_null=True),
        "lodged_on": serializers.DateField(),
        "track": serializers.ChoiceField(choices=Track.choices),
        "known_party_hits": serializers.ListField(
            child=serializers.ChoiceField(choices=["applicant", "referent", "employer"])
        ),
        "profile_hits": serializers.ListField(
            child=inline_serializer(
                "AdviceProfileHit",
                {
                    "code": serializers.CharField(),
                    "version": serializers.IntegerField(),
                    "kind": serializers.ChoiceField(choices=ProfileKind.choices),
                },
            )
        ),
        "matched_profiles": serializers.CharField(
            help_text="CODE@VERSION separated by ';', as monitoring records write it."
        ),
        "reasons": serializers.ListField(child=serializers.CharField(), help_text="In the request's language."),
        "refused_profiles": serializers.ListField(
            child=inline_serializer(
                "AdviceRefusedProfile",
                {
                    "code": serializers.CharField(),
                    "version": serializers.IntegerField(),
                    "kind": serializers.ChoiceField(choices=ProfileKind.choices),
                    "problems": serializers.ListField(child=serializers.CharField(), help_text="Validation codes."),
                },
            ),
            help_text="Active profiles the engine re-checked and refused to use because they break the profile "
            "rules (three of seven, the mix, the ban): changed in the database around the portal. Empty "
            "when all is well; every refusal is also in the audit trail.",
        ),
    },
)

_EXAMPLE = {
    "application_id": "A-1",
    "lodged_on": "2026-11-20",
    "nationality": "NGA",
    "age_group": "25-34",
    "gender": "M",
    "marital_status": "single",
    "occupation": "craft_trades",
    "travel_purpose": "family_friends",
    "application_location": "NGLOS",
    "applicant_hit": 0,
    "referent_hit": 0,
    "employer_hit": 0,
}


class AdviceApi(APIView):
    """The treatment advice for one application (an object) or a batch (a list, at most
    10,000), each against the profiles active on its `lodged_on` (default today)."""

    permission_classes = [api_permission(REQUEST_ADVICE)]

    @extend_schema(
        tags=["advice"],
        request=_APPLICATION,
        responses={
            200: _ADVICE,
            400: OpenApiResponse(
                ValidationErrorResponseSerializer,
                description="Every problem, each with its code; an item of a list is named by its index (`3.gender`).",
            ),
            401: ErrorResponse401Serializer,
            403: ErrorResponse403Serializer,
        },
        examples=[OpenApiExample("one application", value=_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        return Response(advice_request(actor=request.user, data=request.data, door="api"))
