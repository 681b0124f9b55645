"""Fuzz of the importers: malformed, truncated, wrongly encoded, oversized and random files.

The monitoring import (one service behind the command, the upload page and the API batch)
and the advice CSV (`manage.py advise`, the advice page) must answer every file with a
clear refusal, never a crash: a rejected run with machine codes and a message in Dutch and
English, nothing imported (records counted before and after), and the refusal in the audit
trail. Hypothesis (bounded, derandomised so CI is repeatable) generates files; the
hand-made cases below are the nasty ones a person would try first. Figures in
docs/security.md ("Importer fuzz").
"""

import codecs
import csv
import io
import json
import os
import re
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from monitoring.columns import problem_message
from monitoring.models import ImportFormat, ImportRun, ImportStatus, MonitoringRecord
from tests.monitoring.conftest import csv_bytes, jsonl_bytes, records

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("IOB_FUZZ_EXAMPLES", "60"))
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
REFUSED_EVENTS = {"monitoring.import_rejected", "monitoring.banned_characteristic_refused"}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What the files got, for the figures in docs/security.md (printed with `-s`).
OUTCOMES: Counter = Counter()
CODES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    total = sum(OUTCOMES.values())
    print(f"\nimporter fuzz: {total} files; {dict(OUTCOMES)}; first codes: {dict(CODES.most_common())}")


GOOD_CSV = csv_bytes(records(3))
GOOD_JSONL = jsonl_bytes(records(3))


def _import(users, data: bytes, file_format: str) -> ImportRun:
    from monitoring.models import ImportDoor
    from monitoring.services import monitoring_records_import

    return monitoring_records_import(
        actor=users["policy_officer"],
        door=ImportDoor.COMMAND,
        file_format=file_format,
        stream=io.BytesIO(data),
        filename=f"fuzz.{file_format}",
    )


def _assert_clear_outcome(users, data: bytes, file_format: str) -> str:
    """Import `data`; whatever it holds, the outcome is whole and said clearly. Returns the status."""
    before = MonitoringRecord.objects.count()
    refusals_before = AuditEvent.objects.filter(event_type__in=REFUSED_EVENTS).count()
    run = _import(users, data, file_format)
    after = MonitoringRecord.objects.count()
    OUTCOMES[f"{file_format} {run.status}"] += 1
    if run.problems:
        CODES[run.problems[0]["code"]] += 1
    if run.status == ImportStatus.IMPORTED:
        assert after == before + run.inserted_count
        assert run.row_count == run.inserted_count + run.updated_count + run.unchanged_count
        return run.status
    assert run.status == ImportStatus.REJECTED, (run.status, run.error)
    assert after == before, "a rejected file imported records"
    assert run.problem_count >= 1 and run.problems
    for entry in run.problems[:20]:
        assert CODE.match(entry["code"]), entry
        with translation.override("nl"):
            dutch = problem_message(entry)
        with translation.override("en"):
            english = problem_message(entry)
        assert dutch.strip() and english.strip(), entry
    assert AuditEvent.objects.filter(event_type__in=REFUSED_EVENTS).count() == refusals_before + 1
    return run.status


# --- generated files -------------------------------------------------------------------------


def _mutations(good: bytes) -> st.SearchStrategy[bytes]:
    """A good file, damaged: cut short, bytes flipped or inserted, re-encoded, lines re-ended."""
    cut = st.integers(0, len(good)).map(lambda n: good[:n])
    nasty = st.sampled_from([b"\x00", b"\r", b"\n", b'"', b",", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"=", b"\t"])
    inserted = st.tuples(st.integers(0, len(good)), nasty).map(lambda t: good[: t[0]] + t[1] + good[t[0] :])
    flipped = st.tuples(st.integers(0, len(good) - 1), st.integers(0, 255)).map(
        lambda t: good[: t[0]] + bytes([t[1]]) + good[t[0] + 1 :]
    )
    text = good.decode()
    encoded = st.sampled_from(["latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "utf-8-sig"]).map(
        lambda name: text.replace("NGA", "NGÄ").encode(name)
    )
    line_ends = st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=8).map(
        lambda ends: "".join(line + ends[i % len(ends)] for i, line in enumerate(text.splitlines())).encode()
    )
    return st.one_of(cut, inserted, flipped, encoded, line_ends)


