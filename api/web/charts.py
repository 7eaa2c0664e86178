"""Charts drawn on the server as small SVG elements (no JavaScript, no fonts to fetch): bars of counts, a
coverage bar, and an entity's neighbourhood as a radial graph whose nodes link to their pages."""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from api.web.templating import node_url
from kg.network import Neighbour

NODE_COLOURS = {"Paper": "#2563eb", "Model": "#7c3aed", "Technique": "#0d9488", "Benchmark": "#d97706",
                "Organisation": "#db2777", "Hardware": "#4b5563"}
BAR_COLOURS = {"supported": "#15803d", "approximately_supported": "#b45309", "refuted": "#b91c1c",
               "not_checkable": "#6b7280", "unverified": "#9ca3af"}


def bars(title: str, items: list[tuple[str, str, int]], width: int = 520) -> Markup:
    """Horizontal bars, one per (key, label, count); the key picks the colour. Every bar is labelled in text."""
    row, label_w, top = 30, 190, 8
    most = max((n for _, _, n in items), default=0) or 1
    height = top * 2 + row * len(items)
    parts = [(f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
              f'aria-label="{escape(title)}"><title>{escape(title)}</title>')]
    for i, (key, label, n) in enumerate(items):
        y = top + i * row
        w = max((width - label_w - 60) * n / most, 2 if n else 0)
        colour = BAR_COLOURS.get(key, "#2563eb")
        parts.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" class="chart-label">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="20" rx="3" fill="{colour}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 19}" class="chart-value">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def coverage_bar(checked: int, claims: int, width: int = 520) -> Markup:
    share = checked / claims if claims else 0.0
    title = f"{checked} of {claims} numeric claims checked ({100 * share:.1f}%)"
    filled = max(width * share, 3 if checked else 0)
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} 28" width="{width}" height="28" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect x="0" y="4" width="{width}" height="20" rx="4" fill="#e5e7eb"/>'
        f'<rect x="0" y="4" width="{filled:.1f}" height="20" rx="4" fill="#15803d"/></svg>'
    )


def _label(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def neighbourhood_svg(centre: str, centre_type: str, neighbours: list[Neighbour], size: int = 440) -> Markup:
    """The entity in the middle, its neighbours on a ring; edge width grows with the edge's weight."""
    if not neighbours:
        return Markup("")
    width = size + 240  # room for the labels either side of the ring
    centre_x, middle, radius = width / 2, size / 2, size / 2 - 40
    heaviest = max(n.weight for n in neighbours) or 1
    edges, nodes = [], []
    for i, n in enumerate(neighbours):
        angle = 2 * math.pi * i / len(neighbours) - math.pi / 2
        x, y = centre_x + radius * math.cos(angle), middle + radius * math.sin(angle)
        edges.append(f'<line x1="{centre_x}" y1="{middle}" x2="{x:.1f}" y2="{y:.1f}" '
                     f'stroke-width="{1 + 4 * n.weight / heaviest:.1f}"/>')
        anchor = "start" if math.cos(angle) > 0.3 else "end" if math.cos(angle) < -0.3 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        dy = 4 if anchor != "middle" else (-12 if math.sin(angle) < 0 else 20)
        label = escape(_label(n.label or n.iri.rsplit("/", 1)[-1]))
        colour = NODE_COLOURS.get(n.type or "", "#9ca3af")
        node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}"/>'
                f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{label}</text>')
        url = node_url(n.iri)
        title = f"<title>{escape(n.label or n.iri)} ({escape(n.type or 'node')}, weight {n.weight:g})</title>"
        nodes.append(f'<a href="{escape(url)}">{title}{node}</a>' if url else f"<g>{title}{node}</g>")
    centre_colour = NODE_COLOURS.get(centre_type, "#111827")
    return Markup(
        f'<svg class="graph" role="img" viewBox="0 0 {width} {size}" width="{width}" height="{size}" '
        f'aria-label="{escape(centre)} and {len(neighbours)} related entities">'
        f'<g class="edges">{"".join(edges)}</g>'
        f'<circle cx="{centre_x}" cy="{middle}" r="11" fill="{centre_colour}" stroke="#fff" stroke-width="3"/>'
        f'<text class="centre" x="{centre_x}" y="{middle + 28}" text-anchor="middle">{escape(_label(centre, 30))}</text>'
        f'<g class="nodes">{"".join(nodes)}</g></svg>'
    )
