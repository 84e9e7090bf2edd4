"""The course's one figure module: every figure on the site goes through it.

A lesson fence draws with plain matplotlib inside ``figure(...)`` and prints
the figure into the page::

    from downhill.figures import COST, figure

    with figure(alt="A parabola with its lowest point at w = 3") as fig:
        ax = fig.subplots()
        ax.plot(w, (w - 3) ** 2, color=COST)
    print(fig)

``print(fig)`` writes the figure as inline SVG that:

* uses the course style (``downhill.mplstyle``), applied to this figure only;
* follows the reader's colour scheme: the ink colour becomes ``currentColor``
  and each concept colour becomes a CSS variable with a light and a dark value;
* is byte-for-byte reproducible, with ids unique to the figure, so several
  figures on one page never share a clip path;
* carries its alt text as the SVG's accessible name (alt text is required),
  and keeps its drawing out of the search index;
* rasterizes dense artists (filled contours, surfaces, big scatter plots).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.collections import Collection, LineCollection
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

STYLE = Path(__file__).with_name("downhill.mplstyle")

# Text, axes and ticks are drawn in this ink; the site swaps it for currentColor.
INK = "#262626"

# The course's visual language: one colour per recurring concept, as
# (light scheme, dark scheme). The light value is what matplotlib draws with.
PALETTE = {
    "cost": ("#cf4154", "#ff8595"),
    "data": ("#2b7d9f", "#6cc4ea"),
    "path": ("#a36708", "#ffba4d"),
    "target": ("#30834e", "#74d494"),
    "gradient": ("#8763bb", "#bfa2f2"),
    "neutral": ("#757575", "#a3a3a3"),
}
COST = PALETTE["cost"][0]  # the cost and everything measured by it
DATA = PALETTE["data"][0]  # training examples, network outputs
PATH = PALETTE["path"][0]  # descent paths, the rolling ball
TARGET = PALETTE["target"][0]  # targets, minima, the right answer
GRADIENT = PALETTE["gradient"][0]  # gradients, slopes, tangents
NEUTRAL = PALETTE["neutral"][0]  # context: reference curves, baselines

DIGIT_CMAP = "gray"  # digits as in the video: white strokes on black
DENSE_VERTICES = 4000  # collections with more vertices than this are rasterized
# ... and so are collections with more marks than this: a scatter of 13,002 dots is
# 13,002 SVG <use> elements, which took a browser tens of seconds to lay out.
DENSE_MARKS = 2000


# Figures drawn but not yet printed; the site build fails on any left over.
_unprinted: dict[int, str] = {}


class CourseFigure(Figure):
    """A matplotlib Figure whose printed form is its HTML for the page."""

    html: str | None = None
    alt: str = ""

    def __str__(self) -> str:
        if self.html is None:
            raise RuntimeError("print(fig) after its `with figure(...)` block has ended")
        _unprinted.pop(id(self), None)
        return self.html


@contextmanager
def figure(*, alt: str, caption: str = "", size: tuple[float, float] | None = None) -> Iterator[CourseFigure]:
    """Draw a figure in the course style; ``print(fig)`` after the block shows it.

    ``alt`` describes what the figure shows for readers who cannot see it.
    ``caption`` (shown under the figure, HTML allowed) says what to look at.
    ``size`` is (width, height) in inches; the page scales it to fit.
    """
    check_alt(alt)
    with mpl.rc_context(fname=STYLE):
        fig = CourseFigure(figsize=size or mpl.rcParams["figure.figsize"], layout="constrained")
        yield fig
    fig.html, fig.alt = to_html(fig, alt=alt, caption=caption), alt
    _unprinted[id(fig)] = alt


def take_unprinted() -> list[str]:
    """Alt texts of figures drawn but never printed since the last call."""
    left = list(_unprinted.values())
    _unprinted.clear()
    return left


def check_alt(alt: str) -> None:
    if not isinstance(alt, str) or len(alt.strip()) < 10:
        raise ValueError("every figure needs alt text: a sentence saying what it shows (alt=...)")


def to_html(fig: Figure, *, alt: str, caption: str = "") -> str:
    """The figure as a <figure> element with inline, scheme-aware SVG."""
    check_alt(alt)
    svg = inline_svg(to_svg(fig), alt)
    caption_html = f"\n<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="dh-figure">\n{svg}{caption_html}\n</figure>'


def to_svg(fig: Figure) -> str:
    """Render with the course style: deterministic, dense artists rasterized."""
    for ax in fig.axes:
        for artist in ax.get_children():
            if isinstance(artist, Collection) and is_dense(artist):
                artist.set_rasterized(True)
    buffer = io.StringIO()
    with mpl.rc_context(fname=STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def is_dense(collection: Collection) -> bool:
    """Surfaces, and collections with more than DENSE_VERTICES vertices or DENSE_MARKS marks."""
    if isinstance(collection, Poly3DCollection):
        return True  # its 2-D paths exist only once drawn: a surface is dense anyway
    return vertex_count(collection) > DENSE_VERTICES or len(collection.get_offsets()) > DENSE_MARKS


def vertex_count(collection: Collection) -> int:
    return sum(len(path.vertices) for path in collection.get_paths())


def inline_svg(svg: str, alt: str) -> str:
    """Turn matplotlib's SVG document into an element fit to inline in a page."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = PATH_DATA.sub(lambda path: ' d="' + LONG_NUMBER.sub(round_coordinate, path[1]) + '"', svg)
    # Mark text (matplotlib draws it as glyph outlines in groups "text_N") so the
    # browser tests can find it and check its contrast in both colour schemes.
    svg = re.sub(r'<g id="(text_\d+)"', r'<g class="dh-text" id="\1"', svg)
    # matplotlib names some clip paths after object addresses, which change from
    # run to run: number the ids in order of appearance, then prefix them with a
    # hash of the figure, so they are reproducible and unique to this figure.
    names = {name: str(n) for n, name in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg)))}
    svg = rename_ids(svg, names)
    prefix = "f" + hashlib.sha256(svg.encode()).hexdigest()[:10] + "-"
    svg = rename_ids(svg, {n: prefix + n for n in names.values()})
    svg = svg.replace(INK, "currentColor")
    for name, (light, _dark) in PALETTE.items():
        svg = svg.replace(light, f"var(--dh-{name}, {light})")
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)[1])
    label = html.escape(alt.strip(), quote=True)
    svg = re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{label}" data-search-exclude class="dh-figure__svg" '
        f'style="max-width: {width * 4 / 3:.0f}px" ',
        1,
    )


