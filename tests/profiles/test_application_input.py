"""One set of checks of an application's values, used by every door: the advice API and
command (advice.parsers) and the monitoring import (monitoring.columns) accept the same
spellings and refuse the same values with the same codes and words."""

from datetime import date

import pytest
from django.utils import translation

from advice.parsers import application_parse
from monitoring.columns import COLUMNS, ChunkChecker, problem_message
from profiles.application_input import (
    accepted_spellings,
    application_id_check,
    code_check,
    date_check,
    flag_check,
    input_message,
    officer_id_check,
)
from profiles.selectors import catalogue_index
from tests.advice.test_engine import APPLICATION
from tests.monitoring.conftest import GOOD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("characteristic", "raw", "expected"),
    [
        ("nationality", "nga", ("NGA", None)),
        ("nationality", " NGA ", ("NGA", None)),
        ("travel_purpose", "Tourism", (None, ("unknown_value", "tourism", None))),
        ("travel_purpose", "TOURISM", ("tourism", None)),
        ("gender", "", (None, ("required", None, None))),
        ("gender", None, (None, ("required", None, None))),
        ("gender", 5, (None, ("unknown_value", "5", None))),
        ("occupation", "religious_leader", (None, ("banned_characteristic", "religious_leader", {"term": "religi"}))),
    ],
)
def test_code_check(characteristic, raw, expected):
    accept = accepted_spellings(characteristic, catalogue_index()[characteristic])
    assert code_check(characteristic, raw, accept) == expected


def test_the_other_checks():
    assert flag_check("1") == (True, None) and flag_check(0) == (False, None) and flag_check(True) == (True, None)
    assert flag_check("yes") == (None, ("invalid_flag", "yes", None))
    assert flag_check("", default=False) == (False, None) and flag_check("")[1][0] == "required"
    assert date_check("2026-02-28", required=True) == (date(2026, 2, 28), None)
    assert date_check("2026-02-30", required=True)[1][0] == "invalid_date"
    assert date_check("", required=False) == (None, None) and date_check(" ", required=True)[1][0] == "required"
    assert application_id_check("x" * 65, required=True)[1][0] == "invalid_application_id"
    assert application_id_check("", required=False) == ("", None)
    assert officer_id_check(" O-1 ") == ("O-1", None) and officer_id_check("")[0] == ""
    for formula in ("=1+1", "+1", "-1", "@A1", " =x"):
        assert officer_id_check(formula)[1][0] == "formula_like_value"


def _import_codes(**changes) -> list[tuple[str, str]]:
    out: list = []
    ChunkChecker(catalogue_index()).check_chunk([2], [tuple({**GOOD, **changes}[c] for c in COLUMNS)], out)
    return [(p["column"], p["code"]) for p in out]


def _advice_codes(**changes) -> list[tuple[str, str]]:
    _application, problems = application_parse({**APPLICATION, **changes}, catalogue_index())
    return [(p.field, p.code) for p in problems]


@pytest.mark.parametrize(
    "changes",
    [
        {"nationality": "ZZZ"},
        {"gender": ""},
        {"occupation": "ethnic_minority"},
        {"referent_hit": "2"},
        {"lodged_on": "31-01-2026"},
        {"application_location": "nlams"},
        {"age_group": "\u0435thnic"},
    ],
)
def test_the_advice_and_the_import_judge_a_value_alike(changes):
    assert _advice_codes(**changes) == _import_codes(**changes)


def test_the_advice_and_the_import_word_a_problem_alike():
    out: list = []
    ChunkChecker(catalogue_index()).check_chunk([2], [tuple({**GOOD, "nationality": "ZZZ"}[c] for c in COLUMNS)], out)
    for language in ("nl", "en"):
        with translation.override(language):
            _application, problems = application_parse({**APPLICATION, "nationality": "ZZZ"}, catalogue_index())
            assert (
                str(problems[0].message)
                == problem_message(out[0])
                == input_message("unknown_value", column="nationality", value="ZZZ")
            )
