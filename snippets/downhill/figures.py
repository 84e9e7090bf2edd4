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

import base64
import hashlib
import html
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
import PIL.Image
from matplotlib.collections import Collection, LineCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.transforms import Bbox
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
SMALL_GRID = 64  # images of at most this many cells a side are embedded cell for cell


# Figures drawn but not yet printed; the site build fails on any left over.
_unprinted: dict[int, str] = {}


class CourseFigure(Figure):
    """A matplotlib Figure whose printed form is its HTML for the page."""

    html: str | None = None
    alt: str = ""

    def __str__(self) -> str:
        if self.html is None:
            raise RuntimeError(
                "print(fig) after its `with figure(...)` block has ended"
            )
        _unprinted.pop(id(self), None)
        return self.html


@contextmanager
def figure(
    *, alt: str, caption: str = "", size: tuple[float, float] | None = None
) -> Iterator[CourseFigure]:
    """Draw a figure in the course style; ``print(fig)`` after the block shows it.

    ``alt`` describes what the figure shows for readers who cannot see it.
    ``caption`` (shown under the figure, HTML allowed) says what to look at.
    ``size`` is (width, height) in inches; the page scales it to fit.
    """
    check_alt(alt)
    with mpl.rc_context(fname=STYLE):
        fig = CourseFigure(
            figsize=size or mpl.rcParams["figure.figsize"], layout="constrained"
        )
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
        raise ValueError(
            "every figure needs alt text: a sentence saying what it shows (alt=...)"
        )


def to_html(fig: Figure, *, alt: str, caption: str = "") -> str:
    """The figure as a <figure> element: one inline, scheme-aware SVG per panel.

    A figure of side-by-side panels is cut into one SVG per panel, laid out in a
    wrapping row: side by side where they fit, stacked on a phone. The first panel
    carries the figure's accessible name; the others are hidden from screen readers,
    so the figure is announced once. A button opens the figure full-screen."""
    check_alt(alt)
    panels = share_glyphs(
        [
            inline_svg(svg, alt if n == 0 else None, salt=str(n))
            for n, svg in enumerate(panel_svgs(fig))
        ]
    )
    caption_html = f"\n<figcaption>{caption}</figcaption>" if caption else ""
    return (
        f'<figure class="dh-figure">\n<div class="dh-figure__panels">\n{"".join(panels)}</div>\n'
        f'<button type="button" class="dh-figure__open" aria-label="Open the figure full-screen" hidden>'
        f"</button>{caption_html}\n</figure>"
    )


# A glyph outline as matplotlib defines it (in 1/64 font units), once per SVG.
GLYPH = re.compile(
    r'<path id="([^"]+)" d="([^"]*)"\s*transform="scale\(0\.015625\)"\s*/>\s*'
)


def share_glyphs(panels: list[str]) -> list[str]:
    """Each glyph outline defined once per figure: later panels use the first's.
    (The panels of a figure are always shown together, so the first is there.)"""
    first: dict[str, str] = {}  # outline -> id of its definition
    shared = []
    for svg in panels:
        renamed: dict[str, str] = {}

        def keep_or_drop(glyph: re.Match) -> str:
            if glyph[2] in first:
                renamed[glyph[1]] = first[glyph[2]]
                return ""
            first[glyph[2]] = glyph[1]
            return glyph[0]

        svg = re.sub(r"<defs>\s*</defs>\s*", "", GLYPH.sub(keep_or_drop, svg))
        shared.append(
            re.sub(
                r'href="#([^"]+)"',
                lambda ref: f'href="#{renamed.get(ref[1], ref[1])}"',
                svg,
            )
        )
    return shared


# Figure text must stay readable on a phone without zooming: in a 390 px wide
# viewport the content column is about 358 px. Each panel is sized so that, shown
# that wide, its text is at least SMALLEST_PX high (its smallest) and MEDIAN_PX
# (its median); a panel wider than that makes the whole figure smaller, text kept.
PHONE_COLUMN = 350  # px, a little under the column, for narrower phones' sake
SMALLEST_PX, MEDIAN_PX = 8.2, 9.2


