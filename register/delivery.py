"""A client of the Algorithm Register's delivery API (aanleverapi v1_0).

Configuration comes from the environment, never from code or the database:

    IOB_REGISTER_API_URL     base, e.g. https://algoritmes.overheid.nl/aanleverapi/v1_0
    IOB_REGISTER_ORG         the register's organisation code
    IOB_REGISTER_TOKEN       a bearer token, or else
    IOB_REGISTER_TOKEN_URL, IOB_REGISTER_CLIENT_ID, IOB_REGISTER_USERNAME, IOB_REGISTER_PASSWORD
                             for Keycloak's password grant (how the public client AMT does it)

Behaviour: every call is retried on 429 (waiting what `Retry-After` says, capped),
on 5xx and on connection errors, with exponential backoff; other 4xx answers raise
`RegisterApiError` with the register's `detail`. Calls are idempotent: `create` first
looks for an algorithm with our `source_id` and updates it instead of making a second
one; a save without changes (`NO_CHANGES`), publishing what is already published and
retracting what is not published count as done. Each request carries an
`Idempotency-Key` so a proxy that supports it can drop duplicates as well.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RegisterApiError(Exception):
    def __init__(self, status: int, detail: str, body: Any = None):
        super().__init__(f"register API answered {status}: {detail}")
        self.status, self.detail, self.body = status, detail, body


class RegisterNotConfigured(Exception):
    pass


@dataclass(frozen=True)
class RegisterApiConfig:
    base_url: str
    organisation: str
    token: str = ""
    token_url: str = ""
    client_id: str = ""
    username: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> RegisterApiConfig:
        env = dict(os.environ) if env is None else env
        base, org = env.get("IOB_REGISTER_API_URL", ""), env.get("IOB_REGISTER_ORG", "")
        if not base or not org:
            raise RegisterNotConfigured("set IOB_REGISTER_API_URL and IOB_REGISTER_ORG")
        config = cls(
            base_url=base.rstrip("/"),
            organisation=org,
            token=env.get("IOB_REGISTER_TOKEN", ""),
            token_url=env.get("IOB_REGISTER_TOKEN_URL", ""),
            client_id=env.get("IOB_REGISTER_CLIENT_ID", ""),
            username=env.get("IOB_REGISTER_USERNAME", ""),
            password=env.get("IOB_REGISTER_PASSWORD", ""),
        )
        if not config.token and not (config.token_url and config.username and config.password):
            raise RegisterNotConfigured(
                "set IOB_REGISTER_TOKEN, or IOB_REGISTER_TOKEN_URL with a username and password"
            )
        return config


def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else default


class RegisterClient:
    def __init__(
        self,
        config: RegisterApiConfig,
        *,
        attempts: int = 5,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        timeout: float = 15.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.config, self.attempts, self.backoff, self.max_wait = config, attempts, backoff, max_wait
        self.timeout, self.sleep = timeout, sleep
        self._token = config.token
        self.waits: list[float] = []

    # --- transport ---------------------------------------------------------------------------------------

    def _fetch_token(self) -> str:
        data = urllib.parse.urlencode(
            {
                "grant_type": "password",
                "client_id": self.config.client_id,
                "username": self.config.username,
                "password": self.config.password,
            }
        ).encode()
        status, body, _headers = self._send(
            "POST", self.config.token_url, data, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise RegisterApiError(status, "no token", body)
        return str(body["access_token"])

    def _send(
        self, method: str, url: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - https base URL
                raw, status, got = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            raw, status, got = error.read(), error.code, dict(error.headers)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        return status, body, got

    def request(
        self, method: str, path: str, body: Any = None, *, ok: tuple[int, ...] = (200, 201, 204)
    ) -> tuple[int, Any]:
        url = f"{self.config.base_url}{path}"
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        key = str(uuid.uuid4())  # one key for every retry of this call
        last: tuple[int, Any] = (0, None)
        for attempt in range(self.attempts):
            if not self._token:
                self._token = self._fetch_token()
            headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json", "Idempotency-Key": key}
            if data is not None:
                headers["Content-Type"] = "application/json"
            try:
                status, answer, got = self._send(method, url, data, headers)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                status, answer, got = 0, str(error), {}
            last = (status, answer)
            if status == 401 and self.config.token_url and attempt == 0:
                self._token = ""  # expired: fetch a new one once
                continue
            if status in ok or (status and status not in RETRY_STATUSES):
                break
            if attempt + 1 < self.attempts:
                wait = min(self.max_wait, self.backoff * 2**attempt)
                if status == 429:
                    wait = min(self.max_wait, _retry_after(got.get("Retry-After"), wait))
                self.waits.append(wait)
                self.sleep(wait)
        status, answer = last
        if status not in ok:
            detail = answer.get("detail") if isinstance(answer, dict) else str(answer)[:300]
            raise RegisterApiError(status, str(detail), answer)
        return status, answer

    def _org(self) -> str:
        return f"/organizations/{urllib.parse.quote(self.config.organisation, safe='')}"

    # --- operations --------------------------------------------------------------------------------------

    def list(self) -> list[dict[str, Any]]:
        _status, answer = self.request("GET", f"{self._org()}/algorithms")
        return answer if isinstance(answer, list) else []

    def find(self, source_id: str) -> str | None:
        for row in self.list():
            if str(row.get("source_id") or "") == source_id and row.get("lars"):
                return str(row["lars"])
        return None

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create, or update the algorithm that already carries our `source_id` (idempotent)."""
        existing = body.get("lars") or (self.find(str(body.get("source_id"))) if body.get("source_id") else None)
        if existing:
            return {**self.update(str(existing), body), "lars": str(existing)}
        _status, answer = self.request("POST", f"{self._org()}/algorithms", body)
        answer = answer if isinstance(answer, dict) else {}
        return {**answer, "lars": str(answer.get("lars_code") or answer.get("lars") or "")}

    def update(self, lars: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            _status, answer = self.request("PUT", f"{self._org()}/algorithms/{lars}", body)
        except RegisterApiError as error:
            if "NO_CHANGES" in str(error.detail) or "NO_CHANGES" in json.dumps(error.body or ""):
                return {"lars": lars, "result": "NO_CHANGES"}
            raise
        return {"lars": lars, **(answer if isinstance(answer, dict) else {"result": answer})}

    def release(self, lars: str) -> dict[str, Any]:
        return self._state("PUT", f"{self._org()}/algorithms/{lars}/release", lars)

    def publish(self, lars: str) -> dict[str, Any]:
        try:
            return self._state("PUT", f"{self._org()}/algorithms/{lars}/publish", lars)
        except RegisterApiError as error:
            if error.status == 409 and self.published(lars):
                return {"lars": lars, "result": "ALREADY_PUBLISHED"}
            raise

    def published(self, lars: str) -> dict[str, Any] | None:
        try:
            _status, answer = self.request("GET", f"{self._org()}/published-algorithms/{lars}")
        except RegisterApiError as error:
            if error.status == 404:
                return None
            raise
        return answer if isinstance(answer, dict) else None

    def retract(self, lars: str) -> dict[str, Any]:
        try:
            return self._state("DELETE", f"{self._org()}/published-algorithms/{lars}/retract", lars)
        except RegisterApiError as error:
            if error.status == 404:
                return {"lars": lars, "result": "NOT_PUBLISHED"}
            raise

    def _state(self, method: str, path: str, lars: str) -> dict[str, Any]:
        _status, answer = self.request(method, path)
        return {"lars": lars, **(answer if isinstance(answer, dict) else {"result": answer})}

    def deliver(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create or update, release, publish: what the portal's "publish" means in the
        register under the two-step flow. Safe to repeat."""
        saved = self.create(body)
        lars = saved["lars"]
        current = self.published(lars)
        if current and all(current.get(k) == v for k, v in body.items() if k != "lars"):
            # Already the published text: nothing to release or publish again.
            return {
                "lars": lars,
                "saved": saved,
                "released": None,
                "published": {"result": "ALREADY_PUBLISHED"},
                "publication_dt": current.get("publication_dt"),
            }
        released: dict[str, Any]
        try:
            released = self.release(lars)
        except RegisterApiError as error:
            if error.status != 409:  # already released
                raise
            released = {"lars": lars, "result": "ALREADY_RELEASED"}
        published = self.publish(lars)
        current = self.published(lars) or {}
        return {
            "lars": lars,
            "saved": saved,
            "released": released,
            "published": published,
            "publication_dt": current.get("publication_dt"),
        }
