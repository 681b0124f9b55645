"""Cross-app pages: the home page (each user's own queue), errors, token sign-in."""

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role, user_roles
from accounts.second_factor import token_second_factor
from accounts.tokens import token_issue
from assessments import selectors as assessment_selectors
from profiles import selectors as profile_selectors
from reports import selectors as report_selectors


def home(request):
    roles = user_roles(request.user)
    context = {"roles": roles, "role_labels": [Role(r).label for r in Role.values if r in roles]}
    if Role.POLICY_OFFICER in roles:
        context["my_drafts"] = profile_selectors.my_drafts(user=request.user)[:20]
    if Role.REVIEWER in roles:
        context["review_queue"] = profile_selectors.review_queue()[:20]
        # Follow-ups the DPO asked for in signed bias reports (e.g. withdraw a profile).
        context["report_follow_ups"] = report_selectors.follow_ups_open()[:20]
    if Role.DPO in roles:
        context["sign_off_queue"] = profile_selectors.sign_off_queue()[:20]
    if roles & {Role.POLICY_OFFICER, Role.DPO, Role.REVIEWER}:
        # DPIA and IAMA: overdue reviews and versions waiting for this person's step.
        context["assessment_work"] = assessment_selectors.work_for(roles=roles)
    return render(request, "home.html", context)


@login_not_required
def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
def error_404(request, exception=None):
    if request.path_info.startswith("/api/"):
        # A malformed id (not a UUID) never reaches a view: answer in the API's JSON.
        return JsonResponse(
            {"type": "client_error", "errors": [{"code": "not_found", "detail": str(_("Not found.")), "attr": None}]},
            status=404,
        )
    return render(request, "errors/404.html", status=404)


@login_not_required
def error_500(request):
    return render(request, "errors/500.html", status=500)


class TokenObtainApi(APIView):
    """Exchange a username and password for a new API token (shown once; it expires, and
    ends when the user signs out of the web, changes password or is deactivated)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class TokenRequestSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"})
        # Required (only) for accounts that use a second factor: reviewers, the DPO, administrators.
        otp = serializers.CharField(required=False, allow_blank=True, max_length=12)

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenOutput", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
        ),
        tags=["auth"],
    )
    def post(self, request):
        data = self.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The HttpRequest itself, so that django-axes' lock-out sees this door's failures.
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            return Response(
                {
                    "type": "client_error",
                    "errors": [
                        {
                            "code": "invalid_credentials",
                            "detail": str(_("Unknown username or wrong password.")),
                            "attr": None,
                        }
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        second_factor = token_second_factor(request, user=user, code=data.validated_data.get("otp", ""))
        token, secret = token_issue(user=user, second_factor=second_factor)
        return Response({"token": secret, "expires_at": token.expires_at})
