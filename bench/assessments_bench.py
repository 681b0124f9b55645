"""Benchmark of the DPIA export (issue 10): a full DPIA, every section answered (long
answers, eight items in every repeatable question, sources on the prefilled ones), signed,
exported as PDF/A with its JSON attached and stored. Target: under 5 s for 40+ pages.

    .venv/bin/python bench/assessments_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iob .venv/bin/python bench/assessments_bench.py

    .venv/bin/python bench/assessments_bench.py --profile   # plus where the time goes

Prints the page count, the size, and the time of the exports (the export service end to
end: collecting the answers, drawing the tagged PDF/A, attaching the JSON, storing the
file with its hash, the audit events) and of the JSON alone. The first export in a fresh
process is reported on its own ("cold"): it also loads Django's template engine (every
app's template tags) and WeasyPrint's fonts, once per worker process; the target is
judged on the median of the next five ("warm"), as a Celery worker renders them.
Wall time and CPU time (user + system, from getrusage) are both printed: the rendering
is single-threaded, so on an idle machine the wall time approaches the CPU time; on a
shared machine the gap is the wait for a core (the load average is printed too).
"""

import cProfile
import io
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK_DIR = tempfile.mkdtemp(prefix="iob-bench-")
os.environ["IOB_VAR_DIR"] = WORK_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iob_portal.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK_DIR}/bench.sqlite3")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

TARGET_S = 5.0
MIN_PAGES = 40
RUNS = 5  # warm runs, after the cold one
PARAGRAPH = (
    "IOB geeft de beslismedewerker een behandeladvies: snel, regulier of intensief. Het advies bepaalt alleen "
    "hoeveel onderzoek een aanvraag krijgt en is nooit een weigeringsgrond; de medewerker beslist op het hele "
    "dossier onder de Visumcode. Profielen beschrijven grote groepen vergelijkbare aanvragen, nooit één persoon, "
    "en gebruiken minstens drie van de zeven kenmerken, altijd aanvraag- en persoonsgegevens samen. "
)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_database() -> str | None:
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
        return None
    connection.settings_dict["TEST"]["NAME"] = f"iob_bench_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def fill(users, version) -> int:
    from assessments import services
    from assessments.questionsets import effective_prefill, questionset_data
    from prefill import registry

    qs = questionset_data(version.question_set)
    answered = 0
    for section in qs.sections:
        answers = {}
        for q in section.questions:
            text = f"{q.number} {q.title_nl}. " + PARAGRAPH * 15
            payload = {"text": text, "considerations": PARAGRAPH}
            if q.kind == "repeatable":
                payload["items"] = [
                    {
                        "values": {
                            f["name"]: (f.get("options") or [f"{f['name']} {n}: " + PARAGRAPH[:90]])[0]
                            for f in q.fields
                        }
                    }
                    for n in range(8)
                ]
            elif q.kind == "form":
                payload["fields"] = {
                    f["name"]: ("no" if f.get("kind") == "yesno" else PARAGRAPH[:200]) for f in q.fields
                }
            answers[q.key] = payload
            answered += 1
        services.section_save(actor=users["policy_officer"], version=version, section_id=section.id, answers=answers)
    for q in qs.questions:  # the prefilled ones keep their sources too
        codes = effective_prefill(q)
        proposal = registry.proposal_compute(codes) if codes else None
        if proposal is not None:
            services.prefill_accept_answer(
                actor=users["policy_officer"], version=version, key=q.key, fingerprint=proposal.fingerprint
            )
            services.section_save(
                actor=users["policy_officer"],
                version=version,
                section_id=q.section,
                answers={q.key: {"text": proposal.text + "\n\n" + PARAGRAPH * 15, "considerations": PARAGRAPH}},
            )
    for n in range(12):
        services.action_point_save(
            actor=users["policy_officer"],
            version=version,
            part="D17",
            text=f"Actiepunt {n + 1}: " + PARAGRAPH[:160],
            owner="CA/VV",
        )
    return answered


def main() -> int:
    from pypdf import PdfReader

    from accounts.services import user_create_or_update
    from assessments import services
    from documents.exports import export_run_now
    from iob_portal.management.commands.seed_demo import DEMO_USERS

    old_name = make_database()
    try:
        users = {
            name: user_create_or_update(username=name, password="x", roles=roles) for name, roles in DEMO_USERS.items()
        }
        call_command("seed_demo", "--password", "x", stdout=io.StringIO())  # profiles for the proposals
        from assessments.models import Assessment

        Assessment.objects.all()  # seed_demo made a signed demo DPIA; the benchmark uses a new version
        dpia = Assessment.objects.get(kind="dpia")
        version = services.version_new(actor=users["policy_officer"], assessment=dpia, note="benchmark")
        answered = fill(users, version)
        services.version_transition(actor=users["policy_officer"], version=version, action="submit")
        services.version_transition(
            actor=users["dpo"], version=version, action="record_dpo_advice", advice=PARAGRAPH * 3
        )
        services.version_transition(actor=users["reviewer"], version=version, action="sign")

        def timed_export(fmt: str) -> tuple[float, float, object]:
            start, cpu = time.perf_counter(), _cpu_seconds()
            made = export_run_now(actor=users["auditor"], kind="dpia", fmt=fmt)
            return time.perf_counter() - start, _cpu_seconds() - cpu, made

        loads = [os.getloadavg()[0]]
        cold_wall, cold_cpu, export = timed_export("pdf")
        times, cpu_times, json_times = [], [], []
        for _ in range(RUNS):
            wall, cpu, export = timed_export("pdf")
            times.append(wall)
            cpu_times.append(cpu)
            json_times.append(timed_export("json")[0])
            loads.append(os.getloadavg()[0])
        content = bytes(export.content)  # type: ignore[attr-defined]
        pages = len(PdfReader(io.BytesIO(content)).pages)
        median = statistics.median(times)
        print(f"database: {connection.vendor}; questions answered: {answered}")
        print(f"DPIA PDF/A export: {pages} pages, {len(content) / 1024:.0f} KiB")
        print(f"  cold (first in this process): wall {cold_wall:.2f} s, CPU {cold_cpu:.2f} s")
        print(
            "  warm, wall (s): " + ", ".join(f"{t:.2f}" for t in times) + f"; median {median:.2f} "
            f"(target < {TARGET_S:.0f} s)"
        )
        print(
            "  warm, CPU user+sys (s): "
            + ", ".join(f"{t:.2f}" for t in cpu_times)
            + f"; median {statistics.median(cpu_times):.2f}"
        )
        print(f"  per page, CPU: {statistics.median(cpu_times) / pages * 1000:.0f} ms")
        print(f"  JSON alone, median: {statistics.median(json_times):.3f} s")
        print(f"  load average while measuring: {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores")
        if "--profile" in sys.argv:
            profile = cProfile.Profile()
            profile.runcall(export_run_now, actor=users["auditor"], kind="dpia", fmt="pdf")
            print("\nOne more export under cProfile (its overhead inflates Python-heavy parts):")
            pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
        ok = median < TARGET_S and pages >= MIN_PAGES
        print("OK" if ok else "NOT MET")
        return 0 if ok else 1
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