def panel_svgs(fig: Figure) -> list[str]:
    """The figure's panels as SVG documents."""
    for ax in fig.axes:
        for artist in ax.get_children():
            if isinstance(artist, Collection) and is_dense(artist):
                with warnings.catch_warnings():
                    # matplotlib 3.8-3.10 warn that a contour set's rasterization
                    # "will be ignored", then rasterize it all the same
                    # (tests/test_figures.py checks the result)
                    warnings.filterwarnings("ignore", "Rasterization of", UserWarning)
                    artist.set_rasterized(True)
            if isinstance(artist, AxesImage) and is_small_grid(artist):
                # one pixel per cell, enlarged by the browser with sharp edges (as
                # "nearest" draws it), instead of resampled at savefig.dpi: 5x lighter
                artist.set_interpolation("none")
    with mpl.rc_context(fname=STYLE):
        if not any(ax.get_visible() for ax in fig.axes):
            return [_save(fig)]
        panels = fit_to_phone(fig)
        if len(panels) == 1:
            return [_save(fig)]
        # Freeze the layout computed with every panel shown, then save each panel
        # alone: the others hidden, cropped to its columns and the figure's full height.
        fig.set_layout_engine("none")
        top = fig.get_tightbbox(fig._get_renderer())
        out = []
        for panel in panels:
            hidden = [
                ax for ax in fig.axes if ax not in panel.axes and ax.get_visible()
            ]
            for ax in hidden:
                ax.set_visible(False)
            box = Bbox.from_extents(panel.x0, top.y0, panel.x1, top.y1).padded(
                mpl.rcParams["savefig.pad_inches"]
            )
            out.append(_save(fig, bbox_inches=box, pad_inches=0))
            for ax in hidden:
                ax.set_visible(True)
        return out


def _save(fig: Figure, **options) -> str:
    buffer = io.StringIO()
    fig.savefig(
        buffer, format="svg", metadata={"Date": None, "Creator": None}, **options
    )
    return buffer.getvalue()


class Panel:
    """Axes that sit in the same columns of a figure (with their colorbars)."""

    def __init__(self, axes: list, renderer, dpi: float) -> None:
        self.axes = axes
        boxes = [ax.get_tightbbox(renderer) for ax in axes]
        self.x0 = min(box.x0 for box in boxes if box) / dpi  # inches
        self.x1 = max(box.x1 for box in boxes if box) / dpi
        sizes = sorted(
            text.get_fontsize()
            for ax in axes
            for text in ax.findobj(mpl.text.Text)
            if text.get_visible() and text.get_text().strip()
        )
        sizes = sizes or [mpl.rcParams["font.size"]]
        points = (self.x1 - self.x0 + 2 * mpl.rcParams["savefig.pad_inches"]) * 72
        self.basis = points * readable_scale(sizes)

    def too_wide(self) -> float:
        """How many times too wide this panel is for a phone (1 or less: it fits)."""
        return self.basis / PHONE_COLUMN