@FUZZ
@given(data=st.binary(max_size=4096), file_format=st.sampled_from([ImportFormat.CSV, ImportFormat.JSONL]))
def test_random_bytes_are_refused_clearly(users, data, file_format):
    _assert_clear_outcome(users, data, file_format)


@FUZZ
@given(data=_mutations(GOOD_CSV))
def test_a_damaged_csv_file_is_imported_whole_or_refused_clearly(users, data):
    _assert_clear_outcome(users, data, ImportFormat.CSV)


@FUZZ
@given(data=_mutations(GOOD_JSONL))
def test_a_damaged_json_lines_file_is_imported_whole_or_refused_clearly(users, data):
    _assert_clear_outcome(users, data, ImportFormat.JSONL)


@FUZZ
@given(
    cells=st.lists(
        st.lists(st.text(st.characters(codec="utf-8"), max_size=30), min_size=0, max_size=25), min_size=1, max_size=6
    )
)
def test_arbitrary_csv_cells_under_the_real_header_are_refused_clearly(users, cells):
    from monitoring.columns import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(cells)
    _assert_clear_outcome(users, out.getvalue().encode(), ImportFormat.CSV)


# --- hand-made nasty files ----------------------------------------------------------------------

GOOD_TEXT = GOOD_CSV.decode()
NASTY_CSV = {
    "empty": b"",
    "only a byte-order mark": codecs.BOM_UTF8,
    "header only": GOOD_CSV.splitlines(keepends=True)[0],
    "blank lines only": b"\n\n\r\n",
    "latin-1 (an accent)": GOOD_TEXT.replace("O-1", "O-\u00e9").encode("latin-1"),
    "UTF-16 with BOM": GOOD_TEXT.encode("utf-16"),
    "UTF-16-LE without BOM": GOOD_TEXT.encode("utf-16-le"),
    "UTF-32": GOOD_TEXT.encode("utf-32"),
    "NUL byte in a row": GOOD_CSV.replace(b"NGA", b"NG\x00A", 1),
    "NUL bytes everywhere": GOOD_CSV.replace(b",", b"\x00,"),
    "cut inside a quoted field": GOOD_CSV + b'A-9,"2026-01-05',
    "cut inside a UTF-8 sequence": GOOD_CSV + "A-9,é".encode()[:-1],
    "unbalanced quotes": GOOD_CSV.replace(b"O-1", b'"O-1', 1),
    "a 2 MB field": GOOD_CSV + b"A-9," + b"x" * (2 << 20) + b"\n",
    "10,000 columns": b",".join(b"c%d" % i for i in range(10_000)) + b"\n",
    "a banned column": GOOD_TEXT.replace("officer_id", "ethnicity", 1).encode(),
    "a formula cell": GOOD_TEXT.replace("O-1", '=HYPERLINK("http://x")', 1).encode(),
    "gzip bytes": b"\x1f\x8b\x08\x00" + bytes(range(256)),
    "a spreadsheet (zip) file": b"PK\x03\x04" + bytes(range(256)) * 4,
    "semicolons instead of commas": GOOD_TEXT.replace(",", ";").encode(),
    "too few fields in a row": GOOD_CSV + b"A-9,2026-01-05\n",
}
NASTY_JSONL = {
    "nested 100,000 levels": b"[" * 100_000 + b"\n",
    "nested objects 5,000 levels": b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"\n",
    "a list, not an object": b"[1, 2, 3]\n",
    "a 5,000-digit number": GOOD_JSONL + b'{"application_id": ' + b"9" * 5_000 + b"}\n",
    "NaN and Infinity": b'{"application_id": NaN, "lodged_on": Infinity}\n',
    "UTF-16": GOOD_JSONL.decode().encode("utf-16"),
    "latin-1": GOOD_JSONL.decode().replace("O-1", "O-\u00e9").encode("latin-1"),
    "a lone surrogate": b'{"application_id": "\\ud800"}\n',
    "cut mid-record": GOOD_JSONL[:-20],
    "NUL byte": GOOD_JSONL.replace(b"NGA", b"NG\x00A", 1),
    "a NUL written as \\u0000": GOOD_JSONL.replace(b"O-1", b"O-\\u00001", 1),
    "a NUL in a key": GOOD_JSONL.replace(b'"officer_id"', b'"officer\\u0000id"', 1),
    "random bytes": bytes(range(256)) * 8,
}


