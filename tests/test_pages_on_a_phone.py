"""Every page of the built site on a phone, in a real Chromium (tests/browser.py).

Each page loads at 390 x 844 (touch, light scheme) as on a first visit, browser cache
off. tests/page_phone.js then records display formulas that collapse or run off the
screen, anything but a scroll box wider than the screen, and the size of figure text as
laid out; tests/page_audit.js checks formulas and figures as on a desktop. A screenshot
<page>-phone.png is kept beside the others in test-artifacts/screenshots/.

The files each page loaded give the byte budgets of a first visit to a lesson and of a
second lesson reached from the one before, counted from the built files compressed as a
static host sends them (gzip -6): deterministic, unlike times, which `make bench` prints
(tests/bench_pages.py). test-artifacts/page-weights.txt lists every page's figures.
"""

from __future__ import annotations

import functools
import gzip
import statistics
from pathlib import Path

import pytest

import lesson
from browser import (
    ARTIFACTS,
    AUDIT_JS,
    SCREENSHOTS,
    PageReport,
    built_pages,
    each_page,
    shot_name,
    take,
    url_of,
    wait_for_math,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "color_scheme": "light",
}
PHONE_JS = (Path(__file__).parent / "page_phone.js").read_text(encoding="utf8")


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
        # what loads before the reader does anything
        page.wait_for_load_state("networkidle")
        wait_for_math(page)
        # taken now: the audit below scrolls figures into view, and what scrolls into
        # view may load more (the network explorer fetches its files then)
        report.loaded = site_files(requested, served)
        found = page.evaluate(AUDIT_JS)
        report.math, report.figures = found["math"], found["figures"]
        phone = page.evaluate(PHONE_JS)
        report.formulas, report.wide, report.text_sizes = (
            phone["formulas"],
            phone["wide"],
            phone["textSizes"],
        )
        report.screenshot = SCREENSHOTS / shot_name(name, "phone")
        page.screenshot(path=str(report.screenshot), full_page=True)
        # leave the page before the next one counts its requests: nothing this page
        # started (a fetch begun by the audit or the screenshot) is counted there
        page.goto("about:blank")
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
        path = url[len(served) + 1 :].split("#")[0].split("?")[0]
        path = path + "index.html" if path == "" or path.endswith("/") else path
        if path not in files:
            files.append(path)
    return files


@pytest.fixture(scope="module")
def phone(chromium, served, site) -> dict[str, PageReport]:
    return audit_phone(chromium, served, site)


def test_pages_work_on_a_phone(phone, subtests):
    """On a phone too: no request fails or leaves the site, no console noise, math typeset,
    every figure visible and named."""
    each_page(
        phone,
        subtests,
        lambda r: (
            [f"outside: {u}" for u in r.outside]
            + [f"failed: {u}" for u in r.failed]
            + r.console
            + r.math
            + [
                f"{f['figure']}: {'; '.join(f['problems'])}"
                for f in r.figures
                if f["problems"]
            ]
        ),
    )


def test_every_display_formula_is_visible_on_a_phone(phone, subtests):
    each_page(
        phone,
        subtests,
        lambda r: [
            f"{f['formula']!r}: {'; '.join(f['problems'])}"
            for f in r.formulas
            if f["problems"]
        ],
    )
    assert sum(len(r.formulas) for r in phone.values()) >= 20, (
        "the phone check found (almost) no display formula"
    )


def test_nothing_but_scroll_boxes_is_wider_than_a_phone(phone, subtests):
    each_page(phone, subtests, lambda r: r.wide)


def test_figure_text_is_readable_on_a_phone(phone, subtests):
    """As laid out at 390 px, without zooming: at least 9 px (median) and 8 px (smallest)."""

    def small(report):
        if not report.text_sizes:
            return []
        median, smallest = statistics.median(report.text_sizes), min(report.text_sizes)
        return (
            [f"median figure text {median:.1f} px < {MEDIAN_TEXT_PX} px"]
            if median < MEDIAN_TEXT_PX
            else []
        ) + (
            [f"smallest figure text {smallest:.1f} px < {SMALLEST_TEXT_PX} px"]
            if smallest < SMALLEST_TEXT_PX
            else []
        )

    each_page(phone, subtests, small)
    assert sum(len(r.text_sizes) for r in phone.values()) > 500, (
        "the phone check found (almost) no figure text"
    )


