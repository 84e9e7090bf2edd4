"""Every page of the built site, in a real Chromium, in the light and the dark scheme.

For each page found in the built site (new pages are covered without touching this
file) and each scheme, one browser tab loads it from 127.0.0.1 and records:

* every request that tries to leave 127.0.0.1 (blocked), every failed request, every
  console error or warning;
* formulas left as raw TeX, collapsed to no size, or shown without KaTeX's stylesheet,
  also after reaching the page through Material's instant navigation (no reload: the
  stylesheet linked from the swapped-in content must apply);
* every figure's visibility, accessible name and text contrast against the page;
* axe-core's audit (bundled in the PyPI package axe-playwright-python);
* a full-page screenshot, kept in test-artifacts/screenshots/<page>-<scheme>.png.

Then every page once more on a phone (390 x 844, touch, light scheme, browser cache off),
where tests/page_phone.js records display formulas that collapse or run off the screen,
anything but a scroll box wider than the screen, and the size of figure text as laid out;
the files each page loads there give its byte budget (compressed as a static host would),
and a screenshot <page>-phone.png is kept beside the others.

The browsing happens once, both schemes side by side (the `audits` fixture); each test
then checks one thing on every page, one subtest per page, so a failure names the page
and what to fix.
`test_the_audit_sees_each_problem` proves the checks can fail, on a page broken on purpose.
"""

from __future__ import annotations

import functools
import gzip
import re
import statistics
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from browser import ARTIFACTS, ROOT, SCREENSHOTS, Traffic, watch

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHEMES = ("light", "dark")
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "color_scheme": "light"}
AUDIT_JS = (Path(__file__).parent / "page_audit.js").read_text(encoding="utf8")
PHONE_JS = (Path(__file__).parent / "page_phone.js").read_text(encoding="utf8")
SERIOUS = ("serious", "critical")
# axe-core's WCAG 2.x A and AA rules plus its best practices: everything it checks by default.
AXE_OPTIONS = {"resultTypes": ["violations"]}


@dataclass
class PageReport:
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    math: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    after_instant_navigation: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    # on a phone only
    formulas: list[dict] = field(default_factory=list)  # display formulas: size and problems
    wide: list[str] = field(default_factory=list)  # what is wider than the screen
    text_sizes: list[float] = field(default_factory=list)  # figure text, CSS px as laid out
    loaded: list[str] = field(default_factory=list)  # site files the page loaded, cold cache


def built_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to it."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def url_of(page: str) -> str:
    return "/" + page.removesuffix("index.html")


def shot_name(page: str, scheme: str) -> str:
    stem = page.removesuffix("index.html").removesuffix(".html").strip("/").replace("/", "-") or "home"
    return f"{stem}-{scheme}.png"


def take(traffic: Traffic, report: PageReport) -> None:
    report.outside += traffic.outside
    report.failed += traffic.failed
    report.console += traffic.console
    traffic.clear()


def wait_for_math(page) -> None:
    """Formulas are typeset at build time: wait for the fonts KaTeX's stylesheet loads."""
    page.evaluate("() => document.fonts.ready")


# Before axe runs, each figure's drawing (thousands of matplotlib paths, none of them
# text or ARIA) is emptied: axe still audits the <svg> itself (its role and name), and
# runs about twice as fast. The drawing's text is checked by page_audit.js instead.
EMPTY_FIGURES = """() => document.querySelectorAll('svg.dh-figure__svg').forEach(svg => svg.replaceChildren())"""


def run_axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(EMPTY_FIGURES)
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def audit_page(page, url: str, traffic: Traffic, screenshot: Path | None) -> PageReport:
    """Load one page directly and check it (see the module docstring)."""
    report = PageReport()
    page.goto(url, wait_until="load")
    wait_for_math(page)
    found = page.evaluate(AUDIT_JS)
    report.math, report.figures = found["math"], found["figures"]
    if screenshot:  # before axe, which empties the figures
        page.screenshot(path=str(screenshot), full_page=True)
        report.screenshot = screenshot
    report.axe = run_axe(page)
    take(traffic, report)
    return report