@pytest.mark.parametrize("data", NASTY_CSV.values(), ids=NASTY_CSV.keys())
def test_nasty_csv_files_are_refused_clearly(users, data):
    assert _assert_clear_outcome(users, data, ImportFormat.CSV) == ImportStatus.REJECTED


@pytest.mark.parametrize("data", NASTY_JSONL.values(), ids=NASTY_JSONL.keys())
def test_nasty_json_lines_files_are_refused_clearly(users, data):
    assert _assert_clear_outcome(users, data, ImportFormat.JSONL) == ImportStatus.REJECTED


READABLE_CSV = {
    "Windows line endings": GOOD_TEXT.replace("\n", "\r\n").encode(),
    "old Mac line endings": GOOD_TEXT.replace("\n", "\r").encode(),
    "mixed line endings": GOOD_TEXT.replace("\n", "\r\n", 2).replace("\n", "\r", 1).encode(),
    "a byte-order mark": codecs.BOM_UTF8 + GOOD_CSV,
}


@pytest.mark.parametrize("data", READABLE_CSV.values(), ids=READABLE_CSV.keys())
def test_line_endings_of_any_platform_and_a_bom_are_read(users, data):
    assert _assert_clear_outcome(users, data, ImportFormat.CSV) == ImportStatus.IMPORTED


# --- the doors: the command, the upload page, the API --------------------------------------------


