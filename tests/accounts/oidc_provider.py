"""A small but real OpenID Connect provider for the tests, served over HTTP from a thread.

Authorization code flow with PKCE (S256, checked with authlib), a discovery document, a
JWKS with an RSA key, a token endpoint that signs ID tokens (RS256, with authlib's JOSE
library joserfc) and a userinfo endpoint. The portal's OIDC client talks to it over real
HTTP, as it would to Keycloak. It signs in whoever `provider.person` is (no login form),
and can be told to misbehave: sign with another key, put another nonce, audience or
issuer in the token, or name another subject in userinfo.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "iob-portal"
CLIENT_SECRET = "test-client-secret"


def _key(kid: str = "provider-key-1") -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


@dataclass
class Misbehaviour:
    sign_with_other_key: bool = False
    nonce: str | None = None
    audience: str | None = None
    issuer: str | None = None
    userinfo_subject: str | None = None


@dataclass
class Provider:
    issuer: str = ""
    key: RSAKey = field(default_factory=_key)
    # Same key id, other key: what an attacker who cannot get the provider's key would sign with.
    other_key: RSAKey = field(default_factory=_key)
    person: dict[str, Any] = field(default_factory=dict)
    redirect_uris: set[str] = field(default_factory=set)
    misbehave: Misbehaviour = field(default_factory=Misbehaviour)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.misbehave = Misbehaviour()
        self.codes.clear()
        self.access_tokens.clear()
        self.requests.clear()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return 400, {}, b"unknown client or response type"
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return 400, {}, b"redirect_uri not registered"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, b"PKCE (S256) required"
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": query.get("nonce"),
            "challenge": query["code_challenge"],
            "person": dict(self.person),
            "issued": time.time(),
        }
        location = redirect_uri + "?" + urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": location}, b""

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if create_s256_code_challenge(form.get("code_verifier", "")) != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        person = grant["person"]
        now = int(time.time())
        claims = {
            **person,
            "iss": self.misbehave.issuer or self.issuer,
            "aud": self.misbehave.audience or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.misbehave.nonce or grant["nonce"],
        }
        key = self.other_key if self.misbehave.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = person
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        person = self.access_tokens.get(authorization.removeprefix("Bearer ").strip())
        if person is None:
            return 401, {"error": "invalid_token"}
        answer = dict(person)
        if self.misbehave.userinfo_subject:
            answer["sub"] = self.misbehave.userinfo_subject
        return 200, answer


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet
            return

        def _send(self, status: int, body: bytes | dict, headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(body).encode() if isinstance(body, dict) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            url = urlsplit(self.path)
            provider.requests.append(url.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, provider.discovery())
            elif url.path == "/jwks":
                self._send(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self._send(status, body, headers)
            elif url.path == "/userinfo":
                self._send(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self):
            url = urlsplit(self.path)
            provider.requests.append(url.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if url.path == "/token":
                self._send(*provider.token(form))
            else:
                self._send(404, {"error": "not_found"})

    return Handler


class RunningProvider:
    """The provider on a free port of 127.0.0.1, in a daemon thread."""

    def __init__(self) -> None:
        self.provider = Provider()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.provider))
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_port}/realms/iob"
        # Paths under the issuer, as Keycloak serves them.
        self.server.RequestHandlerClass = _prefixed(_handler(self.provider), "/realms/iob")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self.provider

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _prefixed(handler, prefix: str):
    class Prefixed(handler):
        def parse_request(self):
            ok = super().parse_request()
            if ok and self.path.startswith(prefix):
                self.path = self.path[len(prefix) :] or "/"
            return ok

    return Prefixed