def readable_scale(sizes: list[float]) -> float:
    """The px per pt a panel with text of these sizes (pt, sorted) must be shown at,
    at least, for its text to read at SMALLEST_PX and MEDIAN_PX."""
    return max(SMALLEST_PX / sizes[0], MEDIAN_PX / sizes[len(sizes) // 2])


def fit_to_phone(fig: Figure) -> list[Panel]:
    """Lay the figure out, shrinking it (text kept) until every panel fits a phone."""
    for _ in range(4):
        fig.draw_without_rendering()
        panels = split_panels(fig)
        worst = max(panel.too_wide() for panel in panels)
        if worst <= 1.01:
            break
        width, height = fig.get_size_inches()
        fig.set_size_inches(width / worst * 0.99, height / worst * 0.99)
    return panels


def split_panels(fig: Figure) -> list[Panel]:
    """Group the axes into panels: axes whose columns overlap, and each colorbar with
    the nearest of the axes it belongs to. Figure-level artists (a suptitle, a figure
    legend) and grids of pictures (rows and columns of digits) keep the figure whole."""
    renderer = fig._get_renderer()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    figure_level = [fig, *fig.subfigs]
    whole = any(
        part.texts or part.legends or getattr(part, "_suptitle", None)
        for part in figure_level
    )
    if whole or len(axes) < 2:
        return [Panel(axes, renderer, fig.dpi)]
    colorbars = [ax for ax in axes if hasattr(ax, "_colorbar")]
    plots = [ax for ax in axes if ax not in colorbars]
    groups = merge_overlapping([[ax] for ax in plots])
    if sum(sum(map(is_picture, group)) >= 2 for group in groups) >= 2:
        # a grid of pictures is read row by row: keep it whole
        return [Panel(axes, renderer, fig.dpi)]
    for colorbar in colorbars:
        parents = [
            p
            for p in getattr(colorbar, "_colorbar_info", {}).get("parents", [])
            if p in plots
        ]
        box = colorbar.get_position()
        near = min(parents or plots, key=lambda p: abs(p.get_position().x1 - box.x0))
        next(group for group in groups if near in group).append(colorbar)
    groups.sort(key=lambda group: min(ax.get_position().x0 for ax in group))
    return [Panel(group, renderer, fig.dpi) for group in groups]


def is_picture(ax) -> bool:
    """An image without axis ticks (a digit, a neuron's weights)."""
    return bool(ax.images) and (
        not ax.axison or not (len(ax.get_xticks()) or len(ax.get_yticks()))
    )


def overlap(a: Bbox, b: Bbox) -> bool:
    """Whether two axes boxes share columns (more than a sliver)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.02 * min(a.width, b.width)


def merge_overlapping(groups: list[list]) -> list[list]:
    """Merge groups of axes until no two share columns."""
    merged = True
    while merged:
        merged = False
        for i, j in (
            (i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))
        ):
            if any(
                overlap(a.get_position(), b.get_position())
                for a in groups[i]
                for b in groups[j]
            ):
                groups[i] += groups.pop(j)
                merged = True
                break
    return groups


def is_dense(collection: Collection) -> bool:
    """Surfaces, and collections with more than DENSE_VERTICES vertices or DENSE_MARKS marks."""
    if isinstance(collection, Poly3DCollection):
        return True  # its 2-D paths exist only once drawn: a surface is dense anyway
    return (
        vertex_count(collection) > DENSE_VERTICES
        or len(collection.get_offsets()) > DENSE_MARKS
    )


def is_small_grid(image: AxesImage) -> bool:
    """An image of a few cells drawn as blocks (digits, weights, confusion matrices)."""
    return (
        image.get_interpolation() in ("nearest", "antialiased", "auto")
        and max(image.get_array().shape[:2]) <= SMALL_GRID
    )


def vertex_count(collection: Collection) -> int:
    return sum(len(path.vertices) for path in collection.get_paths())


def inline_svg(svg: str, alt: str | None, salt: str = "") -> str:
    """Turn matplotlib's SVG document into an element fit to inline in a page.

    With ``alt`` it is named for screen readers; without, it is one more panel of a
    figure named by its first, and hidden from them. It may shrink (flex-basis) as
    long as its text stays readable, and grow to its natural size (96 px per inch)."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = PATH_DATA.sub(
        lambda path: ' d="' + LONG_NUMBER.sub(round_coordinate, path[1]) + '"', svg
    )
    svg = PNG_DATA.sub(lambda image: lighter_image(image[1]), svg)
    # matplotlib names an image after its pixels, so identical images (four neurons
    # that start equal) share an id; nothing refers to it: drop it.
    svg = re.sub(r'(<image\b[^>]*?)\s+id="[^"]*"', r"\1", svg)
    # Mark text (matplotlib draws it as glyph outlines in groups "text_N") so the
    # browser tests can find it and check its contrast in both colour schemes, with
    # its font size in pt (data-pt): in the page it is data-pt times the SVG's shown
    # width over its viewBox width, in CSS px.
    svg = TEXT_GROUP.sub(
        lambda text: (
            f'<g class="dh-text" data-pt="{float(text[2]) * 100:g}" id="{text[1]}">'
        ),
        svg,
    )
    # any other text
    svg = re.sub(r'<g id="(text_\d+)"', r'<g class="dh-text" id="\1"', svg)
    # matplotlib names some clip paths after object addresses, which change from
    # run to run: number the ids in order of appearance, then prefix them with a
    # hash of the figure, so they are reproducible and unique to this figure.
    names = {
        name: str(n)
        for n, name in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg)))
    }
    svg = rename_ids(svg, names)
    prefix = "f" + hashlib.sha256((salt + svg).encode()).hexdigest()[:10] + "-"
    svg = rename_ids(svg, {n: prefix + n for n in names.values()})
    svg = svg.replace(INK, "currentColor")
    for name, (light, _dark) in PALETTE.items():
        svg = svg.replace(light, f"var(--dh-{name}, {light})")
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)[1])
    natural = width * 4 / 3  # px: 96 px to 72 pt
    sizes = sorted(float(pt) for pt in re.findall(r'data-pt="([\d.]+)"', svg))
    basis = min(natural, width * readable_scale(sizes)) if sizes else natural
    svg = re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
    if alt is not None:
        name = f'role="img" aria-label="{html.escape(alt.strip(), quote=True)}"'
    else:
        name = 'aria-hidden="true"'
    return svg.replace(
        "<svg ",
        f'<svg {name} data-search-exclude class="dh-figure__svg" '
        f'style="flex: {width:.0f} 1 {basis:.0f}px; max-width: {natural:.0f}px" ',
        1,
    )


