"""How the report pages and the review record write numbers and lower rates.

Large counts carry the language's thousands separator (1.011 in Dutch, 1,011 in English);
a rate lower than another is said as the part of it that it is ("about a seventh as
high"), never as "0.14 times as high", in both languages. The findings are checked on
dataset B of test_schema_v2, whose figures are worked out by hand there.
"""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reports.presentation import fmt_relative, view_build

from .helpers import figures_from_rows
from .test_schema_v2 import PARAMS, dataset_b


@pytest.mark.parametrize(
    ("ratio", "en", "nl"),
    [
        (2.35, "2.35 times as often", "2,35 keer zo vaak"),
        (1.0, "1.00 times as often", "1,00 keer zo vaak"),
        (0.8, "20% less often", "20% minder vaak"),
        # Down to two thirds the difference is a share; below it, a part of the other rate.
        (0.67, "33% less often", "33% minder vaak"),
        (0.5, "about half as often", "ongeveer de helft daarvan"),
        (0.11, "about a ninth as often", "ongeveer een negende daarvan"),
        (0.1, "about a tenth as often", "ongeveer een tiende daarvan"),
        (0.025, "about 1/40 as often", "ongeveer 1/40 daarvan"),
        (0.0, "never", "nooit"),
        (None, "—", "—"),
    ],
)
def test_a_ratio_reads_as_words_in_both_languages(ratio, en, nl):
    for lang, expected in (("en", en), ("nl", nl)):
        with translation.override(lang):
            assert fmt_relative(ratio, lang) == expected


def test_a_rate_compared_with_a_rate_says_high_or_lower():
    with translation.override("en"):
        assert fmt_relative(0.143, "en", of="high") == "about a seventh as high"
        assert fmt_relative(0.75, "en", of="high") == "25% lower"
        assert fmt_relative(7.0, "en", of="high") == "7.00 times as high"
    with translation.override("nl"):
        assert fmt_relative(0.143, "nl", of="high") == "ongeveer een zevende daarvan"
        assert fmt_relative(0.75, "nl", of="high") == "25% lager"
        assert fmt_relative(7.0, "nl", of="high") == "7,00 keer zo hoog"


@pytest.fixture
def view(db):
    figures = figures_from_rows(dataset_b(), **PARAMS)
    return view_build(report=figures.report, support=figures.support)


def finding(view, finding_id):
    [f] = [f for f in view["findings"] if f["id"] == finding_id]
    return f


def test_a_pair_below_both_parents_says_how_much_lower_in_words(view):
    # NGA · M: 4 of 40 intensive (0.10) against 28 of 40 other Nigerians (0.70), ratio 1/7,
    # and against 34 of 120 other men (0.283), ratio 0.353: about a third.
    f = finding(view, "group:nationality=NGA|gender=M")
    assert f["direction"] == "down"
    assert "compared with the rest of “Nationality: Nigeria” the rate is about a seventh as high" in f["text"]["en"]
    assert "compared with the rest of “Gender: Male” it is about a third as high" in f["text"]["en"]
    assert "is het percentage ongeveer een zevende daarvan" in f["text"]["nl"]
    assert "is het ongeveer een derde daarvan" in f["text"]["nl"]
    for text in f["text"].values():
        assert "0.14" not in text and "0,14" not in text and "keer zo hoog" not in text


def test_a_pair_above_its_parents_keeps_times_as_high(view):
    # NGA · F: 28 of 40 against 4 of 40 other Nigerians: 7 times as high.
    f = finding(view, "group:nationality=NGA|gender=F")
    assert "the rate is 7.00 times as high" in f["text"]["en"]
    assert "is het percentage 7,00 keer zo hoog" in f["text"]["nl"]


def test_a_group_given_less_intensive_advice_says_the_part_of_average_it_gets(view):
    # NLD: 8 of 160 intensive (0.05) against 0.3125 overall: ratio 0.16, about a sixth.
    f = finding(view, "group:nationality=NLD")
    assert f["direction"] == "down"
    assert "5.0% against 31.2% overall (about a sixth as often;" in f["text"]["en"]
    assert "(ongeveer een zesde daarvan;" in f["text"]["nl"]
    assert "times as often" not in f["text"]["en"]


def _summary(lang: str, flags: int, findings: int) -> str:
    view = {
        "findings_count": findings,
        "flags_count": flags,
        "findings_summary": {"counts": {"group_two_way": {"up": 1200, "mixed": 0, "down": 3}}, "totals": {}},
    }
    with translation.override(lang):
        return render_to_string("reports/_findings_summary.html", {"view": view})


def test_counts_on_the_report_page_carry_the_thousands_separator():
    dutch, english = _summary("nl", 1011, 1203), _summary("en", 1011, 1203)
    assert "1.203 bevindingen om te beoordelen" in dutch and "uit 1.011 markeringen" in dutch
    assert "1,203 findings to review" in english and "out of 1,011 flags" in english
    assert ">1.200<" in dutch and ">1,200<" in english
    assert "1011" not in dutch + english and "1203" not in dutch + english
    assert "3 findings to review" in _summary("en", 7, 3) and "out of 7 flags" in _summary("en", 7, 3)


def test_the_review_record_counts_carry_the_thousands_separator():
    context = {
        "report": {"public_id": "r", "content_hash": "h", "pdf_sha256": "p"},
        "view": {"period": {"from": "2025-01-01", "to": "2025-12-31"}},
        "summary": {"decided": 1011, "findings": 1203, "by_decision": {"Accepteren": 1005}},
        "rows": [],
        "other": [],
    }
    with translation.override("nl"):
        html = render_to_string("reports/pdf/review_record.html", context)
    assert "1.011 / 1.203" in html and "Accepteren: 1.005" in html
