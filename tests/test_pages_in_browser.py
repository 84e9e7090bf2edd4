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


The browsing happens once, both schemes side by side (the `audits` fixture); each test
then checks one thing on every page, one subtest per page, so a failure names the page
and what to fix.
`test_the_audit_sees_each_problem` proves the checks can fail, on a page broken on purpose.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from browser import (
    ARTIFACTS,
    AUDIT_JS,
    SCREENSHOTS,
    PageReport,
    Traffic,
    built_pages,
    each_page,
    shot_name,
    take,
    url_of,
    wait_for_math,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHEMES = ("light", "dark")
VIEWPORT = {"width": 1280, "height": 900}
SERIOUS = ("serious", "critical")
# axe-core's WCAG 2.x A and AA rules plus its best practices: everything it checks by default.
AXE_OPTIONS = {"resultTypes": ["violations"]}


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
    page.evaluate(
        """url => {
        window.__downhillNoReload = true;
        document.querySelector('article')?.setAttribute('data-downhill-left', '');
        const link = Object.assign(document.createElement('a'), {href: url});
        document.body.append(link);
        link.click();
        link.remove();
    }""",
        url,
    )
    problems = []
    try:
        page.wait_for_function(
            """url => location.href.split('#')[0] === url
            && document.querySelector('article:not([data-downhill-left])')""",
            arg=url,
            timeout=20_000,
        )
        page.wait_for_function(
            """() => [...document.querySelectorAll('article link[rel=stylesheet]')]
            .every(link => link.sheet)""",
            timeout=20_000,
        )
        wait_for_math(page)
    # playwright's TimeoutError: report it with the page
    except Exception as error:  # noqa: BLE001
        problems.append(
            f"the page did not finish loading or typesetting: {str(error).splitlines()[0]}"
        )
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
        # test_playground.py keeps its own
        if not old.name.startswith("playground-run-"):
            old.unlink()
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORT)
    page = context.new_page()
    traffic = watch(context, page)
    pages = built_pages(site)
    reports = {
        name: audit_page(
            page, served + url_of(name), traffic, SCREENSHOTS / shot_name(name, scheme)
        )
        for name in pages
    }
    # Then every page again, reached by instant navigation from the one before. Material
    # intercepts links only once it has read sitemap.xml: wait for the network to settle.
    page.goto(served + "/", wait_until="load")
    page.wait_for_load_state("networkidle")
    wait_for_math(page)
    traffic.clear()
    for name in [p for p in pages if p != "404.html"] + ["index.html"]:
        reports[name].after_instant_navigation = navigate_instantly(
            page, served + url_of(name), traffic
        )
    context.close()
    write_accessibility_report(scheme, reports)
    return reports


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
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=FLAGS, headless=True
                )
                results["dark"] = audit_site(browser, served, site, "dark")
                browser.close()
        # re-raised in the test thread below
        except BaseException as error:  # noqa: BLE001
            results["dark error"] = error

    thread = threading.Thread(target=dark)
    thread.start()
    try:
        results["light"] = audit_site(chromium, served, site, "light")
    finally:
        thread.join()
    if "dark error" in results:
        raise results["dark error"]
    return results


@pytest.fixture(params=SCHEMES)
def audit(request, audits) -> dict[str, PageReport]:
    return audits[request.param]


def write_accessibility_report(scheme: str, reports: dict[str, PageReport]) -> None:
    """Every axe finding, all impacts, for people (only serious and critical ones fail)."""
    lines = [
        f"axe-core findings, {scheme} scheme (serious and critical ones fail the tests)",
        "",
    ]
    for name, report in reports.items():
        for violation in report.axe:
            lines.append(
                f"{name}: {violation['impact']}: {violation['id']} ({len(violation['nodes'])}x): "
                f"{violation['help']}"
            )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"accessibility-{scheme}.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf8"
    )


def test_no_request_leaves_the_site_and_none_fails(audit, subtests):
    each_page(
        audit,
        subtests,
        lambda r: (
            [f"outside: {u}" for u in r.outside] + [f"failed: {u}" for u in r.failed]
        ),
    )


def test_no_console_error_or_warning(audit, subtests):
    each_page(audit, subtests, lambda r: r.console)


def test_every_formula_is_rendered(audit, subtests):
    each_page(audit, subtests, lambda r: r.math)


def test_every_formula_is_rendered_after_instant_navigation(audit, subtests):
    pages = {name: report for name, report in audit.items() if name != "404.html"}
    each_page(pages, subtests, lambda r: r.after_instant_navigation)


def test_every_figure_is_visible_named_and_readable(audit, subtests):
    each_page(
        audit,
        subtests,
        lambda r: [
            f"{f['figure']}: {'; '.join(f['problems'])}"
            for f in r.figures
            if f["problems"]
        ],
    )


def test_figure_text_is_checked_for_contrast(audit):
    """The contrast check sees the figures' text (guards against a check that finds nothing)."""
    checked = sum(
        figure["texts"] for report in audit.values() for figure in report.figures
    )
    figures = sum(len(report.figures) for report in audit.values())
    assert figures >= 10 and checked >= 10 * figures


def test_no_serious_or_critical_accessibility_violation(audit, subtests):
    def serious(report):
        return [
            f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]}) "
            f"{v['helpUrl']}"
            for v in report.axe
            if v["impact"] in SERIOUS
        ]

    each_page(audit, subtests, serious)


def test_a_screenshot_of_every_page_is_kept(audit, subtests):
    each_page(
        audit,
        subtests,
        lambda r: (
            []
            if r.screenshot and r.screenshot.stat().st_size > 5_000
            else [f"no screenshot at {r.screenshot}"]
        ),
    )


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
        report = audit_page(
            page,
            server.url + "/broken.html",
            watch(context, page),
            tmp_path / "shot.png",
        )
    finally:
        context.close()
        server.stop()
    assert set(report.outside) == {"https://cdn.example.org/style.css"}
    assert any("missing.png" in failed and "404" in failed for failed in report.failed)
    assert (
        "warning: a warning" in report.console and "error: an error" in report.console
    )
    assert any("not typeset: \\(y\\)" in line for line in report.math)
    assert any("collapsed to 0 x" in line for line in report.math)
    assert any("KaTeX's stylesheet not applied" in line for line in report.math)
    assert any("raw TeX" in line and "$a^2 + b^2$" in line for line in report.math)

    def problems_of(start):
        return next(
            f["problems"] for f in report.figures if f["figure"].startswith(start)
        )

    assert any("contrast" in p for p in problems_of("<svg width")), report.figures
    assert any("no accessible name" in p for p in problems_of("<svg width"))
    assert any("not visible" in p for p in problems_of("A hidden figure"))
    assert any("no accessible name" in p for p in problems_of("<img"))
    assert {"image-alt", "svg-img-alt"} & {
        v["id"] for v in report.axe if v["impact"] in SERIOUS
    }
    assert report.screenshot.stat().st_size > 1_000


def test_instant_navigation_is_checked(chromium, served):
    """The instant-navigation check notices a reload, so it cannot pass on plain page loads."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    traffic = watch(context, page)
    page.goto(served + "/", wait_until="load")
    page.evaluate(
        "() => { document.addEventListener('click', e => { e.stopImmediatePropagation(); }, true); }"
    )
    problems = navigate_instantly(page, served + "/lessons/", traffic)
    context.close()
    assert "the link reloaded the page instead of navigating instantly" in problems
