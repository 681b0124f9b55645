"""The API's own sign-in doors: a user's tokens (listed without their secret), signing out."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ApiToken, TokenRevocation
from .tokens import token_revoke, tokens_for, tokens_revoke_for_user


class ApiTokenOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason", "current"]

    def get_current(self, token: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


@extend_schema(tags=["auth"])
class TokenListApi(ListAPIView):
    """Your own API tokens: prefix, lifetime and use; the secret is never stored, so never shown."""

    serializer_class = ApiTokenOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return tokens_for(user=self.request.user)


@extend_schema(tags=["auth"])
class TokenRevokeApi(APIView):
    @extend_schema(request=None, responses={204: OpenApiResponse(description="Revoked (or already ended).")})
    def delete(self, request, id):
        token = tokens_for(user=request.user).filter(public_id=id).first()
        if token is None:
            raise NotFound()
        token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class LogoutApi(APIView):
    """End the token this request carries; with a browser session, end all of your tokens."""

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Signed out.")})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            token_revoke(actor=request.user, token=request.auth)
        else:
            tokens_revoke_for_user(user=request.user, reason=TokenRevocation.LOGOUT)
        return Response(status=status.HTTP_204_NO_CONTENT)
