"""Charts drawn on the server as inline SVG: readable without JavaScript, nothing fetched from elsewhere.

Each chart has `role="img"` and an accessible name (`aria-label`), a `<title>` per mark (hover shows the
figure), and the same figures as a table next to it for screen readers and copying.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str  # under or beside the bar (may be empty to skip a tick)
    value: float
    title: str  # the mark's tooltip: the full figure in words


def columns(bars: Sequence[Bar], *, name: str, width: int = 640, height: int = 180) -> Markup:
    """Vertical bars (e.g. requests per day). Labels are drawn for the bars that carry one."""
    top, bottom, left = 12, 28, 34
    plot_h = height - top - bottom
    plot_w = width - left - 4
    peak = max((b.value for b in bars), default=0) or 1
    step = plot_w / max(len(bars), 1)
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}" '
           f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line class="grid" x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_num(peak * frac)}</text>')
    for i, b in enumerate(bars):
        h = plot_h * (b.value / peak)
        x = left + i * step + step * 0.15
        out.append(f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                   f'height="{h:.1f}"><title>{escape(b.title)}</title></rect>')
        if b.label:
            out.append(f'<text class="tick" x="{x + step * 0.35:.1f}" y="{height - 8}" '
                       f'text-anchor="middle">{escape(b.label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def meters(bars: Sequence[Bar], *, name: str, width: int = 640, row: int = 26) -> Markup:
    """Horizontal bars of a share between 0 and 1 (e.g. fill rate per category), the percentage at the end."""
    label_w, value_w = 150, 56
    plot_w = width - label_w - value_w
    height = row * max(len(bars), 1) + 4
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}" '
           f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">']
    for i, b in enumerate(bars):
        y = i * row + 4
        share = max(0.0, min(b.value, 1.0))
        out.append(f'<text class="label" x="{label_w - 8}" y="{y + row * 0.55:.1f}" text-anchor="end">'
                   f'{escape(_clip(b.label, 16))}</text>')
        out.append(f'<rect class="track" x="{label_w}" y="{y + 3}" width="{plot_w}" height="{row - 10}" rx="3"/>')
        out.append(f'<rect class="bar{" full" if b.value >= 1 else ""}" x="{label_w}" y="{y + 3}" '
                   f'width="{plot_w * share:.1f}" height="{row - 10}" rx="3"><title>{escape(b.title)}</title></rect>')
        out.append(f'<text class="value" x="{width - 4}" y="{y + row * 0.55:.1f}" text-anchor="end">'
                   f'{_percent(b.value)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _percent(share: float) -> str:
    """Small shares keep a decimal, so 0.4 % is not shown as an empty 0 %."""
    pct = share * 100
    return f"{pct:.1f}%" if 0 < pct < 10 else f"{round(pct)}%"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
