"""A stand-in for the Algorithm Register's delivery API, on 127.0.0.1 only, that checks
every request the portal's client sends: the path, the bearer token, the JSON body
against publication standard 1.0 (keys, required set, limits, enumerations, via the
portal's own validator and an independent key list), and that state calls come in the
register's order. Tests queue answers (429 with Retry-After, 5xx) to test the retries."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The fields of publication standard 1.0 in the standard's order, written out here
# independently of register/standard.py (the standard's tests compare the two).
FIELD_ORDER = [
    "name",
    "description_short",
    "organization",
    "category",
    "status",
    "begin_date",
    "end_date",
    "contact_email",
    "website",
    "publication_category",
    "url",
    "goal",
    "proportionality",
    "human_intervention",
    "risks",
    "lawful_basis",
    "lawful_basis_grouping",
    "process_index_url",
    "impacttoetsen",
    "impacttoetsen_grouping",
    "source_data",
    "source_data_grouping",
    "methods_and_models",
    "provider",
    "publiccode",
    "lang",
    "standard_version",
    "source_id",
    "tags",
    "lars",
    "publication_dt",
]
# The keys of v1_0.json: every field but the register's own publication time.
API_KEYS = set(FIELD_ORDER) - {"publication_dt"}
API_REQUIRED = {"name", "description_short", "organization", "status", "contact_email", "publication_category", "lang"}
TOKEN = "test-token"
ORG = "bz"
PREFIX = f"/aanleverapi/v1_0/organizations/{ORG}"


class RegisterStandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.scripted: list[tuple[int, dict[str, str], Any]] = []
        self.algorithms: dict[str, dict[str, Any]] = {}
        self.states: dict[str, str] = {}
        self.published: dict[str, dict[str, Any]] = {}
        self._next = 94596537
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                raw = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                server.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(raw) if raw else None,
                    }
                )
                status, body, headers = server.route(self.command, self.path, self.headers, raw)
                self._answer(status, body, headers)

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/aanleverapi/v1_0"

    def start(self) -> RegisterStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def script(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.scripted.append((status, headers or {}, body))

    def _check_body(self, raw: bytes) -> tuple[int, Any] | None:
        from register.standard import entry_validate

        try:
            body = json.loads(raw)
        except ValueError:
            self.problems.append("body is not JSON")
            return 422, {"detail": "not JSON"}
        if not isinstance(body, dict):
            self.problems.append("body is not an object")
            return 422, {"detail": "not an object"}
        unknown = set(body) - API_KEYS
        missing = {k for k in API_REQUIRED if not body.get(k)}
        if unknown or missing:
            self.problems.append(f"unknown {sorted(unknown)}, missing {sorted(missing)}")
            return 422, {"detail": f"unknown {sorted(unknown)}, missing {sorted(missing)}"}
        checked = entry_validate({k: v for k, v in body.items() if k != "lars" and v is not None}, for_release=True)
        if checked.problems:
            self.problems.append(str([p.code for p in checked.problems]))
            return 422, {"detail": [p.code for p in checked.problems]}
        if body["lang"] != "nld" or body.get("standard_version") not in (None, "1.0"):
            self.problems.append("lang or standard_version")
            return 422, {"detail": "lang"}
        return None

    def route(self, method: str, path: str, headers: Any, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            self.problems.append(f"no bearer token on {method} {path}")
            return 401, {"detail": "Not authenticated"}, {}
        if not headers.get("Idempotency-Key"):
            self.problems.append(f"no Idempotency-Key on {method} {path}")
        if self.scripted:
            status, extra, body = self.scripted.pop(0)
            return status, body, extra
        if not path.startswith(PREFIX):
            self.problems.append(f"unexpected path {path}")
            return 404, {"detail": "Not found"}, {}
        rest = path[len(PREFIX) :]
        parts = [p for p in rest.split("/") if p]
        if method == "GET" and parts == ["algorithms"]:
            return (
                200,
                [
                    {"lars": lars, "source_id": a.get("source_id"), "name": a.get("name")}
                    for lars, a in self.algorithms.items()
                ],
                {},
            )
        if method == "POST" and parts == ["algorithms"]:
            bad = self._check_body(raw)
            if bad:
                return bad[0], bad[1], {}
            lars = str(self._next)
            self._next += 1
            self.algorithms[lars] = json.loads(raw)
            self.states[lars] = "STATE_1"
            return 200, {"lars_code": lars}, {}
        if len(parts) == 2 and parts[0] == "algorithms" and method == "PUT":
            lars = parts[1]
            if lars not in self.algorithms:
                return 404, {"detail": "Not found"}, {}
            bad = self._check_body(raw)
            if bad:
                return bad[0], bad[1], {}
            body = json.loads(raw)
            if body == self.algorithms[lars]:
                return 400, {"detail": "NO_CHANGES"}, {}
            self.algorithms[lars] = body
            self.states[lars] = "STATE_1"
            return 200, {"lars": lars}, {}
        if len(parts) == 3 and parts[0] == "algorithms" and method == "PUT":
            lars, action = parts[1], parts[2]
            if lars not in self.algorithms:
                return 404, {"detail": "Not found"}, {}
            if action == "release":
                if self.states[lars] != "STATE_1":
                    return 409, {"detail": "Conflict"}, {}
                self.states[lars] = "STATE_2"
                return 200, {"state": "STATE_2"}, {}
            if action == "publish":
                if self.states[lars] != "STATE_2":
                    self.problems.append("publish before release")
                    return 409, {"detail": "Conflict"}, {}
                self.states[lars] = "PUBLISHED"
                self.published[lars] = {**self.algorithms[lars], "lars": lars, "publication_dt": "2026-11-30T05:00:00"}
                return 200, {"state": "PUBLISHED"}, {}
        if method == "GET" and len(parts) == 2 and parts[0] == "published-algorithms":
            found = self.published.get(parts[1])
            return (200, found, {}) if found else (404, {"detail": "Not found"}, {})
        if method == "DELETE" and len(parts) == 3 and parts[0] == "published-algorithms" and parts[2] == "retract":
            if parts[1] not in self.published:
                return 404, {"detail": "Not found"}, {}
            del self.published[parts[1]]
            self.states[parts[1]] = "STATE_2"
            return 200, {"state": "STATE_2"}, {}
        self.problems.append(f"unexpected call {method} {path}")
        return 404, {"detail": "Not found"}, {}
