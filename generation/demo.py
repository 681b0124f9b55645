"""Demo data for profile generation (seed_demo): an approved parameter set and one
completed run, both made through the services like any other."""

from typing import Any

from .models import GenerationRun, ParameterSet, ParameterSetStatus, RunOrigin, RunStatus
from .services import parameter_set_create, parameter_set_transition, run_execute, run_request

DEMO_NAME = "Standaard"
# Looser than the published example (100, 1%, 5%, 5%) so that a few thousand synthetic
# records already give a tree worth reviewing.
DEMO_VALUES = {
    "min_group_size": 30,
    "chance_max_hit_rate": 0.02,
    "chance_max_refusal_rate": 0.10,
    "risk_min_hit_rate": 0.06,
    "min_depth": 3,
}


def generation_demo_seed(*, users: dict[str, Any]) -> tuple[ParameterSet, GenerationRun]:
    """Idempotent: reuses the approved demo set and the month's completed run."""
    ps = ParameterSet.objects.filter(name=DEMO_NAME, status=ParameterSetStatus.APPROVED).order_by("-version").first()
    if ps is None:
        ps = ParameterSet.objects.filter(name=DEMO_NAME).order_by("-version").first()
        if ps is None:
            ps = parameter_set_create(
                actor=users["policy_officer"],
                name=DEMO_NAME,
                explanation="Demo thresholds for synthetic data.",
                **DEMO_VALUES,
            )
        if ps.status == ParameterSetStatus.DRAFT:
            ps = parameter_set_transition(actor=users["policy_officer"], parameter_set=ps, action="submit")
        if ps.status == ParameterSetStatus.IN_REVIEW:
            ps = parameter_set_transition(actor=users["reviewer"], parameter_set=ps, action="approve", comment="Demo")
    run = run_request(actor=users["policy_officer"], origin=RunOrigin.DEMO, parameter_set=ps, enqueue=False)
    if run.status != RunStatus.COMPLETED:
        run = run_execute(run_id=run.pk, job_id=run.job_id)
    return ps, run
