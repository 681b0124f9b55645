import pytest


@pytest.fixture
def records_in_db(db):
    """Put hand-built records (helpers.group) into the monitoring table."""
    from monitoring.models import MonitoringRecord

    def put(records, prefix="R"):
        MonitoringRecord.objects.bulk_create(
            [
                MonitoringRecord(
                    application_id=f"{prefix}-{i}",
                    lodged_on=r["lodged_on"],
                    nationality=r["nationality"],
                    age_group=r["age_group"],
                    gender=r["gender"],
                    marital_status=r["marital_status"],
                    occupation=r["occupation"],
                    travel_purpose=r["travel_purpose"],
                    application_location=r["application_location"],
                    advice="regular",
                    chain_hit=r["chain_hit"],
                    decision=r["decision"],
                    officer_id="" if r["decision"] == "pending" else "O-1",
                )
                for i, r in enumerate(records)
            ]
        )

    return put


@pytest.fixture
def approved_set(users):
    from generation.services import parameter_set_create, parameter_set_transition

    def make(name="Standaard", **values):
        base = {
            "min_group_size": 10,
            "chance_max_hit_rate": 0.1,
            "chance_max_refusal_rate": 0.2,
            "risk_min_hit_rate": 0.3,
            "min_depth": 3,
        }
        base.update(values)
        ps = parameter_set_create(actor=users["policy_officer"], name=name, **base)
        ps = parameter_set_transition(actor=users["policy_officer"], parameter_set=ps, action="submit")
        return parameter_set_transition(actor=users["reviewer"], parameter_set=ps, action="approve", comment="ok")

    return make