# Path coordinates are in points: matplotlib writes six decimals; two are a
# hundredth of a pixel, and they make dense figures a third lighter.
PATH_DATA = re.compile(r'\sd="([^"]*)"')
LONG_NUMBER = re.compile(r"-?\d+\.\d{3,}")


def round_coordinate(number: re.Match) -> str:
    return f"{float(number[0]):.2f}".rstrip("0").rstrip(".")


def ink_on(colour) -> str:
    """"black" or "white": whichever text colour reads better on a filled cell of `colour`.

    Text drawn on a coloured cell (a heat map, a confusion matrix) does not sit on the
    page, so it cannot follow the page's scheme: it follows the cell instead."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in mpl.colors.to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def draw_digit(ax, pixels, title: str = "") -> None:
    """One 28x28 digit as the network sees it: pixel values 0 (black) to 1 (white)."""
    ax.imshow(np.reshape(pixels, (28, 28)), cmap=DIGIT_CMAP, vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title, loc="center", fontweight="normal", fontsize="medium")


def draw_network(ax, sizes, activations=None, shown: int = 12) -> None:
    """The layers as columns of neurons, joined by (a sample of) their weights.

    Layers wider than ``shown`` neurons show an evenly spaced sample of them,
    split by a gap. With ``activations`` (one array per layer), each neuron is filled with
    its activation: black for 0, white for 1, as the digits are drawn.
    """
    columns = []
    for layer, size in enumerate(sizes):
        index = np.arange(size) if size <= shown else np.linspace(0, size - 1, shown).round().astype(int)
        y = np.linspace(1, -1, len(index)) * min(1, len(index) / shown)
        if size > shown:  # leave a gap where the hidden neurons are
            y = np.where(np.arange(len(index)) < shown // 2, y + 0.06, y - 0.06)
        columns.append((index, y))
    segments = [
        [(layer, y0), (layer + 1, y1)]
        for layer in range(len(sizes) - 1)
        for y0 in columns[layer][1]
        for y1 in columns[layer + 1][1]
    ]
    ax.add_collection(LineCollection(segments, colors=INK, linewidths=0.4, alpha=0.18))
    for layer, (index, y) in enumerate(columns):
        fill = "none"
        if activations is not None:
            fill = mpl.colormaps[DIGIT_CMAP](np.clip(np.asarray(activations[layer])[index], 0, 1))
        ax.scatter(np.full(len(y), layer), y, s=90, c=fill, edgecolors=INK, linewidths=0.9, zorder=3)
        if sizes[layer] > shown:
            ax.text(layer, 0, "⋮", ha="center", va="center", fontsize=14)
        ax.text(layer, -1.22, f"{sizes[layer]:,}", ha="center", va="top")
    ax.set_xlim(-0.4, len(sizes) - 0.6)
    ax.set_ylim(-1.4, 1.12)
    ax.set_axis_off()


def rename_ids(svg: str, names: dict[str, str]) -> str:
    """Rename SVG ids and every reference to them (href="#id", url(#id))."""
    def rename(match: re.Match) -> str:
        return match[1] + names.get(match[2], match[2]) + match[3]

    svg = re.sub(r'(\bid=")([^"]+)(")', rename, svg)
    svg = re.sub(r'(href="#)([^"]+)(")', rename, svg)
    return re.sub(r"(url\(#)([^)]+)(\))", rename, svg)


def css_variables() -> str:
    """The stylesheet that gives each concept colour its light and dark value."""
    light = "\n".join(f"  --dh-{name}: {pair[0]};" for name, pair in PALETTE.items())
    dark = "\n".join(f"  --dh-{name}: {pair[1]};" for name, pair in PALETTE.items())
    return (
        "/* Generated from downhill.figures.PALETTE: edit the palette there. */\n"
        f":root, [data-md-color-scheme=\"default\"] {{\n{light}\n}}\n"
        f"[data-md-color-scheme=\"slate\"] {{\n{dark}\n}}\n"
        "/* Paper is always light. */\n"
        f"@media print {{\n  [data-md-color-scheme=\"slate\"] {{\n{indent(light)}\n  }}\n}}\n"
    )


def indent(lines: str) -> str:
    return "\n".join("  " + line for line in lines.split("\n"))
