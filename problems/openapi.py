"""The one error answer of the API, as the OpenAPI schema describes it.

Every error the API sends has this shape, whichever door it came through: a DomainError
(`Problem.as_dict`), a DRF exception formatted by drf-standardized-errors, the body-size
guard's 413, the JSON 404 of an unknown /api/ URL (iob_portal.api_errors, limits, urls).
The schema refers to this one component for every 4xx status; `iob_portal.api_schema`
puts it there.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# A machine code: lower case, digits and underscores (docs/api.md lists them).
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"


class ProblemSerializer(serializers.Serializer):
    code = serializers.RegexField(CODE_PATTERN, help_text=_("Stable machine code, e.g. too_few_characteristics."))
    detail = serializers.CharField(help_text=_("Message in the request's language (Dutch or English)."))
    attr = serializers.CharField(allow_null=True, help_text=_("The field concerned, e.g. criteria.0.values."))


class ErrorResponseSerializer(serializers.Serializer):
    """Every error answer: each problem listed, not only the first. `validation_error` for
    bad input (400), `client_error` for the rest (a 400 parse error, 401, 403, 404, 409,
    413, 429). Some answers add context beside the list, e.g. the monitoring batch's
    `import`, `problem_count` and `bad_rows`."""

    type = serializers.ChoiceField(choices=["validation_error", "client_error"])
    # The metaclass moves declared fields out of the class: this does not replace `Serializer.errors`.
    errors = ProblemSerializer(many=True)  # type: ignore[assignment]
