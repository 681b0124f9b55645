"""Who may use the advice page and the advice API."""

from .matrix import ADVICE_REQUESTERS, access

ROUTES = [
    access("advice:page", GET=ADVICE_REQUESTERS, POST=ADVICE_REQUESTERS),
    access("api-advice", POST=ADVICE_REQUESTERS, body={}),
]