def test_the_command_refuses_a_bad_file_with_a_report_and_exit_status_1(users, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "bad.csv"
    path.write_bytes(NASTY_CSV["UTF-16 with BOM"])
    before = MonitoringRecord.objects.count()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_monitoring", str(path), "--user", "policy_officer", "--language", "en", stderr=err)
    assert exit_status.value.code == 1
    assert "invalid_encoding" in err.getvalue() and "Nothing was imported" in err.getvalue()
    assert MonitoringRecord.objects.count() == before


@pytest.mark.parametrize("name", ["UTF-16 with BOM", "NUL byte in a row", "gzip bytes", "cut inside a quoted field"])
def test_the_upload_page_reports_a_bad_file_in_dutch_and_english(
    client, users, name, django_capture_on_commit_callbacks
):
    client.force_login(users["policy_officer"])
    before = MonitoringRecord.objects.count()
    upload = SimpleUploadedFile("bad.csv", NASTY_CSV[name], content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the import job, run in-process
        response = client.post(reverse("monitoring:upload"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    run = ImportRun.objects.latest("created_at")
    assert run.status == ImportStatus.REJECTED
    assert MonitoringRecord.objects.count() == before
    for language, word in (("en", "rejected"), ("nl", "geweigerd")):
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert word in page.content.decode().lower()


def test_the_upload_page_refuses_a_file_over_the_limit(client, users, monkeypatch):
    # The limit is 1 GiB; a smaller one here stands for it (the check reads the size only).
    monkeypatch.setattr("monitoring.forms.MAX_UPLOAD_BYTES", 1000)
    client.force_login(users["policy_officer"])
    runs = ImportRun.objects.count()
    upload = SimpleUploadedFile("big.csv", GOOD_CSV * 10, content_type="text/csv")
    for language, words in (("en", "larger than"), ("nl", "groter dan")):
        page = client.post(reverse("monitoring:upload"), {"file": upload}, HTTP_ACCEPT_LANGUAGE=language)
        upload.seek(0)
        assert page.status_code == 400 and words in page.content.decode()
    assert ImportRun.objects.count() == runs


@FUZZ
@given(
    batch=st.lists(
        st.dictionaries(
            st.sampled_from(["application_id", "lodged_on", "nationality", "gender", "decision", "x", "ethnicity"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.lists(st.text())),
            max_size=8,
        )
        | st.one_of(st.integers(), st.text(), st.none()),
        min_size=1,
        max_size=5,
    )
)
def test_the_api_batch_refuses_any_bad_json_with_codes(users, batch):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(users["policy_officer"])
    before = MonitoringRecord.objects.count()
    response = client.post("/api/monitoring-records/", json.dumps(batch), content_type="application/json")
    OUTCOMES[f"api batch {response.status_code}"] += 1
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    # NaN or Infinity is not JSON: the parser refuses the body (`parse_error`, a client error).
    assert body["type"] in ("validation_error", "client_error") and body["errors"]
    assert all(CODE.match(e["code"]) and e["detail"] for e in body["errors"])
    assert MonitoringRecord.objects.count() == before


# --- the other importer: advice for a CSV of applications ----------------------------------------

ADVICE_CSV = (
    b"nationality,age_group,gender,marital_status,occupation,travel_purpose,application_location,"
    b"applicant_hit,referent_hit,employer_hit\n"
    b"NGA,25-34,M,single,craft_trades,family_friends,NGLOS,0,0,0\n"
)


def _advise_page(client, data: bytes, language: str = "en"):
    upload = SimpleUploadedFile("applications.csv", data, content_type="text/csv")
    return client.post(reverse("advice:page"), {"form": "file", "file": upload}, HTTP_ACCEPT_LANGUAGE=language)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2048), _mutations(ADVICE_CSV)))
def test_the_advice_page_answers_any_csv_with_advice_or_a_clear_refusal(client, users, data):
    client.force_login(users["policy_officer"])
    response = _advise_page(client, data)
    OUTCOMES[f"advice page {response.status_code}"] += 1
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert response["Content-Type"].startswith("text/csv")
    else:
        assert b'class="errorlist' in response.content or b"error" in response.content


@pytest.mark.parametrize(
    "data",
    [
        ADVICE_CSV.replace(b"NGA", b"NG\x00A"),
        ADVICE_CSV.decode().encode("utf-16"),
        ADVICE_CSV.decode().replace("NGA", "NG\u00c4").encode("latin-1"),
        ADVICE_CSV + b'NGA,"25-34',
        ADVICE_CSV + b"NGA," + b"x" * 200_000 + b"\n",
    ],
    ids=["NUL byte", "UTF-16", "latin-1", "open quote", "200 kB field"],
)
def test_unreadable_advice_files_are_refused_with_a_code_in_both_languages(client, users, tmp_path, data):
    from django.core.management import CommandError, call_command

    client.force_login(users["policy_officer"])
    shown = {}
    for language in ("en", "nl"):
        page = _advise_page(client, data, language)
        assert page.status_code == 400
        found = re.findall(r'<li data-code="([a-z_]+)"><a href="#id_file">([^<]*)</a>', page.content.decode())
        assert found and all(CODE.match(code) for code, _text in found)
        shown[language] = [text for _code, text in found]
    assert shown["en"] != shown["nl"]  # the same problems, worded in each language
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("advise", str(source), "--out", str(tmp_path / "out.csv"), "--language", "en")
    assert re.search(r": [a-z_]+: ", str(refused.value)), str(refused.value)
    assert not (tmp_path / "out.csv").exists()


# --- the other JSON files and fields: a parameter set for generation, an export's params ---------


@settings(FUZZ, max_examples=max(10, EXAMPLES // 3))
@given(
    content=st.one_of(
        st.binary(max_size=512),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
            max_leaves=20,
        ).map(lambda value: json.dumps(value).encode()),
        st.just(b"[" * 100_000),
    )
)
def test_generate_profiles_refuses_any_bad_parameter_file_with_a_message(users, tmp_path_factory, content):
    from django.core.management import CommandError, call_command

    path = tmp_path_factory.mktemp("params") / "params.json"
    path.write_bytes(content)
    try:
        call_command(
            "generate_profiles", "--params", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO()
        )
    except CommandError as error:
        assert str(error).strip()


def test_an_export_asked_with_params_nested_100000_deep_is_refused_not_a_500(client, users):
    client.force_login(users["policy_officer"])
    response = client.post(
        reverse("documents:export-start"), {"kind": "profile", "format": "pdf", "params": "[" * 100_000}
    )
    assert response.status_code in (302, 403, 404)
