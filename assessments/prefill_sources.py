"""Question keys as prefill codes: `iama26.1.1.1` offers the answer the IOB IAMA gives to
that question, `dpia3.D17` the DPIA's (assessments spec: "a question key as prefill
offers that answer"). The source is the newest signed version of the other document,
or its open version while none is signed."""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _

from prefill.registry import Part, SourceRef, register_prefix

from .models import DocumentKind
from .selectors import answer_plain, answer_text_latest

WATCH = ("assessment.sign", "assessment.section_saved", "assessment.version_created")


def _resolve(kind: str):
    def resolve(code: str) -> Part | None:
        found = answer_text_latest(kind=kind, short=code)
        if found is None:
            return None
        version, answers = found
        if not answers:
            return None
        texts, sources = [], []
        for q, answer in answers:
            text = answer_plain(q, answer)
            if not text:
                continue
            texts.append(text)
            digest = hashlib.sha256(
                json.dumps([answer.value, [i.value for i in answer.items.all()]], sort_keys=True, default=str).encode()
            ).hexdigest()[:16]
            sources.append(
                SourceRef(
                    "assessments.answer",
                    f"{version.assessment.kind}:{q.key}",
                    f"v{version.number}:{digest}",
                    _("%(doc)s v%(n)d, %(number)s %(title)s")
                    % {
                        "doc": version.assessment.get_kind_display(),
                        "n": version.number,
                        "number": q.number,
                        "title": q.title_nl,
                    },
                    answer.answered_at.isoformat(),
                )
            )
        if not texts:
            return None
        return Part(text="\n\n".join(texts), sources=tuple(sources))

    return resolve


register_prefix("dpia3.", _resolve(DocumentKind.DPIA), watch=WATCH)
register_prefix("iama26.", _resolve(DocumentKind.IAMA), watch=WATCH)
register_prefix("iama21.", _resolve(DocumentKind.IAMA), watch=WATCH)
