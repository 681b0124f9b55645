"""The portal's own routes: home, signing in and out, language, token, API schema and docs."""

from .matrix import PUBLIC, SIGNED_IN, access

ROUTES = [
    access("home", GET=SIGNED_IN),
    access("login", GET=PUBLIC, POST=PUBLIC, body={"username": "x", "password": "y"}),
    access("logout", POST=SIGNED_IN),
    access("set_language", POST=PUBLIC, body={"language": "en", "next": "/"}),
    access("api-token", POST=PUBLIC, body={"username": "x", "password": "y"}),
    # Deny by default holds for the schema and its docs too (SERVE_PERMISSIONS).
    access("api-schema", GET=SIGNED_IN),
    access("api-docs", GET=SIGNED_IN),
]
