"""The figure module: scheme-aware, accessible, reproducible inline SVG."""

import re

import numpy as np
import pytest

from downhill import figures
from downhill.figures import COST, PALETTE, PATH, figure


def draw(alt="A rising line drawn in the cost colour", **kwargs):
    with figure(alt=alt, **kwargs) as fig:
        ax = fig.subplots()
        ax.plot([0, 1, 2], [0, 1, 4], color=COST, label="cost")
        ax.plot([0, 2], [4, 0], color=PATH, alpha=0.5)
        ax.set(xlabel="w", ylabel="cost", title="A title")
        ax.legend()
    return fig


def test_alt_text_is_required():
    with pytest.raises(ValueError, match="alt text"):
        with figure(alt=""):
            pass
    with pytest.raises(TypeError):
        with figure():  # alt is a required keyword
            pass


def test_the_svg_is_named_for_screen_readers_and_kept_out_of_search():
    html = str(draw(alt='Cost rises with w: "fast"'))
    svg_tag = re.search(r"<svg[^>]*>", html)[0]
    assert 'role="img"' in svg_tag
    assert 'aria-label="Cost rises with w: &quot;fast&quot;"' in svg_tag
    assert "data-search-exclude" in svg_tag
    assert "<text" not in html  # glyphs are paths: no stray words in the index


def test_caption_is_shown_under_the_figure():
    html = str(draw(caption="Look at the bend."))
    assert html.startswith('<figure class="dh-figure">')
    assert "<figcaption>Look at the bend.</figcaption>" in html


def test_colours_follow_the_reader_scheme():
    html = str(draw())
    assert "currentColor" in html  # ink: text, axes, ticks
    assert figures.INK not in html
    assert f"var(--dh-cost, {COST})" in html
    assert f"var(--dh-path, {PATH})" in html
    css = figures.css_variables()
    for name, (light, dark) in PALETTE.items():
        assert f"--dh-{name}: {light};" in css and f"--dh-{name}: {dark};" in css
    assert "fill: #ffffff" not in html and "background" not in html  # transparent


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Material's page backgrounds: white, and the slate scheme's hsla(232, 15%, 14%).
LIGHT_PAGE, DARK_PAGE = "#ffffff", "#1e2029"


@pytest.mark.parametrize("name", PALETTE)
def test_every_concept_colour_is_readable_as_text_in_both_schemes(name):
    # WCAG AA for text: a label drawn in a concept colour must reach 4.5:1 on the page.
    light, dark = PALETTE[name]
    assert contrast(light, LIGHT_PAGE) >= 4.5 and contrast(dark, DARK_PAGE) >= 4.5


def test_the_style_cycles_through_the_palette():
    import matplotlib as mpl

    cycle = mpl.rc_params_from_file(str(figures.STYLE), use_default_template=False)[
        "axes.prop_cycle"
    ]
    assert [c.lower() for c in cycle.by_key()["color"]] == [
        light for light, _ in PALETTE.values()
    ]


def test_text_on_a_cell_takes_the_more_readable_ink():
    assert figures.ink_on("#ffffff") == "black" and figures.ink_on("#000000") == "white"
    # white would be 3.7:1
    assert figures.ink_on((241 / 255, 68 / 255, 50 / 255)) == "black"
    assert figures.ink_on("#08306b") == "white"  # the darkest blue of "Blues"


def test_text_is_marked_for_the_contrast_check():
    html = str(draw())
    assert html.count('<g class="dh-text"') >= 5  # title, axis labels, ticks, legend


def test_rendering_is_byte_identical_and_ids_differ_between_figures():
    first, again = str(draw()), str(draw())
    assert first == again
    other = figure(alt="Another figure with another curve")
    with other as fig:
        fig.subplots().plot([0, 1], [1, 0], color=COST)
    ids_a = set(re.findall(r'id="([^"]+)"', first))
    ids_b = set(re.findall(r'id="([^"]+)"', str(fig)))
    assert ids_a and ids_b and not ids_a & ids_b
    assert "Date" not in first and "<metadata" not in first and "<!--" not in first


def test_dense_artists_are_rasterized_to_keep_pages_light():
    w1, w2 = np.meshgrid(np.linspace(-3, 3, 300), np.linspace(-3, 3, 300))
    with figure(alt="Filled contours of a bowl-shaped cost") as fig:
        ax = fig.subplots()
        ax.contourf(w1, w2, w1**2 + 3 * w2**2 + np.sin(3 * w1), levels=30)
    html = str(fig)
    assert "<image" in html  # the filled contours became one embedded bitmap
    assert len(html) < 150_000


