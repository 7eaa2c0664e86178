"""Verification plots drawn with matplotlib (Agg backend, no display) as inline SVG."""

from __future__ import annotations

import io

from compute.models import Plot

_STYLES = {"points": {"marker": "o", "linestyle": "none"}, "line": {"linestyle": "-"},
           "claim": {"marker": "x", "linestyle": "none", "markersize": 9}}


def plot_svg(plot: Plot) -> str:
    """An <svg> element for the plot (matplotlib's own output, XML header dropped)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    axes = figure.add_subplot()
    for series in plot.series:
        axes.plot(series.x, series.y, label=series.label, **_STYLES.get(series.style, {}))
    axes.set(title=plot.title, xlabel=plot.x_label, ylabel=plot.y_label)
    if plot.log_x:
        axes.set_xscale("log")
    if plot.log_y:
        axes.set_yscale("log")
    axes.legend(fontsize="small")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]