def navigate_instantly(page, url: str, traffic: Traffic) -> list[str]:
    """Reach `url` from the page shown through Material's instant navigation (a click
    on a link, no reload), then check its formulas and the console."""
    page.evaluate("""url => {
        window.__downhillNoReload = true;
        document.querySelector('article')?.setAttribute('data-downhill-left', '');
        const link = Object.assign(document.createElement('a'), {href: url});
        document.body.append(link);
        link.click();
        link.remove();
    }""", url)
    problems = []
    try:
        page.wait_for_function("""url => location.href.split('#')[0] === url
            && document.querySelector('article:not([data-downhill-left])')""", arg=url, timeout=20_000)
        page.wait_for_function("""() => [...document.querySelectorAll('article link[rel=stylesheet]')]
            .every(link => link.sheet)""", timeout=20_000)
        wait_for_math(page)
    except Exception as error:  # playwright's TimeoutError: report it with the page
        problems.append(f"the page did not finish loading or typesetting: {str(error).splitlines()[0]}")
    if not page.evaluate("window.__downhillNoReload === true"):
        problems.append("the link reloaded the page instead of navigating instantly")
    problems += page.evaluate(AUDIT_JS)["math"]
    problems += [f"console: {line}" for line in traffic.console]
    problems += [f"request outside the site: {line}" for line in traffic.outside]
    problems += [f"failed request: {line}" for line in traffic.failed]
    traffic.clear()
    return problems


def audit_site(browser, served: str, site: Path, scheme: str) -> dict[str, PageReport]:
    """Every built page, checked in one scheme; {page: report}."""
    for old in SCREENSHOTS.glob(f"*-{scheme}.png"):
        if not old.name.startswith("playground-run-"):  # test_playground.py keeps its own
            old.unlink()
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORT)
    page = context.new_page()
    traffic = watch(context, page)
    pages = built_pages(site)
    reports = {name: audit_page(page, served + url_of(name), traffic, SCREENSHOTS / shot_name(name, scheme))
               for name in pages}
    # Then every page again, reached by instant navigation from the one before. Material
    # intercepts links only once it has read sitemap.xml: wait for the network to settle.
    page.goto(served + "/", wait_until="load")
    page.wait_for_load_state("networkidle")
    wait_for_math(page)
    traffic.clear()
    for name in [p for p in pages if p != "404.html"] + ["index.html"]:
        reports[name].after_instant_navigation = navigate_instantly(page, served + url_of(name), traffic)
    context.close()
    write_accessibility_report(scheme, reports)
    return reports


def audit_phone(browser, served: str, site: Path) -> dict[str, PageReport]:
    """Every built page on a phone, each loaded as on a first visit (no browser cache)."""
    for old in SCREENSHOTS.glob("*-phone.png"):
        old.unlink()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    traffic = watch(context, page)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    reports = {}
    for name in built_pages(site):
        report = PageReport()
        requested.clear()
        page.goto(served + url_of(name), wait_until="load")
        page.wait_for_load_state("networkidle")  # what loads before the reader does anything
        wait_for_math(page)
        found = page.evaluate(AUDIT_JS)
        report.math, report.figures = found["math"], found["figures"]
        phone = page.evaluate(PHONE_JS)
        report.formulas, report.wide, report.text_sizes = phone["formulas"], phone["wide"], phone["textSizes"]
        report.loaded = site_files(requested, served)
        report.screenshot = SCREENSHOTS / shot_name(name, "phone")
        page.screenshot(path=str(report.screenshot), full_page=True)
        take(traffic, report)
        reports[name] = report
    context.close()
    return reports


def site_files(urls: list[str], served: str) -> list[str]:
    """The built files behind the site's URLs (a folder's URL is its index.html), in order."""
    files = []
    for url in urls:
        if not url.startswith(served + "/"):
            continue
        path = url[len(served) + 1:].split("#")[0].split("?")[0]
        path = path + "index.html" if path == "" or path.endswith("/") else path
        if path not in files:
            files.append(path)
    return files


