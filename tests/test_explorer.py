"""The network explorer, in a real browser (Debian's /usr/bin/chromium driven by playwright,
tests/browser.py): drawing, the same numbers as Python, the training lesson's accuracy,
the keyboard alone, bad input, accessibility and what a first visit loads.

Every test opens pages through `browse`: requests leaving 127.0.0.1 are blocked, and
console errors and warnings, uncaught exceptions and failed requests must stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import lesson
from browser import SCREENSHOTS, Traffic, watch
from downhill.export import explorer_files, read_digits, read_weights
from downhill.network import feedforward
from site_build.build_report import EXPLORER_PAGE, first_visit
from test_pages_on_a_phone import site_files

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "/explorer/"
STARTED = ".dh-ex__main:not([hidden])"


@dataclass
class View:
    page: object
    traffic: Traffic
    requested: list[str]

    def text(self, part: str) -> str:
        return self.page.locator(f".dh-ex__{part}").first.inner_text()

    def button(self, label: str):
        return self.page.locator(".dh-explorer").first.get_by_role(
            "button", name=label, exact=True
        )

    def state(self) -> dict:
        """What the first explorer computed: its 784 inputs and ten outputs."""
        return self.page.evaluate("""() => {
            const e = document.querySelector('.dh-explorer').explorer;
            return {input: e.input && Array.from(e.input),
                    outputs: e.activations && Array.from(e.activations[3])};
        }""")


@pytest.fixture
def browse(chromium, served):
    views, contexts = [], []

    def open_(path=PAGE, start=True, route=None, **options):
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        view = View(page, watch(context, page), [])
        page.on("request", lambda request: view.requested.append(request.url))
        if route:
            context.route(*route)
        page.goto(served + path)
        if start:
            page.locator(".dh-explorer").first.scroll_into_view_if_needed()
            page.wait_for_selector(STARTED)
        views.append(view)
        return view

    yield open_
    for context in contexts:
        context.close()
    for view in views:
        view.traffic.assert_clean()


def stroke(page, points, selector=".dh-ex__canvas"):
    """Draw one stroke with the mouse through points given as fractions of the canvas."""
    box = page.locator(selector).first.bounding_box()
    at = [
        (box["x"] + box["width"] * x, box["y"] + box["height"] * y) for x, y in points
    ]
    page.mouse.move(*at[0])
    page.mouse.down()
    for point in at[1:]:
        page.mouse.move(*point, steps=6)
    return at


SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]  # a 7: the bar, then down


def test_mouse_strokes_change_the_inputs_and_the_outputs(browse):
    view = browse()
    page = view.page
    assert view.state() == {"input": None, "outputs": None}
    stroke(page, SEVEN)
    # while the stroke goes on, the numbers follow it but the live region stays quiet
    page.wait_for_function(
        "() => document.querySelector('.dh-explorer').explorer.input !== null"
    )
    assert view.text("status") == ""
    page.mouse.up()
    drawn = view.state()
    assert sum(drawn["input"]) > 5 and max(drawn["input"]) == 1
    assert len(drawn["outputs"]) == 10
    assert "Your drawing: the network says" in view.text("status")
    page.screenshot(path=str(SCREENSHOTS / "explorer-drawn.png"))
    stroke(page, [(0.3, 0.55), (0.7, 0.55)])  # a second stroke: a crossed 7
    page.mouse.up()
    crossed = view.state()
    assert crossed["input"] != drawn["input"]
    assert crossed["outputs"] != drawn["outputs"]
    view.button("Undo the last stroke").click()
    assert view.state() == drawn  # undo gives back exactly the first stroke's numbers


def test_the_javascript_network_gives_pythons_outputs_on_every_test_digit(browse, site):
    view = browse()
    served = {
        name: (site / "explorer" / name).read_bytes() for name in explorer_files()
    }
    assert served == explorer_files()  # the lessons' network and test digits
    net = read_weights(served["network.bin"])
    x, _ = read_digits(served["digits.bin"])
    ours = np.array(
        view.page.evaluate("""async () => {
            const {net, digits} = await window.DownhillExplorer.loadFiles();
            return digits.images.map(x => Array.from(window.DownhillExplorer.forward(net, x)[3]));
        }""")
    )
    assert ours.shape == (1000, 10)
    assert np.abs(ours - feedforward(net, x)).max() <= 1e-9


def test_the_explorer_scores_what_the_training_lesson_states(browse, site):
    view = browse()
    stated = lesson.read(site, "training").number(
        r"it reads ([\d.]+)% of the test digits correctly"
    )
    correct = int(view.page.locator(".dh-ex__accuracy").get_attribute("data-correct"))
    assert lesson.near(stated, correct / 10)
    assert f"{correct / 10:.1f}%" in view.text("accuracy")


def test_a_test_digit_drawn_large_reads_as_itself(browse):
    """The preprocessing turns a drawing into what the network saw in training: each test
    digit, enlarged 10 times onto the drawing surface and preprocessed back, mostly gets
    the answer the digit itself gets (a bounding box, scaling and centring differ a bit)."""
    view = browse()
    same = view.page.evaluate("""async () => {
        const E = window.DownhillExplorer, {net, digits} = await E.loadFiles();
        const answer = x => { const o = E.forward(net, x)[3]; return o.indexOf(Math.max(...o)); };
        return digits.images.filter(x => {
            const big = new Float64Array(280 * 280).map((_, k) =>
                x[Math.floor(k / 2800) * 28 + Math.floor((k % 280) / 10)]);
            return answer(E.preprocess(big, 280)) === answer(x);
        }).length;
    }""")
    assert same >= 800


def test_keyboard_alone_picks_shifts_adds_noise_and_clears(browse):
    view = browse()
    page = view.page
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('dh-ex__number')"):
            break
    else:
        pytest.fail("Tab never reached the test digit field")
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    assert view.text("status").startswith(("Test digit 12, a ", "Test digit 12, an 8"))
    source = view.state()["input"]
    page.keyboard.press("Tab")  # Previous
    page.keyboard.press("Tab")  # Next
    page.keyboard.press("Tab")  # Next mistake
    page.keyboard.press("Enter")
    assert "wrong" in view.text("digit-info")
    for _ in range(3):
        page.keyboard.press("Shift+Tab")  # back to the field
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    assert view.state()["input"] == source
    for _ in range(5):
        page.keyboard.press("Tab")  # Previous, Next, Next mistake, left, right
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert "moved 2 right" in view.text("status")
    moved = np.reshape(view.state()["input"], (28, 28))
    expected = np.roll(np.reshape(source, (28, 28)), 2, axis=1)
    expected[:, :2] = 0  # as the lesson shifts: blank columns come in
    assert np.array_equal(moved, expected)
    # on an image inked everywhere too: nothing wraps around from the other edge
    inked = view.page.evaluate(
        "Array.from(DownhillExplorer.shift(new Float64Array(784).fill(1), 2, -1))"
    )
    expected = np.ones((28, 28))
    expected[:, :2] = expected[-1:, :] = 0
    assert np.array_equal(np.reshape(inked, (28, 28)), expected)
    for _ in range(3):
        page.keyboard.press("Tab")  # up, down, Add noise
    page.keyboard.press("Enter")
    assert "with noise" in view.text("status")
    page.keyboard.press("Tab")  # Pure noise
    page.keyboard.press("Enter")
    assert view.text("status").startswith("Noise: the network says")
    noise = np.array(view.state()["input"])
    assert noise.std() > 0.2 and 0 <= noise.min() and noise.max() <= 1
    view.page.locator(".dh-explorer").first.get_by_role(
        "button", name="Clear the drawing"
    ).focus()
    page.keyboard.press("Enter")
    assert view.text("status") == "Draw a digit: the drawing is empty."
    # the diagram: one tab stop, arrow keys move between the hidden neurons
    view.page.locator(".dh-ex__focusable[tabindex='0']").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert view.text("weights-text").startswith("Neuron 2 of the second hidden layer")


def test_an_empty_drawing_asks_for_a_digit(browse):
    view = browse()
    assert view.text("answer").startswith("Draw a digit")
    assert view.page.locator(".dh-ex__value").first.text_content() == "–"
    stroke(view.page, SEVEN)
    view.page.mouse.up()
    assert view.text("answer").startswith("The network says")
    view.button("Clear the drawing").click()
    assert view.text("answer").startswith("Draw a digit")
    assert view.text("status") == "Draw a digit: the drawing is empty."
    assert view.state() == {"input": None, "outputs": None}


def test_the_words_say_an_8(browse, site):
    """The status sentence names a test digit with its article: a 7, an 8."""
    labels = read_digits((site / "explorer" / "digits.bin").read_bytes())[1]
    eight = int(np.flatnonzero(labels == 8)[0]) + 1
    view = browse()
    number = view.page.locator(".dh-ex__number").first
    number.fill(str(eight))
    number.press("Enter")
    assert f"Test digit {eight}, an 8" in view.text("status")


def damaged(how):
    def route(route):
        body = route.fetch().body()
        route.fulfill(body=how(body), content_type="application/octet-stream")

    return route


@pytest.mark.parametrize(
    "file, handler, message",
    [
        (
            "network.bin",
            lambda route: route.fulfill(status=404),
            "network.bin is missing",
        ),
        (
            "digits.bin",
            lambda route: route.fulfill(status=404),
            "digits.bin is missing",
        ),
        ("network.bin", damaged(lambda b: b[:5000]), "truncated"),
        (
            "network.bin",
            damaged(lambda b: b[:-3] + bytes([b[-3] ^ 16]) + b[-2:]),
            "network file is corrupt",
        ),
        ("network.bin", damaged(lambda b: b"<html>not found</html>"), "not a Downhill"),
    ],
)
def test_a_missing_or_damaged_file_says_so_and_the_page_works(
    browse, file, handler, message
):
    view = browse(
        "/lessons/network/", start=False, route=(f"**/explorer/{file}", handler)
    )
    page = view.page
    page.locator(".dh-explorer").scroll_into_view_if_needed()
    alert = page.locator(".dh-ex__error[role=alert]")
    alert.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.dh-ex__error').textContent !== ''"
    )
    assert message in alert.inner_text()
    assert "The rest of the page works" in alert.inner_text()
    assert page.locator(".dh-ex__main").is_hidden()
    # the rest of the page: the figure viewer opens a figure
    page.locator(".dh-figure__open").first.click()
    assert page.locator("dialog.dh-figure-dialog[open]").count() == 1
    if "missing" in message:  # Chromium logs the 404 itself; nothing else may appear
        for _ in range(50):  # its console event may reach us after the page's message
            if view.traffic.console:
                break
            page.wait_for_timeout(100)
        assert len(view.traffic.console) == 1 and "404" in view.traffic.console[0]
        assert len(view.traffic.failed) == 1 and file in view.traffic.failed[0]
        view.traffic.clear()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation(browse, scheme):
    from test_pages_in_browser import SERIOUS, run_axe

    view = browse(color_scheme=scheme, viewport={"width": 390, "height": 844})
    stroke(view.page, SEVEN)
    view.page.mouse.up()
    view.page.locator(".dh-explorer").screenshot(
        path=str(SCREENSHOTS / f"explorer-widget-{scheme}.png")
    )
    violations = [v for v in run_axe(view.page) if v["impact"] in SERIOUS]
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_a_finger_draws_and_never_scrolls_the_page(browse):
    view = browse(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = view.page
    canvas = page.locator(".dh-ex__canvas")
    assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "none"
    box = canvas.bounding_box()
    before = page.evaluate("scrollY")
    cdp = page.context.new_cdp_session(page)
    x = box["x"] + box["width"] / 2
    points = [box["y"] + box["height"] * f for f in (0.2, 0.4, 0.6, 0.8)]
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": x, "y": points[0]}]},
    )
    for y in points[1:]:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x - (y - points[0]), "y": y}]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function(
        "() => document.querySelector('.dh-explorer').explorer.input !== null"
    )
    assert page.evaluate("scrollY") == before


def test_a_first_visit_loads_what_the_build_report_says(browse, site, served):
    """The explorer's files load only once it is in view; with it in view, the explorer
    page loads exactly the files the build report counts."""
    lessons = browse("/lessons/what-it-learned/", start=False)
    lessons.page.wait_for_load_state("networkidle")
    assert not any(url.endswith(".bin") for url in lessons.requested)
    lessons.page.locator(".dh-explorer").scroll_into_view_if_needed()
    lessons.page.wait_for_selector(STARTED)
    cold = browse()
    cold.page.wait_for_load_state("networkidle")
    assert set(site_files(cold.requested, served)) == set(
        first_visit(site, EXPLORER_PAGE)
    )
    report = (site / "build-report/index.html").read_text(encoding="utf8")
    assert "first visit to explorer/index.html" in report


def test_only_pages_with_an_explorer_load_its_script(browse):
    view = browse("/lessons/cost/", start=False)
    view.page.wait_for_load_state("networkidle")
    assert not any("explorer" in url for url in view.requested)


def test_instant_navigation_starts_the_explorer(browse):
    view = browse("/", start=False)
    view.page.wait_for_load_state("networkidle")
    view.page.locator("a.md-nav__link", has_text="Network explorer").first.click()
    view.page.wait_for_selector(STARTED)
    assert view.page.locator(".dh-ex__neuron").count() == 42
