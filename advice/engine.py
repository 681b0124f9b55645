"""The reference advice engine (docs/architecture.md, "Advice"; the rule of the
characteristics contract, "The advice for one application"):

- `intensive` if any known-party hit (applicant, referent, employer) or any active
  risk-profile hit;
- else `fast` if at least one active chance-profile hit;
- else `regular`;

with its reasons: which parties hit and which profile codes and versions hit. A profile
counts on a day when it is `active` and the day lies inside its validity window.

Matching never walks the profiles one by one. The active profiles are indexed once as
bitsets (Python integers, one bit per profile): for every characteristic and code, the
profiles that admit that code, a profile without a criterion on the characteristic
admitting every code. An application's hits are the AND of its seven bitsets and of the
bitset of profiles in force on its day: seven dictionary look-ups and eight ANDs, however
many profiles there are. Only `explain` (the advice page's "why") walks them one by one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from profiles.application_input import CHARACTERISTICS, PARTIES
from profiles.models import ProfileKind, Track


@dataclass(frozen=True)
class ProfileHit:
    code: str
    version: int
    kind: str
    ref: str = field(init=False, compare=False)  # CODE@VERSION, written once per index, read per advice

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.code}@{self.version}")


class Application(NamedTuple):
    values: tuple[str, ...]  # the seven codes, in CHARACTERISTICS order
    parties: tuple[bool, bool, bool]  # applicant, referent, employer
    lodged_on: date
    application_id: str = ""


class AdviceResult(NamedTuple):
    track: str
    known_party_hits: tuple[str, ...]
    profile_hits: tuple[ProfileHit, ...]

    @property
    def matched_profiles(self) -> str:
        """As monitoring records write it: CODE@VERSION separated by semicolons."""
        return ";".join(h.ref for h in self.profile_hits)

    def reasons(self, texts: dict[str, str] | None = None) -> list[str]:
        """In words, in the active language. `texts` (from `reason_texts`) saves looking
        the same wording up again for every application of a batch."""
        texts = texts or reason_texts()
        lines = [texts["party"] % {"party": texts[p]} for p in self.known_party_hits]
        for hit in self.profile_hits:
            lines.append(texts[hit.kind] % {"code": hit.code, "version": hit.version})
        return lines or [texts["none"]]

    def as_dict(self, texts: dict[str, str] | None = None) -> dict[str, Any]:
        return {
            "track": self.track,
            "known_party_hits": list(self.known_party_hits),
            "profile_hits": [{"code": h.code, "version": h.version, "kind": h.kind} for h in self.profile_hits],
            "matched_profiles": self.matched_profiles,
            "reasons": self.reasons(texts),
        }


def reason_texts() -> dict[str, str]:
    return {
        "party": _("Known-party hit: %(party)s"),
        ProfileKind.RISK: _("Risk profile %(code)s@%(version)s hit"),
        ProfileKind.CHANCE: _("Chance profile %(code)s@%(version)s hit"),
        "none": _("No known-party hit and no profile hit"),
        "applicant": _("applicant"),
        "referent": _("referent"),
        "employer": _("employer"),
    }


@dataclass(frozen=True)
class IndexedProfile:
    hit: ProfileHit
    valid_from: date
    valid_until: date
    criteria: dict[str, Sequence[str]]
    title: str = ""


@dataclass(frozen=True)
class CriterionMatch:
    characteristic: str
    allowed: tuple[str, ...]
    value: str
    matched: bool


@dataclass(frozen=True)
class ProfileExplanation:
    """Why one active profile did or did not hit one application."""

    profile: IndexedProfile
    in_force: bool
    criteria: tuple[CriterionMatch, ...]

    @property
    def hit(self) -> bool:
        return self.in_force and all(c.matched for c in self.criteria)

    @property
    def unmatched(self) -> tuple[CriterionMatch, ...]:
        return tuple(c for c in self.criteria if not c.matched)


class AdviceIndex:
    """The active profiles as bitsets per characteristic and code (see the module docstring)."""

    def __init__(self, profiles: Sequence[IndexedProfile]):
        self.profiles = list(profiles)
        self.hits_by_bit = [p.hit for p in self.profiles]
        self.free = {c: 0 for c in CHARACTERISTICS}  # profiles without a criterion on c
        admits: dict[str, dict[str, int]] = {c: {} for c in CHARACTERISTICS}
        self.risk = self.chance = 0
        for i, profile in enumerate(self.profiles):
            bit = 1 << i
            if profile.hit.kind == ProfileKind.RISK:
                self.risk |= bit
            else:
                self.chance |= bit
            for c in CHARACTERISTICS:
                codes = profile.criteria.get(c)
                if codes is None:
                    self.free[c] |= bit
                else:
                    table = admits[c]
                    for code in codes:
                        table[code] = table.get(code, 0) | bit
        for c in CHARACTERISTICS:
            for code in admits[c]:
                admits[c][code] |= self.free[c]
        self._admits = [(admits[c], self.free[c]) for c in CHARACTERISTICS]
        self._in_force: dict[date, int] = {}
        self._decided: dict[tuple[int, tuple[bool, ...]], AdviceResult] = {}

    def __len__(self) -> int:
        return len(self.profiles)

    def in_force(self, day: date) -> int:
        mask = self._in_force.get(day)
        if mask is None:
            mask = 0
            for i, p in enumerate(self.profiles):
                if p.valid_from <= day <= p.valid_until:
                    mask |= 1 << i
            if len(self._in_force) > 4096:
                self._in_force.clear()
            self._in_force[day] = mask
        return mask

    def hit_bits(self, values: Sequence[str], day: date) -> int:
        bits = self.in_force(day)
        for (table, free), code in zip(self._admits, values, strict=True):
            if not bits:
                break
            bits &= table.get(code, free)
        return bits

    def decide(self, values: Sequence[str], parties: Sequence[bool], day: date) -> AdviceResult:
        bits = self.hit_bits(values, day)
        key = (bits, tuple(parties))
        # Many applications share their hits (most often: none); the result is immutable.
        known = self._decided.get(key)
        if known is not None:
            return known
        hits: list[ProfileHit] = []
        rest = bits
        while rest:
            low = rest & -rest
            hits.append(self.hits_by_bit[low.bit_length() - 1])
            rest ^= low
        party_hits = tuple(name for name, hit in zip(PARTIES, parties, strict=True) if hit)
        if party_hits or bits & self.risk:
            track = Track.INTENSIVE
        elif bits & self.chance:
            track = Track.FAST
        else:
            track = Track.REGULAR
        hits.sort(key=lambda h: (h.kind != ProfileKind.RISK, h.code, h.version))
        result = AdviceResult(track=str(track), known_party_hits=party_hits, profile_hits=tuple(hits))
        if len(self._decided) > 50_000:
            self._decided.clear()
        self._decided[key] = result
        return result

    def explain(self, values: Sequence[str], day: date) -> list[ProfileExplanation]:
        """Per active profile: in force on `day`, and which of its criteria the application's
        values meet. Agrees with `decide` (a test holds them to it); risk profiles first."""
        value_of = dict(zip(CHARACTERISTICS, values, strict=True))
        out = []
        for profile in self.profiles:
            criteria = tuple(
                CriterionMatch(
                    characteristic=c,
                    allowed=tuple(profile.criteria[c]),
                    value=value_of[c],
                    matched=value_of[c] in profile.criteria[c],
                )
                for c in CHARACTERISTICS
                if c in profile.criteria
            )
            out.append(
                ProfileExplanation(
                    profile=profile, in_force=profile.valid_from <= day <= profile.valid_until, criteria=criteria
                )
            )
        out.sort(key=lambda e: (e.profile.hit.kind != ProfileKind.RISK, e.profile.hit.code, e.profile.hit.version))
        return out