@pytest.fixture(scope="module")
def audits(chromium, served, site) -> dict[str, dict[str, PageReport]]:
    """Both schemes at once: the dark one in a second browser, in a thread (playwright's
    sync API wants one instance per thread), so the two cores share the work."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, FLAGS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results: dict = {}

    def dark():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
                results["dark"] = audit_site(browser, served, site, "dark")
                browser.close()
        except BaseException as error:  # re-raised in the test thread below
            results["dark error"] = error

    thread = threading.Thread(target=dark)
    thread.start()
    try:
        results["light"] = audit_site(chromium, served, site, "light")
        results["phone"] = audit_phone(chromium, served, site)
    finally:
        thread.join()
    if "dark error" in results:
        raise results["dark error"]
    return results


@pytest.fixture(params=SCHEMES)
def audit(request, audits) -> dict[str, PageReport]:
    return audits[request.param]


@pytest.fixture
def phone(audits) -> dict[str, PageReport]:
    return audits["phone"]


def write_accessibility_report(scheme: str, reports: dict[str, PageReport]) -> None:
    """Every axe finding, all impacts, for people (only serious and critical ones fail)."""
    lines = [f"axe-core findings, {scheme} scheme (serious and critical ones fail the tests)", ""]
    for name, report in reports.items():
        for violation in report.axe:
            lines.append(f"{name}: {violation['impact']}: {violation['id']} ({len(violation['nodes'])}x): "
                         f"{violation['help']}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"accessibility-{scheme}.txt").write_text("\n".join(lines) + "\n", encoding="utf8")


def each_page(audit, subtests, problems_of):
    """One subtest per page: it fails with that page's problems, listed."""
    __tracebackhide__ = True
    for name, report in audit.items():
        with subtests.test(page=name):
            problems = problems_of(report)
            if problems:
                pytest.fail(f"{name}:\n  " + "\n  ".join(map(str, problems)), pytrace=False)


def test_no_request_leaves_the_site_and_none_fails(audit, subtests):
    each_page(audit, subtests, lambda r: [f"outside: {u}" for u in r.outside] + [f"failed: {u}" for u in r.failed])


def test_no_console_error_or_warning(audit, subtests):
    each_page(audit, subtests, lambda r: r.console)


def test_every_formula_is_rendered(audit, subtests):
    each_page(audit, subtests, lambda r: r.math)


def test_every_formula_is_rendered_after_instant_navigation(audit, subtests):
    pages = {name: report for name, report in audit.items() if name != "404.html"}
    each_page(pages, subtests, lambda r: r.after_instant_navigation)


def test_every_figure_is_visible_named_and_readable(audit, subtests):
    each_page(audit, subtests, lambda r: [f"{f['figure']}: {'; '.join(f['problems'])}" for f in r.figures if f["problems"]])


def test_figure_text_is_checked_for_contrast(audit):
    """The contrast check sees the figures' text (guards against a check that finds nothing)."""
    checked = sum(figure["texts"] for report in audit.values() for figure in report.figures)
    figures = sum(len(report.figures) for report in audit.values())
    assert figures >= 10 and checked >= 10 * figures


def test_no_serious_or_critical_accessibility_violation(audit, subtests):
    def serious(report):
        return [f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]}) "
                f"{v['helpUrl']}" for v in report.axe if v["impact"] in SERIOUS]
    each_page(audit, subtests, serious)


def test_a_screenshot_of_every_page_is_kept(audit, subtests):
    each_page(audit, subtests, lambda r: [] if r.screenshot and r.screenshot.stat().st_size > 5_000
              else [f"no screenshot at {r.screenshot}"])


def test_pages_work_on_a_phone(phone, subtests):
    """On a phone too: no request fails or leaves the site, no console noise, math typeset,
    every figure visible and named."""
    each_page(phone, subtests, lambda r: [f"outside: {u}" for u in r.outside] + [f"failed: {u}" for u in r.failed]
              + r.console + r.math + [f"{f['figure']}: {'; '.join(f['problems'])}" for f in r.figures if f["problems"]])


def test_every_display_formula_is_visible_on_a_phone(phone, subtests):
    each_page(phone, subtests, lambda r: [f"{f['formula']!r}: {'; '.join(f['problems'])}"
                                          for f in r.formulas if f["problems"]])
    assert sum(len(r.formulas) for r in phone.values()) >= 20, "the phone check found (almost) no display formula"


def test_nothing_but_scroll_boxes_is_wider_than_a_phone(phone, subtests):
    each_page(phone, subtests, lambda r: r.wide)


def test_figure_text_is_readable_on_a_phone(phone, subtests):
    """As laid out at 390 px, without zooming: at least 9 px (median) and 8 px (smallest)."""
    def small(report):
        if not report.text_sizes:
            return []
        median, smallest = statistics.median(report.text_sizes), min(report.text_sizes)
        return ([f"median figure text {median:.1f} px < {MEDIAN_TEXT_PX} px"] if median < MEDIAN_TEXT_PX else []) + \
               ([f"smallest figure text {smallest:.1f} px < {SMALLEST_TEXT_PX} px"] if smallest < SMALLEST_TEXT_PX else [])
    each_page(phone, subtests, small)
    assert sum(len(r.text_sizes) for r in phone.values()) > 500, "the phone check found (almost) no figure text"