# A text group and the scale of its glyphs: matplotlib defines glyph outlines
# 100 units high and scales them by the font size (pt) / 100.
TEXT_GROUP = re.compile(
    r'<g id="(text_\d+)">(?=\s*<g [^>]*?transform="[^"]*?scale\(([\d.]+)[ ,)])'
)


# Rasterized artists (surfaces, filled contours, images) come as PNG.
PNG_DATA = re.compile(r"data:image/png;base64,\s*([A-Za-z0-9+/=\s]+)")
WEBP_QUALITY = 85  # lossy WebP: indistinguishable at the size figures are shown


def lighter_image(png_base64: str) -> str:
    """A rasterized part as the lightest of PNG, lossless WebP and lossy WebP (alpha
    kept lossless). Lossy is chosen only where it saves a third or more (shaded
    surfaces): on flat images (digits, heat maps) lossless WebP is about as light and
    keeps every pixel."""
    png = base64.b64decode(png_base64)
    with PIL.Image.open(io.BytesIO(png)) as image:
        image.load()
        choices = {
            "png": png,
            "webp-lossless": webp(image, lossless=True),
            "webp": webp(image, lossless=False),
        }
    if len(choices["webp"]) > 2 / 3 * len(choices["webp-lossless"]):
        del choices["webp"]
    kind = min(choices, key=lambda name: len(choices[name]))
    mime = "image/png" if kind == "png" else "image/webp"
    return f"data:{mime};base64," + base64.b64encode(choices[kind]).decode("ascii")


def webp(image, *, lossless: bool) -> bytes:
    out = io.BytesIO()
    image.save(
        out,
        "WEBP",
        lossless=lossless,
        quality=100 if lossless else WEBP_QUALITY,
        method=6,
        exact=False,
    )
    return out.getvalue()


# Path coordinates are in points: matplotlib writes six decimals; two are a
# hundredth of a pixel, and they make dense figures a third lighter.
PATH_DATA = re.compile(r'\sd="([^"]*)"')
LONG_NUMBER = re.compile(r"-?\d+\.\d{3,}")


def round_coordinate(number: re.Match) -> str:
    return f"{float(number[0]):.2f}".rstrip("0").rstrip(".")


def ink_on(colour) -> str:
    """ "black" or "white": whichever text colour reads better on a filled cell of `colour`.

    Text drawn on a coloured cell (a heat map, a confusion matrix) does not sit on the
    page, so it cannot follow the page's scheme: it follows the cell instead."""
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in mpl.colors.to_rgb(colour)
    )
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (
        "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"
    )


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
        index = (
            np.arange(size)
            if size <= shown
            else np.linspace(0, size - 1, shown).round().astype(int)
        )
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
            fill = mpl.colormaps[DIGIT_CMAP](
                np.clip(np.asarray(activations[layer])[index], 0, 1)
            )
        ax.scatter(
            np.full(len(y), layer),
            y,
            s=90,
            c=fill,
            edgecolors=INK,
            linewidths=0.9,
            zorder=3,
        )
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
        f':root, [data-md-color-scheme="default"] {{\n{light}\n}}\n'
        f'[data-md-color-scheme="slate"] {{\n{dark}\n}}\n'
        "/* Paper is always light. */\n"
        f'@media print {{\n  [data-md-color-scheme="slate"] {{\n{indent(light)}\n  }}\n}}\n'
    )


def indent(lines: str) -> str:
    return "\n".join("  " + line for line in lines.split("\n"))
