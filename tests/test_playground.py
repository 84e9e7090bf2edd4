"""The gradient-descent playground, in a real browser: Debian's /usr/bin/chromium driven by
the Python package playwright (never playwright's own browser download).

The browser, the local server and the offline gate are shared with every browser test
(tests/browser.py, fixtures in tests/conftest.py): skipped loudly without chromium, failing
under CI=true. Screenshots go to test-artifacts/screenshots/ (see tests/browser.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from browser import SCREENSHOTS, Traffic, watch
from downhill.descent import DIVERGED, descend
from downhill.figures import PALETTE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass
class View:
    page: object
    traffic: Traffic

    def rows(self, which="#curve"):
        """Every position in the table, full precision, one list per step."""
        return self.page.eval_on_selector_all(
            f"{which} tbody tr",
            "rows => rows.map(r => r.dataset.w.split(',').map(Number))",
        )

    def status(self, which="#curve"):
        return self.page.locator(f"{which} [role=status]").inner_text()

    def error(self, which="#curve"):
        return self.page.locator(f"{which} [role=alert]").inner_text()

    def control(self, label, which="#curve"):
        return self.page.locator(which).get_by_label(label, exact=True)

    def button(self, name, which="#curve"):
        return self.page.locator(which).get_by_role("button", name=name, exact=True)


@pytest.fixture
def browse(chromium, served):
    """Open a path of the site in a fresh context; every request outside 127.0.0.1 is blocked
    and recorded, every console error or warning and failed request recorded; all must stay empty."""
    views = []
    contexts = []

    def open_(path="/playground/", wait=True, **options):
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        view = View(page, watch(context, page))
        view.page.goto(served + path)
        if wait:
            view.page.wait_for_selector(".dh-pg svg[role=img]")
        views.append(view)
        return view

    yield open_
    for context in contexts:
        context.close()
    for view in views:
        view.traffic.assert_clean()


def run(pg="curve", **state):
    return "/playground/?" + "&".join(
        [f"pg={pg}"] + [f"{k}={v}" for k, v in state.items()]
    )


def test_the_page_loads_offline_with_two_accessible_playgrounds(browse):
    view = browse()
    page = view.page
    assert page.locator(".dh-pg").count() == 2
    for which in ("#curve", "#surface"):
        svg = page.locator(f"{which} svg")
        assert svg.get_attribute("role") == "img"
        assert "ball" in svg.get_attribute("aria-label")
        assert (
            page.locator(f"{which} [role=status]").get_attribute("aria-live")
            == "polite"
        )
    unnamed = page.evaluate("""() => [...document.querySelectorAll('.dh-pg input, .dh-pg select, .dh-pg button')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map(e => e.outerHTML)""")
    assert unnamed == []
    assert "Ready" in view.status()


def test_instant_navigation_starts_the_playgrounds(browse):
    view = browse("/", wait=False)  # the home page has no playground
    page = view.page
    page.locator("a.md-nav__link", has_text="Playground").first.click()
    page.wait_for_selector("#curve svg[role=img]")
    assert page.evaluate("document.querySelectorAll('.dh-pg svg').length") == 2


def test_keyboard_alone_sets_the_rate_and_steps(browse):
    view = browse()
    page = view.page
    eta = view.control("Learning rate η")
    target = eta.evaluate("e => e.id")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == target:
            break
    else:
        pytest.fail("Tab never reached the learning-rate field")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.25")
    page.keyboard.press("Enter")
    assert eta.input_value() == "0.25" and view.error() == ""
    # the logarithmic slider, at 10^-0.60 (its nearest position)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowRight")  # one position up: 10^-0.59, shown to 3 digits
    assert eta.input_value() == "0.257"
    page.keyboard.press("Tab")  # the exact value
    page.keyboard.press("Tab")  # momentum
    page.keyboard.press("Tab")  # Step
    assert page.evaluate("document.activeElement.textContent") == "Step"
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert view.rows() == descend("parabola", [0], 0.257, 2).tolist()
    assert "Step 2: w = " in view.status()


def test_eta_one_half_lands_on_three_in_one_step(browse):
    view = browse(run(function="parabola", start=0, eta=0.5))
    view.button("Step").click()
    assert view.rows() == [[0], [3]]
    assert "Converged after 1 step" in view.status()
    assert view.button("Step").is_disabled()


def test_eta_one_bounces_between_zero_and_six(browse):
    view = browse(run(function="parabola", start=0, eta=1))
    for _ in range(2):
        view.button("Step").click()
    assert view.status().startswith("Bouncing forever between w = 6 and w = 0")
    for _ in range(4):
        view.button("Step").click()
    assert view.rows() == [[0], [6], [0], [6], [0], [6], [0]]
    assert "Bouncing forever between w = 6 and w = 0" in view.status()
    # nothing new would happen: the run is over
    assert view.button("Step").is_disabled()


def test_eta_above_one_diverges_cleanly(browse):
    view = browse(run(function="parabola", start=0, eta=1.1), reduced_motion="reduce")
    # reduced motion: no animation, all steps at once
    view.button("Run to the end").click()
    status = view.status()
    assert status.startswith(
        "Diverging: the learning rate η = 1.1 is above 1 for this curve"
    )
    expected = descend("parabola", [0], 1.1, 500).tolist()
    assert view.rows() == expected and abs(expected[-1][0]) > DIVERGED
    text = view.page.locator("body").inner_text()
    assert "NaN" not in text and "Infinity" not in text


def test_extreme_rates_stop_with_a_message_not_nan(browse):
    view = browse(
        run("surface", function="valley", start="-3.5,1.5", eta=100, momentum=0.99),
        reduced_motion="reduce",
    )
    view.button("Run to the end", "#surface").click()
    assert "Diverging" in view.status("#surface")
    text = view.page.locator("#surface").inner_text()
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize(
    "typed, message",
    [
        ("abc", "is not a number"),
        ("-0.5", "must be positive"),
        ("0", "never moves"),
        ("1e400", "between"),
        ("", "is not a number"),
    ],
)
def test_bad_rates_are_refused_with_a_message(browse, typed, message):
    view = browse()
    eta = view.control("Learning rate η")
    eta.fill(typed)
    eta.press("Enter")
    assert message in view.error()
    assert eta.get_attribute("aria-invalid") == "true"
    view.button("Step").click()  # the run still uses the previous rate
    assert view.rows() == descend("parabola", [0], 0.1, 1).tolist()


def test_a_link_with_bad_values_falls_back_with_a_message(browse):
    view = browse(run(function="parabola", start="x", eta="-1"))
    assert "problem" in view.error()
    assert view.control("Learning rate η").input_value() == "0.1"


def test_the_url_round_trips_the_state(browse, served):
    view = browse(
        run(
            "surface",
            function="bumpy2d",
            start="-3.5,-2",
            eta=0.3,
            momentum=0.8,
            steps=5,
        )
    )
    page = view.page
    assert view.control("Landscape", "#surface").input_value() == "bumpy2d"
    assert view.control("Start w₁, w₂", "#surface").input_value() == "-3.5, -2"
    assert view.control("Learning rate η", "#surface").input_value() == "0.3"
    assert page.locator("#surface output").inner_text() == "0.80"
    assert same_path(
        view.rows("#surface"), descend("bumpy2d", [-3.5, -2], 0.3, 5, 0.8).tolist()
    )
    assert len(view.rows("#surface")) == 6

    eta = view.control("Learning rate η", "#surface")
    eta.fill("0.25")
    eta.press("Enter")
    page.wait_for_function("location.search.includes('eta=0.25')")
    query = parse_qs(urlsplit(page.url).query)
    assert (
        query["pg"] == ["surface"]
        and query["function"] == ["bumpy2d"]
        and query["momentum"] == ["0.8"]
    )
    link = page.locator("#surface a.dh-pg__link").get_attribute("href")
    assert "eta=0.25" in link

    again = browse(page.url.removeprefix(served))
    assert again.control("Learning rate η", "#surface").input_value() == "0.25"
    # the other playground keeps its preset
    assert again.control("Learning rate η").input_value() == "0.1"


def test_a_preset_link_reopens_its_run_through_instant_navigation(browse):
    view = browse()
    view.page.get_by_role(
        "link", name="η = 1: it bounces between 0 and 6 forever"
    ).click()
    from playwright.sync_api import expect

    view.page.wait_for_function("/[?&]eta=1(&|$)/.test(location.search)")
    expect(view.control("Learning rate η")).to_have_value("1")
    view.button("Step").click()
    assert view.rows() == [[0], [6]]


def test_clicking_and_dragging_on_the_plot_moves_the_start(browse):
    view = browse()
    view.page.locator("#curve svg").scroll_into_view_if_needed()
    box = view.page.locator("#curve svg").bounding_box()
    view.page.mouse.click(
        box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.5
    )
    first = float(view.control("Start w").input_value())
    assert 5 < first < 8
    view.page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.5)
    view.page.mouse.down()
    view.page.mouse.move(
        box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5, steps=5
    )
    view.page.mouse.up()
    second = float(view.control("Start w").input_value())
    assert 0 < second < first
    assert view.rows() == [[second]]


def test_play_and_pause(browse):
    view = browse(run(function="parabola", start=0, eta=0.1))
    view.button("Play").click()
    view.page.wait_for_function(
        "document.querySelectorAll('#curve tbody tr').length >= 3"
    )
    view.button("Pause").click()
    taken = len(view.rows())
    view.page.wait_for_timeout(800)
    assert len(view.rows()) == taken
    assert view.rows() == descend("parabola", [0], 0.1, taken - 1).tolist()


def test_reduced_motion_plays_without_animation(browse):
    view = browse(run(function="parabola", start=0, eta=0.1), reduced_motion="reduce")
    assert (
        view.page.locator("#curve .dh-pg__ball").evaluate(
            "b => getComputedStyle(b).transitionDuration"
        )
        == "0s"
    )
    view.button("Run to the end").click()
    assert view.status().startswith("Converged after")


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_light_and_dark_schemes_use_the_course_colours(browse):
    shots = SCREENSHOTS
    shots.mkdir(parents=True, exist_ok=True)
    seen = {}
    for index, scheme in enumerate(("light", "dark")):
        view = browse(
            run(function="parabola", start=0, eta=0.9, steps=6),
            color_scheme=scheme,
            viewport={"width": 1100, "height": 900},
        )
        page = view.page
        page.locator("#curve").scroll_into_view_if_needed()
        page.screenshot(
            path=str(shots / f"playground-run-{scheme}.png"), full_page=True
        )
        seen[scheme] = page.evaluate("""() => ({
            curve: getComputedStyle(document.querySelector('#curve .dh-pg__curve')).stroke,
            path: getComputedStyle(document.querySelector('#curve .dh-pg__path')).stroke,
            text: getComputedStyle(document.querySelector('#curve .dh-pg__axes text')).fill,
            background: getComputedStyle(document.body).backgroundColor })""")
        assert seen[scheme]["curve"] == rgb(PALETTE["cost"][index])
        assert seen[scheme]["path"] == rgb(PALETTE["path"][index])
    assert seen["light"]["text"] != seen["dark"]["text"]
    assert seen["light"]["background"] != seen["dark"]["background"]


def test_a_phone_screen_has_no_horizontal_overflow(browse):
    shots = SCREENSHOTS
    shots.mkdir(parents=True, exist_ok=True)
    view = browse(
        run(function="parabola", start=0, eta=0.9, steps=6),
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = view.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for which in ("#curve", "#surface"):
        box = page.locator(which).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert page.locator(f"{which} svg").bounding_box()["width"] > 250
    page.locator("#curve").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "playground-phone.png"))


CASES = [
    ("parabola", [0], 0.1, 60, 0.0),
    ("parabola", [0], 0.5, 5, 0.0),
    ("parabola", [0], 1.0, 9, 0.0),
    ("parabola", [0], 1.1, 500, 0.0),  # diverges: stops after the first |w| > 1e6
    ("parabola", [-2.5], 0.3, 80, 0.9),
    # stable only thanks to momentum: 1.9 * 2 < 2 + 2 * 0.5
    ("parabola", [8], 1.9, 500, 0.5),
    ("bumpy", [0.5], 0.05, 200, 0.0),
    ("bumpy", [1.5], 0.2, 150, 0.5),
    ("bowl", [-3, 2], 0.1, 100, 0.0),
    ("bowl", [-3, 2], 1.0, 8, 0.0),
    ("valley", [-3.5, 1.5], 0.09, 200, 0.0),
    ("valley", [-3.5, 1.5], 0.11, 500, 0.0),  # diverges along w2
    ("valley", [-3.5, 1.5], 0.02, 300, 0.9),
    # overflows to infinity at once: kept, then stops
    ("valley", [-3.5, 1.5], 1e308, 5, 0.0),
    ("bumpy2d", [-3.5, -2], 0.3, 300, 0.8),
    ("bumpy2d", [1, 1], 0.5, 100, 0.0),
]


def close(a: float, b: float) -> bool:
    if not (math.isfinite(a) and math.isfinite(b)):
        return a == b or (math.isnan(a) and math.isnan(b))
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def same_path(js, py) -> bool:
    return len(js) == len(py) and all(
        len(a) == len(b) and all(map(close, a, b)) for a, b in zip(js, py)
    )


def test_the_javascript_path_is_the_python_path(browse):
    view = browse()
    assert view.page.evaluate("DownhillPlayground.DIVERGED") == DIVERGED
    for name, start, eta, steps, momentum in CASES:
        js = view.page.evaluate(
            "a => DownhillPlayground.descend(...a)", [name, start, eta, steps, momentum]
        )
        py = descend(name, start, eta, steps, momentum=momentum).tolist()
        assert same_path(js, py), (name, start, eta, steps, momentum, len(js), len(py))


def test_the_table_shows_the_python_path(browse):
    view = browse(
        run("surface", function="valley", start="-3.5,1.5", eta=0.11),
        reduced_motion="reduce",
    )
    view.button("Run to the end", "#surface").click()
    assert view.rows("#surface") == descend("valley", [-3.5, 1.5], 0.11, 500).tolist()
    assert "above 0.1 for this surface" in view.status("#surface")