def test_a_phone_screenshot_of_every_page_is_kept(phone, subtests):
    each_page(phone, subtests, lambda r: [] if r.screenshot and r.screenshot.stat().st_size > 5_000
              else [f"no screenshot at {r.screenshot}"])


def test_a_first_visit_to_a_lesson_stays_in_budget(phone, site):
    """Everything a lesson loads before the reader does anything, compressed as a static host serves it."""
    weights = {lesson: sum(compressed(site, f) for f in phone[lesson].loaded) for lesson in lessons(site)}
    write_weights(site, phone)
    over = {lesson: kb(w) for lesson, w in weights.items() if w > FIRST_VISIT}
    assert not over, f"first visit above {kb(FIRST_VISIT)} KB: {over}"
    assert statistics.median(weights.values()) <= FIRST_VISIT_MEDIAN, {k: kb(w) for k, w in weights.items()}


def test_a_second_lesson_stays_in_budget(phone, site):
    """A lesson reached from the one before it: the files the first already loaded are cached."""
    weights = second_visits(site, phone)
    over = {lesson: kb(w) for lesson, w in weights.items() if w > SECOND_VISIT}
    assert not over, f"second lesson above {kb(SECOND_VISIT)} KB: {over}"
    assert statistics.median(weights.values()) <= SECOND_VISIT_MEDIAN, {k: kb(w) for k, w in weights.items()}


def test_the_budget_counts_what_a_page_loads(phone, site):
    """Guards the budgets against a recording that misses files: a lesson's HTML, its
    scripts and stylesheets and the search index are all counted."""
    first = phone[lessons(site)[0]].loaded
    assert lessons(site)[0] in first
    assert any(f.endswith(".js") for f in first) and any(f.endswith(".css") for f in first)
    assert "search/search_index.json" in first, first


# Byte budgets (1 KB = 1,000 bytes), for lessons.
FIRST_VISIT, FIRST_VISIT_MEDIAN = 450_000, 350_000
SECOND_VISIT, SECOND_VISIT_MEDIAN = 250_000, 150_000
MEDIAN_TEXT_PX, SMALLEST_TEXT_PX = 9, 8


def lessons(site: Path) -> list[str]:
    """The lessons' built pages, in the order of the nav in mkdocs.yml."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf8").split("\nnav:", 1)[1]
    return [f"lessons/{slug}/index.html" for slug in re.findall(r":\s*lessons/([\w-]+)\.md\s*$", nav, flags=re.M)]


@functools.cache
def compressed(site: Path, file: str) -> int:
    """Bytes a static host sends for a built file: gzip level 6, as `gzip -6`."""
    return len(gzip.compress((site / file).read_bytes(), compresslevel=6, mtime=0))


def second_visits(site: Path, phone) -> dict[str, int]:
    """Each lesson's bytes when reached from the page before it in the course (lesson 1
    from the lessons index): only the files that page did not load already."""
    order = ["lessons/index.html", *lessons(site)]
    return {lesson: sum(compressed(site, f) for f in phone[lesson].loaded if f not in set(phone[before].loaded))
            for before, lesson in zip(order, order[1:])}


def kb(n: int) -> int:
    return round(n / 1000)


def write_weights(site: Path, phone) -> None:
    """test-artifacts/page-weights.txt: every page's first-visit bytes, for people."""
    second = second_visits(site, phone)
    lines = ["page | files | first visit, KB gzip | second lesson, KB gzip | HTML raw, KB", "---|---|---|---|---"]
    for name, report in phone.items():
        first = sum(compressed(site, f) for f in report.loaded)
        lines.append(f"{name} | {len(report.loaded)} | {kb(first)} | {kb(second[name]) if name in second else ''} | "
                     f"{kb((site / name).stat().st_size)}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weights.txt").write_text("\n".join(lines) + "\n", encoding="utf8")


BROKEN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Broken on purpose</title>
<link rel="stylesheet" href="https://cdn.example.org/style.css"></head>
<body style="background: #ffffff; color: #222">
<main><article><h1>Broken on purpose</h1>
<p>A formula left raw: $a^2 + b^2$ and \\(x\\).</p>
<p><span class="arithmatex">\\(y\\)</span> was never typeset.</p>
<p><span class="arithmatex"><span class="katex"><span class="katex-mathml">z</span><span class="katex-html"
 style="display: inline-block; width: 0; overflow: hidden">z</span></span></span> collapsed, unstyled.</p>
