"""Question sets as data: the YAML files beside this module, their snapshots in the
database, and the index the rest of the app reads.

A file is `<prefix>-v<version>.yaml`. A stored set (prefix, version) never changes: when
a file's content differs from the stored snapshot, `questionset_sync` refuses, and the
file must be saved under a new version. Answers carry over to a new version by key, and
from `iama21` to `iama26` along the crosswalk in each iama21 question's `v2` list.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "questionsets"
CURRENT = {"dpia": "dpia3", "iama": "iama26"}
KINDS = ("text", "yesno", "choice", "multiselect", "date", "form", "repeatable")


@dataclass(frozen=True)
class Question:
    key: str
    number: str
    section: str
    title_nl: str
    text: str
    kind: str
    by: tuple[str, ...]
    prefill: tuple[str, ...]
    fields: tuple[dict[str, Any], ...] = ()
    options: tuple[str, ...] = ()  # the stored values: an option's key, or its text when it has none
    fria: str = ""
    v2: tuple[str, ...] = ()
    option_labels: tuple[tuple[str, str], ...] = ()  # (key, Dutch label) of keyed options

    @property
    def short(self) -> str:
        return self.key.split("_", 1)[0]

    def label(self, option: str) -> str:
        """The Dutch label of a stored option (itself when the option has no key, or is
        not one of this question's: an answer from an earlier edition)."""
        return dict(self.option_labels).get(option, option)

    def labels(self, options: list[str] | tuple[str, ...]) -> list[str]:
        return [self.label(o) for o in options]

    @property
    def option_pairs(self) -> list[tuple[str, str]]:
        """(stored value, label) of every option, for forms."""
        return [(o, self.label(o)) for o in self.options]

    def signature(self) -> str:
        """What a reader would call "the question": changes mark it changed in a new version."""
        return json.dumps([self.text, self.kind, list(self.options), [f["name"] for f in self.fields]])


@dataclass(frozen=True)
class Section:
    id: str
    part: str
    title_nl: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class QuestionSetData:
    prefix: str
    version: int
    title: str
    edition: str
    source: str
    date: str
    sections: tuple[Section, ...]
    action_points: bool = False
    participants: bool = False
    sha256: str = ""
    by_key: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def resolve(self, ref: str) -> list[Question]:
        """Questions a short reference names: `iama26.1.1.2`, `dpia3.D17`, `iama26.4.4.*`."""
        if ref.endswith(".*"):
            stem = ref[:-2]
            return [q for q in self.questions if q.short.startswith(stem + ".") or q.short == stem]
        exact = [q for q in self.questions if q.key == ref or q.short == ref]
        return exact or [q for q in self.questions if q.short.startswith(ref + ".")]


def _problems(data: dict[str, Any]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for section in data.get("sections", []):
        for q in section.get("questions", []):
            key = q.get("key", "")
            if not key.startswith(data["prefix"] + "."):
                out.append(f"{key}: key must start with {data['prefix']}.")
            if key in seen:
                out.append(f"{key}: duplicate key")
            seen.add(key)
            if q.get("kind") not in KINDS:
                out.append(f"{key}: unknown kind {q.get('kind')!r}")
            if q.get("kind") in ("form", "repeatable") and not q.get("fields"):
                out.append(f"{key}: a {q['kind']} needs fields")
            if q.get("kind") in ("choice", "multiselect") and not q.get("options"):
                out.append(f"{key}: a {q['kind']} needs options")
            values = [_option_key(o) for o in q.get("options") or ()]
            if len(set(values)) != len(values):
                out.append(f"{key}: duplicate option")
            if any(isinstance(o, dict) and not (o.get("key") and o.get("nl")) for o in q.get("options") or ()):
                out.append(f"{key}: a keyed option needs key and nl")
    return out


def _option_key(option: Any) -> str:
    """An option is a plain string (stored as written) or `{key, nl, en}`: a catalogue entry
    whose stable key is stored, so its label can be corrected without touching answers."""
    return str(option["key"]) if isinstance(option, dict) else str(option)


def questionset_parse(data: dict[str, Any], *, sha256: str = "") -> QuestionSetData:
    problems = _problems(data)
    if problems:
        raise ValueError("; ".join(problems))
    sections = tuple(
        Section(
            id=str(s["id"]),
            part=s.get("part", ""),
            title_nl=s["title_nl"],
            questions=tuple(
                Question(
                    key=q["key"],
                    number=str(q["number"]),
                    section=str(s["id"]),
                    title_nl=q.get("title_nl", ""),
                    text=q.get("text", ""),
                    kind=q["kind"],
                    by=tuple(q.get("by", ())),
                    prefill=tuple(q.get("prefill", ())),
                    fields=tuple(q.get("fields", ())),
                    options=tuple(_option_key(o) for o in q.get("options", ())),
                    fria=q.get("fria", ""),
                    v2=tuple(q.get("v2", ())),
                    option_labels=tuple(
                        (str(o["key"]), str(o["nl"])) for o in q.get("options", ()) if isinstance(o, dict)
                    ),
                )
                for q in s["questions"]
            ),
        )
        for s in data["sections"]
    )
    qs = QuestionSetData(
        prefix=data["prefix"],
        version=int(data["version"]),
        title=data["title"],
        edition=str(data.get("edition", "")),
        source=data.get("source", ""),
        date=str(data.get("date", "")),
        sections=sections,
        action_points=bool(data.get("action_points")),
        participants=bool(data.get("participants")),
        sha256=sha256 or content_sha256(data),
    )
    qs.by_key.update({q.key: q for q in qs.questions})
    return qs


def content_sha256(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def questionset_files() -> dict[tuple[str, int], dict[str, Any]]:
    out = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[(data["prefix"], int(data["version"]))] = data
    return out


@lru_cache(maxsize=32)
def _parsed(sha256: str, text: str) -> QuestionSetData:
    return questionset_parse(json.loads(text), sha256=sha256)


def questionset_data(qs_row: Any) -> QuestionSetData:
    """The parsed question set of a stored snapshot (cached by its hash)."""
    return _parsed(qs_row.content_sha256, json.dumps(qs_row.content, ensure_ascii=False))


# --- Carry-over -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """Where each new question's answer comes from."""

    same: dict[str, str]  # new key → old key, same question
    changed: dict[str, str]  # new key → old key, same key but the question changed
    mapped: dict[str, list[str]]  # new key → old keys along a crosswalk (split or merged)
    new: list[str]  # new keys with nothing to carry
    dropped: list[str]  # old keys with no successor (stay in the old version)


def carry_over_mapping(old: QuestionSetData, new: QuestionSetData) -> Mapping:
    same: dict[str, str] = {}
    changed: dict[str, str] = {}
    mapped: dict[str, list[str]] = {}
    if old.prefix == new.prefix:
        for q in new.questions:
            before = old.by_key.get(q.key)
            if before is None:
                continue
            (same if before.signature() == q.signature() else changed)[q.key] = q.key
    else:
        # A crosswalk: each old question names its counterparts in the new edition
        # (iama21 → iama26 by the "v2" column of the spec).
        for oq in old.questions:
            for ref in oq.v2:
                full = ref if ref.startswith(new.prefix + ".") else f"{new.prefix}.{ref}"
                for nq in new.resolve(full):
                    mapped.setdefault(nq.key, []).append(oq.key)
    touched = set(same) | set(changed) | set(mapped)
    used = set(same.values()) | set(changed.values()) | {k for ks in mapped.values() for k in ks}
    return Mapping(
        same=same,
        changed=changed,
        mapped=mapped,
        new=[q.key for q in new.questions if q.key not in touched],
        dropped=[q.key for q in old.questions if q.key not in used],
    )


@lru_cache(maxsize=8)
def questionset_from_file(prefix: str) -> QuestionSetData | None:
    """The newest file of a prefix (for crosswalk look-ups that need no stored snapshot)."""
    versions = {v: d for (p, v), d in questionset_files().items() if p == prefix}
    return questionset_parse(versions[max(versions)]) if versions else None


def effective_prefill(q: Question) -> tuple[str, ...]:
    """A question's prefill codes; an iama21 question without its own takes those of its
    iama26 counterparts (assessments spec, section 3)."""
    if q.prefill or not q.key.startswith("iama21.") or not q.v2:
        return q.prefill
    v2 = questionset_from_file("iama26")
    if v2 is None:
        return ()
    codes: list[str] = []
    for ref in q.v2:
        for counterpart in v2.resolve(f"iama26.{ref}"):
            codes += [c for c in counterpart.prefill if c not in codes]
    return tuple(codes)