def test_a_phone_screenshot_of_every_page_is_kept(phone, subtests):
    each_page(
        phone,
        subtests,
        lambda r: (
            []
            if r.screenshot and r.screenshot.stat().st_size > 5_000
            else [f"no screenshot at {r.screenshot}"]
        ),
    )


def test_a_first_visit_to_a_lesson_stays_in_budget(phone, site):
    """Everything a lesson loads before the reader does anything, compressed as a static host serves it."""
    weights = {
        lesson: sum(compressed(site, f) for f in phone[lesson].loaded)
        for lesson in lessons(site)
    }
    write_weights(site, phone)
    over = {lesson: kb(w) for lesson, w in weights.items() if w > FIRST_VISIT}
    assert not over, f"first visit above {kb(FIRST_VISIT)} KB: {over}"
    assert statistics.median(weights.values()) <= FIRST_VISIT_MEDIAN, {
        k: kb(w) for k, w in weights.items()
    }


def test_a_second_lesson_stays_in_budget(phone, site):
    """A lesson reached from the one before it: the files the first already loaded are cached."""
    weights = second_visits(site, phone)
    over = {lesson: kb(w) for lesson, w in weights.items() if w > SECOND_VISIT}
    assert not over, f"second lesson above {kb(SECOND_VISIT)} KB: {over}"
    assert statistics.median(weights.values()) <= SECOND_VISIT_MEDIAN, {
        k: kb(w) for k, w in weights.items()
    }


def test_the_budget_counts_what_a_page_loads(phone, site):
    """Guards the budgets against a recording that misses files: a lesson's HTML, its
    scripts and stylesheets and the search index are all counted."""
    first = phone[lessons(site)[0]].loaded
    assert lessons(site)[0] in first
    assert any(f.endswith(".js") for f in first) and any(
        f.endswith(".css") for f in first
    )
    assert "search/search_index.json" in first, first


# Byte budgets (1 KB = 1,000 bytes), for lessons.
FIRST_VISIT, FIRST_VISIT_MEDIAN = 450_000, 350_000
SECOND_VISIT, SECOND_VISIT_MEDIAN = 250_000, 150_000
MEDIAN_TEXT_PX, SMALLEST_TEXT_PX = 9, 8


def lessons(site: Path) -> list[str]:
    """The lessons' built pages, in the order of the nav in mkdocs.yml."""
    return [f"lessons/{slug}/index.html" for slug in lesson.lessons()]


@functools.cache
def compressed(site: Path, file: str) -> int:
    """Bytes a static host sends for a built file: gzip level 6, as `gzip -6`."""
    return len(gzip.compress((site / file).read_bytes(), compresslevel=6, mtime=0))


def second_visits(site: Path, phone) -> dict[str, int]:
    """Each lesson's bytes when reached from the page before it in the course (the first
    lesson from the lessons index): only the files that page did not load already."""
    order = ["lessons/index.html", *lessons(site)]
    return {
        lesson: sum(
            compressed(site, f)
            for f in phone[lesson].loaded
            if f not in set(phone[before].loaded)
        )
        for before, lesson in zip(order, order[1:])
    }


def kb(n: int) -> int:
    return round(n / 1000)


def write_weights(site: Path, phone) -> None:
    """test-artifacts/page-weights.txt: every page's first-visit bytes, for people."""
    second = second_visits(site, phone)
    lines = [
        "page | files | first visit, KB gzip | second lesson, KB gzip | HTML raw, KB",
        "---|---|---|---|---",
    ]
    for name, report in phone.items():
        first = sum(compressed(site, f) for f in report.loaded)
        lines.append(
            f"{name} | {len(report.loaded)} | {kb(first)} | {kb(second[name]) if name in second else ''} | "
            f"{kb((site / name).stat().st_size)}"
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weights.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf8"
    )


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
    assert any("page scrolls sideways" in w for w in found["wide"]) and any(
        "<p" in w for w in found["wide"]
    ), found["wide"]
    assert not [w for w in found["wide"] if "wide, scrolls" in w or "clipped" in w], (
        found["wide"]
    )
    # 9.5 pt text in a 1000-pt-wide drawing squeezed into 294 px (the figure keeps its margins): 2.8 px
    assert len(found["textSizes"]) == 1 and 2.7 < found["textSizes"][0] < 2.9, found[
        "textSizes"
    ]