def test_big_scatter_plots_and_surfaces_are_rasterized():
    rng = np.random.default_rng(0)
    with figure(alt="Thirteen thousand dots on a diagonal") as fig:
        fig.subplots().scatter(*rng.normal(size=(2, 13_002)), s=6)
    assert "<image" in str(fig) and len(str(fig)) < 100_000
    w1, w2 = np.meshgrid(np.linspace(-3, 3, 40), np.linspace(-3, 3, 40))
    with figure(alt="A bowl drawn as a 3-D surface") as fig:
        fig.add_subplot(projection="3d").plot_surface(w1, w2, w1**2 + w2**2)
    assert "<image" in str(fig)


def test_path_coordinates_keep_two_decimals():
    with figure(alt="A sine curve") as fig:
        fig.subplots().plot(
            np.linspace(0, 1, 50), np.sin(np.linspace(0, 6, 50)), color=COST
        )
    paths = " ".join(re.findall(r'\sd="([^"]*)"', str(fig)))
    assert paths and not re.search(r"\d\.\d{3}", paths)


def test_figures_must_be_printed_after_their_block():
    figures.take_unprinted()
    with figure(alt="A figure that is drawn and forgotten") as fig:
        with pytest.raises(RuntimeError, match="after its"):
            str(fig)
    assert figures.take_unprinted() == ["A figure that is drawn and forgotten"]
    str(fig)
    assert figures.take_unprinted() == []


def test_style_does_not_leak_into_global_matplotlib_state():
    import matplotlib

    before = dict(matplotlib.rcParams)
    draw()
    assert dict(matplotlib.rcParams) == before


def test_ids_do_not_depend_on_how_matplotlib_named_them():
    # matplotlib names some clip paths after object addresses, which vary by run
    def svg(name):
        return (
            f'<svg width="10pt" height="10pt"><defs><clipPath id="{name}"><rect/></clipPath></defs>'
            f'<g clip-path="url(#{name})"><use xlink:href="#{name}"/></g></svg>'
        )

    first, second = (
        figures.inline_svg(svg("p0a1b2c3"), "A clipped group"),
        figures.inline_svg(svg("p9f8e7d6"), "A clipped group"),
    )
    assert first == second
    assert "url(#f" in first and 'href="#f' in first


# --- panels, phones, full screen, raster weight ----------------------------------

PHONE_COLUMN_PX = 358  # the content column of a 390 px wide phone


def panels(html: str) -> list[dict]:
    """Each panel SVG of a printed figure: its opening tag, viewBox width (pt), the
    widths it may be shown at (px), and its text sizes (pt)."""
    out = []
    for svg in re.findall(
        r'<svg [^>]*class="dh-figure__svg".*?</svg>', html, flags=re.S
    ):
        tag = re.match(r"<svg [^>]*>", svg)[0]
        basis, natural = map(
            float,
            re.search(
                r"flex: [\d.]+ 1 ([\d.]+)px; max-width: ([\d.]+)px", tag
            ).groups(),
        )
        out.append(
            {
                "tag": tag,
                "svg": svg,
                "points": float(re.search(r'viewBox="0 0 ([\d.]+)', tag)[1]),
                "basis": basis,
                "natural": natural,
                "sizes": sorted(
                    float(pt)
                    for pt in re.findall(r'<g class="dh-text" data-pt="([\d.]+)"', svg)
                ),
            }
        )
    return out


def text_px(panel: dict, shown: float) -> tuple[float, float]:
    """(smallest, median) text height in px when the panel is shown `shown` px wide."""
    scale = shown / panel["points"]
    sizes = panel["sizes"]
    return sizes[0] * scale, sizes[len(sizes) // 2] * scale


def two_panels(size=(9.6, 3.6)):
    with figure(
        alt="A cost curve beside a heat map with its colour bar", size=size
    ) as fig:
        left, right = fig.subplots(1, 2)
        left.plot([0, 1, 2], [4, 1, 0], color=COST)
        left.set(title="Cost", xlabel="step", ylabel="cost")
        shown = right.imshow(np.arange(100.0).reshape(10, 10))
        fig.colorbar(shown, ax=right, label="weight")
    return str(fig)


def test_side_by_side_panels_are_one_svg_each_and_one_image_for_screen_readers():
    html = two_panels()
    first, second = panels(html)
    assert (
        html.count('role="img"') == 1
        and 'role="img" aria-label="A cost curve beside' in first["tag"]
    )
    assert 'aria-hidden="true"' in second["tag"] and "aria-label" not in second["tag"]
    assert '<div class="dh-figure__panels">' in html
    # the colour bar travels with the heat map it belongs to
    assert (
        "weight" not in first["svg"] and len(second["sizes"]) > len(first["sizes"]) / 2
    )


def test_ids_are_unique_across_the_panels_of_a_figure():
    html = two_panels()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) > 20 and len(ids) == len(set(ids))
    for ref in set(re.findall(r'(?:href="#|url\(#)([^")]+)', html)):
        assert ref in ids  # every reference resolves inside the page's figure


def test_each_glyph_outline_is_defined_once_per_figure():
    html = two_panels()
    outlines = re.findall(
        r'<path id="[^"]+" d="([^"]*)"\s*transform="scale\(0\.015625\)"', html
    )
    assert len(outlines) > 10 and len(outlines) == len(set(outlines))
    assert "<defs>\n</defs>" not in html


