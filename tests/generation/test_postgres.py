"""On PostgreSQL: the same ROLLUP text gives the same tree as DuckDB, and the triggers keep
an approved parameter set and a completed run fixed against raw SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from generation.tree import rollup_sql, tree_build

from .helpers import WINDOW, duck, group, params

pytestmark = pytest.mark.postgres


def test_postgres_runs_the_same_sql_and_gets_the_same_tree(on_postgres, records_in_db):
    records = group(10, nat="SUR") + group(10, nat="NGA", hits=5) + group(30, loc="MACAS", purpose="business")
    records_in_db(records)
    p = params()
    sql = rollup_sql(
        features=p.features_ordered, window_from=WINDOW[0], window_to=WINDOW[1], min_group_size=p.min_group_size
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP VIEW records AS SELECT * FROM monitoring_monitoringrecord")
        cursor.execute(sql)
        pg_rows = cursor.fetchall()
        cursor.execute("DROP VIEW records")
    duck_rows = duck(records).execute(sql).fetchall()

    def nodes(rows):
        return sorted((tuple(r[: int(r[7])]), int(r[8]), int(r[9]), int(r[10])) for r in rows)

    assert nodes(pg_rows) == nodes(duck_rows)
    assert [(n.path, n.label) for n in tree_build(pg_rows, p).leaves] == [
        (n.path, n.label) for n in tree_build(duck_rows, p).leaves
    ]


def test_postgres_guards_parameter_sets_and_runs(on_postgres, users, approved_set, records_in_db):
    from generation.models import RunOrigin
    from generation.services import run_execute, run_request

    ps = approved_set()
    for statement in (
        "UPDATE generation_parameterset SET min_group_size = 1 WHERE id = %s",
        "UPDATE generation_parameterset SET status = 'draft' WHERE id = %s",
        "DELETE FROM generation_parameterset WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [ps.pk])
    records_in_db(group(20))
    run = run_request(actor=users["policy_officer"], origin=RunOrigin.PORTAL, parameter_set=ps, enqueue=False)
    run = run_execute(run_id=run.pk, job_id=run.job_id)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE generation_generationrun SET n_records = 1 WHERE id = %s", [run.pk])
