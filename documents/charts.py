"""Charts as inline SVG, made on the server: the same markup goes into the page and the
PDF, nothing is loaded from elsewhere, and each chart carries its own text alternative
(`<title>` and `<desc>`, referenced by aria-labelledby) for screen readers.

Values are fractions (0..1) unless said otherwise. Callers pass labels already translated
and numbers already formatted for display.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#4a4a4a"
GRID = "#c8c8c8"
# Colour-blind-safe (Okabe–Ito), each with at least 3:1 contrast against white.
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9"]
_ids = count(1)


@dataclass(frozen=True)
class Segment:
    label: str
    value: float
    text: str = ""


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float
    low: float
    high: float
    text: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def _nice_max(value: float) -> float:
    """The axis end: the next tenth above the largest value (at most 100%)."""
    return min(1.0, (int(value * 10 + 1e-9) + 1) / 10)


def _ticks(hi: float) -> list[float]:
    step = 0.1 if hi <= 0.5 else 0.2
    return [round(k * step, 10) for k in range(int(hi / step + 1e-9) + 1)]


def _e(text: str) -> str:
    return escape(str(text), {'"': "&quot;"})


def _open(width: float, height: float, title: str, desc: str) -> tuple[str, str]:
    uid = f"chart{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" font-size="11">'
        f'<title id="{uid}-t">{_e(title)}</title><desc id="{uid}-d">{_e(desc)}</desc>'
    )
    return head, "</svg>"


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", size: float = 11, fill: str = INK, weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
        f'font-weight="{weight}">{_e(text)}</text>'
    )


def stacked_share_bar(*, title: str, desc: str, segments: Sequence[Segment], width: float = 640) -> SafeString:
    """One horizontal bar split into shares (e.g. the advice mix), with a legend."""
    height = 40 + 20 * len(segments)
    head, tail = _open(width, height, title, desc)
    parts = [head]
    x, bar_w = 0.0, width - 2
    total = sum(max(s.value, 0) for s in segments) or 1
    for i, s in enumerate(segments):
        w = bar_w * max(s.value, 0) / total
        parts.append(
            f'<rect x="{1 + x:.1f}" y="4" width="{w:.1f}" height="24" fill="{PALETTE[i % len(PALETTE)]}" '
            f'stroke="#fff" stroke-width="1"/>'
        )
        x += w
    for i, s in enumerate(segments):
        y = 44 + 20 * i
        parts.append(f'<rect x="1" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_text(20, y, f"{s.label}: {s.text}"))
    parts.append(tail)
    return mark_safe("".join(parts))


def interval_chart(
    *,
    title: str,
    desc: str,
    rows: Sequence[Interval],
    reference: float | None = None,
    reference_label: str = "",
    axis_max: float | None = None,
    axis_format=None,
    width: float = 640,
    label_width: float = 190,
) -> SafeString:
    """A dot per row with its confidence interval as a bar, and an optional vertical
    reference line (e.g. the population's rate). Highlighted rows are drawn darker."""
    axis_format = axis_format or (lambda v: f"{v * 100:.0f}%")
    row_h, top, bottom = 16, 22, 26
    height = top + row_h * max(len(rows), 1) + bottom
    hi = axis_max or _nice_max(max([r.high for r in rows] + [reference or 0, 0.05]))
    plot_x, plot_w = label_width, width - label_width - 70

    def sx(v: float) -> float:
        return plot_x + plot_w * max(0.0, min(v, hi)) / hi

    head, tail = _open(width, height, title, desc)
    parts = [head]
    for v in _ticks(hi):
        parts.append(
            f'<line x1="{sx(v):.1f}" x2="{sx(v):.1f}" y1="{top - 6}" y2="{height - bottom + 4}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        parts.append(_text(sx(v), height - 8, axis_format(v), anchor="middle", size=9, fill=MUTED))
    for i, r in enumerate(rows):
        y = top + row_h * i + row_h / 2
        colour = PALETTE[1] if r.highlight else PALETTE[0]
        parts.append(
            _text(plot_x - 6, y + 4, r.label, anchor="end", size=9.5, weight="bold" if r.highlight else "normal")
        )
        parts.append(
            f'<line x1="{sx(r.low):.1f}" x2="{sx(r.high):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="2.2"/>'
        )
        parts.append(f'<circle cx="{sx(r.estimate):.1f}" cy="{y:.1f}" r="3.6" fill="{colour}"/>')
        if r.text:
            parts.append(_text(plot_x + plot_w + 6, y + 4, r.text, size=9, fill=MUTED))
    if reference is not None:
        parts.append(
            f'<line x1="{sx(reference):.1f}" x2="{sx(reference):.1f}" y1="{top - 10}" '
            f'y2="{height - bottom + 4}" stroke="{INK}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(sx(reference), top - 12, reference_label, anchor="middle", size=9))
    parts.append(tail)
    return mark_safe("".join(parts))


def strip_chart(
    *,
    title: str,
    desc: str,
    values: Sequence[float],
    highlight: Sequence[bool] = (),
    threshold: float | None = None,
    threshold_label: str = "",
    width: float = 640,
    axis_format=None,
) -> SafeString:
    """Each value (0..1) as a dot on one axis, spread vertically so dots do not hide each
    other; a threshold line; highlighted dots drawn in the second colour."""
    axis_format = axis_format or (lambda v: f"{v * 100:.0f}%")
    height, left, right, top = 120, 20, 20, 22
    plot_w = width - left - right

    def sx(v: float) -> float:
        return left + plot_w * max(0.0, min(v, 1.0))

    head, tail = _open(width, height, title, desc)
    parts = [head]
    for k in range(11):
        v = k / 10
        parts.append(
            f'<line x1="{sx(v):.1f}" x2="{sx(v):.1f}" y1="{top}" y2="{height - 24}" stroke="{GRID}" '
            'stroke-width="0.6"/>'
        )
        parts.append(_text(sx(v), height - 8, axis_format(v), anchor="middle", size=9, fill=MUTED))
    lanes = 7
    for i, v in enumerate(values):
        y = top + 6 + (i % lanes) * ((height - top - 36) / (lanes - 1))
        hot = bool(highlight[i]) if i < len(highlight) else False
        parts.append(
            f'<circle cx="{sx(v):.1f}" cy="{y:.1f}" r="3.4" fill="{PALETTE[1] if hot else PALETTE[0]}" '
            'fill-opacity="0.8"/>'
        )
    if threshold is not None:
        parts.append(
            f'<line x1="{sx(threshold):.1f}" x2="{sx(threshold):.1f}" y1="{top - 8}" y2="{height - 24}" '
            f'stroke="{INK}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(sx(threshold), top - 10, threshold_label, anchor="end", size=9))
    parts.append(tail)
    return mark_safe("".join(parts))


def line_chart(
    *,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    width: float = 640,
    height: float = 200,
    axis_format=None,
) -> SafeString:
    """Lines over ordered categories (e.g. months); a missing value breaks the line."""
    axis_format = axis_format or (lambda v: f"{v * 100:.0f}%")
    left, right, top, bottom = 44, 12, 14, 40 + 16 * ((len(series) + 1) // 2)
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for s in series for v in s.values if v is not None]
    hi = _nice_max(max(known + [0.05]))
    n = max(len(x_labels), 1)

    def sx(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def sy(v: float) -> float:
        return top + plot_h * (1 - v / hi)

    head, tail = _open(width, height, title, desc)
    parts = [head]
    for v in _ticks(hi):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" stroke="{GRID}" '
            'stroke-width="0.6"/>'
        )
        parts.append(_text(left - 4, sy(v) + 3, axis_format(v), anchor="end", size=9, fill=MUTED))
    step = max(1, n // 12)
    for i, label in enumerate(x_labels):
        if i % step == 0:
            parts.append(_text(sx(i), top + plot_h + 14, label, anchor="middle", size=9, fill=MUTED))
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate(list(s.values) + [None]):
            if v is None:
                if len(run) > 1:
                    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            run.append(f"{sx(i):.1f},{sy(v):.1f}")
            parts.append(f'<circle cx="{sx(i):.1f}" cy="{sy(v):.1f}" r="2.6" fill="{colour}"/>')
        ly = top + plot_h + 30 + 16 * (j // 2)
        lx = left + (j % 2) * (plot_w / 2)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>')
        parts.append(_text(lx + 18, ly - 4, s.label, size=10))
    parts.append(tail)
    return mark_safe("".join(parts))
