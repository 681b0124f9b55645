"""Publication standard 1.0 in the one validator: every field's limit, every enumeration,
the text rules (only allowed tags survive; scripts and event handlers never), and the
JSON export checked field by field against the standard."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from register.standard import (
    FIELD,
    FIELDS,
    IMPACT_ASSESSMENT_TITLES,
    PUBLICATION_CATEGORIES,
    REQUIRED,
    STATUS_CHOICES,
    THEMES,
    entry_validate,
    sanitise_rich,
    text_length,
    to_plain,
)

from .register_server import FIELD_ORDER as ORDER

# The contract, written out independently (docs/algorithm-register.md section 1): key -> max after stripping HTML.
MAXIMA = {
    "name": 100,
    "description_short": 400,
    "organization": 100,
    "begin_date": 7,
    "end_date": 7,
    "contact_email": 500,
    "website": 500,
    "url": 500,
    "goal": 2500,
    "proportionality": 2500,
    "human_intervention": 2500,
    "risks": 2500,
    "lawful_basis": 2500,
    "process_index_url": 500,
    "impacttoetsen": 2500,
    "source_data": 2500,
    "methods_and_models": 5000,
    "provider": 200,
    "publiccode": 500,
    "source_id": 100,
    "tags": 2500,
}
RICH = {
    "goal",
    "proportionality",
    "human_intervention",
    "risks",
    "lawful_basis",
    "impacttoetsen",
    "source_data",
    "methods_and_models",
}
URLS = {"website", "url", "process_index_url", "publiccode"}


def codes(fields, **kw):
    return [(p.code, p.field) for p in entry_validate(fields, **kw).problems]


def test_fields_are_the_standards_in_its_order():
    assert [f.key for f in FIELDS] == ORDER
    assert set(REQUIRED) == {
        "name",
        "description_short",
        "organization",
        "status",
        "contact_email",
        "publication_category",
        "lang",
    }


def _filler(key: str, n: int) -> str:
    if key in URLS or key == "contact_email":
        return "https://example.org/" + "a" * (n - len("https://example.org/"))
    return "a" * n


@pytest.mark.parametrize("key", [k for k in MAXIMA if k not in ("begin_date", "end_date")])
def test_every_text_limit_exactly(key):
    limit = MAXIMA[key]
    assert FIELD[key].max == limit
    assert codes({key: _filler(key, limit)}) == []
    assert ("field_too_long", key) in codes({key: _filler(key, limit + 1)})


@pytest.mark.parametrize("key", sorted(RICH))
def test_rich_text_limit_counts_without_html(key):
    limit = MAXIMA[key]
    inside = "<p>" + "a" * (limit - 10) + "</p>" + "<ul>" + "<li>b</li>" * 10 + "</ul>"
    assert text_length(inside) == limit
    assert codes({key: inside}) == []
    assert codes({key: inside + "<p>c</p>"}) == [("field_too_long", key)]


def test_entities_count_as_one_character():
    assert text_length("a &amp; b") == 5


@pytest.mark.parametrize("key", ["begin_date", "end_date"])
@pytest.mark.parametrize(
    "value,ok",
    [
        ("2017-03", True),
        ("2017-12", True),
        ("2017", False),
        ("2017-13", False),
        ("2017-00", False),
        ("17-03", False),
        ("2017-3", False),
        ("2017-03-01", False),
    ],
)
def test_year_month(key, value, ok):
    assert (codes({key: value}) == []) is ok
    if not ok:
        assert codes({key: value}) == [("invalid_year_month", key)]


@pytest.mark.parametrize("value", STATUS_CHOICES)
def test_every_status_is_accepted(value):
    assert codes({"status": value}) == []


@pytest.mark.parametrize("value", PUBLICATION_CATEGORIES)
def test_every_publication_category_is_accepted(value):
    assert codes({"publication_category": value}) == []


@pytest.mark.parametrize(
    "field,value",
    [
        ("status", "In gebruik "),
        ("status", "in gebruik"),
        ("status", "Actief"),
        ("publication_category", "Hoog-risico AI-systeem (Categorie A)"),
        ("publication_category", "Hoog-risico AI-systemen"),
        ("publication_category", "Impactvol algoritme"),
        ("lang", "nl"),
        ("lang", "eng"),
        ("standard_version", "2.0"),
        ("standard_version", "1"),
    ],
)
def test_near_miss_enumerations_are_refused(field, value):
    assert codes({field: value}) == [("invalid_choice", field)]


def test_version_1_0_0_is_normalised():
    assert entry_validate({"standard_version": "1.0.0"}).fields["standard_version"] == "1.0"


def test_every_theme_is_accepted_with_its_spelling():
    assert len(THEMES) == 16
    assert codes({"category": list(THEMES)}) == []
    assert codes({"category": ["Overheidsfinancien"]}) == [("invalid_choice", "category")]
    assert codes({"category": "Internationaal"}) == [("invalid_list", "category")]
    assert entry_validate({"category": ["Internationaal", "Internationaal"]}).fields["category"] == ["Internationaal"]


def test_contact_is_email_or_link():
    assert codes({"contact_email": "DCV-BAO@minbuza.nl"}) == []
    assert codes({"contact_email": "https://www.rijksoverheid.nl/contact"}) == []
    assert codes({"contact_email": "Jan de Vries"}) == [("invalid_contact", "contact_email")]


@pytest.mark.parametrize("key", sorted(URLS))
def test_urls_must_be_urls_and_warn_without_https(key):
    assert codes({key: "niet openbaar"}) == [("invalid_url", key)]
    checked = entry_validate({key: "http://example.org"})
    assert checked.problems == [] and [w.code for w in checked.warnings] == ["url_not_https"]


def test_groups_titles_links_and_limits():
    ok = [{"title": "AVG", "link": "https://eur-lex.europa.eu"}]
    assert codes({"lawful_basis_grouping": ok}) == []
    assert codes({"lawful_basis_grouping": [{"title": "AVG", "link": ""}]}) == [
        ("group_link_required", "lawful_basis_grouping")
    ]
    assert codes({"lawful_basis_grouping": [{"title": "a" * 101, "link": "https://x.nl"}]}) == [
        ("field_too_long", "lawful_basis_grouping")
    ]
    assert codes({"source_data_grouping": [{"title": "a" * 500, "link": "https://x.nl"}]}) == []
    assert codes({"source_data_grouping": [{"title": "a" * 501, "link": "https://x.nl"}]}) == [
        ("field_too_long", "source_data_grouping")
    ]
    assert codes({"impacttoetsen_grouping": [{"title": t, "link": ""} for t in IMPACT_ASSESSMENT_TITLES]}) == []
    assert codes({"impacttoetsen_grouping": [{"title": "", "link": ""}]}) == [
        ("group_title_required", "impacttoetsen_grouping")
    ]
    assert codes({"impacttoetsen_grouping": [{"title": "DPIA", "link": "https://x.nl/" + "a" * 490}]}) == [
        ("field_too_long", "impacttoetsen_grouping")
    ]
    assert codes({"impacttoetsen_grouping": [{"title": "DPIA", "extra": 1}]}) == [
        ("invalid_list", "impacttoetsen_grouping")
    ]


def test_unknown_and_read_only_keys_are_refused():
    assert codes({"theme": ["Internationaal"]}) == [("unknown_field", "theme")]
    assert codes({"lars": "94596537"}) == [("field_read_only", "lars")]
    assert codes({"publication_dt": "2026-01-01"}) == [("field_read_only", "publication_dt")]


def test_description_warns_above_349():
    assert [w.code for w in entry_validate({"description_short": "a" * 350}).warnings] == ["description_long"]
    assert entry_validate({"description_short": "a" * 349}).warnings == []


def test_release_needs_the_required_seven_and_warns_for_shown_fields():
    result = entry_validate({}, for_release=True)
    assert sorted(p.field for p in result.problems) == sorted(REQUIRED)
    assert {w.field for w in result.warnings} == {
        "category",
        "begin_date",
        "goal",
        "proportionality",
        "human_intervention",
        "risks",
        "source_data",
    }


def test_messages_are_dutch_and_english():
    from django.utils import translation

    with translation.override("nl"):
        nl = str(entry_validate({"begin_date": "2017"}).problems[0].message)
    with translation.override("en"):
        en = str(entry_validate({"begin_date": "2017"}).problems[0].message)
    assert "jjjj-mm" in nl and "must be a year and month" in en


# --- Sanitising ------------------------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<style>p{color:red}</style>",
    '<iframe src="https://evil"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
    "<!-- <script>x</script> -->",
    "<p><b onmouseover=alert(1)>x</b></p>",
    '<ul><li onfocus="x">a</li></ul>',
    '<math><mi xlink:href="x">',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_scripts_and_event_handlers_never_survive(attack):
    for cleaned in (sanitise_rich(attack), to_plain(attack)):
        lowered = cleaned.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert "javascript:" not in lowered and "onload" not in lowered and "onmouseover" not in lowered
        assert "<style" not in lowered and "<iframe" not in lowered and "style=" not in lowered


def test_only_the_allowed_tags_survive_without_attributes():
    html = '<div class="x"><p id="p">a<br>b</p><ul><li>c</li></ul><ol><li>d</li></ol><h1>e</h1><b>f</b></div>'
    assert sanitise_rich(html) == "<div><p>a<br>b</p><ul><li>c</li></ul><ol><li>d</li></ol>ef</div>"
    assert to_plain("<p>a &amp; <b>b</b></p>") == "a & b"


def test_plain_fields_lose_all_markup_in_the_validator():
    fields = entry_validate({"name": "<b>IOB</b><script>x</script>", "goal": "<p onclick=x>Doel</p>"}).fields
    assert fields == {"name": "IOB", "goal": "<p>Doel</p>"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' ascriptonlogerdivpulibr&;#x:")), max_size=80))
def test_sanitised_text_never_holds_a_script_or_handler(text):
    rich = sanitise_rich(text)
    plain = to_plain(text)
    import re

    for out in (rich, plain):
        for tag in re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", out):
            assert tag.lower() in {"div", "br", "p", "ul", "ol", "li"}
        assert not re.search(r"<[^>]*\son\w+\s*=", out)
    assert "<" not in re.sub(r"</?(div|br|p|ul|ol|li)>", "", rich).replace("&lt;", "")


# --- The JSON export, field by field ------------------------------------------------------------------------


def test_register_json_field_by_field(users, draft):
    from register.exports import register_body, register_json
    from register.services import version_update

    version = version_update(
        actor=users["register_editor"],
        version=draft,
        fields={
            "end_date": "",
            "website": "https://www.nederlandwereldwijd.nl/visum",
            "url": "",
            "source_data_grouping": [{"title": "Visumaanvragen (NVIS)", "link": "https://example.org/nvis"}],
        },
    )
    body = json.loads(register_json(version))
    assert body == register_body(version)
    assert list(body) == [k for k in ORDER if k not in ("lars", "publication_dt")]
    for key, value in body.items():
        f = FIELD[key]
        if f.kind in ("themes", "groups"):
            assert isinstance(value, list), key
            for item in value:
                if f.kind == "groups":
                    assert isinstance(item, dict) and set(item) <= {"title", "link"}, key
                else:
                    assert item in THEMES, key
        elif value is not None:
            assert isinstance(value, str), key
            if key in MAXIMA:
                assert text_length(value) <= MAXIMA[key], key
            if key in RICH:
                assert sanitise_rich(value) == value, key
            elif f.kind not in ("enum", "lang", "version"):
                assert to_plain(value) == value, key
    assert body["lang"] == "nld" and body["standard_version"] == "1.0"
    assert body["status"] in STATUS_CHOICES and body["publication_category"] in PUBLICATION_CATEGORIES
    assert all(t in THEMES for t in body["category"])
    assert body["end_date"] is None and body["url"] is None
    assert body["source_id"] == str(version.entry.public_id)
    assert body["source_data_grouping"] == [{"title": "Visumaanvragen (NVIS)", "link": "https://example.org/nvis"}]
    assert all(body[k] for k in REQUIRED)
    assert entry_validate({k: v for k, v in body.items() if v is not None}, for_release=True).problems == []


def test_register_json_carries_lars_once_assigned(users, published):
    from register.exports import register_body
    from register.services import version_record_delivery

    assert "lars" not in register_body(published)
    version_record_delivery(
        actor=users["reviewer"], version=published, operation="publish", answer={"lars": "94596537"}
    )
    published.refresh_from_db()
    assert register_body(published)["lars"] == "94596537"