def test_panels_are_byte_identical_from_run_to_run():
    assert two_panels() == two_panels()


@pytest.mark.parametrize("size", [(9.6, 3.6), (12.0, 2.5), (6.4, 3.6)])
def test_figure_text_reads_on_a_phone(size):
    with figure(
        alt="Some panels in a row, each with ticks and a title", size=size
    ) as fig:
        for n, ax in enumerate(fig.subplots(1, round(size[0] / 3.2))):
            ax.plot([0, 1], [n, 1], color=COST)
            ax.set(title=f"panel {n}", xlabel="w")
    for panel in panels(str(fig)):
        # stacked on a phone: each panel as wide as the column allows
        smallest, median = text_px(panel, min(panel["natural"], PHONE_COLUMN_PX))
        assert smallest >= 8 and median >= 9
        # side by side with others: never narrower than its flex-basis
        smallest, median = text_px(panel, panel["basis"])
        assert smallest >= 8 and median >= 9
        assert panel["basis"] <= PHONE_COLUMN_PX


def test_a_wide_single_panel_is_made_smaller_with_its_text_kept():
    with figure(alt="One wide panel with small print in a corner", size=(10, 3)) as fig:
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1], color=COST)
        ax.text(0.5, 0.5, "small print", fontsize="small")
    (panel,) = panels(str(fig))
    assert panel["sizes"][0] == pytest.approx(10.5 * 0.833, abs=0.01)  # "small"
    assert panel["points"] < 10 * 72 * 0.6
    assert text_px(panel, min(panel["natural"], PHONE_COLUMN_PX))[0] >= 8


def test_data_pt_is_the_glyph_scale_times_100():
    html = str(draw())
    groups = re.findall(
        r'<g class="dh-text" data-pt="([\d.]+)"[^>]*>\s*<g [^>]*?scale\(([\d.]+)', html
    )
    assert groups and all(
        float(pt) == pytest.approx(float(scale) * 100) for pt, scale in groups
    )
    # ticks and legend, labels, title
    assert {float(pt) for pt, _ in groups} >= {9.5, 10.5, 11.5}
    assert html.count('<g class="dh-text"') == html.count("data-pt=")


def test_every_figure_has_a_full_screen_button():
    html = str(draw())
    assert (
        '<button type="button" class="dh-figure__open" aria-label="Open the figure full-screen" hidden>'
        in html
    )


def test_rasterized_parts_are_webp_when_that_is_lighter():
    w1, w2 = np.meshgrid(np.linspace(-3, 3, 300), np.linspace(-3, 3, 300))
    with figure(alt="Filled contours of a bowl-shaped cost") as fig:
        fig.subplots().contourf(w1, w2, w1**2 + 3 * w2**2 + np.sin(3 * w1), levels=30)
    html = str(fig)
    assert "data:image/webp;base64," in html and "data:image/png" not in html


def test_the_lightest_encoding_of_a_raster_is_kept():
    import base64
    import io

    import PIL.Image

    flat = PIL.Image.new("RGBA", (40, 40), (255, 0, 0, 128))
    png = io.BytesIO()
    flat.save(png, "PNG")
    data = figures.lighter_image(base64.b64encode(png.getvalue()).decode())
    kind, payload = re.match(r"data:image/(\w+);base64,(.*)", data).groups()
    assert len(base64.b64decode(payload)) <= len(png.getvalue())
    with PIL.Image.open(io.BytesIO(base64.b64decode(payload))) as image:
        # flat colour kept exactly
        assert image.convert("RGBA").getpixel((20, 20)) == (255, 0, 0, 128)


def test_a_grid_of_pictures_stays_whole_and_a_row_of_them_wraps():
    pixels = np.linspace(0, 1, 784)
    with figure(alt="Eight digits in two rows of four", size=(7.2, 3.6)) as fig:
        for n, ax in enumerate(fig.subplots(2, 4).flat):
            figures.draw_digit(ax, pixels, f"digit {n}")
    (grid,) = panels(str(fig))  # read row by row: columns must not come apart
    assert text_px(grid, min(grid["natural"], PHONE_COLUMN_PX))[0] >= 8
    with figure(alt="Four digits side by side in one row", size=(9.6, 2.4)) as fig:
        for n, ax in enumerate(fig.subplots(1, 4)):
            figures.draw_digit(ax, pixels, f"digit {n}")
    assert len(panels(str(fig))) == 4


def test_identical_images_do_not_share_an_id():
    with figure(alt="Four identical digits in a two by two grid", size=(4, 4)) as fig:
        for ax in fig.subplots(2, 2).flat:
            figures.draw_digit(ax, np.linspace(0, 1, 784))
    ids = re.findall(r'\bid="([^"]+)"', str(fig))
    assert len(ids) == len(set(ids))