<svg width="200" height="100" viewBox="0 0 200 100"><text x="10" y="50" fill="#dddddd">faint</text></svg>
<figure><svg role="img" aria-label="A hidden figure" style="display: none" width="200" height="100"></svg></figure>
<img src="missing.png" width="40" height="40">
<script>console.warn("a warning"); console.error("an error");</script>
</article></main></body></html>
"""


def test_the_audit_sees_each_problem(chromium, tmp_path):
    """Each check fails on a page that has its problem."""
    from browser import serve

    (tmp_path / "sitemap.xml").write_text("")
    (tmp_path / "broken.html").write_text(BROKEN_PAGE)
    server = serve(tmp_path)
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        report = audit_page(page, server.url + "/broken.html", watch(context, page), tmp_path / "shot.png")
    finally:
        context.close()
        server.stop()
    assert set(report.outside) == {"https://cdn.example.org/style.css"}
    assert any("missing.png" in failed and "404" in failed for failed in report.failed)
    assert "warning: a warning" in report.console and "error: an error" in report.console
    assert any("not typeset: \\(y\\)" in line for line in report.math)
    assert any("collapsed to 0 x" in line for line in report.math)
    assert any("KaTeX's stylesheet not applied" in line for line in report.math)
    assert any("raw TeX" in line and "$a^2 + b^2$" in line for line in report.math)
    def problems_of(start):
        return next(f["problems"] for f in report.figures if f["figure"].startswith(start))

    assert any("contrast" in p for p in problems_of("<svg width")), report.figures
    assert any("no accessible name" in p for p in problems_of("<svg width"))
    assert any("not visible" in p for p in problems_of("A hidden figure"))
    assert any("no accessible name" in p for p in problems_of("<img"))
    assert {"image-alt", "svg-img-alt"} & {v["id"] for v in report.axe if v["impact"] in SERIOUS}
    assert report.screenshot.stat().st_size > 1_000


def test_instant_navigation_is_checked(chromium, served):
    """The instant-navigation check notices a reload, so it cannot pass on plain page loads."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    traffic = watch(context, page)
    page.goto(served + "/", wait_until="load")
    page.evaluate("() => { document.addEventListener('click', e => { e.stopImmediatePropagation(); }, true); }")
    problems = navigate_instantly(page, served + "/lessons/", traffic)
    context.close()
    assert "the link reloaded the page instead of navigating instantly" in problems


PHONE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Phone</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><article>
<div class="arithmatex"><mjx-container><svg width="1" height="30" role="img" aria-label="x"></svg></mjx-container></div>
<div class="arithmatex" style="overflow-x: auto"><span class="katex-html" style="display: inline-block; width: 700px">wide, scrolls</span></div>
<div class="katex-display" style="overflow: hidden"><span class="katex-html" style="display: inline-block; width: 700px">clipped</span></div>
<p style="width: 600px">A paragraph wider than the phone.</p>
<figure><svg class="dh-figure__svg" role="img" aria-label="Tiny text figure" viewBox="0 0 1000 100" style="width: 100%">
<g class="dh-text"><g transform="translate(10 50) scale(0.095 -0.095)"><path d="M 0 0 L 100 100"/></g></g></svg></figure>
</article></body></html>
"""


def test_the_phone_audit_sees_each_problem(chromium, tmp_path):
    """Each phone check fails on a page that has its problem (and spares what scrolls)."""
    from browser import serve

    (tmp_path / "phone.html").write_text(PHONE_PAGE)
    server = serve(tmp_path)
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(server.url + "/phone.html")
        found = page.evaluate(PHONE_JS)
    finally:
        context.close()
        server.stop()
    problems = [f["problems"] for f in found["formulas"]]
    assert any("collapsed to 1 x" in p for p in problems[0]), problems
    assert problems[1] == [], problems
    assert "clipped by its box" in problems[2], problems
    assert any("page scrolls sideways" in w for w in found["wide"]) and any("<p" in w for w in found["wide"]), found["wide"]
    assert not [w for w in found["wide"] if "wide, scrolls" in w or "clipped" in w], found["wide"]
    # 9.5 pt text in a 1000-pt-wide drawing squeezed into 294 px (the figure keeps its margins): 2.8 px
    assert len(found["textSizes"]) == 1 and 2.7 < found["textSizes"][0] < 2.9, found["textSizes"]
