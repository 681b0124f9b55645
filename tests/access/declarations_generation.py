"""Who may use profile generation (accounts/roles.py):

- readers (policy officer, reviewer, DPO, auditor) see parameter sets, runs and candidates;
- policy officers write parameter sets and start runs;
- reviewers decide on parameter sets and approve chance profiles in bulk (the API doors
  admit readers and the service answers 403 to every other role, audited).
"""

from datetime import date

from .matrix import AUDITOR, DPO, POLICY_OFFICER, REVIEWER, access

READERS = {POLICY_OFFICER, REVIEWER, DPO, AUDITOR}
PARAMS = {
    "name": "Matrix",
    "min_group_size": 10,
    "chance_max_hit_rate": 0.1,
    "chance_max_refusal_rate": 0.2,
    "risk_min_hit_rate": 0.3,
}


def _set(w, status):
    attr = f"_generation_{status}"
    if not hasattr(w, attr):
        from generation.services import parameter_set_create, parameter_set_transition

        officer, reviewer = w.users["policy_officer"], w.users["reviewer"]
        ps = parameter_set_create(
            actor=officer, name=f"Matrix {status}", **{k: v for k, v in PARAMS.items() if k != "name"}
        )
        if status in ("in_review", "approved"):
            ps = parameter_set_transition(actor=officer, parameter_set=ps, action="submit")
        if status == "approved":
            ps = parameter_set_transition(actor=reviewer, parameter_set=ps, action="approve")
        setattr(w, attr, ps)
    return getattr(w, attr)


def _run(w):
    if not hasattr(w, "_generation_run"):
        from generation.models import RunOrigin
        from generation.services import run_execute, run_request
        from monitoring.models import MonitoringRecord

        ps = _set(w, "approved")
        MonitoringRecord.objects.bulk_create(
            [
                MonitoringRecord(
                    application_id=f"GEN-{i}",
                    lodged_on=date(2024, 5, 1),
                    nationality="SUR",
                    age_group="25-34",
                    gender="M",
                    marital_status="single",
                    occupation="professionals",
                    travel_purpose="tourism",
                    application_location="SRPBM",
                    advice="regular",
                    decision="granted",
                    officer_id="O-1",
                )
                for i in range(12)
            ]
        )
        run = run_request(actor=w.users["policy_officer"], origin=RunOrigin.PORTAL, parameter_set=ps, enqueue=False)
        w._generation_run = run_execute(run_id=run.pk, job_id=run.job_id)
    return w._generation_run


def _chance_ids(w):
    return list(_run(w).candidates.filter(kind="chance").values_list("pk", flat=True))


ROUTES = [
    access("generation:index", GET=READERS, POST={POLICY_OFFICER}),
    access("generation:parameter_set_create", body=PARAMS, GET={POLICY_OFFICER}, POST={POLICY_OFFICER}),
    access("generation:parameter_set", kwargs=lambda w: {"public_id": _set(w, "draft").public_id}, GET=READERS),
    access(
        "generation:parameter_set_action",
        kwargs=lambda w: {"public_id": _set(w, "in_review").public_id},
        body={"action": "approve"},
        POST={POLICY_OFFICER, REVIEWER},
        note="the door admits writers and reviewers; the service refuses the wrong role with a message",
    ),
    access("generation:run", kwargs=lambda w: {"public_id": _run(w).public_id}, GET=READERS),
    access(
        "generation:run_approve_chance",
        kwargs=lambda w: {"public_id": _run(w).public_id},
        body=lambda w: {"candidate": _chance_ids(w), "comment": "matrix"},
        POST={REVIEWER},
    ),
    access("api-parameter-set-list", body=PARAMS, GET=READERS, POST={POLICY_OFFICER}),
    access(
        "api-parameter-set-detail",
        kwargs=lambda w: {"id": _set(w, "draft").public_id},
        body={"min_group_size": 20},
        GET=READERS,
        PATCH={POLICY_OFFICER},
    ),
    access(
        "api-parameter-set-submit", kwargs=lambda w: {"id": _set(w, "draft").public_id}, body={}, POST={POLICY_OFFICER}
    ),
    access(
        "api-parameter-set-reopen",
        kwargs=lambda w: {"id": _set(w, "draft").public_id},
        body={},
        POST={POLICY_OFFICER},
        note="409 for the draft: past the role check",
    ),
    *[
        access(
            f"api-parameter-set-{action}",
            kwargs=lambda w: {"id": _set(w, "in_review").public_id},
            body={"comment": "matrix"},
            POST={REVIEWER},
        )
        for action in ("approve", "request-changes", "reject")
    ],
    access(
        "api-parameter-set-withdraw",
        kwargs=lambda w: {"id": _set(w, "approved").public_id},
        body={"comment": "matrix"},
        POST={REVIEWER},
    ),
    access("api-generation-run-list", body={}, GET=READERS, POST={POLICY_OFFICER}),
    access("api-generation-run-detail", kwargs=lambda w: {"id": _run(w).public_id}, GET=READERS),
    access("api-generation-run-document", kwargs=lambda w: {"id": _run(w).public_id}, GET=READERS),
    access("api-generation-run-candidates", kwargs=lambda w: {"id": _run(w).public_id}, GET=READERS),
    access(
        "api-generation-run-approve-chance",
        kwargs=lambda w: {"id": _run(w).public_id},
        body=lambda w: {"candidates": _chance_ids(w), "comment": "matrix"},
        POST={REVIEWER},
    ),
]
